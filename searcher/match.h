// Matching and ranking: runs a planned query on the database and returns plain result structs
// (printers never see Xapian objects).
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/common/schema.h"
#include "searcher/parse.h"
#include "searcher/snippet.h"

namespace rapportsok {

struct Hit {
    int rank = 0;
    double score = 0;
    Passage passage;
    Snippet snippet;
    std::vector<Passage> before, after;  // --context: its neighbours in the report
};

struct Facet {
    std::string value;  // chapter heading, or section title
    int section = 0;    // section number, for section facets
    long count = 0;
};

struct SearchResult {
    std::string query;
    std::optional<std::string> corrected;
    long total = 0;
    bool total_exact = true;
    bool facets_exact = true;  // false: counts scaled from the matches looked at
    long offset = 0;
    std::vector<Hit> hits;
    std::vector<Facet> chapters;  // in report order
    std::vector<Facet> sections;  // by section number
    std::vector<std::string> notes;
    std::vector<Expansion> expansions;       // what the query was widened with
    std::vector<std::string> unknown_words;  // query words the index knows in no form
    int context = 0;                         // passages asked for before and after each hit
};

struct SearchRequest {
    std::string query;
    ExpandOptions expand;
    bool spelling = true;  // search a correction when the query finds nothing
    long offset = 0;
    long limit = 10;
    RankingWeights weights;
    bool by_position = false;   // hits in report order (file, then position), not by score
    bool one_per_file = false;  // only each file's best passage
    bool exact_total = false;   // count every match, however many
};

// Opens the database read-only; throws UsageError when it is missing, unreadable or built with
// another analysis.
Xapian::Database open_database(const std::string& path, const Analyzer& analyzer);

// Retries by itself when the indexer commits underneath (DatabaseModifiedError).
SearchResult search(Xapian::Database& db, const Analyzer& analyzer, const SearchRequest& request);

// The query with each unknown word replaced by the index's spelling suggestion, or "" when there
// is none.
std::string corrected_query(const Xapian::Database& db, const Analyzer& analyzer,
                            const std::string& query, const std::vector<std::string>& unknown);

}  // namespace rapportsok
