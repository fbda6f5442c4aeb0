// Parsing a query: filters (avsnitt:/section:, kapitel:/chapter:, sida:/page:, fil:/file:) are
// taken out first; the rest goes, analysed like the text, through Xapian's QueryParser.
#pragma once

#include <xapian.h>

#include <set>
#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/expand.h"
#include "searcher/result.h"

namespace rapportsok {

struct Filters {
    std::vector<std::pair<int, int>> sections;  // inclusive ranges
    std::vector<std::string> section_labels;    // sub-sections: "2.3" (and so its own ones)
    std::vector<std::pair<int, int>> pages;
    std::vector<std::string> chapters;  // numbers or (parts of) headings
    std::vector<std::string> files;     // (parts of) paths
    bool empty() const {
        return sections.empty() && section_labels.empty() && pages.empty() && chapters.empty() &&
               files.empty();
    }
};

struct SplitQuery {
    std::string text;  // the query without its filters
    Filters filters;
    std::vector<std::string> errors;  // filter values that could not be read
};

// Takes the filters out of a query. "avsnitt:8 sida:3-4 tortyr" -> text "tortyr".
SplitQuery split_filters(const std::string& query);

// Every document. Never Xapian::Query::MatchAll: that is one object shared by the process, and
// copying a Query changes its reference count without a lock, a data race between searches on
// several threads (the engine's threaded test crashed on it now and then).
inline Xapian::Query match_all() { return Xapian::Query(std::string()); }

struct QueryPlan {
    Xapian::Query query;   // what to match and rank (no filters)
    Xapian::Query filter;  // filters only; match_all() when there are none
    bool has_text = false;
    bool has_filter = false;
    bool plain_words = false;           // the query could not be parsed and was searched as words
    std::vector<std::string> notes;     // for the user: fallbacks, bounded wildcards, empty filters
    std::set<std::string> exact_terms;  // lowercase words to highlight
    std::set<std::string> stems;        // their stems
    std::vector<std::string> wildcard_prefixes;
    std::vector<Expansion> expansions;       // what the query was widened with
    std::vector<std::string> unknown_words;  // in no form in the index
};

class Worker;

// Builds the Xapian query on the worker's database, with its parser and caches. Throws
// UsageError for an empty query.
QueryPlan plan_query(Worker& worker, const std::string& query, const RankingWeights& weights,
                     const ExpandOptions& options = ExpandOptions());

// A query as the user typed it, made safe and comparable: NFC, control characters gone,
// words lowercased except the operators AND, OR, NOT, XOR, NEAR, ADJ.
std::string normalise_query(const std::string& query, const Analyzer& analyzer);

// Whether the query is well-formed for the QueryParser (balanced quotes and brackets, no
// operator without operands); when not, the reason.
bool well_formed(const std::string& normalised, std::string& why);

}  // namespace rapportsok
