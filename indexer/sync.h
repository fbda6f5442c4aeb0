// A sync: the database brought in step with the files, file by file, in one transaction; and
// how a run's files continue what the database holds (renamed, moved, reached by another path).
#pragma once

#include <xapian.h>

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "indexer/files.h"
#include "indexer/progress.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "indexer/write.h"

namespace rapportsok {

// What a run did as it goes: the counts of its summary, and whether it reported an error on
// err on the way (then it exits 2). One for a run (one for each thread of a full build, added
// up after), passed down to every step that counts.
struct Outcome {
    SyncStats stats;
    bool failed = false;
    int status() const { return failed ? 2 : 0; }
};

// A test hook: with RAPPORTSOK_KILL_AT=POINT (or POINT:N, the N-th time), the indexer kills
// itself with SIGKILL when it reaches POINT, as a kill -9 at that moment would
// (test_data_safety.cc walks every point: opened, checked, file, commit, synced, summary of a
// sync; build-file, built, exchanged of a full build; rebuilt, swap, swapped of --rebuild). Unset,
// it costs one getenv per process.
void kill_point(const char* point);

// The report in a file's text, its passages in the file named `name` in the index. A file with
// no text (empty, white space or headings only) has no passages.
Report load_report(const Source& src, const std::string& name);

// Why a file's text gives no passages, for a message.
std::string why_no_passages(const Source& src);

// A file to bring in step: where it is read, and what the database calls it.
struct SyncTarget {
    std::string name;       // its name in the index (the passages' file)
    std::string path;       // where it is read, and how messages name it
    std::string real;       // FileRecord::real
    std::string name_path;  // FileRecord::path: the absolute path the name stands for
};

// A file indexed under the path it was reached by.
SyncTarget target_of(const FileRef& file);

// Brings one file in step: skipped when size and mtime (or, touched, its content hash) are as
// recorded and it can still be read, else read, cleaned, structured and written. A file left
// without text loses its passages, with a warning. Bad input (unreadable, binary) is reported on
// err and counted in outcome (failed); the file keeps its earlier state in the database. Returns
// the passages the file has now, for the progress bar.
long sync_one(IndexWriter& writer, Xapian::WritableDatabase& db, const SyncTarget& target,
              std::ostream& err, Outcome& outcome);

// How a run's files continue the files the database holds. A file is the one a record names
// when the record has its real path (then it keeps its name while that name still leads to it,
// however this run reached it), else when the record has its name (recorded before real paths
// were, or moved along with its folder), else when a record no file continues has its content
// (renamed or moved: its passages keep their ids under the new name), else one that has half of
// its passages (renamed and edited before a sync saw either).
struct SyncPlan {
    std::vector<SyncTarget> targets;     // for each file of the set, in its order
    std::vector<std::string> continues;  // for each: the record it continues ("" when new)
    std::vector<std::string> removed;    // records no file continues: their files are gone
    std::vector<std::string> kept;       // records of files under what could not be read
    // The ids of the passages of removed files, by text: a new passage of the same text (in a
    // file renamed and edited beyond recognition as the same) takes one.
    std::map<std::string, std::vector<std::string>> orphan_ids;
};
SyncPlan plan_sync(const Xapian::Database& db, const FileSet& set);

// Brings the database in step with the files, as one transaction: a reader sees all of this
// run's changes or none, and a killed run leaves the last committed state. Buffers are
// written out every `buffered` documents.
void sync_into(Xapian::WritableDatabase& db, const FileSet& set, const std::string& db_name,
               long buffered, Progress& progress, std::ostream& err, Outcome& outcome);

}  // namespace rapportsok
