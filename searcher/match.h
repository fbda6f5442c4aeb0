// Matching and ranking: runs a planned query on the database and returns the plain result types
// of searcher/result.h (printers never see Xapian objects).
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/result.h"

namespace rapportsok {

class Worker;

// One search on the worker's revision: the plan, the matches, their snippets and the facets, and
// the query again as corrected when it finds nothing. Throws Xapian::DatabaseModifiedError when
// the revision is discarded under it: the engine then refreshes the worker and asks again.
SearchResult search_revision(Worker& worker, const SearchRequest& request);

// The index's word nearest to a word within some edits, or "" (Worker::spelling_suggestion).
using SpellingSuggester = std::function<std::string(const std::string& word, unsigned max_edits)>;

// The query with each unknown word replaced by the index's spelling suggestion, or "" when there
// is none.
std::string corrected_query(const SpellingSuggester& suggest, const Analyzer& analyzer,
                            const std::string& query, const std::vector<std::string>& unknown);

}  // namespace rapportsok
