#include "indexer/pipeline.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "indexer/build.h"
#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/files.h"
#include "indexer/progress.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "indexer/sync.h"
#include "indexer/watch.h"
#include "indexer/write.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rapportsok {

namespace {

[[noreturn]] void throw_corrupt(const std::string& db, const std::string& problem) {
    throw UsageError("the database at " + db + " is corrupt (" + problem +
                     "); nothing was written to it: remove it and run indexer again to build "
                     "it anew");
}

// The database's files as this indexer left them after its last commit: name, size and mtime
// of each (the lock file aside). Kept beside them in kVerified.
constexpr const char* kVerified = "rapportsok.verified";

std::string files_state(const fs::path& dir) {
    std::vector<std::string> lines;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        struct stat st;
        if (name.rfind(kVerified, 0) == 0 || name == "flintlock" ||
            ::stat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        lines.push_back(name + " " + std::to_string(st.st_size) + " " +
                        std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                                       st.st_mtim.tv_nsec));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
}

// Records that the database in dir is as this indexer committed it (called after a commit).
void mark_verified(const fs::path& dir) {
    const fs::path tmp = dir / (std::string(kVerified) + ".tmp");
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << files_state(dir);
        if (!f) return;  // only a missed shortcut: the next run checks the whole database
    }
    std::error_code ec;
    fs::rename(tmp, dir / kVerified, ec);
}

// Refuses to write into a damaged database: Xapian writes new blocks before it commits, and
// into a damaged free list that could overwrite what is still good. The whole check (a few
// milliseconds for a report, seconds for a million passages) runs only when the files are not
// exactly as the last commit of this indexer left them: after a crash, another writer, or
// damage from outside.
void check_intact(const std::string& db, const fs::path& dir) {
    std::ifstream recorded_file(dir / kVerified, std::ios::binary);
    std::stringstream recorded;
    recorded << recorded_file.rdbuf();
    if (recorded_file && recorded.str() == files_state(dir)) return;
    const std::string problem = database_problem(dir);
    if (!problem.empty()) throw_corrupt(db, problem);
}

