// Results as one JSON object for programs; the format is documented in docs/json-output.md.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <vector>

#include "searcher/result.h"

namespace rapportsok {

// The object print_json prints (the HTTP API adds its own fields to it).
nlohmann::json result_json(const SearchResult& result);

void print_json(const SearchResult& result, std::ostream& out);

// --show: the passage's object; with context, "context": {"before": [...], "after": [...]}.
void print_passage_json(const Passage& p, const std::vector<Passage>& before,
                        const std::vector<Passage>& after, bool context, std::ostream& out);

}  // namespace rapportsok
