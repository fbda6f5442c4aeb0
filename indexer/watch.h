// indexer --watch: keeps the database in step with the indexed folders as their files change.
#pragma once

#include <iosfwd>

#include "indexer/pipeline.h"

namespace rapportsok {

// Syncs once, then again after each burst of changes (inotify, batched over a quiet period),
// printing each sync's summary, until SIGINT or SIGTERM (then returns 0).
int run_watch(const IndexOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rapportsok
