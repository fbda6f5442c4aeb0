#include "searcher/english.h"

#include <zlib.h>

#include <fstream>
#include <set>

namespace rapportsok {

namespace {

// dictd's base64 numbers: offsets and lengths in the .index file.
size_t b64(const std::string& s) {
    static const std::string kDigits =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    for (char c : s) {
        size_t d = kDigits.find(c);
        if (d == std::string::npos) return std::string::npos;
        n = n * 64 + d;
    }
    return n;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

EnglishDictionary::EnglishDictionary(const std::string& prefix) {
    std::ifstream index(prefix + ".index");
    gzFile dz = gzopen((prefix + ".dict.dz").c_str(), "rb");
    if (!index || !dz) {
        if (dz) gzclose(dz);
        return;
    }
    char buf[65536];
    int n;
    while ((n = gzread(dz, buf, sizeof buf)) > 0) dict_.append(buf, static_cast<size_t>(n));
    gzclose(dz);
    std::string line;
    while (std::getline(index, line)) {
        size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
        if (t1 == std::string::npos || t2 == std::string::npos) continue;
        size_t off = b64(line.substr(t1 + 1, t2 - t1 - 1)), len = b64(line.substr(t2 + 1));
        if (off == std::string::npos || len == std::string::npos || off + len > dict_.size())
            continue;
        entries_.emplace(line.substr(0, t1), std::make_pair(off, len));
    }
}

std::vector<std::string> EnglishDictionary::lookup(const std::string& head) const {
    std::vector<std::string> out;
    auto [from, to] = entries_.equal_range(head);
    for (auto it = from; it != to; ++it) {
        std::string entry = dict_.substr(it->second.first, it->second.second);
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

std::vector<std::string> EnglishDictionary::translate(const std::string& w) const {
    static const std::map<std::string, std::string> kIrregular = {
        {"children", "child"}, {"women", "woman"}, {"men", "man"},   {"people", "person"},
        {"lives", "life"},     {"wives", "wife"},  {"feet", "foot"}, {"teeth", "tooth"}};
    std::vector<std::string> bases;
    std::string word = w;
    for (const char* g : {"'s", "\xE2\x80\x99s", "'"})
        if (word.size() > std::string(g).size() &&
            word.compare(word.size() - std::string(g).size(), std::string::npos, g) == 0)
            word = word.substr(0, word.size() - std::string(g).size());
    bases.push_back(word);
    auto irregular = kIrregular.find(word);
    if (irregular != kIrregular.end()) bases.push_back(irregular->second);
    auto ends = [&](const char* e) {
        std::string s(e);
        return word.size() > s.size() + 2 && word.compare(word.size() - s.size(), s.size(), s) == 0;
    };
    if (ends("ies")) bases.push_back(word.substr(0, word.size() - 3) + "y");
    if (ends("es")) bases.push_back(word.substr(0, word.size() - 2));
    if (ends("s")) bases.push_back(word.substr(0, word.size() - 1));
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const std::string& b : bases) {
        for (const std::string& t : lookup(b))
            if (seen.insert(t).second) out.push_back(t);
        if (!out.empty()) break;  // the first base form that is a headword
    }
    return out;
}

}  // namespace rapportsok
