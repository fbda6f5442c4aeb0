// Parsing a query: filters (avsnitt:/section:, kapitel:/chapter:, sida:/page:, fil:/file:) are
// taken out first; the rest goes, analysed like the text, through Xapian's QueryParser.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/expand.h"
#include "searcher/memo.h"
#include "searcher/result.h"
#include "searcher/snippet.h"

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

// The most words a query is searched for, and the most index words a wildcard stands for.
inline constexpr size_t kMaxQueryWords = 1000;
inline constexpr size_t kMaxWildcardTerms = 256;

struct QueryPlan {
    Xapian::Query query;   // what to match and rank (no filters)
    Xapian::Query filter;  // filters only; match_all() when there are none
    bool has_text = false;
    bool has_filter = false;
    bool plain_words = false;           // the query could not be parsed and was searched as words
    std::vector<std::string> notes;     // for the user: fallbacks, bounded wildcards, empty filters
    HighlightTerms highlight;           // the words to mark in the hits' snippets
    std::vector<Expansion> expansions;  // what the query was widened with
    std::vector<std::string> unknown_words;  // in no form in the index
};

class Worker;

// Builds the Xapian query on the worker's database, with its parser and caches: the steps below,
// in their order. Throws UsageError for an empty query and for a filter
// value that cannot be read (sida:abc), naming the filter and the value.
QueryPlan plan_query(Worker& worker, const std::string& query, const RankingWeights& weights,
                     const ExpandOptions& options = ExpandOptions());

// ---- The planner's steps. Each takes what it needs and can be called (and tested) alone; notes
// for the user are appended to `notes` in the order the steps run.

// 1. The filters as one query: OR within a kind, AND across kinds; a note for each filter no
// passage matches (which then matches nothing). A chapter typed without accents ("ovrigt") is
// the heading with them (ÖVRIGT) when no heading has it as typed.
struct FilterPlan {
    Xapian::Query query = match_all();
    bool any = false;  // whether there were filters
};
FilterPlan plan_filters(const Filters& filters, const Xapian::Database& db,
                        std::vector<std::string>& notes);

// 2. The text as the parser takes it: normalised, cut to kMaxQueryWords words, as plain words
// when it is not well-formed; a query of "-word"s only excludes them from the filtered passages
// (NOT (a OR b)). Throws UsageError, unless `filtered`, when nothing but operators and marks is
// left, or when it only excludes; and when it has only stopwords (unquoted).
struct QueryText {
    std::string text;
    bool plain_words = false;  // searched as plain words: no operators, phrases or wildcards
};
QueryText prepare_text(const std::string& text, const Analyzer& analyzer, bool filtered,
                       std::vector<std::string>& notes);

// 3. Parsed unstemmed (to be widened, and the exact boost) and, unless the query is free words
// only, stemmed over the chapter headings. A text the parser refuses is
// parsed as plain words (text changes, and a note says so).
struct ParsedQuery {
    Xapian::Query exact;
    Xapian::Query chapter;    // empty when `free_words` (expand_query makes it then)
    bool wildcards = false;   // the query has a wildcard
    bool free_words = false;  // only terms any of which may match: no AND, NOT, phrase, NEAR, *
};
ParsedQuery parse_text(QueryText& text, Xapian::QueryParser& parser, const Xapian::Database& db,
                       const Analyzer& analyzer, std::vector<std::string>& notes);

// 4. The free words widened (expand.h): the body of the query, each word matched in the text
// and, weighted `title_weight`, in the section titles, and so each wildcard. A word quoted alone
// stays as typed. For free words, the chapter-heading boost is widened the same way; otherwise
// it is the parsed one.
struct ExpandedQuery {
    Xapian::Query
        exact;  // the parsed query, an English one's stopwords out (with_english_readings)
    Xapian::Query body;
    Xapian::Query chapter;                   // matched in the chapter headings, for the boost
    std::vector<Expansion> expansions;       // what the body was widened with
    std::vector<std::string> unknown_words;  // free words the index knows in no form
};
ExpandedQuery expand_query(const ParsedQuery& parsed, const QueryText& text, ExpandSources sources,
                           const ExpandOptions& options, double title_weight);

// 5. What is ranked: the body (its wildcards expanded from the database's terms, the same over
// any shards), boosted by exact and chapter-heading matches (the terms the index lacks left
// out, `known` remembering which); and the report
// titles for the words only a report's title has (these leave expanded.unknown_words).
Xapian::Query rank_query(const ParsedQuery& parsed, ExpandedQuery& expanded,
                         const Xapian::Database& db, const Analyzer& analyzer,
                         BoundedMemo<bool>& known, const RankingWeights& weights);

// 6. The words to mark in snippets: the body's stems and exact words (not the stopwords an
// expansion brought, nor a heading's terms), the query's own words, the wildcards' prefixes, and
// the words (and compound parts) the expansions added.
HighlightTerms highlight_terms(const ParsedQuery& parsed, const ExpandedQuery& expanded,
                               const QueryText& text, const Analyzer& analyzer);
// The prefixes of the text's wildcards ("domstol*" -> "domstol"); none for plain words.
std::vector<std::string> wildcard_prefixes(const QueryText& text);

// A correction of `word` (lowercase) in the case the query has it in: "Mänsklga" gives
// "Mänskliga", "MÄNSKLGA" "MÄNSKLIGA"; lowercase, or a word the query lacks, as it is.
std::string in_users_case(const std::string& query, const std::string& word,
                          const std::string& suggestion);

// A query as the user typed it, made safe and comparable: NFC, control characters gone,
// words lowercased except the operators AND, OR, NOT, XOR, NEAR, ADJ.
std::string normalise_query(const std::string& query, const Analyzer& analyzer);

// Whether the query is well-formed for the QueryParser (balanced quotes and brackets, no
// operator without operands); when not, the reason.
bool well_formed(const std::string& normalised, std::string& why);

}  // namespace rapportsok
