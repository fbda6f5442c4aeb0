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
        // The words before "(": back to a comma or full stop, at most seven of them; the
        // definition starts at the earliest capitalised one.
        std::vector<std::string> words;
        size_t end = at;
        while (end > 0 && text[end - 1] == ' ') --end;
        while (end > 0 && words.size() < 7) {
            size_t start = end;
            while (start > 0 && text[start - 1] != ' ') --start;
            std::string w = text.substr(start, end - start);
            if (w.empty()) break;
            char last = w.back();
            if (last == ',' || last == '.' || last == ';' || last == ':' || last == ')') break;
            words.push_back(w);
            end = start;
            while (end > 0 && text[end - 1] == ' ') --end;
        }
        std::reverse(words.begin(), words.end());
        size_t first = 0;
        while (first < words.size() && !starts_upper(words[first])) ++first;
        if (first == words.size()) {
            // No capital: the last word alone if it is long ("flyktingkonventionen (X)").
            continue;
        }
        std::string def;
        for (size_t k = first; k < words.size(); ++k) def += (def.empty() ? "" : " ") + words[k];
        if (def.empty() || def == acr) continue;
        if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == acr; }))
            out.emplace_back(acr, def);
    }
    return out;
}

}  // namespace rapportsok
