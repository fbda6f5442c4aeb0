// The searcher as a library call: options in, exit status out (0 found, 1 nothing found,
// 2 error). main() only parses the command line.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "searcher/engine.h"
#include "searcher/result.h"

namespace rapportsok {

// The most hits --limit and --offset take: offset + limit stays within Xapian's 32-bit counts.
inline constexpr long kMaxHits = 1000000000L;

enum class Color { kAuto, kAlways, kNever };
enum class Sort { kRelevance, kPosition };

struct SearchOptions {
    std::string db;          // default: $RAPPORTSOK_DB, else "index" here or above
    std::string files_root;  // the folder relative file names are under, when not this one
    std::string query;       // the query words joined by spaces
    long limit = 10;
    long offset = 0;
    bool json = false;
    Color color = Color::kAuto;
    RankingWeights weights;
    ExpandOptions expand;
    bool spelling = true;
    // grep's habits:
    bool count = false;       // -c: the number of matching passages only
    bool files_only = false;  // -l: the files with a match, by their best passage
    int context = 0;          // -C N: N passages before and after each hit
    Sort sort = Sort::kRelevance;
    std::string show;    // --show ID: that passage (with --context, its neighbours); no query
    std::string format;  // --format: a line of the user's own per hit
    bool open = false;   // --open: "$EDITOR +LINE FILE" for the first hit
    std::string editor;  // $EDITOR
    // Shards (searcher/shards.h):
    std::vector<std::string> more_dbs;  // --db given again: searched with db as one
    double shard_timeout = 2.0;         // seconds a remote shard has to answer
    bool strict = false;                // a shard left out is an error (exit 2), not a note
};

// The engine's options for the databases and shards of the command line.
EngineOptions engine_options(const SearchOptions& options);

// Notes for a query that meant a filter: "§8" or "avsnitt 8" (searched as words) is avsnitt:8.
std::vector<std::string> filter_hints(const std::string& query);

// Whether text output is coloured: --color, then NO_COLOR, then whether stdout is a terminal.
bool use_color(Color c, bool stdout_is_terminal);

int run_search(const SearchOptions& options, std::ostream& out, std::ostream& err,
               bool stdout_is_terminal);

}  // namespace rapportsok
