// Inside the search engine (searcher/engine.h): what it shares between all searches
// (EngineCore), what it computes once per database revision (Revision), and what one search at a
// time borrows (Worker: a Xapian handle and the caches that hold Xapian objects, which are not
// thread-safe). Every piece of state a search keeps between calls is declared here.
#pragma once

#include <xapian.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/engine.h"
#include "searcher/english.h"
#include "searcher/expand.h"
#include "searcher/facets.h"
#include "searcher/memo.h"
#include "searcher/parse.h"
#include "searcher/shards.h"
#include "searcher/snippet.h"
#include "searcher/spelling.h"

namespace rapportsok {

class EngineCore;

// Identifies what a database holds: its UUID and revision ("" when it has none, e.g. several
// databases at once). What is computed from the index stays valid while it is unchanged.
std::string database_state(const Xapian::Database& db);

// What is computed from one database revision and shared by every worker on it: each part made
// when first needed (from the asking worker's handle, on this very revision), never changed after.
class Revision {
  public:
    explicit Revision(std::string state) : state_(std::move(state)) {}
    const std::string& state() const { return state_; }

    // The chapter headings in report order (meta::kChapters; over several shards, their files'
    // chapters merged in file order, as one database of them all would list them).
    const std::vector<std::string>& chapter_order(
        const std::vector<Xapian::Database>& shards) const;
    // The synonyms file's groups and the acronyms the reports define (meta::kAcronyms, merged
    // alike), these looked up in the database's index of them (meta::kAcronymIndex), or in one
    // made here when the database has none for its list (several shards, an older indexer).
    const Synonyms& synonyms(const std::vector<Xapian::Database>& shards, const Analyzer& analyzer,
                             const SynonymGroups& builtin) const;
    // The words of the passages, for spelling suggestions (searcher/spelling.h).
    const Vocabulary& vocabulary(const Xapian::Database& all) const;
    // Their stems, for corrections by stem ("integrasjon": "integration").
    const Vocabulary& stems(const Xapian::Database& all) const;

  private:
    void read_summaries(const std::vector<Xapian::Database>& shards) const;

