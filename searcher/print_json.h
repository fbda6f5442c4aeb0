// Results as one JSON object for programs; the format is documented in docs/json-output.md.
#pragma once

#include <iosfwd>

#include "searcher/match.h"

namespace rapportsok {

void print_json(const SearchResult& result, std::ostream& out);

}  // namespace rapportsok
