#include "indexer/watch.h"

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <xapian.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "indexer/database.h"
#include "indexer/files.h"

namespace fs = std::filesystem;

namespace rapportsok {

namespace {

// A burst of changes (an editor's save, a copy of many files) settles within this much quiet.
constexpr int kQuietMs = 300;
// A file written to without pause would otherwise postpone the sync for ever.
constexpr int kMaxBatchMs = 3000;
// After a failed sync (another indexer holds the lock), try again this often.
constexpr int kRetryMs = 1000;

constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                           IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

class Watcher {
  public:
    Watcher(const IndexOptions& o) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
        if (fd_ < 0) throw UsageError(std::string("cannot watch files: ") + std::strerror(errno));
        std::error_code ec;
        db_ = fs::weakly_canonical(fs::absolute(o.db), ec);
        db_link_ = fs::absolute(o.db).lexically_normal();
        for (const std::string& p : o.paths) {
            fs::path abs = fs::absolute(p).lexically_normal();
            if (fs::is_directory(abs, ec)) roots_.push_back(abs);
            // A file given by name, or a folder that may go away and come back: its parent is
            // watched (an editor may replace the file; a folder may be moved back), for that
            // name only.
            names_[abs.parent_path()].insert(abs.filename().string());
        }
    }
    ~Watcher() { ::close(fd_); }
    Watcher(const Watcher&) = delete;
    Watcher& operator=(const Watcher&) = delete;

    int fd() const { return fd_; }

    // (Re)adds watches for every folder under the roots: new subfolders get theirs, and
    // adding a watch that exists is harmless.
    void add_watches() {
        for (const auto& [dir, names] : names_) {
            const int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask);
            if (wd >= 0) parent_of_[wd] = &names;
        }
        for (const fs::path& root : roots_) {
            std::error_code ec;
            if (!fs::is_directory(root, ec)) continue;
            add(root);
            fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                                ec);
            for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                std::error_code ec2;
                if (!it->is_directory(ec2) || it->is_symlink(ec2)) continue;
                if (skipped(it->path())) {
                    it.disable_recursion_pending();
                    continue;
                }
                add(it->path());
            }
        }
    }

    // Reads the pending events; true when one of them may change what is indexed.
    bool drain() {
        bool relevant = false;
        alignas(struct inotify_event) char buf[16384];
        for (;;) {
            ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) break;
            for (char* p = buf; p < buf + n;) {
                auto* ev = reinterpret_cast<struct inotify_event*>(p);
                p += sizeof(struct inotify_event) + ev->len;
                if (ev->mask & IN_Q_OVERFLOW) {
                    relevant = true;
                    continue;
                }
                std::string name = ev->len ? std::string(ev->name) : std::string();
                if (!tree_.count(ev->wd)) {
                    // A parent's watch: the file or folder given, by its name.
                    auto parent = parent_of_.find(ev->wd);
                    if (parent != parent_of_.end() && parent->second->count(name)) relevant = true;
                    continue;
                }
                if (name.empty()) {
                    // The watched folder itself went or moved.
                    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) relevant = true;
                    continue;
                }
                if (ev->mask & IN_ISDIR) {
                    if (name[0] != '.') relevant = true;
                } else if (indexable_name(name)) {
                    relevant = true;
                }
            }
        }
        return relevant;
    }

  private:
    // Hidden folders and the database itself (its commits must not wake us up).
    bool skipped(const fs::path& dir) const {
        std::string name = dir.filename().string();
        if (!name.empty() && name[0] == '.') return true;
        std::error_code ec;
        fs::path abs = fs::weakly_canonical(dir, ec);
        return abs == db_ || dir == db_link_ || dir == fs::path(db_link_.string() + ".d");
    }
    void add(const fs::path& dir) {
        const int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask);
        if (wd >= 0) tree_.insert(wd);
    }

    int fd_;
    fs::path db_, db_link_;
    std::vector<fs::path> roots_;
    std::map<fs::path, std::set<std::string>> names_;        // parent folder -> names given in it
    std::map<int, const std::set<std::string>*> parent_of_;  // watch -> names given there
    std::set<int> tree_;  // watches of folders under the roots: any report event counts
};

