// Helpers for tests: temporary folders, running the programs, reading files.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

namespace testing {

// True when the document has the term.
bool has_term(const Xapian::Document& doc, const std::string& term);

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

// For a child process after fork(): changes to cwd (when given), adds the environment entries
// ("NAME=value") and executes argv; exits with status 127 when it cannot.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& cwd,
                             const std::vector<std::string>& env);

// Runs a program with arguments (no shell), in cwd when given, with extra environment entries.
Run run(const std::vector<std::string>& argv, const std::string& cwd = "",
        const std::vector<std::string>& env = {});

// A program started in the background (no shell), its stdout and stderr kept in temporary
// files. The destructor kills (SIGKILL) and reaps it if it is still running.
class Process {
  public:
    explicit Process(const std::vector<std::string>& argv, const std::string& cwd = "");
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    int pid() const { return pid_; }
    void signal(int sig) const;
    int wait();               // exit status, or 128 + signal
    bool running();           // false once it has ended (then wait() returns at once)
    std::string out() const;  // what it has written so far
    std::string err() const;

  private:
    int pid_ = -1;
    int status_ = -1;
    std::string out_path_, err_path_;
};

std::string read_file(const std::string& path);
// The program's path as a shell finds it on $PATH (run() does not search); fails the test when
// it is not there.
std::string which(const std::string& name);
std::string source_dir();        // the project's source folder
std::string seed_report_path();  // corpus/manskliga-rattigheter-kazakstan-2011.txt
std::string indexer_bin();       // the build's, or $RAPPORTSOK_TEST_INDEXER when set
// The seed report indexed once per test binary (files named as indexed: "corpus/..."), for
// tests that only read it.
const std::string& seed_db();
std::string searcher_bin();

}  // namespace testing
