// The indexer's front end: one mode a run, each in its own file (modes.h).
#include "indexer/pipeline.h"

#include "indexer/modes.h"
#include "indexer/sharded.h"
#include "indexer/watch.h"

namespace rapportsok {

int run_index(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    if (o.watch) return run_watch(o, out, err);
    if (runs_sharded(o)) return run_sharded(o, out, err);
    if (o.rebuild) return run_rebuild(o, out, err);
    if (o.check) return run_check(o, out, err);
    if (o.dry_run) return run_dry_run(o, out, err);
    return run_sync(o, out, err);
}

}  // namespace rapportsok
