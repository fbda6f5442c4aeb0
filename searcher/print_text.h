// Results as text for people: a header, each hit's reference and snippet, the spread of the
// hits over chapters and sections. Bold highlights only when asked (a terminal).
#pragma once

#include <iosfwd>
#include <string>

#include "searcher/match.h"

namespace rapportsok {

void print_text(const SearchResult& result, std::ostream& out, bool color);

// Text from the index made safe for a terminal: control characters (escape sequences) and
// invalid UTF-8 become U+FFFD.
std::string terminal_safe(const std::string& s);

}  // namespace rapportsok
