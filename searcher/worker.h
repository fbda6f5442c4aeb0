// Inside the search engine (searcher/engine.h): what it shares between all searches
// (EngineCore), what it computes once per database revision (Revision), and what one search at a
// time borrows (Worker: a Xapian handle and the caches that hold Xapian objects, which are not
// thread-safe). Every piece of state a search keeps between calls is declared here.
#pragma once

#include <xapian.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/engine.h"
#include "searcher/english.h"
#include "searcher/expand.h"
#include "searcher/facets.h"
#include "searcher/memo.h"
#include "searcher/snippet.h"

namespace rapportsok {

class EngineCore;

// Identifies what a database holds: its UUID and revision ("" when it has none, e.g. several
// databases at once). What is computed from the index stays valid while it is unchanged.
std::string database_state(const Xapian::Database& db);

// Opens a database read-only; throws UsageError when it is missing, unreadable, empty or built
// with another analysis.
Xapian::Database open_database(const std::string& path, const Analyzer& analyzer);

// What is computed from one database revision and shared by every worker on it: each part made
// when first needed (from the asking worker's handle, on this very revision), never changed after.
class Revision {
  public:
    explicit Revision(std::string state) : state_(std::move(state)) {}
    const std::string& state() const { return state_; }

    // The chapter headings in report order (meta::kChapters).
    const std::vector<std::string>& chapter_order(const Xapian::Database& db) const;
    // The synonyms file's groups and the acronyms the reports define (meta::kAcronyms).
    const SynonymGroups& synonyms(const Xapian::Database& db, const Analyzer& analyzer,
                                  const SynonymGroups& builtin) const;

  private:
    const std::string state_;
    mutable std::once_flag chapters_once_, synonyms_once_;
    mutable std::vector<std::string> chapters_;
    mutable SynonymGroups synonyms_;
};

// A worker's caches of what it read from the index: valid for one revision, emptied together
// when the worker moves to another (Worker::refresh), each bounded.
struct RevisionCaches {
    BoundedMemo<bool> known_terms{100000};  // term -> whether the index has it
    ExpansionMemo expansions{20000};        // options + free word -> its expansion
    FacetValues facet_values;               // docid -> chapter and section (one per document)
    void clear() {
        known_terms.clear();
        expansions.clear();
        facet_values.clear();
    }
};

// What one search at a time uses: a database handle, the analysis (its stemmer is not
// thread-safe), a configured query parser, and the caches. Borrowed from the engine for one
// search (EngineCore::lease), never used by two threads at once.
class Worker {
  public:
    // Opens the engine's databases at its first refresh.
    explicit Worker(EngineCore& core);
    // With a handle already opened (and checked) on them.
    Worker(EngineCore& core, Xapian::Database opened);
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Brings the handle to the newest revision (or opens it afresh when a stub file was
    // replaced); on another revision than before, takes that revision's shared data and empties
    // the caches. Called before each search, and again when a revision is discarded under it.
    void refresh();

    Xapian::Database& db() { return db_; }
    const Analyzer& analyzer() const { return analyzer_; }
    // Configured by the analysis once; the parse sets what differs per query.
    Xapian::QueryParser& parser() { return parser_; }
    const Revision& revision() const { return *revision_; }
    const std::vector<std::string>& chapter_order() { return revision_->chapter_order(db_); }
    const SynonymGroups& synonyms();
    const EnglishDictionary& english();
    // Whether what is read from the index may be kept: not when the revision is unknown.
    bool caching() const { return !revision_->state().empty(); }
    RevisionCaches& caches() { return caches_; }
    SnippetMemory& snippets() { return snippets_; }
    // Where the expander looks words up (the memo only while caching).
    ExpandSources expand_sources();

  private:
    // What a database path was when it was opened: a stub file replaced by another (indexer
    // --rebuild renames a new one over it) is a new database, which reopen() would not read.
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
    std::vector<PathStamp> stamps() const;

    EngineCore& core_;
    Xapian::Database db_;
    bool opened_ = false;
    std::vector<PathStamp> stamps_;  // of the database paths, when db_ was opened
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
    // A new handle on every database of the options, checked as open_database does.
    Xapian::Database open() const;

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

    const EngineOptions options_;
    mutable std::mutex mutex_;  // guards revisions_, newest_ and idle_
    std::vector<std::shared_ptr<const Revision>> revisions_;  // newest first
    std::string newest_;
    std::vector<std::unique_ptr<Worker>> idle_;
    std::once_flag synonyms_once_, english_once_;
    SynonymGroups builtin_synonyms_;
    std::unique_ptr<const EnglishDictionary> english_;
};

}  // namespace rapportsok
