// The indexer's modes, one file each: the sync (mode_sync.cc, with the full build of a database
// that holds nothing), --rebuild (mode_rebuild.cc), --check (mode_check.cc) and --dry-run
// (mode_dry_run.cc); --watch is watch.h. run_index (pipeline.cc) picks one.
#pragma once

#include <iosfwd>

#include "indexer/pipeline.h"

namespace rapportsok {

// run_sync is declared in pipeline.h (--watch calls it too).

// Builds a new database from the files and swaps it in atomically (a stub naming the new
// generation); a path with no database yet gets a sync.
int run_rebuild(const IndexOptions& options, std::ostream& out, std::ostream& err);

// What a sync would change, by file (new, changed, renamed, removed), writing nothing: 0 up to
// date, 1 out of date, 2 a file that cannot be read.
int run_check(const IndexOptions& options, std::ostream& out, std::ostream& err);

// The passages the files give, one a line (JSON with --json); no database is touched.
int run_dry_run(const IndexOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rapportsok
