// Which files a run indexes: the paths given, folders walked, each file once whatever path or
// name reaches it; and what stops a run before it writes (a path given that is not there).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace rapportsok {

// One file reached from the paths given.
struct FileRef {
    std::string path;  // as reached from the working folder, lexically normal: read by it, named
                       // by it in messages, and indexed under it when the database has it not
    std::string real;  // absolute, symbolic links resolved: what makes it one file
};

struct FileSet {
    std::vector<FileRef> files;  // sorted by path, one for each file (hard links too)
    // Absolute paths of what could not be looked into: folders under the paths given that
    // cannot be read (ending in '/') and broken symbolic links. The database keeps what it holds
    // from there, as it keeps an unreadable file's passages: a passing error must not delete.
    std::vector<std::string> unreadable;
    bool failed = false;  // something was reported on err (the run exits 2)
};

// Files to index under the paths given: files as given, folders walked for *.txt, *.md,
// *.markdown, *.pdf, *.html, *.htm, *.docx and *.odt (hidden ones and symbolic links to folders not
// followed). A path given that does not exist or cannot be read is reported on err, and then
// UsageError is thrown: a run stops before it writes anything, rather than take a typo, or a folder
// moved away for a moment, as every file under it removed.
FileSet collect_files(const std::vector<std::string>& paths, std::ostream& err);

// The paths given that do not exist or cannot be read, each with why: what stops a run.
struct Unavailable {
    std::string path, why;
};
std::vector<Unavailable> unavailable_paths(const std::vector<std::string>& paths);

// True for a name collect_files takes from a folder (the extensions above, not hidden).
bool indexable_name(const std::string& filename);

// The absolute path a name given or recorded stands for (from the working folder), not
// resolved: "corpus/a.txt" -> "/home/me/project/corpus/a.txt".
std::string absolute_path(const std::string& name);

// True when path is at or under one of the places collect_files could not look into.
bool under_unreadable(const FileSet& set, const std::string& absolute);

// A file's size and modification time as stat(2) gives them (not file_clock, whose epoch is
// not the Unix one): what a record keeps to tell an unchanged file without reading it.
struct FileTimes {
    long long size = 0;
    long long mtime_ns = 0;  // since the Unix epoch
};
bool stat_file(const std::string& path, FileTimes& out);  // false when stat(2) fails
long long file_size(const std::string& path);             // 0 when stat(2) fails

}  // namespace rapportsok
