#include "indexer/database.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <thread>
#include <vector>

#include "indexer/build.h"
#include "indexer/sync.h"

namespace fs = std::filesystem;

namespace rapportsok {

namespace {

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

bool holds_database_in(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "iamglass", ec) || fs::exists(dir / "iamchert", ec);
}

// A table that holds something: a database was committed here once (a first run killed while
// creating the database leaves empty ones).
bool holds_tables(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string ext = e.path().extension().string();
        if ((ext == ".glass" || ext == ".DB") && e.is_regular_file(ec) && e.file_size(ec) > 0)
            return true;
    }
    return false;
}

std::string busy_message(const std::string& db) {
    return "database " + db + " is being written by another indexer; " +
           "try again when it has finished (or give --wait)";
}

void say_waiting(const std::string& db, std::ostream& err, bool& told) {
    if (told) return;
    err << "indexer: database " << db << " is being written by another indexer; "
        << "waiting for it to finish\n"
        << std::flush;
    told = true;
}

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

}  // namespace

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

void make_folders(const fs::path& folder, const std::string& db) {
    // The folders to make, deepest first, up to the first that is there.
    std::vector<fs::path> missing;
    fs::path there = folder;
    struct stat st;
    while (::stat(there.c_str(), &st) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) break;  // said by mkdir below
        missing.push_back(there);
        if (!there.has_relative_path()) break;
        there = there.parent_path();
    }
    const std::string start = "cannot create the database at " + db + ": ";
    if (missing.empty()) {
        if (!S_ISDIR(st.st_mode)) throw UsageError(start + folder.string() + " is not a folder");
        return;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0777) == 0) continue;
        const int e = errno;
        struct stat made;
        if (e == EEXIST && ::stat(it->c_str(), &made) == 0 && S_ISDIR(made.st_mode))
            continue;  // made by another run this moment
        std::string why = std::strerror(e);
        const fs::path in = it->parent_path();
        if (e == ENOTDIR)
            why += " (" + in.string() + (S_ISREG(st.st_mode) ? " is a file)" : " is not a folder)");
        else if (e == EACCES)
            why += " (this user may not write " + in.string() + ")";
        throw UsageError(start + "cannot make the folder " + it->string() + ": " + why);
    }
}

