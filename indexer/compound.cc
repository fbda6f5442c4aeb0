#include "indexer/compound.h"

#include <string_view>

#include "indexer/common/endings.h"
#include "indexer/common/text.h"

namespace rapportsok {

extern const std::string_view kCompoundWords[];
extern const size_t kCompoundWords_count;

namespace {

constexpr size_t kMinPart = 4;  // code points: shorter parts split too much ("kon|troll")
constexpr size_t kMinWord = 8;

}  // namespace

namespace {

// indexer/compound_words.txt: '#' comment lines, then a word a line. Lowercase words only
// (names and abbreviations are no parts), of kMinPart letters or more.
std::shared_ptr<const std::unordered_set<std::string>> compiled_in_words() {
    static const auto lexicon = [] {
        auto out = std::make_shared<std::unordered_set<std::string>>();
        std::unordered_set<std::string>& words = *out;
        words.reserve(140000);
        for (size_t k = 0; k < kCompoundWords_count; ++k) {
            const std::string_view piece = kCompoundWords[k];
            size_t start = 0;
            while (start < piece.size()) {
                size_t end = piece.find('\n', start);
                if (end == std::string_view::npos) end = piece.size();
                std::string w(piece.substr(start, end - start));
                start = end + 1;
                if (w.empty() || w[0] == '#' || code_points(w) < kMinPart ||
                    find_invalid_utf8(w) != std::string::npos)
                    continue;
                size_t i = 0;
                if (is_lower(next_code_point(w, i))) words.insert(std::move(w));
            }
        }
        return std::shared_ptr<const std::unordered_set<std::string>>(std::move(out));
    }();
    return lexicon;
}

}  // namespace

Decompounder::Decompounder() : dictionary_(compiled_in_words()) {}

Decompounder::Decompounder(std::unordered_set<std::string> lexicon)
    : dictionary_(std::make_shared<const std::unordered_set<std::string>>(std::move(lexicon))) {}

bool Decompounder::learns(const std::string& w) const {
    return code_points(w) >= kMinPart && dictionary_->count(w) == 0;
}

void Decompounder::add_word(const std::string& w) {
    if (learns(w) && words_.insert(w).second) splits_.clear();
}

bool Decompounder::is_word(const std::string& w) const {
    return dictionary_->count(w) != 0 || words_.count(w) != 0;
}

bool Decompounder::is_tail(const std::string& w) const {
    if (code_points(w) < kMinPart) return false;
    if (is_word(w)) return true;
    // Inflected forms the stemmer leaves apart from the base ("språket", "resurser").
    for (const char* e : endings::kInflected) {
        std::string end(e);
        if (w.size() > end.size() + 3 && w.compare(w.size() - end.size(), end.size(), end) == 0 &&
            is_word(w.substr(0, w.size() - end.size())))
            return true;
    }
    return false;
}

bool Decompounder::is_head(const std::string& w, std::string& base) const {
    if (code_points(w) < kMinPart) return false;
    if (is_word(w)) {
        base = w;
        return true;
    }
    // Linking letters: rätt-s-säkerhet, ombudsmann-a-institution, flick-e-skola.
    char last = w.back();
    if (last == 's' || last == 'a' || last == 'e' || last == 'o' || last == 'u') {
        std::string shorter = w.substr(0, w.size() - 1);
        if (code_points(shorter) >= kMinPart - 1 && is_word(shorter)) {
            base = shorter;
            return true;
        }
        // A doubled consonant dropped in the base form: "ombudsmann-a" from "ombudsman".
        if (shorter.size() >= 2 && shorter.back() == shorter[shorter.size() - 2] &&
            is_word(shorter.substr(0, shorter.size() - 1))) {
            base = shorter.substr(0, shorter.size() - 1);
            return true;
        }
    }
    return false;
}

std::vector<std::string> Decompounder::split(const std::string& w) const {
    auto hit = splits_.find(w);
    if (hit != splits_.end()) return hit->second;
    if (splits_.size() > 200000) splits_.clear();
    return splits_.emplace(w, split_uncached(w)).first->second;
}

std::string Decompounder::last_part(const std::string& w) const {
    size_t head = 0;  // code points before i
    for (size_t i = 1; i < w.size(); ++i) {
        if ((static_cast<unsigned char>(w[i]) & 0xC0) == 0x80) continue;  // inside a letter
        if (++head < 2) continue;
        std::string tail = w.substr(i);
        if (is_tail(tail)) return tail;
    }
    return "";
}

std::vector<std::string> Decompounder::split_uncached(const std::string& w) const {
    if (code_points(w) < kMinWord) return {};
    for (unsigned char c : w)
        if (c < 0x80 && !(c >= 'a' && c <= 'z')) return {};  // digits, hyphens: not a word
    // The longest tail that is a word (or a form of one), with a head that is one too.
    for (size_t i = 1; i < w.size(); ++i) {
        if ((static_cast<unsigned char>(w[i]) & 0xC0) == 0x80) continue;  // inside a letter
        std::string head = w.substr(0, i), tail = w.substr(i), base;
        if (!is_tail(tail)) continue;
        if (is_head(head, base)) return {base, tail};
        // A head that is a compound itself: "människorätts|kommission".
        std::vector<std::string> inner =
            split(head.back() == 's' ? head.substr(0, head.size() - 1) : head);
        if (!inner.empty()) {
            inner.push_back(tail);
            return inner;
        }
    }
    return {};
}

}  // namespace rapportsok