// One sync; a busy database or a failed run is reported and tried again later.
bool sync_once(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    try {
        run_sync(o, out, err);
        return true;
    } catch (const DatabaseBusy& e) {
        err << "indexer: " << e.what() << " (will try again)\n";
    } catch (const std::exception& e) {
        err << "indexer: " << e.what() << "\n";
    } catch (const Xapian::Error& e) {
        err << "indexer: " << e.get_description() << "\n";
    }
    err << std::flush;
    return false;
}

long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

int run_watch(const IndexOptions& options, std::ostream& out, std::ostream& err) {
    IndexOptions o = options;
    o.wait = false;  // a busy database is retried from the loop, which also hears signals

    // Signals arrive on a descriptor, polled with inotify's: a sync in progress always runs to
    // its commit, and the loop ends between syncs.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigset_t old;
    if (::sigprocmask(SIG_BLOCK, &stop, &old) != 0)
        throw UsageError(std::string("sigprocmask: ") + std::strerror(errno));
    int sfd = ::signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) throw UsageError(std::string("signalfd: ") + std::strerror(errno));

    // A path given that is missing stops the start, as it stops a run; once watching, a path
    // that goes away (a folder moved aside for a moment) leaves the index as it is, is named
    // once, and is synced again when it is back.
    const std::vector<Unavailable> missing = unavailable_paths(o.paths);
    for (const Unavailable& u : missing) err << "indexer: " << u.path << ": " << u.why << "\n";
    if (!missing.empty())
        throw UsageError(std::string(missing.size() == 1 ? "a path given is" : "paths given are") +
                         " missing or cannot be read: nothing was done, the database is left as "
                         "it is");
    bool away = false;  // some path given is gone, and that was said
    // Syncs unless a path given is away; false when a sync failed and is to be tried again.
    auto sync_if_all_there = [&]() {
        const std::vector<Unavailable> gone = unavailable_paths(o.paths);
        if (!gone.empty()) {
            if (!away)
                for (const Unavailable& u : gone)
                    err << "indexer: " << u.path << ": " << u.why
                        << "; the index is left as it is until it is back\n"
                        << std::flush;
            away = true;
            return true;  // its return is an event to wait for, not a retry
        }
        if (away) err << "indexer: every path given is back\n" << std::flush;
        away = false;
        return sync_once(o, out, err);
    };

    Watcher watcher(o);
    watcher.add_watches();  // before the first sync, so that no change slips between the two
    bool pending = !sync_if_all_there();
    if (!o.quiet && !o.json)
        err << "indexer: watching for changes (Ctrl-C to stop)\n" << std::flush;

    struct pollfd fds[2] = {{watcher.fd(), POLLIN, 0}, {sfd, POLLIN, 0}};
    bool stopping = false;
    while (!stopping) {
        int rc = ::poll(fds, 2, pending ? kRetryMs : -1);
        if (rc < 0 && errno != EINTR) break;
        if (fds[1].revents & POLLIN) break;
        bool relevant = (fds[0].revents & POLLIN) && watcher.drain();
        if (relevant) {
            // Let the burst settle: sync once no event came for kQuietMs.
            const long long start = now_ms();
            while (now_ms() - start < kMaxBatchMs) {
                rc = ::poll(fds, 2, kQuietMs);
                if (rc <= 0) break;
                if (fds[1].revents & POLLIN) {
                    stopping = true;
                    break;
                }
                watcher.drain();
            }
            if (stopping) break;
            watcher.add_watches();  // new subfolders
        }
        if (relevant || pending) pending = !sync_if_all_there();
    }
    // Take the signal that stopped us, so that unblocking does not deliver it again.
    struct signalfd_siginfo info;
    while (::read(sfd, &info, sizeof info) > 0) {
    }
    ::close(sfd);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    return 0;
}

}  // namespace rapportsok
