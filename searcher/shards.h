// The shards a search spans: what a --db names (a database folder, a sharded folder or a replica
// with its XAPIANDB stub, a stub file of `auto PATH` and `remote HOST:PORT` lines), and each
// shard as one worker holds it: opened with timeouts, brought to its newest revision before a
// search, thrown away when its connection breaks and opened anew at the next search.
//
// Xapian searches several databases as one (Database::add_database) and combines their
// statistics, so ranking equals one database's; it has no tolerance, though: one shard that is
// down fails the whole search, a hung one blocks, and a broken connection stays broken. Opening
// every shard itself, the engine leaves out the ones that fail and says so (ShardReport).
#pragma once

#include <xapian.h>

#include <chrono>
#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/result.h"

namespace rapportsok {

struct ShardSpec {
    std::string name;  // as the user knows it: the path, HOST:PORT, or :PROGRAM ARGS
    std::string path;  // a local database folder
    std::string host;  // a remote one, served by xapian-tcpsrv on host:port
    unsigned port = 0;
    std::string program;  // or by a program speaking the protocol on stdin/stdout (xapian-progsrv)
    std::string args;
    bool remote() const { return !host.empty() || !program.empty(); }
};

// What a list of --db paths stands for: the shards in order, and every stub file read on the way
// (replaced by another, as indexer --rebuild and xapian-replicate do, it lists other shards).
struct ShardList {
    std::vector<ShardSpec> shards;
    std::vector<std::string> stubs;
};

// Reads stub files as Xapian does (# comments; auto, glass and chert paths relative to the stub's
// folder; remote HOST:PORT and remote :PROGRAM ARGS), stubs listing stubs too. Throws
// UsageError for a path given that does not exist, a line it cannot read, a loop of stubs. A
// path a stub lists that does not exist is a shard that will fail to open.
ShardList resolve_shards(const std::vector<std::string>& paths);

// Opens a local database read-only and checks it as the searcher needs it; throws UsageError
// when it is missing, unreadable, built with another analysis, or empty (unless allow_empty: a
// shard of a sharded folder may hold no report).
Xapian::Database open_database(const std::string& path, const Analyzer& analyzer,
                               bool allow_empty = false);

// One shard as one worker holds it. Not thread-safe (a Xapian handle).
class Shard {
  public:
    explicit Shard(ShardSpec spec) : spec_(std::move(spec)) {}

    // Opens the shard, or brings an open one to its newest revision; on failure it is closed and
    // error() says why. timeout: seconds for connecting to a remote shard and for each of its
    // answers. Throws UsageError only when it opens but is not a database this searcher can read
    // and `strict_open` (a single database: said as an error, as before shards).
    bool refresh(double timeout, const Analyzer& analyzer, bool allow_empty, bool strict_open);
    // Closes the connection, for error.
    void fail(std::string error);
    // For a remote shard: one round trip, so that the server does not close an idle connection.
    // False (and closed) when it fails.
    bool keep_alive(double timeout);

    const ShardSpec& spec() const { return spec_; }
    bool ok() const { return open_; }
    const std::string& error() const { return error_; }
    Xapian::Database& db() { return db_; }
    // What the shard holds: "UUID:revision", for a remote one "UUID:commit" (meta::kCommit); ""
    // when it cannot be known (nothing is then cached for it).
    const std::string& state() const { return state_; }
    std::chrono::steady_clock::time_point last_used() const { return last_used_; }
    void used() { last_used_ = std::chrono::steady_clock::now(); }

  private:
    void open(double timeout, const Analyzer& analyzer, bool allow_empty);
    void read_state();

    ShardSpec spec_;
    Xapian::Database db_;
    bool open_ = false;
    std::string error_;
    std::string state_;
    std::chrono::steady_clock::time_point last_used_{};
};

// What a Xapian error says about a shard, for a person: its message and the system's reason.
std::string shard_error_message(const Xapian::Error& e, double timeout);

// Whether the error names this remote shard (Xapian gives the connection as its context).
bool error_names_shard(const Xapian::Error& e, const ShardSpec& spec);

}  // namespace rapportsok
