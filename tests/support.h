// Helpers for tests: temporary folders, running the programs, reading files.
#pragma once

#include <string>
#include <vector>

namespace testing {

// A fresh folder under the system's temporary folder, removed when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Writes bytes to name (creating folders on the way) and returns the full path.
    std::string write(const std::string& name, const std::string& bytes) const;

private:
    std::string path_;
};

struct Run {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
};

// Runs a program with arguments (no shell), in cwd when given, with extra environment entries.
Run run(const std::vector<std::string>& argv, const std::string& cwd = "",
        const std::vector<std::string>& env = {});

std::string read_file(const std::string& path);
std::string source_dir();                // the project's source folder
std::string seed_report_path();          // corpus/manskliga-rattigheter-kazakstan-2011.txt
std::string indexer_bin();
std::string searcher_bin();

}  // namespace testing
