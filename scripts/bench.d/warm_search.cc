// Warm search for scripts/bench: opens a rapportsök database once, as one SearchEngine, then runs
// a query set ITERS times through SearchEngine::search() (top 10 with snippets and facets, every
// expansion on, as the searcher does), timing each call. Prints JSON: {"query name": [seconds,
// ...], ...}.
//
//   warm_search DB QUERIES.tsv ITERS      (QUERIES.tsv: name <TAB> query <TAB> ...)
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "indexer/common/errors.h"
#include "searcher/engine.h"

int main(int argc, char** argv) try {
    if (argc != 4) {
        std::cerr << "usage: warm_search DB QUERIES.tsv ITERS\n";
        return 2;
    }
    std::vector<std::pair<std::string, std::string>> queries;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
        auto a = line.find('\t');
        if (a == std::string::npos) continue;
        auto b = line.find('\t', a + 1);
        queries.emplace_back(line.substr(0, a), line.substr(a + 1, b - a - 1));
    }
    const int iters = std::stoi(argv[3]);
    const rapportsok::SearchEngine engine(rapportsok::EngineOptions{{argv[1]}});
    std::vector<std::vector<double>> times(queries.size());
    std::vector<long> totals(queries.size());
    for (int i = 0; i < iters; ++i) {
        for (size_t q = 0; q < queries.size(); ++q) {
            rapportsok::SearchRequest req;
            req.query = queries[q].second;
            req.limit = 10;
            auto t0 = std::chrono::steady_clock::now();
            rapportsok::SearchResult r = engine.search(req);
            auto t1 = std::chrono::steady_clock::now();
            times[q].push_back(std::chrono::duration<double>(t1 - t0).count());
            totals[q] = r.total;
        }
    }
    std::cout << "{";
    for (size_t q = 0; q < queries.size(); ++q) {
        std::cout << (q ? ", " : "") << "\"" << queries[q].first << "\": [";
        for (size_t i = 0; i < times[q].size(); ++i) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.9f", times[q][i]);
            std::cout << (i ? "," : "") << buf;
        }
        std::cout << "]";
    }
    std::cout << ", \"_totals\": {";
    for (size_t q = 0; q < queries.size(); ++q)
        std::cout << (q ? ", " : "") << "\"" << queries[q].first << "\": " << totals[q];
    std::cout << "}}\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "warm_search: " << e.what() << "\n";
    return 2;
} catch (const Xapian::Error& e) {
    std::cerr << "warm_search: " << e.get_description() << "\n";
    return 2;
}
