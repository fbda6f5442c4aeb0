// Indexing files into a database: one file brought in step (what every sync does file by file),
// and the full build of a new database, spread over the cores and compacted.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "indexer/files.h"
#include "indexer/progress.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "indexer/sync.h"
#include "indexer/write.h"

namespace rapportsok {

// What xapian-check finds wrong with the database in dir: every table read through, compressed
// tags decompressed (Xapian 1.4 misreads some it wrote itself: schema.cc), and a table missing
// that a database of passages has; empty when nothing.
// Throws Xapian::DatabaseOpeningError when there is no database to check.
std::string database_problem(const std::filesystem::path& dir);

// Removes a folder (and what is in it) when it goes out of scope, however the scope is left,
// unless kept.
struct RemoveOnExit {
    std::filesystem::path path;
    bool keep = false;
    ~RemoveOnExit();
};

// What the indexer may use.
struct BuildSettings {
    int jobs = 0;          // threads for a full build; 0: one a core
    long memory_mb = 512;  // memory for the whole process, a bound on what it buffers
};

// How a full build spends its settings on a corpus.
struct BuildPlan {
    int shards = 1;            // threads, each writing a database of its own
    long flush_threshold = 0;  // documents a writer buffers before writing them out
};
BuildPlan plan_build(const BuildSettings& settings, size_t files, long long bytes);

// Documents a single writer (a sync) may buffer within the memory setting.
long flush_threshold_for(const BuildSettings& settings, int writers);

// Sets Xapian's flush threshold (read by each WritableDatabase as it opens) for the lifetime
// of the object, unless XAPIAN_FLUSH_THRESHOLD is set already: then the user's value stands.
// Only from the main thread, with no other thread running (setenv).
class FlushThreshold {
  public:
    explicit FlushThreshold(long documents);
    ~FlushThreshold();
    FlushThreshold(const FlushThreshold&) = delete;
    FlushThreshold& operator=(const FlushThreshold&) = delete;

  private:
    bool set_ = false;
};

// Builds a new database at out (a path that must not exist yet) from files: they are split
// into shards of about equal size, in file order, each indexed by a thread of its own into a
// temporary database under work; the shards are then merged and compacted into out (docids in
// file order, as one thread would have numbered them) and the summaries written. Returns the
// new database open for writing, committed and holding its lock; work is removed. Throws as a
// sync does (a Xapian::DatabaseError when writing fails), leaving out to be removed by the
// caller.
Xapian::WritableDatabase build_database(const std::vector<SyncTarget>& files,
                                        const std::filesystem::path& out,
                                        const std::filesystem::path& work,
                                        const BuildSettings& settings, Progress& progress,
                                        std::ostream& err, Outcome& outcome);

}  // namespace rapportsok
