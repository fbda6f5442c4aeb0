// The benchmark's query files and timing output, shared by its C++ peers (xapian_peer.cc,
// fts5_peer.cc): queries-*.tsv holds name <TAB> rapportsök query <TAB> words <TAB> phrase 0/1
// <TAB> section or "-"; a warm run prints {"name": [seconds, ...], ..., "_totals": {...}}.
#pragma once

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

struct Query {
    std::string name, rq;  // rq: the query as rapportsök is asked it
    std::string words;
    bool phrase = false;
    std::string section;  // a number, or "-"
};

inline std::vector<Query> read_queries(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<Query> out;
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> f;
        size_t start = 0;
        for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
            f.push_back(line.substr(start, tab - start));
        f.push_back(line.substr(start));
        if (f.size() != 5) continue;
        out.push_back(Query{f[0], f[1], f[2], f[3] == "1", f[4]});
    }
    return out;
}

inline void print_times(const std::vector<Query>& qs, const std::vector<std::vector<double>>& times,
                        const std::vector<long>& totals) {
    std::string out = "{";
    char buf[32];
    for (size_t q = 0; q < qs.size(); ++q) {
        out += (q ? ", \"" : "\"") + qs[q].name + "\": [";
        for (size_t i = 0; i < times[q].size(); ++i) {
            std::snprintf(buf, sizeof buf, "%s%.9f", i ? "," : "", times[q][i]);
            out += buf;
        }
        out += "]";
    }
    out += ", \"_totals\": {";
    for (size_t q = 0; q < qs.size(); ++q)
        out += (q ? ", \"" : "\"") + qs[q].name + "\": " + std::to_string(totals[q]);
    out += "}}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace bench
