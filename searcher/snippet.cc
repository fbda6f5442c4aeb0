#include "searcher/snippet.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "indexer/common/text.h"
#include "indexer/common/words.h"

namespace rapportsok {

struct SnippetMemory::Breaker {
    std::unique_ptr<icu::BreakIterator> sentences;
    bool made = false;
};

SnippetMemory::SnippetMemory() : breaker_(std::make_unique<Breaker>()) {}
SnippetMemory::~SnippetMemory() = default;

WordForms& SnippetMemory::forms_of(std::string_view word) {
    key_.assign(word.data(), word.size());
    if (WordForms* known = forms_.find(key_)) return *known;
    WordForms forms;
    forms.folded = fold_case(word);
    // The TermGenerator writes U+2019 in a word as ' ("women’s" is the term women's).
    for (size_t at; (at = forms.folded.find("\u2019")) != std::string::npos;)
        forms.folded.replace(at, 3, "'");
    return forms_.put(key_, std::move(forms));
}

std::vector<std::pair<size_t, size_t>> SnippetMemory::sentences(const std::string& text) {
    std::vector<std::pair<size_t, size_t>> out;
    UErrorCode status = U_ZERO_ERROR;
    if (!breaker_->made) {
        breaker_->sentences.reset(
            icu::BreakIterator::createSentenceInstance(icu::Locale("sv"), status));
        breaker_->made = true;
        if (U_FAILURE(status)) breaker_->sentences.reset();
    }
    icu::BreakIterator* it = breaker_->sentences.get();
    if (!it) {
        out.emplace_back(0, text.size());
        return out;
    }
    UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
    it->setText(ut, status);
    int32_t start = it->first();
    for (int32_t end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next())
        out.emplace_back(static_cast<size_t>(start), static_cast<size_t>(end));
    utext_close(ut);
    if (out.empty()) out.emplace_back(0, text.size());
    return out;
}

Highlighter::Highlighter(const Analyzer& analyzer, HighlightTerms terms, SnippetMemory& memory)
    : analyzer_(analyzer),
      terms_(std::move(terms)),
      memory_(memory),
      number_(memory.next_highlighter()) {
    // Snowball's Swedish stemmer only takes endings off (never within a word's first three
    // letters), so a word can match only if it starts as an exact word, a stem or a prefix does.
    for (const auto* words : {&terms_.exact, &terms_.stems})
        for (const std::string& w : *words)
            if (!w.empty()) first_bytes_.set(static_cast<unsigned char>(w[0]));
    for (const std::string& p : terms_.prefixes)
        if (!p.empty()) first_bytes_.set(static_cast<unsigned char>(p[0]));
}

template <typename StemOf>
int Highlighter::compute(const std::string& w, StemOf&& stem_of) const {
    if (terms_.exact.count(w)) return 2;
    if (!terms_.stems.empty() && terms_.stems.count(stem_of())) return 1;
    int s = 0;
    for (const std::string& p : terms_.prefixes)
        if (w.compare(0, p.size(), p) == 0) s = 1;
    for (const std::string& p : terms_.infixes)
        if (w.size() > p.size() && w.find(p) != std::string::npos) s = 1;
    return s;
}

int Highlighter::strength(const std::string& w) const {
    auto hit = cache_.find(w);
    if (hit != cache_.end()) return hit->second;
    int s = compute(w, [&] { return analyzer_.stem(w); });
    cache_.emplace(w, s);
    return s;
}

int Highlighter::strength_as_written(std::string_view word) const {
    if (word.empty()) return 0;
    const unsigned char first = static_cast<unsigned char>(word[0]);
    if (terms_.infixes.empty() && first < 0x80) {
        // Most words of a passage: no look-up at all.
        const unsigned char lower = first >= 'A' && first <= 'Z' ? first - 'A' + 'a' : first;
        if (!first_bytes_.test(lower)) return 0;
    }
    WordForms& f = memory_.forms_of(word);
    if (f.highlighter == number_) return f.strength;
    auto folded = cache_.find(f.folded);
    if (folded != cache_.end()) {
        f.strength = folded->second;
    } else {
        f.strength = compute(f.folded, [&]() -> const std::string& {
            if (!f.stemmed) {
                f.stem = analyzer_.stem(f.folded);
                f.stemmed = true;
            }
            return f.stem;
        });
        cache_.emplace(f.folded, f.strength);
    }
    f.highlighter = number_;
    return f.strength;
}

bool Highlighter::matches(const std::string& w) const { return strength(w) > 0; }

namespace {

// The words of text[begin, end) the highlighter looks at: f(b, e) with offsets into text.
template <typename F>
void words_in(const std::string& text, size_t begin, size_t end, F&& f) {
    for_each_word(std::string_view(text).substr(begin, end - begin), WordRule::kApostrophes,
                  [&](const WordSpan& w) { f(begin + w.begin, begin + w.end); });
}

struct Sentence {
    size_t begin, end;
    int score = 0;
};

size_t trim_end(const std::string& t, size_t b, size_t e) {
    while (e > b && (t[e - 1] == ' ' || t[e - 1] == '\n')) --e;
    return e;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> Highlighter::find(const std::string& text) const {
    return find_in(text, 0, text.size());
}

std::vector<std::pair<size_t, size_t>> Highlighter::find_in(const std::string& text, size_t begin,
                                                            size_t end) const {
    std::vector<std::pair<size_t, size_t>> out;
    words_in(text, begin, end, [&](size_t b, size_t e) {
        if (strength_as_written(std::string_view(text).substr(b, e - b)) > 0)
            out.emplace_back(b - begin, e - begin);
    });
    return out;
}

Snippet make_snippet(const std::string& text, const Highlighter& hl, size_t max_bytes) {
    const size_t whole = trim_end(text, 0, text.size());
    if (text.size() <= max_bytes) {
        // All of it fits: every sentence would be taken, so none need be found or scored.
        Snippet s;
        s.text.assign(text, 0, whole);
        s.highlights = hl.find_in(text, 0, whole);
        return s;
    }
    std::vector<Sentence> ss;
    for (auto [b, e] : hl.memory().sentences(text)) ss.push_back({b, e});
    // Score: distinct matching words, exact ones counting double, plus a little per repeat.
    size_t best = 0;
    std::vector<std::string> seen;  // a sentence's matching words: a few at most
    for (size_t k = 0; k < ss.size(); ++k) {
        seen.clear();
        int score = 0;
        words_in(text, ss[k].begin, ss[k].end, [&](size_t b, size_t e) {
            const std::string_view word = std::string_view(text).substr(b, e - b);
            int s = hl.strength_as_written(word);
            if (!s) return;
            std::string w = fold_case(word);
            if (std::find(seen.begin(), seen.end(), w) == seen.end()) {
                seen.push_back(std::move(w));
                score += 10 * s;
            } else {
                score += 1;
            }
        });
        ss[k].score = score;
        if (score > ss[best].score) best = k;
    }
    // Grow from the best sentence: the next one first, then the one before.
    size_t lo = best, hi = best;
    size_t len = ss[best].end - ss[best].begin;
    for (bool grew = true; grew;) {
        grew = false;
        if (hi + 1 < ss.size() && len + (ss[hi + 1].end - ss[hi + 1].begin) <= max_bytes) {
            ++hi;
            len += ss[hi].end - ss[hi].begin;
            grew = true;
        }
        if (lo > 0 && len + (ss[lo - 1].end - ss[lo - 1].begin) <= max_bytes) {
            len += ss[lo].begin - ss[lo - 1].begin;
            --lo;
            grew = true;
        }
    }
    size_t b = ss[lo].begin, e = trim_end(text, b, ss[hi].end);
    bool cut_front = b > 0, cut_back = e < whole;
    if (e - b > max_bytes) {
        // One long sentence: a window around its first match, cut at word boundaries.
        auto marks = hl.find_in(text, b, e);
        size_t centre = marks.empty() ? b : b + marks.front().first;
        size_t wb = centre > b + max_bytes / 3 ? centre - max_bytes / 3 : b;
        while (wb > b && text[wb - 1] != ' ') --wb;
        size_t we = std::min(e, wb + max_bytes);
        while (we < e && text[we] != ' ') ++we;
        cut_front = cut_front || wb > b;
        cut_back = cut_back || we < e;
        b = wb;
        e = trim_end(text, b, we);
    }
    Snippet s;
    const std::string ellipsis = "…";
    if (cut_front) s.text = ellipsis + " ";
    size_t offset = s.text.size();
    s.text.append(text, b, e - b);
    for (auto [mb, me] : hl.find_in(text, b, e))
        s.highlights.emplace_back(mb + offset, me + offset);
    if (cut_back) s.text += " " + ellipsis;
    return s;
}

}  // namespace rapportsok
