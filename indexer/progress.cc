#include "indexer/progress.h"

#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace rapportsok {

namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string megabytes(long long bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

}  // namespace

Progress::Progress(std::ostream& out, bool terminal, long files_total, long long bytes_total,
                   std::chrono::milliseconds show_after, Clock clock)
    : out_(out),
      terminal_(terminal),
      files_total_(files_total),
      bytes_total_(bytes_total),
      show_after_(show_after),
      clock_(std::move(clock)),
      start_(clock_()),
      last_draw_(start_ - kRedrawEvery) {
    // Test hook, as RAPPORTSOK_FAIL_WRITE_AFTER: a bar from the first file on, so that an
    // end-to-end test need not index for a second.
    if (const char* v = std::getenv("RAPPORTSOK_PROGRESS_AFTER_MS"); v && *v)
        show_after_ = std::chrono::milliseconds(std::atol(v));
}

Progress::~Progress() { clear(); }

void Progress::advance(long files, long passages, long long bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    files_ += files;
    passages_ += passages;
    bytes_ += bytes;
    draw_locked(false);
}

void Progress::stage(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    stage_ = what;
    draw_locked(true);
}

// Draws when the run has gone on long enough, and (unless forced) not more often than
// kRedrawEvery.
void Progress::draw_locked(bool force) {
    if (!terminal_) return;
    const auto now = clock_();
    if (now - start_ < show_after_ || (!force && now - last_draw_ < kRedrawEvery)) return;
    const std::string l = line_locked(now);
    // Blanks out what a longer line before it left on the screen.
    const size_t pad = width_ > l.size() ? width_ - l.size() : 0;
    out_ << '\r' << l << std::string(pad, ' ') << std::flush;
    width_ = l.size();
    shown_ = true;
    last_draw_ = now;
}

void Progress::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!shown_) return;
    out_ << '\r' << std::string(width_, ' ') << '\r' << std::flush;
    shown_ = false;
    width_ = 0;
}

std::string Progress::line() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return line_locked(clock_());
}

std::string Progress::line_locked(std::chrono::steady_clock::time_point now) const {
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::string l = "indexer: " + std::to_string(files_) + "/" + std::to_string(files_total_) +
                    " files, " + std::to_string(passages_) + " passages, " + megabytes(bytes_) +
                    " of " + megabytes(bytes_total_);
    if (secs > 0 && bytes_ > 0) {
        const double rate = static_cast<double>(bytes_) / secs;
        char buf[64];
        std::snprintf(buf, sizeof buf, ", %.1f MB/s", rate / 1e6);
        l += buf;
        if (bytes_ < bytes_total_) {
            const long left =
                static_cast<long>(static_cast<double>(bytes_total_ - bytes_) / rate + 0.5);
            std::snprintf(buf, sizeof buf, ", %ld:%02ld left", left / 60, left % 60);
            l += buf;
        }
    }
    if (!stage_.empty()) l += ", " + stage_;
    return l;
}

}  // namespace rapportsok
