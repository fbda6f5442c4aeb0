#include "searcher/english.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <hunspell/hunspell.hxx>
#include <set>
#include <sstream>
#include <utility>

#include "indexer/common/text.h"
#include "indexer/common/words.h"

namespace rapportsok {

extern const std::string_view kGlossaryText;

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool file_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Lowercase words with their inner apostrophes: "women's" stays one word.
std::vector<std::string> english_words(const std::string& text) {
    return split_words(fold_case(text), WordRule::kApostrophes);
}

}  // namespace

// ---- SwedishLexicon

SwedishLexicon::SwedishLexicon(std::string prefix) : prefix_(std::move(prefix)) {}

SwedishLexicon::~SwedishLexicon() {
    if (dic_) ::munmap(const_cast<char*>(dic_), dic_size_);
}

void SwedishLexicon::open() const {
    std::call_once(opened_, [&] {
        const std::string aff = prefix_ + ".aff", dic = prefix_ + ".dic";
        available_ = file_exists(aff) && file_exists(dic);
        if (!available_) return;
        // The directives that decide how Hunspell reads an entry of the word list.
        std::ifstream in(aff);
        std::string line;
        bool plain = false;
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string name, value;
            fields >> name >> value;
            if (name == "SET") plain = value == "UTF-8";
            if (name == "FLAG" || name == "AF" || name == "IGNORE" || name == "ICONV" ||
                name == "COMPLEXPREFIXES" || name == "WARN" || name == "FORBIDWARN")
                return;  // flags or words read otherwise: every word goes to Hunspell
            // One-byte flags: Hunspell takes a directive's first byte as its flag.
            const int flag = value.empty() ? -1 : static_cast<unsigned char>(value[0]);
            if (name == "FORBIDDENWORD") forbidden_ = flag;
            if (name == "NEEDAFFIX") needaffix_ = flag;
            if (name == "ONLYINCOMPOUND") onlyincompound_ = flag;
        }
        if (!plain) return;
        const int fd = ::open(dic.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        struct stat st;
        if (::fstat(fd, &st) == 0 && st.st_size > 0) {
            void* p =
                ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) {
                dic_ = static_cast<const char*>(p);
                dic_size_ = static_cast<size_t>(st.st_size);
            }
        }
        ::close(fd);
    });
}

// Hunspell's spell() of a lowercase word without dots or blanks at its ends looks the word up
// first: the first line of the .dic with it as its word decides whether it is forbidden, and
// any of those lines without NEEDAFFIX or ONLYINCOMPOUND makes it a word. Anything less plain
// (an affix to strip, a compound, a line with a morphological field) is Hunspell's to say.
SwedishLexicon::Entry SwedishLexicon::entry(const std::string& w) const {
    if (!dic_) return Entry::kAskHunspell;
    // Lowercase letters Hunspell reads as such: ASCII and Latin-1's, a letter first.
    for (size_t i = 0; i < w.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(w[i]);
        if ((c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '-'))) continue;
        // U+00DF..U+00FF but U+00F7: C3 9F..C3 BF
        if (c == 0xC3 && i + 1 < w.size()) {
            const unsigned char d = static_cast<unsigned char>(w[i + 1]);
            if (d >= 0x9F && d <= 0xBF && d != 0xB7) {
                ++i;
                continue;
            }
        }
        return Entry::kAskHunspell;
    }
    if (w.empty() || w.back() == '-') return Entry::kAskHunspell;
    const std::string needle = "\n" + w;
    bool first = true;
    for (size_t at = 0; at < dic_size_;) {
        const void* hit = ::memmem(dic_ + at, dic_size_ - at, needle.data(), needle.size());
        if (!hit) break;
        const size_t start = static_cast<const char*>(hit) - dic_ + 1, end = start + w.size();
        at = end;
        const char next = end < dic_size_ ? dic_[end] : '\n';
        if (next != '/' && next != '\n') {
            if (next == ' ' || next == '\t' || next == '\r' || next == '\\')
                return Entry::kAskHunspell;  // a field after the word, or a word with a blank
            continue;                        // a longer word
        }
        std::string_view flags;
        if (next == '/') {
            const char* nl =
                static_cast<const char*>(std::memchr(dic_ + end, '\n', dic_size_ - end));
            const size_t stop = nl ? static_cast<size_t>(nl - dic_) : dic_size_;
            flags = std::string_view(dic_ + end + 1, stop - end - 1);
            if (flags.find_first_of(" \t\r/\\") != std::string_view::npos)
                return Entry::kAskHunspell;
        }
        auto has = [&](int flag) {
            return flag >= 0 && flags.find(static_cast<char>(flag)) != std::string_view::npos;
        };
        if (first && has(forbidden_)) return Entry::kAskHunspell;
        first = false;
        if (!has(needaffix_) && !has(onlyincompound_)) return Entry::kAccepted;
    }
    return Entry::kAskHunspell;
}

