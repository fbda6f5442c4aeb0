#include "indexer/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <set>
#include <utility>

#include "indexer/common/errors.h"

namespace fs = std::filesystem;

namespace rapportsok {

namespace {

struct Walk {
    FileSet set;
    std::set<std::pair<dev_t, ino_t>> seen;  // the first path that reaches a file names it
    std::ostream& err;

    void add(const fs::path& path, const struct stat& st) {
        if (!seen.emplace(st.st_dev, st.st_ino).second) return;
        std::error_code ec;
        fs::path real = fs::canonical(path, ec);
        set.files.push_back({path.string(), ec ? absolute_path(path.string()) : real.string()});
    }

    void unreadable(const fs::path& path, const std::string& why, bool folder) {
        err << "indexer: " << path.string() << ": " << why << " (what is indexed from "
            << (folder ? "there" : "it") << " is kept as it is)\n";
        set.unreadable.push_back(absolute_path(path.string()) + (folder ? "/" : ""));
        set.failed = true;
    }

    // Walks a folder for indexable files; a subfolder or entry that cannot be read is reported
    // and its indexed files kept.
    void folder(const fs::path& dir) {
        std::error_code ec;
        std::vector<fs::path> entries;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            entries.push_back(it->path().lexically_normal());
        if (ec) {
            unreadable(dir, "cannot read folder: " + ec.message(), true);
            return;
        }
        std::sort(entries.begin(), entries.end());
        for (const fs::path& p : entries) {
            const std::string name = p.filename().string();
            if (name.empty() || name[0] == '.') continue;  // hidden files and folders
            struct stat lst, st;
            if (::lstat(p.c_str(), &lst) != 0) continue;  // gone since the listing
            if (S_ISLNK(lst.st_mode)) {
                if (::stat(p.c_str(), &st) != 0) {
                    if (indexable_name(name))
                        unreadable(p, "broken or looping symbolic link", false);
                    continue;
                }
                if (S_ISREG(st.st_mode) && indexable_name(name)) add(p, st);
                continue;  // symbolic links to folders are not followed
            }
            if (S_ISDIR(lst.st_mode))
                folder(p);
            else if (S_ISREG(lst.st_mode) && indexable_name(name))
                add(p, lst);
        }
    }
};

// Why a path given cannot be taken, or empty when it can.
std::string refusal(const fs::path& p, struct stat& st) {
    if (::stat(p.c_str(), &st) != 0)
        return errno == ENOENT ? "no such file or folder" : std::strerror(errno);
    if (S_ISDIR(st.st_mode)) {
        std::error_code ec;
        fs::directory_iterator it(p, ec);
        return ec ? "cannot read folder: " + ec.message() : "";
    }
    if (S_ISREG(st.st_mode)) {
        const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return std::string("cannot read: ") + std::strerror(errno);
        ::close(fd);
    }
    return "";
}

}  // namespace

bool indexable_name(const std::string& filename) {
    fs::path p(filename);
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // Text and Markdown; PDF, HTML, DOCX and ODT through their converters (indexer/convert.h).
    static const std::set<std::string> kExtensions = {".txt",  ".md",  ".markdown", ".pdf",
                                                      ".html", ".htm", ".docx",     ".odt"};
    return !filename.empty() && filename[0] != '.' && kExtensions.count(ext) > 0;
}

std::string absolute_path(const std::string& name) {
    return fs::absolute(name).lexically_normal().string();
}

bool under_unreadable(const FileSet& set, const std::string& absolute) {
    for (const std::string& u : set.unreadable)
        if (absolute == u || (u.back() == '/' && absolute.rfind(u, 0) == 0)) return true;
    return false;
}

bool stat_file(const std::string& path, FileTimes& out) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return false;
    out.size = static_cast<long long>(st.st_size);
    out.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    return true;
}

long long file_size(const std::string& path) {
    FileTimes t;
    return stat_file(path, t) ? t.size : 0;
}

std::vector<Unavailable> unavailable_paths(const std::vector<std::string>& paths) {
    std::vector<Unavailable> out;
    for (const std::string& given : paths) {
        struct stat st;
        std::string why = refusal(fs::path(given).lexically_normal(), st);
        if (!why.empty()) out.push_back({given, std::move(why)});
    }
    return out;
}

FileSet collect_files(const std::vector<std::string>& paths, std::ostream& err) {
    const std::vector<Unavailable> refused = unavailable_paths(paths);
    for (const Unavailable& u : refused) err << "indexer: " << u.path << ": " << u.why << "\n";
    if (!refused.empty())
        throw UsageError(std::string(refused.size() == 1 ? "a path given is" : "paths given are") +
                         " missing or cannot be read: nothing was done, the database is left as "
                         "it is");
    Walk walk{{}, {}, err};
    for (const std::string& given : paths) {
        const fs::path p = fs::path(given).lexically_normal();
        struct stat st;
        if (::stat(p.c_str(), &st) != 0) {  // gone this very moment: what it held is kept
            walk.unreadable(p, std::string("gone while being read: ") + std::strerror(errno), true);
            continue;
        }
        if (S_ISDIR(st.st_mode))
            walk.folder(p);
        else
            walk.add(p, st);  // a file given is taken whatever its name, and read as text
    }
    std::sort(walk.set.files.begin(), walk.set.files.end(),
              [](const FileRef& a, const FileRef& b) { return a.path < b.path; });
    return std::move(walk.set);
}

}  // namespace rapportsok
