// Results as one JSON object for programs; the format is documented in docs/json-output.md.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "searcher/result.h"

namespace rapportsok {

// The object print_json prints, as a tree (the JSON that append_result_json writes is this
// tree's dump).
nlohmann::json result_json(const SearchResult& result);

// What the HTTP API's /api/search adds to the object (docs/http-api.md).
struct ApiFields {
    std::vector<std::string> snippet_html;              // a hit's snippet with its highlight tags
    bool chapter_facets = true, section_facets = true;  // false: left out of "facets"
    double took_ms = 0;
    bool timed_out = false;
    long limit = 0;
};

// Writes the object to out, byte for byte result_json's dump (with the API's fields when given,
// as if added to the tree), without building the tree.
void append_result_json(const SearchResult& result, std::string& out,
                        const ApiFields* api = nullptr);

void print_json(const SearchResult& result, std::ostream& out);

// --show: the passage's object; with context, "context": {"before": [...], "after": [...]}.
void print_passage_json(const Passage& p, const std::vector<Passage>& before,
                        const std::vector<Passage>& after, bool context, std::ostream& out);

}  // namespace rapportsok
