// Replays every input the fuzzers ever found a problem with (tests/fuzz/regressions/TARGET/)
// and their seed corpora through the same entry functions, in the normal and sanitizer builds.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/fuzz/entry.h"
#include "tests/support.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
            out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

template <class Entry>
void replay(const std::string& dir, Entry entry) {
    for (const std::string& f : files_in(dir)) {
        const std::string bytes = testing::read_file(f);
        INFO(f);
        CHECK_NOTHROW(entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    }
}

}  // namespace

TEST_CASE("the read, clean and structure fuzz entry holds on its seeds and past findings",
          "[fuzz][regression]") {
    REQUIRE(files_in(FUZZ_DIR "/corpus_read").size() >= 5);
    replay(FUZZ_DIR "/corpus_read", rapportsok::fuzz::read_clean_structure);
    replay(FUZZ_DIR "/regressions/fuzz_read", rapportsok::fuzz::read_clean_structure);
}

TEST_CASE("the query fuzz entry holds on its seeds and past findings", "[fuzz][regression]") {
    REQUIRE(files_in(FUZZ_DIR "/corpus_query").size() >= 5);
    replay(FUZZ_DIR "/corpus_query", rapportsok::fuzz::query);
    replay(FUZZ_DIR "/regressions/fuzz_query", rapportsok::fuzz::query);
}

TEST_CASE("the fuzz entries take refused input as an answer and the whole seed report as valid",
          "[fuzz][unit]") {
    // A refusal (UsageError, InputError) is an answer, not a finding: an empty query is refused.
    const std::string empty;
    CHECK_NOTHROW(rapportsok::fuzz::query(reinterpret_cast<const uint8_t*>(empty.data()), 0));
    // Bytes the reader refuses are fine too, and so is the whole seed report.
    const std::string nul("a\0b", 3);
    CHECK_NOTHROW(rapportsok::fuzz::read_clean_structure(
        reinterpret_cast<const uint8_t*>(nul.data()), nul.size()));
    const std::string seed = testing::read_file(testing::seed_report_path());
    CHECK_NOTHROW(rapportsok::fuzz::read_clean_structure(
        reinterpret_cast<const uint8_t*>(seed.data()), seed.size()));
}
