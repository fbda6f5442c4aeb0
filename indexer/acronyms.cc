#include "indexer/acronyms.h"

#include <algorithm>

#include "indexer/common/text.h"

namespace rapportsok {

namespace {

// "RSF", "ODIHR:s", "UNHCR": 2 to 8 capitals (digits allowed after the first), a genitive kept off.
bool acronym(const std::string& s, std::string& out) {
    std::string a = s.substr(0, s.find(':'));
    if (a.size() < 2 || a.size() > 8) return false;
    if (!(a[0] >= 'A' && a[0] <= 'Z')) return false;
    for (char c : a)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    out = a;
    return true;
}

bool starts_upper(const std::string& w) {
    size_t i = 0;
    return !w.empty() && is_upper(next_code_point(w, i));
}

// The word's first letter, upper case (ASCII only: acronyms are ASCII); 0 for none.
char initial(const std::string& w) {
    for (char c : w) {
        if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
        if (c >= 'A' && c <= 'Z') return c;
        if (static_cast<unsigned char>(c) >= 0x80) return 0;
    }
    return 0;
}

struct Word {
    std::string text;
    bool comma_before = false;  // a comma ends the word before this one
};

// The words before the parenthesis at `at`, nearest last: back to the start of the sentence,
// a list item's dash, a colon or another parenthesis, at most kMaxWords of them.
std::vector<Word> words_before(const std::string& text, size_t at) {
    constexpr size_t kMaxWords = 14;
    std::vector<Word> words;
    size_t end = at;
    while (end > 0 && text[end - 1] == ' ') --end;
    while (end > 0 && words.size() < kMaxWords) {
        size_t start = end;
        while (start > 0 && text[start - 1] != ' ') --start;
        std::string w = text.substr(start, end - start);
        if (w.empty() || w == "-" || w == "–") break;
        char last = w.back();
        if (last == '.' || last == ';' || last == ':' || last == ')' || last == '(') break;
        bool comma = last == ',';
        if (comma) w.pop_back();
        if (!words.empty()) words.back().comma_before = comma;
        if (w.empty()) break;
        words.push_back({w, false});
        end = start;
        while (end > 0 && text[end - 1] == ' ') --end;
    }
    std::reverse(words.begin(), words.end());
    return words;
}

// Whether the acronym's letters are, in order, initials of words[from..]: words[from], a
// capitalised word, gives the first letter, each later letter a later word ("Convention against
// Torture ..." for CAT).
bool initials_spell(const std::vector<Word>& words, size_t from, const std::string& acr) {
    if (!starts_upper(words[from].text) || initial(words[from].text) != acr[0]) return false;
    size_t k = 1;
    for (size_t i = from + 1; i < words.size() && k < acr.size(); ++i)
        if (initial(words[i].text) == acr[k]) ++k;
    return k == acr.size();
}

std::string join(const std::vector<Word>& words, size_t from) {
    std::string out;
    for (size_t k = from; k < words.size(); ++k) {
        if (!out.empty()) out += words[k].comma_before ? ", " : " ";
        out += words[k].text;
    }
    return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> find_acronyms(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t open = 0;
    while ((open = text.find('(', open)) != std::string::npos) {
        size_t close = text.find(')', open);
        if (close == std::string::npos) break;
        std::string inside = text.substr(open + 1, close - open - 1), acr;
        size_t at = open++;
        if (!acronym(inside, acr)) continue;
        const std::vector<Word> words = words_before(text, at);
        if (words.empty()) continue;
        // The name is the nearest run of words whose initials spell the acronym ("Convention on
        // the Rights of the Child (CRC)"); failing that, the nearest capitalised word with the
        // capitalised words right before it and what follows it, within the clause ("tillträtt
        // Internationella arbetsorganisationens (ILO)", "Kazakstans Folkliga Kommunistparti").
        std::string def;
        for (size_t from = words.size(); from-- > 0;) {
            if (initials_spell(words, from, acr)) {
                def = join(words, from);
                break;
            }
        }
        constexpr size_t kNearName = 4;  // words between the name's capital and "(", at most
        if (def.empty()) {
            size_t last = words.size();
            while (last > 0 && words.size() - last < kNearName &&
                   !starts_upper(words[last - 1].text) && !words[last - 1].comma_before)
                --last;
            if (last > 0 && starts_upper(words[last - 1].text)) {
                size_t first = last - 1;
                while (first > 0 && starts_upper(words[first - 1].text) &&
                       !words[first].comma_before)
                    --first;
                def = join(words, first);
            }
        }
        if (def.empty() || def == acr) continue;
        if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == acr; }))
            out.emplace_back(acr, def);
    }
    return out;
}

}  // namespace rapportsok