void sync_folder(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

DatabaseFolder::DatabaseFolder(std::string db) : db_(std::move(db)) {}

fs::path DatabaseFolder::stub() const { return fs::absolute(db_).lexically_normal(); }

fs::path DatabaseFolder::generations() const {
    const fs::path s = stub();
    return s.parent_path() / (s.filename().string() + ".d");
}

fs::path DatabaseFolder::current() const {
    const fs::path abs = stub();
    return fs::weakly_canonical(stub_target(abs).value_or(abs));
}

bool DatabaseFolder::exists() const {
    std::error_code ec;
    return fs::exists(fs::symlink_status(stub(), ec));
}

bool DatabaseFolder::holds_database() const { return holds_database_in(current()); }

void DatabaseFolder::refuse_foreign() const {
    std::error_code ec;
    if (!fs::exists(db_, ec)) return;
    if (stub_target(fs::absolute(db_))) return;  // left by --rebuild
    if (!fs::is_directory(db_, ec))
        throw UsageError("database path " + db_ + " exists and is not a folder");
    if (fs::is_empty(db_, ec)) return;
    // Xapian's own files only: a database, or what an indexer killed while creating one left.
    bool xapian_only = true;
    for (const auto& e : fs::directory_iterator(db_, ec)) {
        const std::string name = e.path().filename().string();
        const std::string ext = e.path().extension().string();
        if (name != "flintlock" && name.rfind("iam", 0) != 0 && ext != ".glass" && ext != ".DB" &&
            ext != ".tmp" && name.rfind("changes", 0) != 0 && name.rfind(kVerified, 0) != 0)
            xapian_only = false;
    }
    if (!ec && xapian_only) return;
    throw UsageError(db_ +
                     " is a folder that holds no Xapian database; refusing to write into it "
                     "(give another --db, or remove the folder)");
}

Xapian::WritableDatabase DatabaseFolder::open_for_writing(bool wait, std::ostream& err) const {
    bool told = false;
    for (;;) {
        const fs::path target = current();
        check_openable();
        // A new database is made where it is asked for, the folders it is in too.
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(target, ec))) make_folders(target.parent_path(), db_);
        check_writable(db_, target);
        try {
            // No version file: nothing was ever committed here (refuse_foreign() let through
            // Xapian's own files only, which a first run killed early leaves), so start afresh.
            Xapian::WritableDatabase w(target.string(), holds_database_in(target)
                                                            ? Xapian::DB_OPEN
                                                            : Xapian::DB_CREATE_OR_OVERWRITE);
            // Waiting for a lock may have meant waiting for a --rebuild, which swaps the stub
            // before it lets the old generation go: that one is no longer the database.
            if (current() == target) return w;
            w.close();
        } catch (const Xapian::DatabaseLockError& e) {
            // Xapian says "already locked" for another writer's lock; anything else (a lock
            // file that cannot be opened, no locking on this file system) is no reason to wait.
            const std::string msg = e.get_msg();
            const std::string busy = ": already locked";
            if (msg.size() < busy.size() ||
                msg.compare(msg.size() - busy.size(), busy.size(), busy))
                throw UsageError("cannot write the database at " + db_ + ": " + msg);
            if (!wait) throw DatabaseBusy(busy_message(db_));
            say_waiting(db_, err, told);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } catch (const Xapian::DatabaseCreateError& e) {
            throw UsageError("cannot create the database at " + db_ + ": " + e.get_msg());
        } catch (const Xapian::DatabaseVersionError& e) {
            throw_corrupt(e.get_msg());
        } catch (const Xapian::DatabaseOpeningError& e) {
            // Not a generation swapped away under us: a table file missing, unreadable.
            if (current() == target) throw_corrupt(e.get_msg());
        } catch (const Xapian::DatabaseCorruptError& e) {
            throw_corrupt(e.get_description());
        } catch (const Xapian::DatabaseError& e) {
            // A table cut short fails as a plain DatabaseError ("EOF reading block"); its
            // subclasses (lock, opening, version) mean something else and keep their messages.
            if (e.get_type() != std::string("DatabaseError")) throw;
            throw_corrupt(e.get_description());
        }
    }
}

// Xapian writes new blocks before it commits, and into a damaged free list that could
// overwrite what is still good. The whole check (a few milliseconds for a report, seconds for a
// million passages) runs only when the files are not exactly as the last commit of this indexer
// left them: after a crash, another writer, or damage from outside.
void DatabaseFolder::check_openable() const {
    const fs::path dir = current();
    std::error_code ec;
    if (stub_target(stub()) && !fs::exists(dir, ec))
        throw_corrupt("its stub file names " + dir.string() + ", which does not exist");
    if (fs::is_directory(dir, ec) && !holds_database_in(dir) && holds_tables(dir))
        throw_corrupt("its tables are there but not its version file, iamglass");
}

FolderLock::~FolderLock() { ::close(fd_); }

