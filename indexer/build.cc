#include "indexer/build.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <ostream>
#include <sstream>
#include <thread>

#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/sync.h"

namespace fs = std::filesystem;

namespace rapportsok {

namespace {

// Measured on the 10 MB and 50 MB sets (RSS against XAPIAN_FLUSH_THRESHOLD, one and two
// threads): what the process holds whatever it indexes (code, ICU's data, hunspell's word
// list), what each writing thread holds besides its buffer (stem and compound caches, its
// tables' blocks), and what Xapian buffers for one of the indexer's documents (postings,
// positions, values and spelling of a ~100-byte passage: 4 to 8 KB, the most while the
// buffer still meets many new words).
constexpr long kBaseMb = 56;
constexpr long kThreadMb = 16;
constexpr long kBufferBytesPerDocument = 8000;
constexpr long kMinBufferMb = 8;
// Fewer documents a flush cost time (each is a commit of the shard); more than this, no less
// time and more memory (10 MB set, two threads: 17 s of CPU from 5,000 to 20,000, 19 s at
// 55,000).
constexpr long kMinThreshold = 1000;
constexpr long kMaxThreshold = 20000;
// Below this much text a second thread costs more (its own caches, a merge) than it saves.
constexpr long long kMinShardBytes = 512 * 1024;

}  // namespace

std::string database_problem(const fs::path& dir) {
    try {
        if (Xapian::Database::check(dir.string(), 0, nullptr) != 0)
            return "xapian-check finds errors";
        // Glass takes a table whose file is missing for an empty one (docdata.glass deleted: every
        // passage's data gone, and xapian-check content): documents have data, and documents
        // with terms their term lists.
        const Xapian::Database db(dir.string());
        auto missing = [&](const char* table) { return !fs::exists(dir / table); };
        if (db.get_doccount() > 0 && missing("docdata.glass"))
            return "its table docdata.glass is missing";
        if (db.get_total_length() > 0 && missing("termlist.glass"))
            return "its table termlist.glass is missing";
    } catch (const Xapian::DatabaseOpeningError&) {
        throw;
    } catch (const Xapian::Error& e) {
        return e.get_description();
    }
    return "";
}

RemoveOnExit::~RemoveOnExit() {
    std::error_code ec;
    if (!keep) fs::remove_all(path, ec);
}

long flush_threshold_for(const BuildSettings& s, int writers) {
    const long buffer_mb = std::max(0L, s.memory_mb - kBaseMb) / std::max(1, writers) - kThreadMb;
    return std::clamp(buffer_mb * 1024 * 1024 / kBufferBytesPerDocument, kMinThreshold,
                      kMaxThreshold);
}

BuildPlan plan_build(const BuildSettings& s, size_t files, long long bytes) {
    // Threads as asked; else one a core, and no more than one for each kMinShardBytes of text.
    const long threads =
        s.jobs > 0 ? s.jobs
                   : std::max(1L, std::min<long>(std::thread::hardware_concurrency(),
                                                 static_cast<long>(bytes / kMinShardBytes)));
    // Each thread needs room for its caches and a useful buffer: fewer threads when memory is
    // short, rather than threads that write out every few documents.
    const long fit = std::max(0L, s.memory_mb - kBaseMb) / (kThreadMb + kMinBufferMb);
    const long shards =
        std::max<long long>(1, std::min<long long>({threads, static_cast<long long>(files), fit}));
    BuildPlan plan;
    plan.shards = static_cast<int>(shards);
    plan.flush_threshold = flush_threshold_for(s, plan.shards);
    return plan;
}

FlushThreshold::FlushThreshold(long documents) {
    if (std::getenv("XAPIAN_FLUSH_THRESHOLD")) return;
    set_ = ::setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(documents).c_str(), 1) == 0;
}

FlushThreshold::~FlushThreshold() {
    if (set_) ::unsetenv("XAPIAN_FLUSH_THRESHOLD");
}

namespace {

struct Shard {
    size_t begin = 0, end = 0;  // files[begin, end)
    fs::path path;
    Xapian::WritableDatabase db;
    Outcome outcome;
    std::ostringstream messages;  // printed after the build, in file order
    std::exception_ptr error;
};

// Contiguous runs of files of about equal size, so that the merged database numbers its
// documents in file order, as a single thread would.
std::vector<std::pair<size_t, size_t>> split_by_size(const std::vector<long long>& sizes,
                                                     int shards) {
    long long total = 0;
    for (long long s : sizes) total += s;
    std::vector<std::pair<size_t, size_t>> out;
    const size_t n = sizes.size();
    size_t begin = 0;
    long long done = 0;
    for (int k = 1; k <= shards; ++k) {
        const long long goal = total * k / shards;
        const size_t left_for_others = static_cast<size_t>(shards - k);
        size_t end = begin;
        // A file goes to this shard unless it takes the shard more than half its size past
        // the goal; every shard gets a file at least.
        while (end + left_for_others < n) {
            if (end > begin && done + sizes[end] / 2 > goal) break;
            done += sizes[end++];
        }
        out.emplace_back(begin, end);
        begin = end;
    }
    return out;
}

// Indexes one shard's files with an analysis of its own: Analyzer's stem cache and the
// TermGenerator are not thread-safe; the decompounder's word list is shared, read-only. A
// report's compounds are split by that list and its own words alone (compound.h), so a shard
// writes what one thread indexing every file would.
void index_shard(Shard& shard, const std::vector<SyncTarget>& files,
                 const std::vector<long long>& sizes, Progress& progress, std::atomic<bool>& stop) {
    try {
        Analyzer analyzer;
        IndexWriter writer(shard.db, analyzer);
        shard.db.set_metadata(meta::kSchema, std::to_string(kSchemaVersion));
        shard.db.set_metadata(meta::kAnalysis, analyzer.fingerprint());
        for (size_t i = shard.begin; i < shard.end && !stop; ++i) {
            const long passages =
                sync_one(writer, shard.db, files[i], shard.messages, shard.outcome);
            kill_point("build-file");
            progress.advance(1, passages, sizes[i]);
        }
    } catch (...) {
        shard.error = std::current_exception();
        stop = true;
    }
}

}  // namespace

