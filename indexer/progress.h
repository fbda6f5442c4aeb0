// The progress bar of a long indexing run: files done of all, passages, MB/s and time left,
// redrawn in place on a terminal, at most ten times a second, once the run has taken a second.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

namespace rapportsok {

class Progress {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // Draws on out only when terminal is true (out is then the terminal itself, with no line
    // filter between: the bar is made of numbers, and "\r" must pass). show_after is how long
    // a run goes before the bar appears (env RAPPORTSOK_PROGRESS_AFTER_MS overrides it: a test
    // hook). The clock is steady_clock::now unless a test gives its own.
    Progress(std::ostream& out, bool terminal, long files_total, long long bytes_total,
             std::chrono::milliseconds show_after = std::chrono::seconds(1),
             Clock clock = std::chrono::steady_clock::now);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // One more file done: its passages and bytes. Safe to call from several threads.
    void advance(long files, long passages, long long bytes);
    // What the run does after the files ("merging 2 shards"), shown at the end of the bar.
    void stage(const std::string& what);
    // Takes the bar off the screen (before a message, the summary, or the end). It comes back
    // with the next advance().
    void clear();

    // The bar as drawn now, without "\r" (for tests).
    std::string line() const;

  private:
    std::string line_locked(std::chrono::steady_clock::time_point now) const;
    void draw_locked(bool force);

    std::ostream& out_;
    const bool terminal_;
    const long files_total_;
    const long long bytes_total_;
    std::chrono::milliseconds show_after_;
    Clock clock_;
    const std::chrono::steady_clock::time_point start_;
    mutable std::mutex mutex_;
    long files_ = 0, passages_ = 0;
    long long bytes_ = 0;
    std::string stage_;
    bool shown_ = false;  // the bar is on the screen
    size_t width_ = 0;    // of what is on the screen, to blank it out
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace rapportsok
