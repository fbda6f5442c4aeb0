// indexer --rebuild: a new database built from the files beside the current one, and swapped in
// atomically by a stub naming the new generation.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <vector>

#include "indexer/modes.h"
#include "indexer/run.h"

namespace fs = std::filesystem;

namespace rapportsok {

namespace {

// The current database cannot be read: said so, its lock taken by hand, and the files' names
// as given.
std::unique_ptr<FolderLock> rebuild_damaged(Run& run, Xapian::WritableDatabase& current,
                                            const std::string& problem, const FileSet& files,
                                            std::vector<SyncTarget>& targets) {
    current = Xapian::WritableDatabase();  // its lock goes, to be taken again by hand
    run.err << "indexer: the database at " << run.options.db << " is corrupt (" << problem
            << "); building it anew from the files given (its passages get new ids)\n";
    auto lock = run.folder.lock_damaged(run.options.wait, run.err);
    targets.clear();
    for (const FileRef& f : files.files) targets.push_back(target_of(f));
    return lock;
}

// XAPIAN_MAX_CHANGESETS unset for as long as it lives (Xapian reads it when a database is
// opened for writing), then as it was.
struct WithoutChangesets {
    WithoutChangesets() {
        if (const char* v = std::getenv("XAPIAN_MAX_CHANGESETS")) {
            had = true;
            value = v;
            ::unsetenv("XAPIAN_MAX_CHANGESETS");
        }
    }
    ~WithoutChangesets() {
        if (had) ::setenv("XAPIAN_MAX_CHANGESETS", value.c_str(), 1);
    }
    bool had = false;
    std::string value;
};

}  // namespace

int run_rebuild(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    Run run(o, out, err);
    const fs::path stub = run.folder.stub();
    if (!run.folder.exists()) return run_sync(o, out, err);
    run.folder.refuse_foreign();
    const FileSet files = run.collect();

    // The new generation and the stub go beside the database.
    if (::access(stub.parent_path().c_str(), W_OK | X_OK) != 0 && errno == EACCES)
        throw UsageError("cannot write the database at " + o.db + ": permission denied (this " +
                         "user may not write " + stub.parent_path().string() + ")");
    // Holding the current database's lock keeps every other indexer out until the new one is
    // in place: nothing can be written to the generation that is about to be replaced. The files
    // keep the names the database has them under. A database that cannot be read is what
    // --rebuild is for: its lock taken by hand, the files are indexed under the names given.
    Xapian::WritableDatabase current;
    std::unique_ptr<FolderLock> held;
    std::vector<SyncTarget> targets;
    // It writes nothing, and keeps no changesets: with XAPIAN_MAX_CHANGESETS set, closing it
    // after the swap below made its path a stub file failed (".../changestmp: delete failed",
    // ENOTDIR) and the indexer aborted.
    try {
        current = [&] {
            WithoutChangesets plain;
            return run.folder.open_for_writing(o.wait, err);
        }();
        targets = plan_sync(current, files).targets;
    } catch (const DatabaseDamaged& e) {
        held = rebuild_damaged(run, current, e.problem(), files, targets);
    } catch (const Xapian::DatabaseError& e) {
        if (std::string(e.get_type()) != "DatabaseCorruptError" &&
            std::string(e.get_type()) != "DatabaseError")
            throw;
        held = rebuild_damaged(run, current, e.get_description(), files, targets);
    }
    kill_point("opened");
    const fs::path current_dir = run.folder.current();
    const fs::path gens = run.folder.generations();
    fs::create_directories(gens);
    // Only the current generation and the one before it are kept (a reader may still be
    // reading that one); anything else is an older generation or one a killed --rebuild left.
    std::error_code ec;
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
    auto progress = make_progress(o, files, err);
    {
        // Left half-built by a failure, the new generation goes now (else the next --rebuild
        // would remove it).
        RemoveOnExit guard{fresh};  // kept once built
        Xapian::WritableDatabase db;
        try {
            db = build_database(targets, fresh, gens / (fresh.filename().string() + ".build"),
                                build_settings(o), *progress, err, run.outcome);
        } catch (const Xapian::DatabaseError& e) {
            run.folder.throw_write_failed(e);
        }
        guard.keep = true;
        kill_point("rebuilt");
        run.folder.swap_in(fs::path(gens.filename()) / fresh.filename());
        kill_point("swapped");
        const std::string name =
            (fs::path(o.db).parent_path() / gens.filename() / fresh.filename()).string();
        print_summary(run, db, name);
        kill_point("summary");
        db.close();
        DatabaseFolder::mark_verified(fresh);
    }
    current.close();
    return run.outcome.status();
}

}  // namespace rapportsok
