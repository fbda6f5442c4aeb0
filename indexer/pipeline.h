// The indexer as a library call: options in, exit status out (0 done, 1 --check found
// differences, 2 errors). main() only parses the command line.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace rapportsok {

struct IndexOptions {
    std::string db;                  // default: $RAPPORTSOK_DB, else "index"
    std::vector<std::string> paths;  // default: "corpus"
    bool dry_run = false;            // print passages, touch no database
    bool json = false;               // JSON output (lines with --dry-run, one object otherwise)
    bool check = false;              // write nothing; exit 1 when files and database differ
    bool quiet = false;
};

int run_index(const IndexOptions& options, std::ostream& out, std::ostream& err);

// Files to index under the given paths: files as given, folders walked for *.txt and *.md
// (sorted, symbolic links to folders not followed). Missing paths are reported to err.
std::vector<std::string> collect_files(const std::vector<std::string>& paths, std::ostream& err,
                                       bool& failed);

}  // namespace rapportsok
