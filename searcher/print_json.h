// Results as one JSON object for programs; the format is documented in docs/json-output.md.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "searcher/result.h"

namespace rapportsok {

// What the HTTP API's /api/search adds to the object (docs/http-api.md).
struct ApiFields {
    std::vector<std::string> snippet_html;              // a hit's snippet with its highlight tags
    bool chapter_facets = true, section_facets = true;  // false: left out of "facets"
    double took_ms = 0;
    bool timed_out = false;
    long limit = 0;
};

// Writes the search result's object to out (with the API's fields when given), without building
// a tree: byte for byte what nlohmann's dump prints for it (tests/test_json_out.cc keeps that tree
// as its reference; docs/json-output.md lists the fields).
void append_result_json(const SearchResult& result, std::string& out,
                        const ApiFields* api = nullptr);

void print_json(const SearchResult& result, std::ostream& out);

// --show: the passage's object; with context, "context": {"before": [...], "after": [...]}.
void print_passage_json(const Passage& p, const std::vector<Passage>& before,
                        const std::vector<Passage>& after, bool context, std::ostream& out);

}  // namespace rapportsok