// A full disk, an I/O error: the transaction is cancelled (or the new database never put in
// place), the last commit stands.
[[noreturn]] void throw_write_failed(const std::string& db, const Xapian::Error& e) {
    throw UsageError("could not write the database at " + db + ": " + e.get_description() +
                     "; nothing of this run was committed, the database keeps its earlier state");
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A folder that exists and holds files, but no Xapian database, is not ours to write into.
std::optional<fs::path> stub_target(const fs::path& stub);

void check_db_folder(const std::string& db) {
    std::error_code ec;
    if (!fs::exists(db, ec)) return;
    if (stub_target(fs::absolute(db))) return;  // left by --rebuild
    if (!fs::is_directory(db, ec))
        throw UsageError("database path " + db + " exists and is not a folder");
    if (fs::is_empty(db, ec)) return;
    // Xapian's own files only: a database, or what an indexer killed while creating one left.
    bool xapian_only = true;
    for (const auto& e : fs::directory_iterator(db, ec)) {
        const std::string name = e.path().filename().string();
        const std::string ext = e.path().extension().string();
        if (name != "flintlock" && name.rfind("iam", 0) != 0 && ext != ".glass" && ext != ".DB" &&
            ext != ".tmp" && name.rfind("changes", 0) != 0 && name.rfind(kVerified, 0) != 0)
            xapian_only = false;
    }
    if (!ec && xapian_only) return;
    throw UsageError(db +
                     " is a folder that holds no Xapian database; refusing to write into it "
                     "(give another --db, or remove the folder)");
}

long count_terms(const Xapian::Database& db) {
    long n = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++n;
    return n;
}

// What a sync would change, by file: new, changed, renamed, removed; unreadable files are
// reported on err too, and make the status 2 (as a sync's is).
int check(const IndexOptions& o, const FileSet& set, std::ostream& out, std::ostream& err) {
    Xapian::Database db;
    try {
        db = Xapian::Database(o.db);
    } catch (const Xapian::DatabaseOpeningError&) {
        throw UsageError("no database at " + o.db + " (run indexer first)");
    }
    const SyncPlan plan = plan_sync(db, set);
    struct Stale {
        std::string file, state, from;
    };
    std::vector<Stale> stale;
    bool unreadable = set.failed;
    for (size_t i = 0; i < plan.targets.size(); ++i) {
        const SyncTarget& t = plan.targets[i];
        const std::string& from = plan.continues[i];
        if (from.empty()) {
            stale.push_back({t.name, "new", ""});
            continue;
        }
        if (from != t.name) {
            stale.push_back({t.name, "renamed", from});
            continue;
        }
        const FileRecord r = decode_file_record(db.get_metadata(meta::kFilePrefix + t.name));
        try {
            if (read_source(t.path).hash != r.hash) stale.push_back({t.name, "changed", ""});
        } catch (const InputError& e) {
            err << "indexer: " << e.what() << "\n";
            stale.push_back({t.name, "unreadable", ""});
            unreadable = true;
        }
    }
    for (const std::string& f : plan.removed) stale.push_back({f, "removed", ""});
    if (o.json) {
        json j = json::array();
        for (const Stale& s : stale) {
            j.push_back({{"file", s.file}, {"state", s.state}});
            if (!s.from.empty()) j.back()["from"] = s.from;
        }
        out << dump({{"up_to_date", stale.empty()}, {"out_of_date", j}}) << "\n";
    } else {
        for (const Stale& s : stale)
            out << s.state << ": " << (s.from.empty() ? "" : s.from + " -> ") << s.file << "\n";
        if (stale.empty()) out << "database " << o.db << " is up to date\n";
    }
    return unreadable ? 2 : stale.empty() ? 0 : 1;
}

}  // namespace

namespace {

// What the database path names: a plain Xapian folder (what a first run creates), or a Xapian
// stub file, "auto PATH.d/N", naming a generation folder beside it (what --rebuild leaves, so
// that it can put a whole new database in place with one rename(2)). A stub rather than a
// symbolic link: Xapian reads a stub once, at open, and then opens every table by the
// generation's own path, so a reader never mixes two generations; through a link, a reader
// whose open or reopen() straddles a swap reads the new version file with the old tables.
// Writers, too, open the generation itself.
std::optional<fs::path> stub_target(const fs::path& stub) {
    std::error_code ec;
    if (!fs::is_regular_file(stub, ec)) return std::nullopt;
    std::ifstream in(stub);
    for (std::string line; std::getline(in, line);) {
        for (const char* kind : {"auto ", "glass "}) {
            if (line.rfind(kind, 0) == 0) {
                fs::path target(line.substr(std::strlen(kind)));
                return target.is_absolute() ? target : stub.parent_path() / target;
            }
        }
    }
    return std::nullopt;
}

fs::path resolve(const std::string& db) {
    const fs::path abs = fs::absolute(db).lexically_normal();
    return fs::weakly_canonical(stub_target(abs).value_or(abs));
}

bool holds_database(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "iamglass", ec) || fs::exists(dir / "iamchert", ec);
}

// Opens the database for writing, taking its lock. Without wait, another writer's lock is a
// DatabaseBusy error; with it, we poll until the lock is free (saying so once on err).
// Throws UsageError naming what this user may not write: the database folder (or the folder it
// is to be made in) and the files in it. Checked before the lock is taken, so that a database
// the user may not write is said to be so, not busy ("another indexer"), and never waited for.
void check_writable(const std::string& db, const fs::path& target) {
    std::error_code ec;
    const bool exists = fs::exists(target, ec);
    const fs::path folder = exists ? target : target.parent_path();
    auto refuse = [&](const fs::path& what) {
        throw UsageError("cannot write the database at " + db + ": permission denied (this user " +
                         "may not write " + what.string() + ")");
    };
    if (::access(folder.c_str(), W_OK | X_OK) != 0 && errno == EACCES) refuse(folder);
    if (!exists) return;
    for (const auto& e : fs::directory_iterator(target, ec))
        if (e.is_regular_file(ec) && ::access(e.path().c_str(), W_OK) != 0 && errno == EACCES)
            refuse(e.path());
}