    const std::string state_;
    mutable std::once_flag summaries_once_, synonyms_once_, vocabulary_once_, stems_once_;
    mutable std::vector<std::string> chapters_;
    mutable std::string acronyms_;  // as meta::kAcronyms holds them
    mutable Synonyms synonyms_;
    mutable std::unique_ptr<const Vocabulary> vocabulary_;
    mutable std::unique_ptr<const Vocabulary> stems_;
};

// A worker's caches of what it read from the index: valid for one revision, emptied together
// when the worker moves to another (Worker::refresh), each bounded.
struct RevisionCaches {
    BoundedMemo<bool> known_terms{100000};  // term -> whether the index has it
    ExpansionMemo expansions{20000};        // options + free word -> its expansion
    FacetValues facet_values;               // docid -> chapter and section (one per document)
    BoundedMemo<QueryPlan> plans{1000};     // plan_key (match.cc) -> the query's plan
    BoundedMemo<Passage> passages{5000};    // docid -> its passage, decoded
    BoundedMemo<Snippet> snippets{10000};   // docid, snippet bytes, plan_key -> the snippet
    void clear() {
        known_terms.clear();
        expansions.clear();
        facet_values.clear();
        plans.clear();
        passages.clear();
        snippets.clear();
    }
};

// What one search at a time uses: a handle on each shard and one on those that answer, the
// analysis (its stemmer is not thread-safe), a configured query parser, and the caches. Borrowed
// from the engine for one search (EngineCore::lease), never used by two threads at once.
class Worker {
  public:
    // Opens the engine's shards at its first search.
    explicit Worker(EngineCore& core);
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Before a search: the shards listed again when a stub file was replaced (indexer --rebuild,
    // xapian-replicate), then each one opened (again, for one that failed at an earlier search
    // or whose kept connection broke) or brought to its newest revision; the handle searched is
    // the ones that answered, and on another revision than before, that revision's shared data
    // is taken and the caches emptied. Throws UsageError when no shard answers.
    void begin_search();
    // Again, when the revision read was discarded under a search: no failed shard is retried.
    void refresh();
    // begin_search() for the engine's constructor, which says at once what cannot be opened; the
    // search after it does not try again what just failed.
    void open_now();
    // A search failed on a connection (e): the shard it names, or each remote one that no longer
    // answers, is left out of this search and opened anew at the next. False when no shard is
    // to blame.
    bool drop_failed(const Xapian::Error& e);
    // Which shards this search spans, and why any is left out.
    ShardReport shard_report() const;
    bool has_remote() const { return remote_; }
    // This search spans one local database (no shard is remote, one answered).
    bool one_local_database() const { return !remote_ && open_.size() == 1; }
    // Pings the remote shards not used for `idle` seconds (EngineCore's keep-alive thread).
    void keep_alive(double idle);

    Xapian::Database& db() { return db_; }
    const Analyzer& analyzer() const { return analyzer_; }
    // Configured by the analysis once; the parse sets what differs per query.
    Xapian::QueryParser& parser() { return parser_; }
    const Revision& revision() const { return *revision_; }
    const std::vector<std::string>& chapter_order() { return revision_->chapter_order(open_); }
    const Synonyms& synonyms();
    const EnglishDictionary& english();
    // The index's word nearest to word within max_edits edits, or "" (searcher/spelling.h).
    std::string spelling_suggestion(const std::string& word, unsigned max_edits);
    // Whether what is read from the index may be kept: not when the revision is unknown.
    bool caching() const { return !revision_->state().empty(); }
    RevisionCaches& caches() { return caches_; }
    SnippetMemory& snippets() { return snippets_; }
    // Where the expander looks words up (the memo only while caching).
    ExpandSources expand_sources();

  private:
    // What a database path was when it was read: a stub file replaced by another (indexer
    // --rebuild renames a new one over it) lists other databases, which reopen() would not read.
    struct PathStamp {
        bool exists = false, regular = false;
        unsigned long long dev = 0, ino = 0;
        long long mtime_ns = 0, size = 0;
        bool operator==(const PathStamp& o) const {
            return exists == o.exists && regular == o.regular && dev == o.dev && ino == o.ino &&
                   (!regular || (mtime_ns == o.mtime_ns && size == o.size));
        }
        bool operator!=(const PathStamp& o) const { return !(*this == o); }
    };
    std::vector<PathStamp> stamps(const std::vector<std::string>& stubs) const;
    // db_ and the revision from the shards that are open.
    void combine();

    EngineCore& core_;
    std::vector<Shard> shards_;
    std::vector<std::string> stubs_;  // the stub files shards_ was read from
    std::vector<PathStamp> stamps_;   // of the database paths and stubs_, when read
    bool listed_ = false;
    bool retry_failed_ = true;            // at the next begin_search
    bool checking_ = false;               // open_now: no revision is taken yet
    bool remote_ = false;                 // a shard is remote
    std::vector<Xapian::Database> open_;  // the shards that answered, in order
    Xapian::Database db_;                 // all of them as one
    Analyzer analyzer_;
    Xapian::QueryParser parser_;
    std::shared_ptr<const Revision> revision_;
    RevisionCaches caches_;
    SnippetMemory snippets_;
};

// The engine's shared part: its options, the data that no revision changes (the built-in
// synonyms, the English dictionary: read once, when first needed), the revisions in use, and the
// pool of idle workers. Locked only to take or give back a worker and to find a revision.
class EngineCore {
  public:
    explicit EngineCore(EngineOptions options);
    ~EngineCore();

    const EngineOptions& options() const { return options_; }

    // The shared data of a revision: the one in use, or a new one (the last two are kept).
    std::shared_ptr<const Revision> revision_for(const std::string& state);
    std::string newest_state() const;

    const SynonymGroups& builtin_synonyms(const Analyzer& analyzer);
    const EnglishDictionary& english();

    // A worker for one search, given back to the pool when the lease ends.
    class Lease {
      public:
        Lease(EngineCore& core, std::unique_ptr<Worker> worker)
            : core_(core), worker_(std::move(worker)) {}
        ~Lease() { core_.give_back(std::move(worker_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Worker& operator*() const { return *worker_; }
        Worker* operator->() const { return worker_.get(); }

      private:
        EngineCore& core_;
        std::unique_ptr<Worker> worker_;
    };
    Lease lease();

  private:
    void give_back(std::unique_ptr<Worker> worker);
    // Every keep_alive / 2 seconds, each idle worker in turn pings the remote shards it has not
    // used for that long, so that xapian-tcpsrv (idle timeout 60 s) keeps their connections.
    void keep_alive_loop();

    const EngineOptions options_;
    mutable std::mutex mutex_;  // guards revisions_, newest_ and idle_
    std::vector<std::shared_ptr<const Revision>> revisions_;  // newest first
    std::string newest_;
    std::vector<std::unique_ptr<Worker>> idle_;
    std::once_flag synonyms_once_, english_once_;
    SynonymGroups builtin_synonyms_;
    std::unique_ptr<const EnglishDictionary> english_;
    std::condition_variable stop_;  // with mutex_: the keep-alive thread ends
    bool stopping_ = false;
    std::thread keeper_;
};

}  // namespace rapportsok
