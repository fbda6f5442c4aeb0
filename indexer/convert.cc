#include "indexer/convert.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "indexer/common/errors.h"

extern char** environ;

namespace rapportsok {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool has_extension(const std::string& path, std::initializer_list<const char*> exts) {
    const std::string ext = lower(std::filesystem::path(path).extension().string());
    return std::any_of(exts.begin(), exts.end(), [&](const char* e) { return ext == e; });
}

}  // namespace

std::string sniff_format(const std::string& path, std::string_view bytes) {
    const std::string_view head = bytes.substr(0, 1024);
    if (head.find("%PDF-") != std::string_view::npos) return "pdf";  // junk may come first
    if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
        // File names in a ZIP archive are stored as they are, in each entry's header and at the
        // end: the documents' own parts say what they are.
        if (bytes.find("word/document.xml") != std::string_view::npos) return "docx";
        if (bytes.find("application/vnd.oasis.opendocument.text") != std::string_view::npos)
            return "odt";
        return "zip";
    }
    std::string start = lower(bytes.substr(0, 4096));
    size_t i = start.rfind("\xef\xbb\xbf", 0) == 0 ? 3 : 0;
    while (i < start.size() && std::isspace(static_cast<unsigned char>(start[i]))) ++i;
    const std::string_view s = std::string_view(start).substr(i);
    if (s.rfind("<!doctype html", 0) == 0 || s.rfind("<html", 0) == 0) return "html";
    if (!s.empty() && s[0] == '<' &&
        (s.find("<html") != std::string_view::npos || s.find("<body") != std::string_view::npos ||
         s.find("<head") != std::string_view::npos))
        return "html";
    // Named .html: HTML when it has a tag anywhere in its start, whatever comes first.
    if (has_extension(path, {".html", ".htm"})) {
        for (size_t at = s.find('<'); at != std::string_view::npos; at = s.find('<', at + 1))
            if (at + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[at + 1])) ||
                                      s[at + 1] == '/' || s[at + 1] == '!'))
                return "html";
    }
    return "text";
}

std::string run_program(const std::vector<std::string>& argv, int timeout_seconds, int& status,
                        std::string& err) {
    status = 127;
    err.clear();
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return "";
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return "";
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    std::string out;
    if (spawned != 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        err = std::strerror(spawned);
        return out;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    bool timed_out = false;
    char buf[65536];
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        if (::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000))) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < 2; ++k) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::read(fds[k].fd, buf, sizeof buf);
            if (n > 0) {
                if (k == 0)
                    out.append(buf, static_cast<size_t>(n));
                else if (err.size() < 4096)
                    err.append(buf, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[k].fd);
                fds[k].fd = -1;
            }
        }
    }
    for (pollfd& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    if (timed_out) ::kill(pid, SIGKILL);
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    status = timed_out              ? -1
             : WIFEXITED(wstatus)   ? WEXITSTATUS(wstatus)
             : WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus)
                                    : 1;
    return out;
}

std::string convert_document(const std::string& path, const std::string& format) {
    // An absolute path: a name starting with '-' is no option to the converter.
    const std::string file = std::filesystem::absolute(path).string();
    std::vector<std::string> argv;
    std::string package;
    if (format == "pdf") {
        argv = {"pdftotext", "-layout", "-enc", "UTF-8", file, "-"};
        package = "poppler-utils";
    } else if (format == "html" || format == "docx" || format == "odt") {
        argv = {"pandoc", "--from=" + format, "--to=gfm-raw_html", "--wrap=none", file};
        package = "pandoc";
    } else {
        throw InputError(path, 0, "a " + format + " file: no converter for it");
    }
    int status = 0;
    std::string err;
    std::string text = run_program(argv, kConvertSeconds, status, err);
    const std::string what = "a " + lower(format) + " document; " + argv[0];
    if (status == 127 && text.empty())
        throw InputError(path, 0,
                         what + " could not be started (" + (err.empty() ? "not found" : err) +
                             "): install it (apt-get install " + package + ")");
    if (status == -1)
        throw InputError(
            path, 0,
            what + " took longer than " + std::to_string(kConvertSeconds) + " s and was stopped");
    if (status != 0) {
        std::string first = err.substr(0, err.find('\n'));
        if (first.size() > 200) first = first.substr(0, 200);
        throw InputError(path, 0,
                         what + " could not read it (exit status " + std::to_string(status) +
                             (first.empty() ? "" : ": " + first) + ")");
    }
    // pdftotext ends every page with a form feed, the last one too: no page after it.
    if (format == "pdf" && !text.empty() && text.back() == '\f') text.pop_back();
    return text;
}

}  // namespace rapportsok
