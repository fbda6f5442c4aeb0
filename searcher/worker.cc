#include "searcher/worker.h"

#include <sys/stat.h>

#include <utility>

#include "indexer/common/errors.h"
#include "indexer/common/schema.h"

namespace rapportsok {

std::string database_state(const Xapian::Database& db) {
    try {
        return db.get_uuid() + ":" + std::to_string(db.get_revision());
    } catch (const Xapian::Error&) {
        return "";  // not a single glass database: nothing is cached for it
    }
}

Xapian::Database open_database(const std::string& path, const Analyzer& analyzer) {
    const std::string create = "create it with: indexer --db " + path + " corpus";
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
        throw UsageError("no database at " + path + " (" + create + ")");
    Xapian::Database db;
    try {
        db = Xapian::Database(path);
    } catch (const Xapian::DatabaseOpeningError& e) {
        throw UsageError("cannot open the database at " + path + ": " + e.get_msg() + " (" +
                         create + ")");
    } catch (const Xapian::DatabaseCorruptError& e) {
        throw UsageError("the database at " + path + " is corrupt: " + e.get_msg() +
                         " (rebuild it: remove it, then " + create + ")");
    }
    std::string fp = db.get_metadata(meta::kAnalysis);
    if (fp.empty() && db.get_doccount() == 0)
        throw UsageError("the database at " + path + " is empty (" + create + ")");
    if (fp != analyzer.fingerprint())
        throw UsageError("the database at " + path + " was built with another analysis (" + fp +
                         "; this searcher uses " + analyzer.fingerprint() + "): rebuild it with " +
                         "indexer");
    return db;
}

// ---- Revision

const std::vector<std::string>& Revision::chapter_order(const Xapian::Database& db) const {
    std::call_once(chapters_once_,
                   [&] { chapters_ = decode_chapters(db.get_metadata(meta::kChapters)); });
    return chapters_;
}

const SynonymGroups& Revision::synonyms(const Xapian::Database& db, const Analyzer& analyzer,
                                        const SynonymGroups& builtin) const {
    std::call_once(synonyms_once_, [&] {
        synonyms_ = with_acronyms(builtin, db.get_metadata(meta::kAcronyms), analyzer);
    });
    return synonyms_;
}

// ---- Worker

std::vector<Worker::PathStamp> Worker::stamps() const {
    std::vector<PathStamp> out;
    for (const std::string& path : core_.options().databases) {
        PathStamp s;
        struct stat st;
        if (::stat(path.c_str(), &st) == 0) {
            s.exists = true;
            s.regular = S_ISREG(st.st_mode);
            s.dev = st.st_dev;
            s.ino = st.st_ino;
            s.mtime_ns =
                static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
            s.size = static_cast<long long>(st.st_size);
        }
        out.push_back(s);
    }
    return out;
}

Worker::Worker(EngineCore& core) : core_(core) { analyzer_.configure(parser_); }

Worker::Worker(EngineCore& core, Xapian::Database opened)
    : core_(core), db_(std::move(opened)), opened_(true) {
    analyzer_.configure(parser_);
    stamps_ = stamps();
}

void Worker::refresh() {
    std::vector<PathStamp> now = stamps();
    if (!opened_ || now != stamps_) {
        db_ = core_.open();
        opened_ = true;
        stamps_ = std::move(now);
    } else {
        db_.reopen();
    }
    std::string state = database_state(db_);
    // The one place where what was read from the index is dropped: on another revision, or on
    // every search when the revision cannot be known.
    if (!revision_ || state.empty() || state != revision_->state()) {
        revision_ = core_.revision_for(state);
        caches_.clear();
    }
}

const SynonymGroups& Worker::synonyms() {
    return revision_->synonyms(db_, analyzer_, core_.builtin_synonyms(analyzer_));
}

const EnglishDictionary& Worker::english() { return core_.english(); }

ExpandSources Worker::expand_sources() {
    return ExpandSources{db_, analyzer_, [this]() -> const SynonymGroups& { return synonyms(); },
                         [this]() -> const EnglishDictionary& { return english(); },
                         caching() ? &caches_.expansions : nullptr};
}

// ---- EngineCore

EngineCore::EngineCore(EngineOptions options) : options_(std::move(options)) {
    if (options_.databases.empty()) throw UsageError("no database given");
    // Opened (and checked) now, so that a missing or foreign database is said at once; the
    // handle becomes the first worker's.
    idle_.push_back(std::make_unique<Worker>(*this, open()));
}

EngineCore::~EngineCore() = default;

Xapian::Database EngineCore::open() const {
    Analyzer analyzer;
    if (options_.databases.size() == 1) return open_database(options_.databases.front(), analyzer);
    Xapian::Database all;
    for (const std::string& path : options_.databases)
        all.add_database(open_database(path, analyzer));
    return all;
}

std::shared_ptr<const Revision> EngineCore::revision_for(const std::string& state) {
    if (state.empty()) return std::make_shared<const Revision>(state);  // kept by none
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& r : revisions_)
        if (r->state() == state) return r;
    // A worker still on the previous revision finds it; older ones live on only in the
    // workers (and searches) that hold them.
    constexpr size_t kKept = 2;
    revisions_.insert(revisions_.begin(), std::make_shared<const Revision>(state));
    if (revisions_.size() > kKept) revisions_.resize(kKept);
    newest_ = state;
    return revisions_.front();
}

std::string EngineCore::newest_state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return newest_;
}

const SynonymGroups& EngineCore::builtin_synonyms(const Analyzer& analyzer) {
    std::call_once(synonyms_once_,
                   [&] { builtin_synonyms_ = rapportsok::builtin_synonyms(analyzer); });
    return builtin_synonyms_;
}

const EnglishDictionary& EngineCore::english() {
    std::call_once(english_once_, [&] {
        english_ = std::make_unique<const EnglishDictionary>(options_.english_dictionary);
    });
    return *english_;
}

EngineCore::Lease EngineCore::lease() {
    std::unique_ptr<Worker> worker;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            worker = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!worker) worker = std::make_unique<Worker>(*this);
    return Lease(*this, std::move(worker));
}

void EngineCore::give_back(std::unique_ptr<Worker> worker) {
    if (!worker) return;
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(worker));
}

}  // namespace rapportsok