Xapian::WritableDatabase open_for_writing(const std::string& db, bool wait, std::ostream& err) {
    bool told = false;
    for (;;) {
        const fs::path target = resolve(db);
        check_writable(db, target);
        try {
            // No version file: nothing was ever committed here (check_db_folder let through
            // Xapian's own files only, which a first run killed early leaves), so start afresh.
            Xapian::WritableDatabase w(target.string(), holds_database(target)
                                                            ? Xapian::DB_OPEN
                                                            : Xapian::DB_CREATE_OR_OVERWRITE);
            // Waiting for a lock may have meant waiting for a --rebuild, which swaps the stub
            // before it lets the old generation go: that one is no longer the database.
            if (resolve(db) == target) return w;
            w.close();
        } catch (const Xapian::DatabaseLockError& e) {
            // Xapian says "already locked" for another writer's lock; anything else (a lock
            // file that cannot be opened, no locking on this file system) is no reason to wait.
            const std::string msg = e.get_msg();
            const std::string busy = ": already locked";
            if (msg.size() < busy.size() ||
                msg.compare(msg.size() - busy.size(), busy.size(), busy))
                throw UsageError("cannot write the database at " + db + ": " + msg);
            if (!wait)
                throw DatabaseBusy("database " + db + " is being written by another indexer; " +
                                   "try again when it has finished (or give --wait)");
            if (!told) {
                err << "indexer: database " << db << " is being written by another indexer; "
                    << "waiting for it to finish\n"
                    << std::flush;
                told = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } catch (const Xapian::DatabaseCreateError& e) {
            throw UsageError("cannot create the database at " + db + ": " + e.get_msg());
        } catch (const Xapian::DatabaseOpeningError&) {
            if (resolve(db) == target) throw;  // not a generation swapped away under us
        } catch (const Xapian::DatabaseCorruptError& e) {
            throw_corrupt(db, e.get_description());
        } catch (const Xapian::DatabaseError& e) {
            // A table cut short fails as a plain DatabaseError ("EOF reading block"); its
            // subclasses (lock, opening, version) mean something else and keep their messages.
            if (e.get_type() != std::string("DatabaseError")) throw;
            throw_corrupt(db, e.get_description());
        }
    }
}

long long total_size(const FileSet& set) {
    long long n = 0;
    for (const FileRef& f : set.files) n += file_size(f.path);
    return n;
}

// The bar goes to options.progress, the terminal, when main() found one; nowhere otherwise.
std::unique_ptr<Progress> make_progress(const IndexOptions& o, const FileSet& files,
                                        std::ostream& err) {
    const bool terminal = o.progress != nullptr && !o.quiet;
    return std::make_unique<Progress>(terminal ? *o.progress : err, terminal,
                                      static_cast<long>(files.files.size()),
                                      terminal ? total_size(files) : 0);
}

BuildSettings build_settings(const IndexOptions& o) {
    BuildSettings s;
    s.jobs = o.jobs;
    s.memory_mb = o.memory_mb;
    return s;
}

std::string plural(long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "1 file changed: 1 passage added, 0 updated, 0 removed, 61 unchanged (0.01 s)", then the
// database's totals. "unchanged" counts every passage kept as it was, relined ones included, so
// that added + updated + unchanged is the database's passage count.
void print_summary(const IndexOptions& o, Xapian::Database& db, const SyncStats& stats, double secs,
                   const std::string& rebuilt_as, std::ostream& out) {
    const long passages = static_cast<long>(db.get_doccount());
    const long terms = count_terms(db);
    long files = 0;
    const std::string pfx = meta::kFilePrefix;
    for (auto it = db.metadata_keys_begin(pfx); it != db.metadata_keys_end(pfx); ++it) ++files;
    if (o.json) {
        json j = {{"db", o.db},
                  {"files",
                   {{"seen", stats.files_seen},
                    {"changed", stats.files_changed},
                    {"unchanged", stats.files_unchanged},
                    {"removed", stats.files_removed},
                    {"renamed", stats.files_renamed},
                    {"failed", stats.files_failed},
                    {"total", files}}},
                  {"passages",
                   {{"added", stats.added},
                    {"updated", stats.updated},
                    {"removed", stats.removed},
                    {"unchanged", stats.unchanged},
                    {"relined", stats.relined},
                    {"total", passages}}},
                  {"terms", terms},
                  {"seconds", secs}};
        if (!rebuilt_as.empty()) j["rebuilt"] = rebuilt_as;
        out << dump(j) << "\n" << std::flush;
        return;
    }
    if (o.quiet) return;
    out << plural(stats.files_changed, "file", "files") << " changed";
    if (stats.files_renamed) out << ", " << stats.files_renamed << " renamed";
    if (stats.files_removed) out << ", " << stats.files_removed << " removed";
    if (stats.files_failed) out << ", " << stats.files_failed << " failed";
    out << ": " << plural(stats.added, "passage", "passages") << " added, " << stats.updated
        << " updated, " << stats.removed << " removed, " << stats.unchanged << " unchanged ("
        << std::fixed << std::setprecision(2) << secs << " s)\n"
        << o.db << ": " << plural(passages, "passage", "passages") << ", "
        << plural(terms, "term", "terms") << ", " << plural(files, "file", "files");
    if (!rebuilt_as.empty()) out << " (rebuilt in " << rebuilt_as << ")";
    out << "\n" << std::flush;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void sync_folder(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Puts a stub naming target (relative to the stub's folder) at stub, in one step. A stub is
// replaced by rename(2); a plain database folder (left by a first run) is exchanged with the new
// stub by renameat2(RENAME_EXCHANGE), also in one step, then moved in among the generations.
void swap_in(const fs::path& stub, const fs::path& target, const fs::path& gens) {
    const fs::path tmp = stub.parent_path() /
                         ("." + stub.filename().string() + ".swap-" + std::to_string(::getpid()));
    {
        std::string text = "auto " + target.string() + "\n";
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
            ::fsync(fd) != 0) {
            if (fd >= 0) ::close(fd);
            throw UsageError("cannot write " + tmp.string() + ": " + std::strerror(errno));
        }
        ::close(fd);
    }
    if (!fs::is_directory(fs::symlink_status(stub))) {
        fs::rename(tmp, stub);
    } else if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, stub.c_str(), RENAME_EXCHANGE) == 0) {
        fs::rename(tmp, gens / "0");
    } else {
        // A file system without RENAME_EXCHANGE: for the moment between these two renames the
        // path does not exist, and a searcher starting then is told there is no database.
        fs::rename(stub, gens / "0");
        fs::rename(tmp, stub);
    }
    sync_folder(stub.parent_path());
}

int run_rebuild(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path stub = fs::absolute(o.db).lexically_normal();
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(stub, ec))) return run_sync(o, out, err);
    check_db_folder(o.db);
    const FileSet files = collect_files(o.paths, err);
    bool failed = files.failed;

    // The new generation and the stub go beside the database.
    if (::access(stub.parent_path().c_str(), W_OK | X_OK) != 0 && errno == EACCES)
        throw UsageError("cannot write the database at " + o.db + ": permission denied (this " +
                         "user may not write " + stub.parent_path().string() + ")");
    // Holding the current database's lock keeps every other indexer out until the new one is
    // in place: nothing can be written to the generation that is about to be replaced.
    Xapian::WritableDatabase current = open_for_writing(o.db, o.wait, err);
    const fs::path current_dir = resolve(o.db);
    const fs::path gens = stub.parent_path() / (stub.filename().string() + ".d");
    fs::create_directories(gens);
    // Only the current generation and the one before it are kept (a reader may still be
    // reading that one); anything else is an older generation or one a killed --rebuild left.
    long next = 1;
    for (const auto& e : fs::directory_iterator(gens)) {
        if (fs::equivalent(e.path(), current_dir, ec)) continue;
        fs::remove_all(e.path(), ec);
    }
    for (const auto& e : fs::directory_iterator(gens)) {
        try {
            next = std::max(next, std::stol(e.path().filename().string()) + 1);
        } catch (const std::exception&) {
        }
    }
    const fs::path fresh = gens / std::to_string(next);
    SyncStats stats;
    auto progress = make_progress(o, files, err);
    {
        // Left half-built by a failure, the new generation goes now (else the next --rebuild
        // would remove it).
        RemoveOnExit guard{fresh};  // kept once built
        Xapian::WritableDatabase db;
        try {
            // The files keep the names the database has them under.
            db = build_database(plan_sync(current, files).targets, fresh,
                                gens / (fresh.filename().string() + ".build"), build_settings(o),
                                *progress, err, stats, failed);
        } catch (const Xapian::DatabaseError& e) {
            throw_write_failed(o.db, e);
        }
        guard.keep = true;
        swap_in(stub, fs::path(gens.filename()) / fresh.filename(), gens);
        const std::string name =
            (fs::path(o.db).parent_path() / gens.filename() / fresh.filename()).string();
        print_summary(o, db, stats, seconds_since(t0), name, out);
        db.close();
        mark_verified(fresh);
    }
    current.close();
    return failed ? 2 : 0;
}

