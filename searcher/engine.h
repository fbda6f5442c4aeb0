// The search engine as a library: one object, opened on a database, answers queries from many
// threads at once. The CLI (run_search), the benchmark's warm driver and the server use it alike.
//
//     rapportsok::SearchEngine engine(rapportsok::EngineOptions{{"index"}});  // opens, checks
//     rapportsok::SearchRequest request;
//     request.query = "tortyr avsnitt:3";
//     rapportsok::SearchResult result = engine.search(request);  // from any thread
//
// - One object per process (per database): search() may be called from any number of threads
//   at once. Each call borrows a worker (its own Xapian handle, query parser, stemmer and
//   caches: Xapian objects are not thread-safe) from a pool that grows to the number of searches
//   running at once, and gives it back; nothing is locked while a search runs.
// - Live: each search first brings its handle to the database's newest revision (a commit by the
//   indexer), or opens it afresh when the path is a stub file that was replaced (indexer
//   --rebuild). An answer is computed on one revision only: when the indexer discards the
//   revision being read, the search starts again on the new one. What is computed from the index
//   is kept per revision and dropped in one place (the worker's refresh) when it changes.
// - Bounded: each worker's caches hold a bounded number of entries (searcher/worker.h), and the
//   engine keeps the shared data of the last two revisions only.
// - Errors: UsageError (indexer/common/errors.h) for a database that is missing, empty or built
//   with another analysis (from the constructor) and for a query that cannot be searched (empty,
//   only stopwords); Xapian::Error for what the database throws (DatabaseCorruptError for a
//   damaged one).
// - Shards: several databases, local or remote (xapian-tcpsrv), are searched as one, ranked as
//   one database of them all. A shard that cannot be opened, does not answer within the shard
//   timeout or whose connection breaks is left out and named in SearchResult::shards (partial
//   results; UsageError only when none answers); it is opened anew at the next search.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "searcher/result.h"

namespace rapportsok {

class EngineCore;

struct EngineOptions {
    // The databases searched as one, each a database folder, a sharded folder (indexer --shards)
    // or a Xapian stub file listing local (auto PATH) and remote (remote HOST:PORT) shards.
    std::vector<std::string> databases;
    // FreeDict English–Swedish in dictd format (PREFIX.index, PREFIX.dict.dz), read when a query
    // first has a word the index does not know; none there (or ""): nothing is translated.
    std::string english_dictionary = "/usr/share/dictd/freedict-eng-swe";
    // Seconds a remote shard has to accept a connection and to give each answer; one that does
    // not is left out of the search (SearchResult::shards).
    double shard_timeout = 2.0;
    // Seconds after which an idle connection to a remote shard is pinged (keep_alive()), so that
    // xapian-tcpsrv, which closes one idle for 60 s, keeps it; 0: never.
    double keep_alive = 30.0;
};

class SearchEngine {
  public:
    // Opens and checks every database (throws UsageError as above).
    explicit SearchEngine(EngineOptions options);
    ~SearchEngine();
    SearchEngine(const SearchEngine&) = delete;
    SearchEngine& operator=(const SearchEngine&) = delete;

    // Thread-safe. Throws as above.
    SearchResult search(const SearchRequest& request) const;

    // The passage with the id and up to context passages on each side of it (--show, a
    // server's passage view), or nothing when no passage has the id. Thread-safe.
    std::optional<PassageInContext> passage(const std::string& id, int context = 0) const;

    // The most frequent words of the index that start with prefix (lowercase; stopwords left
    // out), at most max: completions for search as you type. Thread-safe.
    std::vector<Completion> complete(const std::string& prefix, size_t max) const;

    // The database revision the newest search ran on ("UUID:revision"; "" before any search and
    // for several databases at once).
    std::string revision() const;

  private:
    std::unique_ptr<EngineCore> core_;
};

}  // namespace rapportsok
