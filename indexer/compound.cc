#include "indexer/compound.h"

#include <fstream>
#include <map>
#include <mutex>

#include "indexer/common/text.h"

namespace rapportsok {

namespace {

constexpr size_t kMinPart = 4;  // code points: shorter parts split too much ("kon|troll")
constexpr size_t kMinWord = 8;

}  // namespace

namespace {

// hunspell's .dic: a count, then "word/FLAGS" a line. Lowercase words only: names and
// abbreviations are no parts.
std::unordered_set<std::string> read_dictionary(const std::string& path) {
    std::unordered_set<std::string> words;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!in || !std::getline(in, line)) return words;
    words.reserve(200000);
    while (std::getline(in, line)) {
        std::string w = line.substr(0, line.find('/'));
        if (w.empty() || code_points(w) < kMinPart || find_invalid_utf8(w) != std::string::npos)
            continue;
        size_t i = 0;
        if (is_lower(next_code_point(w, i))) words.insert(std::move(w));
    }
    return words;
}

const std::unordered_set<std::string>& dictionary_words(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::unordered_set<std::string>> loaded;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = loaded.find(path);
    if (it == loaded.end()) it = loaded.emplace(path, read_dictionary(path)).first;
    return it->second;
}

}  // namespace

Decompounder::Decompounder(const Analyzer&, const std::string& dictionary)
    : dictionary_(dictionary_words(dictionary)) {}

void Decompounder::add_word(const std::string& w) {
    if (code_points(w) < kMinPart || dictionary_.count(w)) return;
    if (words_.insert(w).second) splits_.clear();
}

bool Decompounder::is_word(const std::string& w) const {
    return dictionary_.count(w) != 0 || words_.count(w) != 0;
}

bool Decompounder::is_tail(const std::string& w) const {
    if (code_points(w) < kMinPart) return false;
    if (is_word(w)) return true;
    // Inflected forms the stemmer leaves apart from the base ("språket", "resurser").
    static const char* const kEndings[] = {"arnas", "ernas", "ornas", "arna", "erna", "orna", "ens",
                                           "ets",   "nas",   "ars",   "ers",  "ors",  "na",   "en",
                                           "et",    "er",    "ar",    "or",   "ns",   "ts",   "n",
                                           "t",     "s",     "e",     "a"};
    for (const char* e : kEndings) {
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