// The temporary folders of a full build or --rebuild killed before it could remove them (or
// after it put its database in place): only ever written under the lock this run holds now.
void remove_leftovers(const std::string& db) {
    const fs::path dir = resolve(db);
    std::error_code ec;
    fs::remove_all(dir.parent_path() / ("." + dir.filename().string() + ".build"), ec);
    const fs::path stub = fs::absolute(db).lexically_normal();
    const fs::path gens = stub.parent_path() / (stub.filename().string() + ".d");
    if (!fs::is_directory(gens, ec)) return;
    std::vector<fs::path> builds;
    for (const auto& e : fs::directory_iterator(gens, ec))
        if (e.path().extension() == ".build") builds.push_back(e.path());
    for (const fs::path& p : builds) fs::remove_all(p, ec);
}

// True for a database with nothing indexed: a new one, or one a first run left empty.
bool holds_nothing(const Xapian::Database& db) {
    const std::string pfx = meta::kFilePrefix;
    return db.get_doccount() == 0 && db.metadata_keys_begin(pfx) == db.metadata_keys_end(pfx);
}

// Puts the folder built in place of dir, in one step: renameat2(RENAME_EXCHANGE) swaps the
// two, so the path never lacks a database; a reader or indexer opening it sees the empty one
// or the whole new one. (A reader that opened the empty one and calls reopen() in the very
// moment of the exchange could read the empty one's version file and the new one's tables, as
// through a symbolic link; only the empty database is ever swapped so, never one a search
// could have found something in.) Where the file system cannot exchange, two renames (a
// moment with no folder there: killed then, the next run finds no database and builds it).
void exchange(const fs::path& dir, const fs::path& built) {
    if (::renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return;
    const fs::path aside = built.parent_path() / "old";
    fs::rename(dir, aside);
    fs::rename(built, dir);
    fs::rename(aside, built);
}

// A full build into a database that holds nothing: the files indexed on every core into
// shards, merged and compacted beside the database (in .NAME.build), then exchanged with the
// empty database folder. The new database is open for writing, and so locked, when it is put
// in place: an indexer that opens the path then is told it is busy, as before.
int full_build(const IndexOptions& o, Xapian::WritableDatabase& empty, const FileSet& files,
               std::chrono::steady_clock::time_point t0, std::ostream& out, std::ostream& err,
               bool failed) {
    const fs::path dir = resolve(o.db);
    const fs::path work = dir.parent_path() / ("." + dir.filename().string() + ".build");
    RemoveOnExit cleanup{work};
    // What a killed build left: no other indexer can be building here, we hold the lock.
    fs::remove_all(work);
    fs::create_directories(work);
    auto progress = make_progress(o, files, err);
    SyncStats stats;
    Xapian::WritableDatabase db;
    try {
        db = build_database(plan_sync(empty, files).targets, work / "db", work / "shards",
                            build_settings(o), *progress, err, stats, failed);
    } catch (const Xapian::DatabaseCorruptError& e) {
        throw_corrupt(o.db, e.get_description());
    } catch (const Xapian::DatabaseError& e) {
        throw_write_failed(o.db, e);
    }
    exchange(dir, work / "db");
    sync_folder(dir.parent_path());
    empty.close();  // now in work, removed with it
    print_summary(o, db, stats, seconds_since(t0), "", out);
    db.close();
    mark_verified(dir);
    return failed ? 2 : 0;
}

}  // namespace

