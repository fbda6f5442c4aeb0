// indexer (no mode): one sync of the database with the files, in one transaction; into a
// database that holds nothing, a full build.
#include <ostream>

#include "indexer/common/schema.h"
#include "indexer/modes.h"
#include "indexer/run.h"
#include "indexer/sharded.h"

namespace fs = std::filesystem;

namespace rapportsok {

namespace {

// True for a database with nothing indexed: a new one, or one a first run left empty.
bool holds_nothing(const Xapian::Database& db) {
    const std::string pfx = meta::kFilePrefix;
    return db.get_doccount() == 0 && db.metadata_keys_begin(pfx) == db.metadata_keys_end(pfx);
}

// A full build into a database that holds nothing: the files indexed on every core into
// shards, merged and compacted beside the database (in .NAME.build), then exchanged with the
// empty database folder. The new database is open for writing, and so locked, when it is put
// in place: an indexer that opens the path then is told it is busy, as before.
int full_build(Run& run, Xapian::WritableDatabase& empty, const FileSet& files) {
    const fs::path dir = run.folder.current();
    const fs::path work = run.folder.build_folder();
    RemoveOnExit cleanup{work};
    // What a killed build left: no other indexer can be building here, we hold the lock.
    fs::remove_all(work);
    fs::create_directories(work);
    auto progress = make_progress(run.options, files, run.err);
    Xapian::WritableDatabase db;
    try {
        db = build_database(plan_sync(empty, files).targets, work / "db", work / "shards",
                            build_settings(run.options), *progress, run.err, run.outcome);
    } catch (const Xapian::DatabaseCorruptError& e) {
        run.folder.throw_corrupt(e.get_description());
    } catch (const Xapian::DatabaseError& e) {
        run.folder.throw_write_failed(e);
    }
    kill_point("built");
    run.folder.exchange(work / "db");
    sync_folder(dir.parent_path());
    kill_point("exchanged");
    empty.close();  // now in work, removed with it
    print_summary(run, db);
    kill_point("summary");
    db.close();
    DatabaseFolder::mark_verified(dir);
    return run.outcome.status();
}

}  // namespace

int run_sync(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    if (runs_sharded(o)) return run_sharded(o, out, err);  // --watch's syncs too
    Run run(o, out, err);
    const FileSet files = run.collect();
    run.folder.refuse_foreign();
    Xapian::WritableDatabase db;
    // A sync's one transaction buffers what a single writer may.
    const long buffered = flush_threshold_for(build_settings(o), 1);
    {
        FlushThreshold threshold(buffered);
        db = run.folder.open_for_writing(o.wait, err);
    }
    kill_point("opened");
    if (run.folder.holds_database()) run.folder.check_intact();
    run.folder.remove_leftovers();
    kill_point("checked");
    if (holds_nothing(db)) return full_build(run, db, files);
    auto progress = make_progress(o, files, err);
    try {
        sync_into(db, files, o.db, buffered, *progress, err, run.outcome);
    } catch (const Xapian::DatabaseCorruptError& e) {
        run.folder.throw_corrupt(e.get_description());
    } catch (const Xapian::DatabaseError& e) {
        run.folder.throw_write_failed(e);
    }
    kill_point("synced");
    print_summary(run, db);
    kill_point("summary");
    db.close();
    DatabaseFolder::mark_verified(run.folder.current());
    return run.outcome.status();
}

}  // namespace rapportsok
