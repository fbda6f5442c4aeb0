// What every mode of the indexer shares (sync, --rebuild, --check, --dry-run; --watch runs the
// sync): the run's context, its progress bar and settings, and the summary it ends with.
#pragma once

#include <xapian.h>

#include <chrono>
#include <iosfwd>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "indexer/build.h"
#include "indexer/database.h"
#include "indexer/files.h"
#include "indexer/pipeline.h"
#include "indexer/progress.h"
#include "indexer/sync.h"

namespace rapportsok {

// One run: its options, where its output and messages go, when it started, its database
// folder, and what it did (Outcome: counts, and whether it reported an error).
struct Run {
    Run(const IndexOptions& options, std::ostream& out, std::ostream& err);

    const IndexOptions& options;
    std::ostream& out;
    std::ostream& err;
    const std::chrono::steady_clock::time_point started;
    DatabaseFolder folder;
    Outcome outcome;

    double seconds() const;  // since started
    // The files of the run (collect_files on the paths given, or options.files: a shard's
    // share); a failure to look into some marks the outcome failed.
    FileSet collect();
};

// The bar goes to options.progress, the terminal, when main() found one; nowhere otherwise.
std::unique_ptr<Progress> make_progress(const IndexOptions& options, const FileSet& files,
                                        std::ostream& err);

BuildSettings build_settings(const IndexOptions& options);

// "1 file changed: 1 passage added, 0 updated, 0 removed, 61 unchanged (0.01 s)", then the
// database's totals (one JSON object with --json); rebuilt_as names the generation --rebuild
// put in place.
void print_summary(const Run& run, Xapian::Database& db, const std::string& rebuilt_as = "");

// nlohmann::json::dump with invalid UTF-8 replaced, as everything the indexer prints.
std::string dump_json(const nlohmann::json& j);

}  // namespace rapportsok
