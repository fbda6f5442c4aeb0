#include "indexer/sync.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"

namespace fs = std::filesystem;

namespace rapportsok {

Report load_report(const Source& src, const std::string& name) {
    return structure(name, clean(src.text, src.markdown));
}

std::string why_no_passages(const Source& src) {
    return src.text.find_first_not_of(" \t\n\f") == std::string::npos
               ? "holds no text (empty or white space only)"
               : "holds no paragraph of text (headings only)";
}

void kill_point(const char* point) {
    static const std::string at = [] {
        const char* v = std::getenv("RAPPORTSOK_KILL_AT");
        return std::string(v ? v : "");
    }();
    if (at.empty()) return;
    const size_t colon = at.find(':');
    if (at.compare(0, colon, point) != 0) return;
    static std::mutex mutex;
    static long seen = 0;
    std::lock_guard<std::mutex> lock(mutex);
    if (++seen == (colon == std::string::npos ? 1 : std::atol(at.c_str() + colon + 1)))
        ::kill(::getpid(), SIGKILL);
}

SyncTarget target_of(const FileRef& f) { return {f.path, f.path, f.real, absolute_path(f.path)}; }

namespace {

// A file unchanged by size and time is not read; that it can still be read is checked, so that
// a sync and --check agree about a file that has become unreadable.
void require_readable(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw InputError(path, 0, std::string("cannot read: ") + std::strerror(errno));
    ::close(fd);
}

bool record_of(const Xapian::Database& db, const std::string& name, FileRecord& out) {
    const std::string data = db.get_metadata(meta::kFilePrefix + name);
    if (data.empty()) return false;
    out = decode_file_record(data);
    return true;
}

// File systems stamp times at their own tick (a few ms on ext4 and tmpfs, 1 s on ext3 and some
// NFS, 2 s on FAT): a file read within this of its mtime may have changed again since within the
// same tick, size and mtime as recorded, and is read again (its hash compared) next time.
constexpr long long kRacyNs = 2'000'000'000LL;

long long wall_clock_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

long sync_one(IndexWriter& writer, Xapian::WritableDatabase& db, const SyncTarget& t,
              std::ostream& err, Outcome& outcome) {
    SyncStats& stats = outcome.stats;
    ++stats.files_seen;
    FileRecord rec;
    const bool known = record_of(db, t.name, rec);
    try {
        FileTimes now;
        const bool racy = rec.read_ns != 0 && rec.read_ns - rec.mtime_ns < kRacyNs;
        if (known && !racy && stat_file(t.path, now) && now.size == rec.size &&
            now.mtime_ns == rec.mtime_ns) {
            require_readable(t.path);
            if (rec.real != t.real || rec.path != t.name_path) {
                // The same file, found where it moved with its folder: remember where.
                rec.real = t.real;
                rec.path = t.name_path;
                db.set_metadata(meta::kFilePrefix + t.name, encode_file_record(rec));
                ++stats.records_updated;
            }
            ++stats.files_unchanged;
            stats.unchanged += rec.passages;
            return rec.passages;
        }
        const long long read_ns = wall_clock_ns();
        Source src = read_source(t.path);
        if (known && src.size == rec.size && src.hash == rec.hash) {
            // Touched but not changed: remember the new mtime, index nothing. Read again only
            // as racy, nothing changed but when it was read: that waits for a run that commits
            // anyway, so that a run that changes nothing commits nothing.
            const bool settled_only =
                rec.mtime_ns == src.mtime_ns && rec.real == t.real && rec.path == t.name_path;
            rec.mtime_ns = src.mtime_ns;
            rec.read_ns = read_ns;
            rec.real = t.real;
            rec.path = t.name_path;
            if (settled_only) {
                stats.settled.emplace_back(t.name, rec);
            } else {
                db.set_metadata(meta::kFilePrefix + t.name, encode_file_record(rec));
                ++stats.records_updated;
            }
            ++stats.files_unchanged;
            stats.unchanged += rec.passages;
            return rec.passages;
        }
        Report report = load_report(src, t.name);
        for (const std::string& w : src.warnings) err << "indexer: " << w << "\n";
        for (const std::string& w : report.warnings) err << "indexer: " << w << "\n";
        if (report.passages.empty()) {
            // An edit like any other: what the file says now is nothing.
            if (known && rec.passages > 0)
                err << "indexer: " << t.path << ": " << why_no_passages(src) << " now; its "
                    << plural(rec.passages, "passage was", "passages were")
                    << " removed from the index\n";
            else if (!known)
                err << "indexer: " << t.path << ": " << why_no_passages(src)
                    << ", nothing to index\n";
        }
        FileRecord next;
        next.size = src.size;
        next.mtime_ns = src.mtime_ns;
        next.hash = src.hash;
        next.real = t.real;
        next.path = t.name_path;
        next.read_ns = read_ns;
        writer.sync_file(report, next, stats);
        ++stats.files_changed;
        return static_cast<long>(report.passages.size());
    } catch (const InputError& e) {
        err << "indexer: " << e.what() << " (not indexed; its earlier state is kept)\n";
        ++stats.files_failed;
        const long n = known ? rec.passages : 0;
        stats.unchanged += n;
        outcome.failed = true;
        return n;
    }
}

SyncPlan plan_sync(const Xapian::Database& db, const FileSet& set) {
    std::map<std::string, FileRecord> records;
    std::map<std::string, std::string> by_real;  // real path -> record
    const std::string pfx = meta::kFilePrefix;
    for (auto it = db.metadata_keys_begin(pfx); it != db.metadata_keys_end(pfx); ++it) {
        const std::string name = (*it).substr(pfx.size());
        FileRecord r = decode_file_record(db.get_metadata(*it));
        if (!r.real.empty()) by_real.emplace(r.real, name);
        records.emplace(name, std::move(r));
    }
    SyncPlan plan;
    const size_t n = set.files.size();
    plan.continues.assign(n, "");
    for (const FileRef& f : set.files) plan.targets.push_back(target_of(f));
    std::set<std::string> taken, reached;
    for (const FileRef& f : set.files) reached.insert(f.path);

    // The record of the same file: its name stays while it still leads to the file (and no
    // other file of this run is reached by that name).
    for (size_t i = 0; i < n; ++i) {
        auto r = by_real.find(set.files[i].real);
        if (r == by_real.end() || taken.count(r->second)) continue;
        const FileRecord& rec = records.at(r->second);
        std::error_code ec;
        const bool leads_here = !rec.path.empty() && !reached.count(r->second) &&
                                fs::canonical(rec.path, ec) == set.files[i].real;
        if (leads_here) {
            plan.targets[i].name = r->second;
            plan.targets[i].name_path = rec.path;
        }
        plan.continues[i] = r->second;
        taken.insert(r->second);
    }
    // The record of the same name.
    for (size_t i = 0; i < n; ++i) {
        if (!plan.continues[i].empty()) continue;
        const std::string& name = set.files[i].path;
        if (records.count(name) && !taken.count(name)) {
            plan.continues[i] = name;
            taken.insert(name);
        }
    }
    // Records no file continues: files gone (or renamed), unless under what could not be read.
    auto unseen = [&](const std::string& name, const FileRecord& r) {
        return under_unreadable(set, r.path.empty() ? absolute_path(name) : r.path) ||
               (!r.real.empty() && under_unreadable(set, r.real));
    };
    std::multimap<long long, std::string> orphans;  // size -> record
    for (const auto& [name, r] : records)
        if (!taken.count(name) && !unseen(name, r)) orphans.emplace(r.size, name);
    auto adopt = [&](size_t i, const std::string& record) {
        plan.continues[i] = record;
        taken.insert(record);
        for (auto o = orphans.begin(); o != orphans.end(); ++o)
            if (o->second == record) {
                orphans.erase(o);
                break;
            }
    };
    // One with the same content: the file renamed or moved. Only files of a size such a record
    // has are read for their hash.
    for (size_t i = 0; i < n && !orphans.empty(); ++i) {
        if (!plan.continues[i].empty()) continue;
        const auto range = orphans.equal_range(file_size(set.files[i].path));
        if (range.first == range.second) continue;
        std::string hash;
        try {
            hash = read_source(set.files[i].path).hash;
        } catch (const InputError&) {
            continue;  // reported when it is synced
        }
        for (auto o = range.first; o != range.second; ++o) {
            if (records.at(o->second).hash != hash) continue;
            adopt(i, o->second);
            break;
        }
    }
    // One that has at least half the passages of the file (or the file half of its): renamed
    // and edited before a sync saw either. What passages of files gone are left can still lend
    // their ids to passages of the same text in new files.
    bool unmatched = false;
    for (size_t i = 0; i < n; ++i) unmatched = unmatched || plan.continues[i].empty();
    if (unmatched && !orphans.empty()) {
        std::unordered_map<std::string, std::vector<std::string>> holders;  // text -> records
        std::map<std::string, long> sizes;                                  // record -> passages
        for (const auto& [size, name] : orphans) {
            const std::string term = file_term(name);
            for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
                holders[decode_passage(db.get_document(*it).get_data()).text].push_back(name);
                ++sizes[name];
            }
        }
        for (size_t i = 0; i < n && !orphans.empty(); ++i) {
            if (!plan.continues[i].empty()) continue;
            Report report;
            try {
                report = load_report(read_source(set.files[i].path), set.files[i].path);
            } catch (const InputError&) {
                continue;
            }
            std::map<std::string, long> shared;
            for (const Passage& p : report.passages) {
                auto h = holders.find(p.text);
                if (h == holders.end()) continue;
                for (const std::string& r :
                     std::set<std::string>(h->second.begin(), h->second.end()))
                    if (!taken.count(r)) ++shared[r];
            }
            std::string best;
            for (const auto& [r, k] : shared)
                if (best.empty() || k > shared[best]) best = r;
            if (best.empty()) continue;
            const long smaller = std::min(static_cast<long>(report.passages.size()), sizes[best]);
            if (shared[best] * 2 >= smaller) adopt(i, best);
        }
        for (const auto& [size, name] : orphans) {
            const std::string term = file_term(name);
            for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
                Passage p = decode_passage(db.get_document(*it).get_data());
                plan.orphan_ids[p.text].push_back(p.id);
            }
        }
    }
    for (const auto& [name, r] : records)
        if (!taken.count(name)) (unseen(name, r) ? plan.kept : plan.removed).push_back(name);
    return plan;
}

