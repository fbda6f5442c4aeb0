#include "searcher/worker.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
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

// ---- Revision

void Revision::read_summaries(const std::vector<Xapian::Database>& shards) const {
    std::call_once(summaries_once_, [&] {
        if (shards.size() == 1) {
            chapters_ = decode_chapters(shards[0].get_metadata(meta::kChapters));
            acronyms_ = shards[0].get_metadata(meta::kAcronyms);
            return;
        }
        // One database's summaries are the union of its file records in file order
        // (IndexWriter::update_summaries): the shards' files merged, the same union.
        std::map<std::string, nlohmann::json> files;
        std::vector<std::string> chapters_left;  // of shards without per-file summaries
        nlohmann::json acronyms_left = nlohmann::json::array();
        for (const Xapian::Database& db : shards) {
            const std::string by_file = db.get_metadata(meta::kFileSummaries);
            nlohmann::json j = nlohmann::json::parse(by_file, nullptr, false);
            if (!by_file.empty() && j.is_object()) {
                for (auto it = j.begin(); it != j.end(); ++it) files.emplace(it.key(), it.value());
                continue;
            }
            for (const std::string& c : decode_chapters(db.get_metadata(meta::kChapters)))
                chapters_left.push_back(c);
            for (const auto& [a, d] : decode_acronyms(db.get_metadata(meta::kAcronyms)))
                acronyms_left.push_back({a, d});
        }
        nlohmann::json acronyms = nlohmann::json::array();
        auto add_chapter = [&](const std::string& c) {
            if (std::find(chapters_.begin(), chapters_.end(), c) == chapters_.end())
                chapters_.push_back(c);
        };
        auto add_acronym = [&](const nlohmann::json& a) {
            if (a.is_array() && a.size() == 2 && a[0].is_string() && a[1].is_string() &&
                std::find(acronyms.begin(), acronyms.end(), a) == acronyms.end())
                acronyms.push_back(a);
        };
        for (const auto& [file, summary] : files) {
            if (!summary.is_array() || summary.size() != 2) continue;
            for (const auto& c : summary[0])
                if (c.is_string()) add_chapter(c.get<std::string>());
            for (const auto& a : summary[1]) add_acronym(a);
        }
        for (const std::string& c : chapters_left) add_chapter(c);
        for (const auto& a : acronyms_left) add_acronym(a);
        acronyms_ = acronyms.empty()
                        ? ""
                        : acronyms.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    });
}

const std::vector<std::string>& Revision::chapter_order(
    const std::vector<Xapian::Database>& shards) const {
    read_summaries(shards);
    return chapters_;
}

const Synonyms& Revision::synonyms(const std::vector<Xapian::Database>& shards,
                                   const Analyzer& analyzer, const SynonymGroups& builtin) const {
    read_summaries(shards);
    std::call_once(synonyms_once_, [&] {
        AcronymIndex index;
        if (shards.size() == 1 && !acronyms_.empty()) {
            try {
                index = AcronymIndex(shards[0].get_metadata(meta::kAcronymIndex));
            } catch (const std::runtime_error&) {
                index = AcronymIndex();  // damaged: made again below
            }
        }
        if (!index.indexes(acronyms_))
            index = AcronymIndex(encode_acronym_index(acronyms_, analyzer));
        synonyms_ = Synonyms(builtin, std::move(index));
    });
    return synonyms_;
}

const Vocabulary& Revision::vocabulary(const Xapian::Database& all) const {
    std::call_once(vocabulary_once_,
                   [&] { vocabulary_ = std::make_unique<const Vocabulary>(all); });
    return *vocabulary_;
}

const Vocabulary& Revision::stems(const Xapian::Database& all) const {
    std::call_once(stems_once_, [&] { stems_ = std::make_unique<const Vocabulary>(all, "Z"); });
    return *stems_;
}

// ---- Worker