int run_sync(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    const auto t0 = std::chrono::steady_clock::now();
    const FileSet files = collect_files(o.paths, err);
    bool failed = files.failed;
    check_db_folder(o.db);
    Xapian::WritableDatabase db;
    // A sync's one transaction buffers what a single writer may.
    const long buffered = flush_threshold_for(build_settings(o), 1);
    {
        FlushThreshold threshold(buffered);
        db = open_for_writing(o.db, o.wait, err);
    }
    if (holds_database(resolve(o.db))) check_intact(o.db, resolve(o.db));
    remove_leftovers(o.db);
    if (holds_nothing(db)) return full_build(o, db, files, t0, out, err, failed);
    auto progress = make_progress(o, files, err);
    SyncStats stats;
    try {
        sync_into(db, files, o.db, buffered, *progress, err, stats, failed);
    } catch (const Xapian::DatabaseCorruptError& e) {
        throw_corrupt(o.db, e.get_description());
    } catch (const Xapian::DatabaseError& e) {
        throw_write_failed(o.db, e);
    }
    print_summary(o, db, stats, seconds_since(t0), "", out);
    db.close();
    mark_verified(resolve(o.db));
    return failed ? 2 : 0;
}

int run_index(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    if (o.watch) return run_watch(o, out, err);
    if (o.rebuild) return run_rebuild(o, out, err);
    if (!o.dry_run && !o.check) return run_sync(o, out, err);

    const FileSet files = collect_files(o.paths, err);
    if (o.check) return check(o, files, out, err);
    bool failed = files.failed;
    for (const FileRef& f : files.files) {
        try {
            const Source src = read_source(f.path);
            Report r = load_report(src, f.path);
            for (const std::string& w : src.warnings) err << "indexer: " << w << "\n";
            for (const std::string& w : r.warnings) err << "indexer: " << w << "\n";
            if (r.passages.empty())
                err << "indexer: " << f.path << ": " << why_no_passages(src)
                    << ", nothing to index\n";
            for (const Passage& p : r.passages) {
                if (o.json) {
                    out << dump(passage_json(p)) << "\n";
                } else {
                    out << p.file << ":" << p.first_line << "-" << p.last_line << " p." << p.page
                        << " §" << (p.section_label.empty() ? "0" : p.section_label) << " "
                        << p.text << "\n";
                }
            }
        } catch (const InputError& e) {
            err << "indexer: " << e.what() << "\n";
            failed = true;
        }
    }
    return failed ? 2 : 0;
}

}  // namespace rapportsok