Hunspell& SwedishLexicon::hunspell() const {
    std::call_once(loaded_, [&] {
        const std::string aff = prefix_ + ".aff", dic = prefix_ + ".dic";
        hunspell_ = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
    });
    return *hunspell_;
}

bool SwedishLexicon::available() const {
    open();
    return available_;
}

bool SwedishLexicon::hunspell_read() const { return hunspell_ != nullptr; }

bool SwedishLexicon::knows(const std::string& w) const {
    open();
    if (!available_) return true;
    if (w.empty() || w.size() > 100) return false;
    if (entry(w) == Entry::kAccepted) return true;
    Hunspell& h = hunspell();
    std::lock_guard<std::mutex> lock(mutex_);
    return h.spell(w);
}

std::string SwedishLexicon::root(const std::string& w) const {
    open();
    if (!available_ || w.empty() || w.size() > 100) return "";
    if (entry(w) == Entry::kAccepted) return "";  // its own entry: Hunspell gives no root
    Hunspell& h = hunspell();
    std::lock_guard<std::mutex> lock(mutex_);
    std::string root;
    if (!h.spell(w, nullptr, &root)) return "";
    return root == w ? "" : root;
}

// ---- the glossary

std::vector<std::string> english_base_forms(const std::string& w) {
    static const std::map<std::string, std::string> kIrregular = {
        {"children", "child"}, {"women", "woman"}, {"men", "man"},   {"people", "person"},
        {"lives", "life"},     {"wives", "wife"},  {"feet", "foot"}, {"teeth", "tooth"}};
    std::vector<std::string> bases;
    auto add = [&](const std::string& b) {
        if (!b.empty() && std::find(bases.begin(), bases.end(), b) == bases.end())
            bases.push_back(b);
    };
    add(w);
    std::string word = w;
    for (const char* g : {"'s", "\xE2\x80\x99s", "'"})
        if (word.size() > std::string(g).size() &&
            word.compare(word.size() - std::string(g).size(), std::string::npos, g) == 0)
            word = word.substr(0, word.size() - std::string(g).size());
    add(word);
    auto irregular = kIrregular.find(word);
    if (irregular != kIrregular.end()) add(irregular->second);
    auto ends = [&](const char* e) {
        std::string s(e);
        return word.size() > s.size() + 2 && word.compare(word.size() - s.size(), s.size(), s) == 0;
    };
    if (ends("ies")) add(word.substr(0, word.size() - 3) + "y");
    if (ends("es")) add(word.substr(0, word.size() - 2));
    if (ends("s") && !ends("ss")) add(word.substr(0, word.size() - 1));
    return bases;
}

std::vector<GlossaryEntry> parse_glossary(std::string_view all) {
    std::vector<GlossaryEntry> out;
    size_t start = 0;
    while (start < all.size()) {
        size_t end = all.find('\n', start);
        if (end == std::string_view::npos) end = all.size();
        const std::string line(all.substr(start, end - start));
        start = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const size_t eq = line.find(" = ");
        if (eq == std::string::npos) continue;
        GlossaryEntry e;
        e.english = english_words(line.substr(0, eq));
        for (const std::string& w : e.english)
            if (!is_english_stopword(w)) e.key.push_back(w);
        if (e.key.empty()) e.key = e.english;
        std::string rest = line.substr(eq + 3);
        size_t from = 0;
        while (from <= rest.size()) {
            size_t semi = rest.find(';', from);
            std::string t = trim(rest.substr(from, semi == std::string::npos ? semi : semi - from));
            if (!t.empty() && std::find(e.swedish.begin(), e.swedish.end(), t) == e.swedish.end())
                e.swedish.push_back(t);
            if (semi == std::string::npos) break;
            from = semi + 1;
        }
        if (!e.english.empty() && !e.swedish.empty()) out.push_back(std::move(e));
    }
    return out;
}