namespace {

// Within a transaction Xapian keeps value and spelling changes in memory until the commit
// (postings it writes out every XAPIAN_FLUSH_THRESHOLD documents): a sync that adds a whole
// corpus would hold them all (398 MB RSS for the 50 MB set). Opening a value stream and the
// spelling word list writes them into their tables, uncommitted, as glass does before it reads
// them (glass_database.cc: open_value_list, open_spelling_wordlist); readers still see the
// last commit, and a kill still leaves it.
void write_out_buffers(Xapian::WritableDatabase& db) {
    (void)db.valuestream_begin(slot::kChapter);
    (void)db.spellings_begin();
}

// Moves the passages of renamed files to their new names. A rename onto a name another still
// has waits for that one; names that trade places go by a name no file can have.
void rename_files(IndexWriter& writer, Xapian::Database& db, const SyncPlan& plan,
                  SyncStats& stats) {
    struct Move {
        std::string from;
        size_t target;
    };
    std::vector<Move> moves;
    for (size_t i = 0; i < plan.targets.size(); ++i)
        if (!plan.continues[i].empty() && plan.continues[i] != plan.targets[i].name)
            moves.push_back({plan.continues[i], i});
    stats.files_renamed += static_cast<long>(moves.size());
    while (!moves.empty()) {
        bool moved = false;
        for (size_t k = 0; k < moves.size(); ++k) {
            const SyncTarget& t = plan.targets[moves[k].target];
            bool waits = false;
            for (const Move& other : moves) waits = waits || other.from == t.name;
            if (waits) continue;
            FileRecord rec;
            record_of(db, moves[k].from, rec);
            rec.real = t.real;
            rec.path = t.name_path;
            writer.rename_file(moves[k].from, t.name, rec);
            moves.erase(moves.begin() + static_cast<long>(k));
            moved = true;
            break;
        }
        if (moved) continue;
        Move& m = moves.front();
        FileRecord rec;
        record_of(db, m.from, rec);
        const std::string aside = "\n" + m.from;  // no file name starts with a line break
        writer.rename_file(m.from, aside, rec);
        m.from = aside;
    }
}

}  // namespace

