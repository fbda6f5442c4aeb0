// The searcher as a library call: options in, exit status out (0 found, 1 nothing found,
// 2 error). main() only parses the command line.
#pragma once

#include <iosfwd>
#include <string>

#include "searcher/parse.h"

namespace rapportsok {

// The most hits --limit and --offset take: offset + limit stays within Xapian's 32-bit counts.
inline constexpr long kMaxHits = 1000000000L;

enum class Color { kAuto, kAlways, kNever };

struct SearchOptions {
    std::string db;     // default: $RAPPORTSOK_DB, else "index"
    std::string query;  // the query words joined by spaces
    long limit = 10;
    long offset = 0;
    bool json = false;
    Color color = Color::kAuto;
    RankingWeights weights;
    ExpandOptions expand;
    bool spelling = true;
};

// Whether text output is coloured: --color, then NO_COLOR, then whether stdout is a terminal.
bool use_color(Color c, bool stdout_is_terminal);

int run_search(const SearchOptions& options, std::ostream& out, std::ostream& err,
               bool stdout_is_terminal);

}  // namespace rapportsok
