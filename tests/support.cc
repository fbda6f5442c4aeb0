#include "tests/support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace testing {

bool has_term(const Xapian::Document& doc, const std::string& term) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    return it != doc.termlist_end() && *it == term;
}

TempDir::TempDir() {
    std::string templ = (fs::temp_directory_path() / "rapportsok-test-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& bytes) const {
    fs::path p = fs::path(path_) / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << bytes;
    return p.string();
}

void exec_child(const std::vector<std::string>& argv, const std::string& cwd,
                const std::vector<std::string>& env) {
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
}

Run run(const std::vector<std::string>& argv, const std::string& cwd,
        const std::vector<std::string>& env) {
    int out_pipe[2], err_pipe[2];
    if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        exec_child(argv, cwd, env);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    Run r;
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            } else {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

Process::Process(const std::vector<std::string>& argv, const std::string& cwd) {
    std::string base = (fs::temp_directory_path() / "rapportsok-proc-XXXXXX").string();
    std::string out = base, err = base;
    int out_fd = ::mkstemp(out.data());
    int err_fd = ::mkstemp(err.data());
    if (out_fd < 0 || err_fd < 0) throw std::runtime_error("mkstemp failed");
    out_path_ = out;
    err_path_ = err;
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        exec_child(argv, cwd, {});
    }
    ::close(out_fd);
    ::close(err_fd);
}

Process::~Process() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        wait();
    }
    ::unlink(out_path_.c_str());
    ::unlink(err_path_.c_str());
}

void Process::signal(int sig) const {
    if (status_ < 0) ::kill(pid_, sig);
}

int Process::wait() {
    if (status_ >= 0) return status_;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return status_;
}

bool Process::running() {
    if (status_ >= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
}

std::string Process::out() const { return read_file(out_path_); }
std::string Process::err() const { return read_file(err_path_); }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string source_dir() { return RAPPORTSOK_SOURCE_DIR; }
std::string seed_report_path() {
    return source_dir() + "/corpus/manskliga-rattigheter-kazakstan-2011.txt";
}
std::string indexer_bin() {
    // scripts/model-test runs a copy, which a build during its hour cannot change under it.
    const char* copy = std::getenv("RAPPORTSOK_TEST_INDEXER");
    return copy && *copy ? copy : INDEXER_BIN;
}

const std::string& seed_db() {
    static TempDir dir;
    static const std::string db = [] {
        std::string path = dir.file("index");
        Run r = run({indexer_bin(), "--quiet", "--db", path,
                     "corpus/manskliga-rattigheter-kazakstan-2011.txt"},
                    source_dir());
        if (r.status != 0)
            throw std::runtime_error("indexing the seed report failed (" +
                                     std::to_string(r.status) + "): " + r.err);
        return path;
    }();
    return db;
}
std::string searcher_bin() { return SEARCHER_BIN; }

std::string which(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        const std::string candidate = dirs.substr(start, end - start) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    FAIL("not on PATH: " << name << " (scripts/setup installs it)");
    return name;
}

}  // namespace testing