std::unique_ptr<FolderLock> DatabaseFolder::lock_damaged(bool wait, std::ostream& err) const {
    const fs::path dir = current();
    std::error_code ec;
    fs::create_directories(dir, ec);
    check_writable(db_, dir);
    const fs::path file = dir / "flintlock";
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        throw UsageError("cannot write the database at " + db_ + ": cannot open " + file.string() +
                         ": " + std::strerror(errno));
    auto lock = std::make_unique<FolderLock>(fd);
    bool told = false;
    for (;;) {
        struct flock fl = {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (::fcntl(fd, F_OFD_SETLK, &fl) == 0) return lock;
        if (errno != EAGAIN && errno != EACCES)
            throw UsageError("cannot write the database at " + db_ + ": cannot lock " +
                             file.string() + ": " + std::strerror(errno));
        if (!wait) throw DatabaseBusy(busy_message(db_));
        say_waiting(db_, err, told);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

void DatabaseFolder::check_intact() const {
    const fs::path dir = current();
    std::ifstream recorded_file(dir / kVerified, std::ios::binary);
    std::stringstream recorded;
    recorded << recorded_file.rdbuf();
    if (recorded_file && recorded.str() == files_state(dir)) return;
    const std::string problem = database_problem(dir);
    if (!problem.empty()) throw_corrupt(problem);
}

void DatabaseFolder::mark_verified(const fs::path& dir) {
    const fs::path tmp = dir / (std::string(kVerified) + ".tmp");
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << files_state(dir);
        if (!f) return;  // only a missed shortcut: the next run checks the whole database
    }
    std::error_code ec;
    fs::rename(tmp, dir / kVerified, ec);
}

// Only ever written under the lock the run holds (or after it put its database in place).
void DatabaseFolder::remove_leftovers() const {
    std::error_code ec;
    fs::remove_all(build_folder(), ec);
    // A --rebuild killed in its swap: the stub it was writing, or the plain database folder it
    // had just exchanged for the stub, before that went in among the generations (swap_in).
    const fs::path s = stub();
    const std::string swap = "." + s.filename().string() + ".swap-";
    std::vector<fs::path> swaps;
    for (const auto& e : fs::directory_iterator(s.parent_path(), ec))
        if (e.path().filename().string().rfind(swap, 0) == 0) swaps.push_back(e.path());
    for (const fs::path& p : swaps) fs::remove_all(p, ec);
    const fs::path gens = generations();
    if (!fs::is_directory(gens, ec)) return;
    std::vector<fs::path> builds;
    for (const auto& e : fs::directory_iterator(gens, ec))
        if (e.path().extension() == ".build") builds.push_back(e.path());
    for (const fs::path& p : builds) fs::remove_all(p, ec);
}

fs::path DatabaseFolder::build_folder() const {
    const fs::path dir = current();
    return dir.parent_path() / ("." + dir.filename().string() + ".build");
}

// renameat2(RENAME_EXCHANGE) swaps the two, so the path never lacks a database; a reader or
// indexer opening it sees the empty one or the whole new one. (A reader that opened the empty
// one and calls reopen() in the very moment of the exchange could read the empty one's version
// file and the new one's tables, as through a symbolic link; only the empty database is ever
// swapped so, never one a search could have found something in.) Where the file system cannot
// exchange, two renames (a moment with no folder there: killed then, the next run finds no
// database and builds it).
void DatabaseFolder::exchange(const fs::path& built) const {
    const fs::path dir = current();
    if (::renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return;
    const fs::path aside = built.parent_path() / "old";
    fs::rename(dir, aside);
    fs::rename(built, dir);
    fs::rename(aside, built);
}

// A stub is replaced by rename(2); a plain database folder (left by a first run) is exchanged
// with the new stub by renameat2(RENAME_EXCHANGE), also in one step, then moved in among the
// generations.
void DatabaseFolder::swap_in(const fs::path& target) const {
    const fs::path stub = this->stub();
    const fs::path gens = generations();
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
        kill_point("swap");  // the old folder at tmp: a leftover (remove_leftovers)
        fs::rename(tmp, gens / "0");
    } else {
        // A file system without RENAME_EXCHANGE: for the moment between these two renames the
        // path does not exist, and a searcher starting then is told there is no database.
        fs::rename(stub, gens / "0");
        fs::rename(tmp, stub);
    }
    sync_folder(stub.parent_path());
}

void DatabaseFolder::throw_corrupt(const std::string& problem) const {
    throw DatabaseDamaged(db_, problem, true);
}

// The transaction is cancelled (or the new database never put in place), the last commit
// stands.
void DatabaseFolder::throw_write_failed(const Xapian::Error& e) const {
    throw UsageError("could not write the database at " + db_ + ": " + e.get_description() +
                     "; nothing of this run was committed, the database keeps its earlier state");
}

}  // namespace rapportsok