// ---- EnglishDictionary

EnglishDictionary::EnglishDictionary(const std::string& prefix, const std::string& swedish_prefix)
    : EnglishDictionary(prefix, swedish_prefix, kGlossaryText) {}

EnglishDictionary::EnglishDictionary(const std::string& prefix, const std::string& swedish_prefix,
                                     std::string_view glossary)
    : freedict_(std::make_unique<DictdFile>(prefix)),
      glossary_(parse_glossary(glossary)),
      swedish_(std::make_unique<SwedishLexicon>(swedish_prefix)) {
    index_glossary();
}

void EnglishDictionary::index_glossary() {
    for (size_t k = 0; k < glossary_.size(); ++k) {
        const GlossaryEntry& e = glossary_[k];
        if (e.english.size() == 1)
            single_.emplace(e.english.front(), k);  // the first line for a word counts
        else
            by_first_word_.emplace(e.key.front(), k);
    }
}

std::vector<std::string> EnglishDictionary::lookup(const std::string& head) const {
    std::vector<std::string> out;
    for (const std::string& entry : freedict_->entries(head)) {
        size_t nl = entry.find('\n');  // the first line is the headword and its pronunciation
        std::string body = nl == std::string::npos ? "" : entry.substr(nl + 1);
        size_t start = 0;
        while (start < body.size()) {
            size_t end = body.find('\n', start);
            if (end == std::string::npos) end = body.size();
            std::string l = trim(body.substr(start, end - start));
            start = end + 1;
            // "1. telning, unge": numbered senses.
            size_t dot = l.find(". ");
            if (dot != std::string::npos && dot <= 2 && isdigit(static_cast<unsigned char>(l[0])))
                l = l.substr(dot + 2);
            size_t from_at = 0;
            while (from_at <= l.size()) {
                size_t sep = l.find_first_of(",;", from_at);
                std::string t =
                    trim(l.substr(from_at, sep == std::string::npos ? sep : sep - from_at));
                size_t paren = t.find('(');
                if (paren != std::string::npos) t = trim(t.substr(0, paren));
                if (!t.empty() && t.size() < 60) out.push_back(t);
                if (sep == std::string::npos) break;
                from_at = sep + 1;
            }
        }
    }
    return out;
}

std::vector<std::string> EnglishDictionary::glossary(const std::string& w) const {
    for (const std::string& b : english_base_forms(w)) {
        auto it = single_.find(b);
        if (it != single_.end()) return glossary_[it->second].swedish;
    }
    return {};
}

std::vector<std::string> EnglishDictionary::freedict(const std::string& w) const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const std::string& b : english_base_forms(w)) {
        for (const std::string& t : lookup(b))
            if (seen.insert(t).second) out.push_back(t);
        if (!out.empty()) break;  // the first base form that is a headword
    }
    return out;
}

std::vector<std::string> EnglishDictionary::translate(const std::string& w) const {
    std::vector<std::string> g = glossary(w);
    return g.empty() ? freedict(w) : g;
}

size_t EnglishDictionary::expression_at(const std::vector<std::string>& words, size_t from,
                                        const GlossaryEntry** entry) const {
    size_t best = 0;
    if (from >= words.size()) return 0;
    for (const std::string& b : english_base_forms(words[from])) {
        auto [lo, hi] = by_first_word_.equal_range(b);
        for (auto it = lo; it != hi; ++it) {
            const GlossaryEntry& e = glossary_[it->second];
            const size_t n = e.key.size();
            if (n <= best || from + n > words.size()) continue;
            bool all = true;
            for (size_t k = 1; k < n && all; ++k) {
                const std::vector<std::string> forms = english_base_forms(words[from + k]);
                all = std::find(forms.begin(), forms.end(), e.key[k]) != forms.end();
            }
            if (!all) continue;
            best = n;
            *entry = &e;
        }
    }
    return best;
}

}  // namespace rapportsok
