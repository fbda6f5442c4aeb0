// A sharded database (indexer --shards N --db DIR): the reports spread over N shard databases,
// DIR/shard0 .. DIR/shardN-1, each an ordinary database of this indexer, and a Xapian stub file
// DIR/XAPIANDB listing them (auto shard0 ...), so that searcher --db DIR, and any Xapian program,
// searches them as one. A report stays in its shard; every mode of the indexer runs on each shard
// in turn, each shard's sync its own transaction, and one summary tells the whole.
#pragma once

#include <iosfwd>
#include <string>

#include "indexer/pipeline.h"

namespace rapportsok {

// The shards of the sharded folder at dir (the count its XAPIANDB lists); 0 when it is not one.
int shard_count(const std::string& dir);

// The shard a new report goes to: a stable hash (FNV-1a, 64 bits) of its name in the index,
// modulo n. A report already indexed stays in the shard that holds it.
int shard_of(const std::string& name, int n);

// Whether o is a run on a sharded folder as a whole (not one of its shards): --shards N, or a
// --db that is one; --dry-run touches no database and is not.
bool runs_sharded(const IndexOptions& o);

// Runs o's mode (sync, --check, --rebuild; --watch calls the sync) over the shards of o.db,
// o.shards of them for a new folder. Throws UsageError for a --shards count other than the
// folder's, or a database of one shard given --shards.
int run_sharded(const IndexOptions& o, std::ostream& out, std::ostream& err);

}  // namespace rapportsok