std::vector<Worker::PathStamp> Worker::stamps(const std::vector<std::string>& stubs) const {
    std::vector<std::string> paths = core_.options().databases;
    paths.insert(paths.end(), stubs.begin(), stubs.end());
    std::vector<PathStamp> out;
    for (const std::string& path : paths) {
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

void Worker::open_now() {
    checking_ = true;
    begin_search();
    checking_ = false;
    retry_failed_ = false;
}

void Worker::begin_search() {
    const EngineOptions& o = core_.options();
    if (!listed_ || stamps(stubs_) != stamps_) {
        // Listed again, and every shard opened afresh: a replaced stub lists other databases.
        ShardList list = resolve_shards(o.databases);
        shards_.clear();
        for (ShardSpec& spec : list.shards) shards_.emplace_back(std::move(spec));
        stubs_ = std::move(list.stubs);
        stamps_ = stamps(stubs_);
        listed_ = true;
        retry_failed_ = true;  // shards listed anew are all opened now, none is failed yet
        remote_ = std::any_of(shards_.begin(), shards_.end(),
                              [](const Shard& s) { return s.spec().remote(); });
    }
    // One database is checked as before shards: its errors are the search's. Of several, a
    // shard may be empty (a sharded folder with fewer reports than shards), and one that fails
    // is left out.
    const bool single = shards_.size() == 1;
    for (Shard& s : shards_) {
        const bool was_open = s.ok();
        if (!was_open && !retry_failed_) continue;
        if (!s.refresh(o.shard_timeout, analyzer_, !single, single) && was_open)
            // A kept connection that broke (the server restarted, or closed it when idle): one
            // fresh try now, so that a shard that is back is searched at once.
            s.refresh(o.shard_timeout, analyzer_, !single, single);
    }
    retry_failed_ = true;
    combine();
}

void Worker::refresh() {
    const EngineOptions& o = core_.options();
    const bool single = shards_.size() == 1;
    for (Shard& s : shards_)
        if (s.ok()) s.refresh(o.shard_timeout, analyzer_, !single, single);
    combine();
}

void Worker::combine() {
    open_.clear();
    std::string state;
    bool known = true;
    for (Shard& s : shards_) {
        if (!s.ok()) continue;
        open_.push_back(s.db());
        known = known && !s.state().empty();
        state += (state.empty() ? "" : ";") + s.spec().name + "=" + s.state();
    }
    if (open_.empty()) {
        std::string why;
        for (const Shard& s : shards_)
            why += (why.empty() ? "" : "; ") + s.spec().name + ": " + s.error();
        if (shards_.size() == 1) throw UsageError("cannot search " + why);
        throw UsageError("no shard could be searched (" + why + ")");
    }
    if (open_.size() == 1) {
        db_ = open_.front();
    } else {
        db_ = Xapian::Database();
        for (const Xapian::Database& d : open_) db_.add_database(d);
    }
    if (checking_) return;
    if (shards_.size() == 1 && !remote_) state = database_state(db_);  // as before shards
    if (!known) state.clear();
    // The one place where what was read from the index is dropped: on another revision (or
    // other shards), or on every search when the revision cannot be known.
    if (!revision_ || state.empty() || state != revision_->state()) {
        revision_ = core_.revision_for(state);
        caches_.clear();
    }
}

bool Worker::drop_failed(const Xapian::Error& e) {
    const double timeout = core_.options().shard_timeout;
    bool dropped = false;
    for (Shard& s : shards_) {
        if (s.ok() && error_names_shard(e, s.spec())) {
            s.fail(shard_error_message(e, timeout));
            dropped = true;
        }
    }
    if (!dropped) {
        // Xapian names no connection for one that was closed: each remote shard is asked.
        for (Shard& s : shards_)
            if (s.ok() && s.spec().remote() && !s.keep_alive(timeout)) dropped = true;
    }
    if (!dropped) return false;
    combine();
    return true;
}

ShardReport Worker::shard_report() const {
    ShardReport r;
    r.total = static_cast<int>(shards_.size());
    r.ok = 0;
    for (const Shard& s : shards_) {
        if (s.ok())
            ++r.ok;
        else
            r.failed.push_back({s.spec().name, s.error()});
    }
    return r;
}

void Worker::keep_alive(double idle) {
    const auto now = std::chrono::steady_clock::now();
    const auto after = std::chrono::duration<double>(idle);
    for (Shard& s : shards_)
        if (s.ok() && s.spec().remote() && now - s.last_used() >= after)
            s.keep_alive(core_.options().shard_timeout);
}

const Synonyms& Worker::synonyms() {
    return revision_->synonyms(open_, analyzer_, core_.builtin_synonyms(analyzer_));
}

const EnglishDictionary& Worker::english() { return core_.english(); }

std::string Worker::spelling_suggestion(const std::string& word, unsigned max_edits) {
    return revision_->vocabulary(db_).suggest(word, max_edits);
}

ExpandSources Worker::expand_sources() {
    return ExpandSources{db_,
                         analyzer_,
                         [this]() -> const Synonyms& { return synonyms(); },
                         [this]() -> const EnglishDictionary& { return english(); },
                         caching() ? &caches_.expansions : nullptr,
                         [this](const std::string& stem, unsigned edits) {
                             return revision_->stems(db_).nearest(stem, edits);
                         }};
}

// ---- EngineCore

EngineCore::EngineCore(EngineOptions options) : options_(std::move(options)) {
    if (options_.databases.empty()) throw UsageError("no database given");
    if (!(options_.shard_timeout > 0) || options_.shard_timeout > 3600)
        throw UsageError("the shard timeout is a number of seconds above 0, at most 3600");
    // Opened (and checked) now, so that a missing or foreign database is said at once; the
    // handles become the first worker's.
    auto first = std::make_unique<Worker>(*this);
    first->open_now();
    const bool remote = first->has_remote();
    idle_.push_back(std::move(first));
    if (remote && options_.keep_alive > 0) keeper_ = std::thread([this] { keep_alive_loop(); });
}

EngineCore::~EngineCore() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    stop_.notify_all();
    if (keeper_.joinable()) keeper_.join();
}

void EngineCore::keep_alive_loop() {
    const double every = options_.keep_alive / 2;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_.wait_for(lock, std::chrono::duration<double>(every), [&] { return stopping_; })) {
        // One idle worker at a time, so that searches meanwhile find the others.
        for (size_t n = idle_.size(); n > 0 && !stopping_; --n) {
            std::unique_ptr<Worker> w = std::move(idle_.front());
            idle_.erase(idle_.begin());
            lock.unlock();
            w->keep_alive(every);
            lock.lock();
            idle_.push_back(std::move(w));
        }
    }
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
