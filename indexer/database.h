// The database folder a run is given (--db): what its path names (a plain Xapian folder, or a
// stub naming a generation beside it), its generations and work folders, its write lock, the
// marker of its last commit by this indexer, and how a new database is put in its place.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "indexer/common/errors.h"

namespace rapportsok {

// Another indexer holds the database's write lock (main() reports it like any UsageError).
class DatabaseBusy : public UsageError {
  public:
    using UsageError::UsageError;
};

// An exclusive lock on a database's lock file (flintlock), taken as Xapian takes it (fcntl), on a
// database that Xapian cannot open: held, it keeps every other indexer out. Released when
// destroyed.
class FolderLock {
  public:
    explicit FolderLock(int fd) : fd_(fd) {}
    ~FolderLock();
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

  private:
    int fd_;
};

class DatabaseFolder {
  public:
    // db as given: messages name it so.
    explicit DatabaseFolder(std::string db);

    const std::string& name() const { return db_; }
    // The path given, absolute and lexically normal: the stub, or the plain database folder.
    std::filesystem::path stub() const;
    // Where --rebuild keeps its generations: NAME.d beside the stub.
    std::filesystem::path generations() const;
    // The folder the database is in now: the generation a stub names, else the path itself
    // (looked up again on every call: a --rebuild may swap the stub).
    std::filesystem::path current() const;
    // True when the path names anything at all (a stub, a folder, a file).
    bool exists() const;
    // True when current() holds a committed Xapian database (its version file).
    bool holds_database() const;

    // Refuses a path that is not ours to write into: a file that is not a stub, or a folder
    // that holds files other than Xapian's own. Throws UsageError.
    void refuse_foreign() const;
    // Opens the database for writing, taking its lock (created when nothing was committed).
    // Without wait, another writer's lock is a DatabaseBusy error; with it, we poll until the
    // lock is free (saying so once on err). What this user may not write is named as such,
    // and a damaged database is refused (throw_corrupt).
    Xapian::WritableDatabase open_for_writing(bool wait, std::ostream& err) const;
    // Refuses what is damaged before Xapian opens it: a stub that names nothing, a folder with
    // tables but no version file (throw_corrupt).
    void check_openable() const;
    // Refuses to write into a damaged database (checked whole unless its files are exactly as
    // the last commit of this indexer left them).
    void check_intact() const;
    // For --rebuild of a database Xapian cannot open: its lock, taken as Xapian would (a
    // generation a stub names that is gone is made anew, empty, for it). Busy as
    // open_for_writing is.
    std::unique_ptr<FolderLock> lock_damaged(bool wait, std::ostream& err) const;
    // The temporary folders of a full build or --rebuild killed before it could remove them.
    // Only while holding the lock.
    void remove_leftovers() const;

    // Where a full build works: .NAME.build beside current().
    std::filesystem::path build_folder() const;
    // Puts the folder built in place of current(), in one step (renameat2 RENAME_EXCHANGE).
    void exchange(const std::filesystem::path& built) const;
    // Puts a stub naming target (relative to the stub's folder) at stub(), in one step; a plain
    // database folder there is moved in among the generations, as generation 0.
    void swap_in(const std::filesystem::path& target) const;

    // Records that the database in dir is as this indexer committed it (after a commit).
    static void mark_verified(const std::filesystem::path& dir);

    // The one message for a database that cannot be read as a database: it names the database,
    // the problem, and what to do. Throws DatabaseDamaged (errors.h).
    [[noreturn]] void throw_corrupt(const std::string& problem) const;
    // A full disk, an I/O error: nothing of this run was committed. Throws UsageError.
    [[noreturn]] void throw_write_failed(const Xapian::Error& e) const;

  private:
    std::string db_;
};

// What a stub file at path names (a Xapian "auto PATH" or "glass PATH" line), absolute;
// nullopt when path is not a stub.
std::optional<std::filesystem::path> stub_target(const std::filesystem::path& stub);

// Makes folder and the folders it is in that are missing, as mkdir -p does, for the database
// (named db in messages) to be made in. Throws UsageError naming the folder that cannot be made
// and why: "cannot create the database at db: cannot make the folder F: Not a directory (P is
// a file)".
void make_folders(const std::filesystem::path& folder, const std::string& db);

// fsync(2) of a folder, so that a rename in it lasts.
void sync_folder(const std::filesystem::path& dir);

}  // namespace rapportsok
