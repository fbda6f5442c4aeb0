// What a search is asked and what it answers, as plain data: the engine's callers and the
// printers see these and never a Xapian object (no <xapian.h> here).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "indexer/common/passage.h"

namespace rapportsok {

// How much the fields weigh beside the passage text; tuned on the dev set (see docs/ranking.md).
struct RankingWeights {
    double k1 = 1.2;
    double b = 0.5;
    double exact = 0.5;    // an exact (unstemmed) match, added on top of the stemmed one
    double title = 0.6;    // a query word in the section title
    double chapter = 0.2;  // a query word in the chapter heading
};

// Which widenings of a query word are tried, and how much each weighs.
struct ExpandOptions {
    bool inflections = true;
    bool diacritics = true;  // "overklagas" also finds "överklagas", at a lower weight
    double folded_weight = 0.7;
    bool compounds = true;  // "budget" also finds "statsbudgeten", at a lower weight
    double compound_weight = 0.5;
    bool synonyms = true;  // FN = Förenta nationerna = UN; acronyms the reports define
    double synonym_weight = 0.8;
    bool english = true;   // a word the index does not know, translated from English
    bool spelling = true;  // a rare word also searched as a frequent one an edit or two away
};

struct SearchRequest {
    std::string query;
    ExpandOptions expand;
    bool spelling = true;  // search a correction when the query finds nothing
    long offset = 0;
    long limit = 10;
    RankingWeights weights;
    bool by_position = false;    // hits in report order (file, then position), not by score
    bool one_per_file = false;   // only each file's best passage
    bool exact_total = false;    // count every match, however many
    int context = 0;             // passages to give before and after each hit
    size_t snippet_bytes = 320;  // about this much text in each hit's snippet
    double time_limit = 0;       // seconds the matcher may spend counting matches; 0: no limit
};

// A widening the query was searched with.
struct Expansion {
    std::string word;                       // as in the query (lowercase)
    std::vector<std::string> alternatives;  // words of the index it also matches
    std::string kind;  // "inflection", "diacritics", "compound", "synonym", "english"
};

struct Snippet {
    std::string text;
    std::vector<std::pair<size_t, size_t>> highlights;  // [begin, end) byte offsets in text
};

struct Hit {
    int rank = 0;
    double score = 0;
    Passage passage;
    Snippet snippet;
    std::vector<Passage> before, after;  // SearchRequest::context: its neighbours in the report
};

struct Facet {
    std::string value;  // chapter heading, or section title
    int section = 0;    // section facets: the top-level section number (2 for 2.3)
    long count = 0;
    std::string label;  // section facets: the section's number as printed ("2.3"; "" for none)
};

// The shards a search spanned (searcher/shards.h): how many, how many answered, and why each
// other one is left out. One database: total 1, ok 1.
struct ShardFailure {
    std::string shard;  // as listed: the path, or HOST:PORT
    std::string error;
};
struct ShardReport {
    int total = 1;
    int ok = 1;
    std::vector<ShardFailure> failed;
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
    std::vector<Facet> sections;  // by section number (2 < 2.1 < 3), unnumbered ones last
    std::vector<std::string> notes;
    std::vector<Expansion> expansions;       // what the query was widened with
    std::vector<std::string> unknown_words;  // query words the index knows in no form
    int context = 0;                         // passages asked for before and after each hit
    std::string revision;  // the database revision it was read from ("UUID:N"; "" when unknown)
    ShardReport shards;
};

// A word of the index that starts with what was typed (search as you type).
struct Completion {
    std::string word;
    long count = 0;  // passages that hold it
};

// One passage and up to n passages before and after it in its report, in report order.
struct PassageInContext {
    Passage passage;
    std::vector<Passage> before, after;
};

}  // namespace rapportsok
