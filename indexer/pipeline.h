// The indexer as a library call: options in, exit status out (0 done, 1 --check found
// differences, 2 errors). main() only parses the command line.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace rapportsok {

struct FileSet;

struct IndexOptions {
    std::string db;                  // default: $RAPPORTSOK_DB, else "index"
    std::vector<std::string> paths;  // default: "corpus"
    bool dry_run = false;            // print passages, touch no database
    bool json = false;               // JSON output (lines with --dry-run, one object otherwise)
    bool check = false;              // write nothing; exit 1 when files and database differ
    bool rebuild = false;            // build a new database and swap it in atomically
    bool watch = false;              // keep syncing as files change, until SIGINT/SIGTERM
    bool wait = false;               // wait for another indexer's lock instead of failing
    bool quiet = false;
    int jobs = 0;          // threads for a full build; 0: one a core
    long memory_mb = 512;  // a bound on the indexer's memory, in MB
    // --shards N: a sharded folder of N shard databases (indexer/sharded.h); 0: one database,
    // or as many shards as the folder has.
    int shards = 0;
    // The files of this run, already collected (a shard's share of them); null: from paths.
    const FileSet* files = nullptr;
    // Where the progress bar goes: the terminal, unfiltered (main() sets it when stderr is
    // one); null for no bar.
    std::ostream* progress = nullptr;
};

// Dispatches on the options: --watch, --rebuild, --check, --dry-run, else one sync (each mode
// in a file of its own: modes.h).
int run_index(const IndexOptions& options, std::ostream& out, std::ostream& err);

// One sync of the database with the files, in one transaction, and its summary on out. Into a
// database that holds nothing (new, or left empty), a full build: on every core, compacted.
// Throws DatabaseBusy (database.h) when another indexer holds the database and options.wait is
// false.
int run_sync(const IndexOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rapportsok
