#include "searcher/spelling.h"

#include <algorithm>
#include <cstring>

#include "indexer/common/text.h"

namespace rapportsok {

namespace {

std::vector<char32_t> decode(const std::string& utf8) {
    std::vector<char32_t> out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size();) out.push_back(next_code_point(utf8, i));
    return out;
}

// The first bytes an unprefixed term (a word of the text) can start with: all but the capitals
// that begin prefixes, the bytes no UTF-8 character begins with, and control characters. One
// look-up each, which for a remote shard is one round trip fetching those terms.
std::vector<std::string> word_starts() {
    std::vector<std::string> out;
    for (int b = 0x21; b <= 0xF4; ++b) {
        if ((b >= 'A' && b <= 'Z') || b == 0x7F || (b >= 0x80 && b < 0xC2)) continue;
        out.emplace_back(1, static_cast<char>(b));
    }
    return out;
}

// A bound the words' lengths stay within: longer terms are no words to correct to.
constexpr size_t kMaxWordLength = 64;

}  // namespace

bool same_family(const std::string& typed, const std::string& correction) {
    const std::vector<char32_t> t = decode(typed), c = decode(correction);
    if (t.size() < 5) return false;
    const size_t start = t.size() - 2;
    return c.size() >= start &&
           std::equal(t.begin(), t.begin() + static_cast<long>(start), c.begin());
}

unsigned edit_distance(const char32_t* a, size_t na, const char32_t* b, size_t nb, unsigned bound) {
    const size_t diff = na > nb ? na - nb : nb - na;
    if (diff > bound) return bound + 1;
    // Rows of the table of distances between prefixes; `before` is two rows up, for a
    // transposition.
    unsigned before_buf[kMaxWordLength + 2], last_buf[kMaxWordLength + 2],
        row_buf[kMaxWordLength + 2];
    if (nb > kMaxWordLength) return bound + 1;
    unsigned *before = before_buf, *last = last_buf, *row = row_buf;
    for (size_t j = 0; j <= nb; ++j) last[j] = static_cast<unsigned>(j);
    for (size_t i = 1; i <= na; ++i) {
        row[0] = static_cast<unsigned>(i);
        unsigned least = row[0];
        for (size_t j = 1; j <= nb; ++j) {
            const unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned d = std::min({last[j] + 1, row[j - 1] + 1, last[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d = std::min(d, before[j - 2] + 1);
            row[j] = d;
            least = std::min(least, d);
        }
        if (least > bound) return bound + 1;
        unsigned* t = before;
        before = last;
        last = row;
        row = t;
    }
    return last[nb];
}

uint64_t letter_mask(const char32_t* a, size_t n) {
    uint64_t mask = 0;
    for (size_t i = 0; i < n; ++i) mask |= uint64_t{1} << (a[i] % 64);
    return mask;
}

Vocabulary::Vocabulary(const Xapian::Database& db, const std::string& prefix) {
    for (const std::string& first : word_starts()) {
        const std::string start = prefix + first;
        for (auto it = db.allterms_begin(start); it != db.allterms_end(start); ++it) {
            const std::string term = (*it).substr(prefix.size());
            if (term.size() > 4 * kMaxWordLength) continue;
            const std::vector<char32_t> cps = decode(term);
            if (cps.size() > kMaxWordLength) continue;
            if (by_length_.size() <= cps.size()) by_length_.resize(cps.size() + 1);
            Bucket& b = by_length_[cps.size()];
            b.code_points.insert(b.code_points.end(), cps.begin(), cps.end());
            b.freqs.push_back(it.get_termfreq());
            b.offsets.push_back(utf8_.size());
            b.letters.push_back(letter_mask(cps.data(), cps.size()));
            utf8_ += term;
            utf8_ += '\0';
            ++words_;
        }
    }
}

std::string Vocabulary::suggest(const std::string& word, unsigned max_edits) const {
    const Suggestion s = nearest(word, max_edits);
    return s.freq < s.typed_freq ? "" : s.word;
}

Suggestion Vocabulary::nearest(const std::string& word, unsigned max_edits) const {
    if (word.size() <= 1 || max_edits == 0) return {};
    const std::vector<char32_t> w = decode(word);
    if (w.size() > kMaxWordLength) return {};
    max_edits = std::min<unsigned>(max_edits, static_cast<unsigned>(w.size() - 1));
    unsigned best_distance = max_edits;
    Xapian::doccount best_freq = 0, exact_freq = 0;
    const char* best = nullptr;
    const size_t from = w.size() > max_edits ? w.size() - max_edits : 0;
    const size_t to = std::min(w.size() + max_edits, by_length_.size() - 1);
    const uint64_t letters = letter_mask(w.data(), w.size());
    for (size_t len = from; len <= to && len < by_length_.size(); ++len) {
        const Bucket& b = by_length_[len];
        for (size_t k = 0; k < b.freqs.size(); ++k) {
            // Past the bound by the letters one word has and the other lacks: edit_distance
            // would say so too, at the cost of its table.
            if (static_cast<unsigned>(__builtin_popcountll(b.letters[k] & ~letters)) >
                    best_distance ||
                static_cast<unsigned>(__builtin_popcountll(letters & ~b.letters[k])) >
                    best_distance)
                continue;
            const unsigned d = edit_distance(b.code_points.data() + k * len, len, w.data(),
                                             w.size(), best_distance);
            if (d > best_distance) continue;
            if (d == 0) {
                exact_freq = b.freqs[k];
                continue;
            }
            const char* term = utf8_.data() + b.offsets[k];
            if (!best || d < best_distance || b.freqs[k] > best_freq ||
                (b.freqs[k] == best_freq && std::strcmp(term, best) < 0)) {
                best = term;
                best_distance = d;
                best_freq = b.freqs[k];
            }
        }
    }
    if (!best) return {"", 0, exact_freq};
    return {best, best_freq, exact_freq};
}

}  // namespace rapportsok