void sync_into(Xapian::WritableDatabase& db, const FileSet& set, const std::string& db_name,
               long buffered, Progress& progress, std::ostream& err, Outcome& outcome) {
    SyncStats& stats = outcome.stats;
    Analyzer analyzer;
    const std::string fp = analyzer.fingerprint();
    std::string stored = db.get_metadata(meta::kAnalysis);
    if (!stored.empty() && stored != fp && db.get_doccount() > 0)
        throw UsageError("the database at " + db_name + " was built with another analysis (" +
                         stored + "); " + rebuild_advice(db_name));

    const SyncPlan plan = plan_sync(db, set);
    IndexWriter writer(db, analyzer);
    db.begin_transaction();
    try {
        // Written only when they differ, so that a run that changes nothing commits nothing
        // and readers are not sent to reopen for no reason.
        const std::string schema = std::to_string(kSchemaVersion);
        if (db.get_metadata(meta::kSchema) != schema) db.set_metadata(meta::kSchema, schema);
        if (stored != fp) db.set_metadata(meta::kAnalysis, fp);
        // Gone files first, so that their names (and ids) are free for a file renamed onto one.
        for (const std::string& f : plan.removed) writer.remove_file(f, stats);
        writer.lend_ids(plan.orphan_ids);
        rename_files(writer, db, plan, stats);
        long written_out = 0;  // documents written when the buffers were last written out
        for (size_t i = 0; i < plan.targets.size(); ++i) {
            const long written = stats.added + stats.updated + stats.relined;
            if (written - written_out >= buffered) {
                write_out_buffers(db);
                written_out = written;
            }
            // Messages are whole lines, written with the bar off the screen.
            std::ostringstream messages;
            const long passages = sync_one(writer, db, plan.targets[i], messages, outcome);
            kill_point("file");
            if (!messages.str().empty()) {
                progress.clear();
                err << messages.str() << std::flush;
            }
            progress.advance(1, passages, file_size(plan.targets[i].path));
        }
        const bool writes = stats.files_changed || stats.files_removed || stats.files_renamed;
        if (writes) writer.update_summaries();
        if (writes || stats.records_updated)
            for (const auto& [name, rec] : stats.settled)
                db.set_metadata(meta::kFilePrefix + name, encode_file_record(rec));
        progress.stage("committing");
        kill_point("commit");
        db.commit_transaction();
        progress.clear();
    } catch (...) {
        try {
            db.cancel_transaction();
        } catch (...) {
        }
        throw;
    }
}

}  // namespace rapportsok