Xapian::WritableDatabase build_database(const std::vector<SyncTarget>& files, const fs::path& out,
                                        const fs::path& work, const BuildSettings& settings,
                                        Progress& progress, std::ostream& err, Outcome& outcome) {
    SyncStats& stats = outcome.stats;
    std::vector<long long> sizes;
    long long bytes = 0;
    for (const SyncTarget& f : files) {
        sizes.push_back(file_size(f.path));
        bytes += sizes.back();
    }
    const BuildPlan plan = plan_build(settings, files.size(), bytes);

    RemoveOnExit cleanup{work};
    fs::remove_all(work);
    fs::create_directories(work);
    std::vector<Shard> shards(static_cast<size_t>(plan.shards));
    // A small corpus, one thread: written straight into out, synced, with no merge to pay for
    // (compacting a report saves next to nothing and costs a second set of fsyncs).
    const bool direct = plan.shards == 1 && bytes < kMinShardBytes;
    {
        // Shards are never read until they are merged: no transaction (Xapian writes out and
        // commits a shard every flush_threshold documents, so memory stays bounded), and no
        // fsync (they are thrown away if the build fails; the merged database is synced).
        FlushThreshold threshold(plan.flush_threshold);
        const auto ranges = split_by_size(sizes, plan.shards);
        for (size_t k = 0; k < shards.size(); ++k) {
            shards[k].begin = ranges[k].first;
            shards[k].end = ranges[k].second;
            shards[k].path = direct ? out : work / std::to_string(k);
            shards[k].db = Xapian::WritableDatabase(
                shards[k].path.string(), Xapian::DB_CREATE | (direct ? 0 : Xapian::DB_NO_SYNC));
        }
    }
    std::atomic<bool> stop{false};
    if (shards.size() == 1) {
        index_shard(shards[0], files, sizes, progress, stop);
    } else {
        std::vector<std::thread> threads;
        for (Shard& s : shards)
            threads.emplace_back([&, sp = &s] { index_shard(*sp, files, sizes, progress, stop); });
        for (std::thread& t : threads) t.join();
    }
    for (Shard& s : shards) {
        if (s.error) std::rethrow_exception(s.error);
    }
    progress.clear();
    for (Shard& s : shards) {
        err << s.messages.str();
        const SyncStats& part = s.outcome.stats;
        stats.files_seen += part.files_seen;
        stats.files_changed += part.files_changed;
        stats.files_unchanged += part.files_unchanged;
        stats.files_failed += part.files_failed;
        stats.added += part.added;
        stats.updated += part.updated;
        stats.unchanged += part.unchanged;
        stats.relined += part.relined;
        outcome.failed = outcome.failed || s.outcome.failed;
    }
    err << std::flush;

    Xapian::WritableDatabase db;
    if (direct) {
        db = shards[0].db;
    } else {
        for (Shard& s : shards) {
            s.db.commit();
            s.db.close();
        }
        // One pass merges and compacts: postings, positions, values, document data and
        // spelling (frequencies summed). Metadata keys are distinct per shard (the file
        // records) or the same in every shard (schema, analysis), where Xapian keeps the first.
        progress.stage(shards.size() > 1 ? "merging " + std::to_string(shards.size()) + " shards"
                                         : "compacting");
        Xapian::Database all;
        for (const Shard& s : shards) all.add_database(Xapian::Database(s.path.string()));
        all.compact(out.string(), Xapian::Compactor::FULL);
        db = Xapian::WritableDatabase(out.string(), Xapian::DB_OPEN);
    }
    if (stats.files_changed) {
        Analyzer analyzer;
        IndexWriter(db, analyzer).update_summaries();
    }
    db.commit();
    // Checked whole before it is put in place: what searches will read is known to be readable.
    progress.stage("checking");
    const std::string problem = database_problem(out);
    if (!problem.empty())
        throw Xapian::DatabaseError(
            "the new database failed its check before it was put in place (" + problem + ")");
    progress.clear();
    return db;
}

}  // namespace rapportsok
