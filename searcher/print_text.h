// Results as text for people: a header, each hit's reference and snippet, the spread of the
// hits over chapters and sections. Bold highlights only when asked (a terminal).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "searcher/result.h"

namespace rapportsok {

void print_text(const SearchResult& result, std::ostream& out, bool color);

// One passage with its reference, its id and its whole text (--show), and its neighbours.
void print_passage_text(const Passage& p, const std::vector<Passage>& before,
                        const std::vector<Passage>& after, std::ostream& out, bool color);

// Text from the index made safe for a terminal: control characters (escape sequences) and
// invalid UTF-8 become U+FFFD.
std::string terminal_safe(const std::string& s);

}  // namespace rapportsok
