// Faults around a sync: kill -9 at random moments, again and again; searches while the indexer
// adds and removes whole files; a full disk (a small tmpfs, and an injected write failure).
// After each, the last commit stands whole and the next sync completes.
// (test_sync.cc has the fixed-moment kill -9 and the relined-passages reader test.)
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>
#include <xapian.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "indexer/common/schema.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr long kSeedPassages = 69;

// A corpus of copies of the seed report; round k adds a paragraph naming k to every copy.
struct Corpus {
    testing::TempDir dir;
    std::string seed = testing::read_file(testing::seed_report_path());
    int files;
    explicit Corpus(int n) : files(n) {}
    std::string db() const { return dir.file("db"); }
    void write_round(int round) const {
        const size_t at = seed.find("\n \n", seed.size() / 5) + 3;
        for (int i = 0; i < files; ++i)
            dir.write("corpus/r" + std::to_string(i) + ".txt",
                      seed.substr(0, at) + "Runda" + std::to_string(round) +
                          " lade till ett "
                          "stycke i rapport " +
                          std::to_string(i) + ". \n\n \n" + seed.substr(at));
    }
    std::vector<std::string> index_argv() const {
        return {testing::indexer_bin(), "--db", db(), "corpus"};
    }
    // How many passages hold the word runda<round>.
    long found(int round) const {
        auto r = testing::run({testing::searcher_bin(), "--db", db(), "--json", "--exact",
                               "runda" + std::to_string(round)});
        if (r.status > 1) throw std::runtime_error("searcher failed: " + r.err);
        return json::parse(r.out)["total"].get<long>();
    }
};

bool xapian_check_passes(const std::string& db, std::string& report) {
    auto c = testing::run({"/usr/bin/xapian-check", db});
    report = c.out + c.err;
    return c.status == 0;
}

}  // namespace

TEST_CASE(
    "kill -9 at random moments of large syncs, many times in a row: the database checks, "
    "holds the old or the new state, and the next sync completes",
    "[e2e][faults][slow]") {
    Corpus corpus(8);
    corpus.write_round(0);
    REQUIRE(testing::run(corpus.index_argv(), corpus.dir.path()).status == 0);
    int committed = 0;  // the round the database holds
    std::mt19937 gen(20111);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    int kills = 0, completed_before_kill = 0;
    for (int round = 1; std::chrono::steady_clock::now() < end || kills < 3; ++round) {
        CAPTURE(round, committed);
        corpus.write_round(round);
        {
            testing::Process p(corpus.index_argv(), corpus.dir.path());
            std::this_thread::sleep_for(std::chrono::milliseconds(gen() % 400));
            p.signal(SIGKILL);
            int status = p.wait();
            if (status == 0)
                ++completed_before_kill, committed = round;
            else if (status == 128 + SIGKILL)
                ++kills;
            else
                FAIL("indexer exited " << status << ": " << p.err());
        }
        std::string report;
        INFO(report);
        CHECK(xapian_check_passes(corpus.db(), report));
        // Old or new, whole: every copy has the old round's paragraph, or every copy the new.
        const long old_hits = corpus.found(committed), new_hits = corpus.found(round);
        CHECK(((old_hits == corpus.files && new_hits == 0) ||
               (new_hits == corpus.files && (old_hits == 0 || committed == round))));
        if (new_hits == corpus.files) committed = round;
        Xapian::Database d(corpus.db());
        CHECK(d.get_doccount() == corpus.files * (kSeedPassages + 1));
        // Every third round, the next sync runs to its end.
        if (round % 3 == 0) {
            auto r = testing::run(corpus.index_argv(), corpus.dir.path());
            INFO(r.err);
            REQUIRE(r.status == 0);
            committed = round;
            CHECK(corpus.found(round) == corpus.files);
        }
    }
    INFO(kills << " kills, " << completed_before_kill << " syncs finished before their kill");
    CHECK(kills >= 3);
    auto r = testing::run(corpus.index_argv(), corpus.dir.path());
    REQUIRE(r.status == 0);
    auto check = testing::run({testing::indexer_bin(), "--db", corpus.db(), "--check", "corpus"},
                              corpus.dir.path());
    CHECK(check.status == 0);
}

TEST_CASE(
    "searches while the indexer adds and removes whole files see one state or the other, "
    "never an error, an empty or a mixed result",
    "[e2e][faults]") {
    Corpus corpus(1);
    corpus.write_round(0);
    // State A: the report alone. State B: the report and two more files about flamingos.
    auto state = [&](bool b) {
        for (const char* f : {"corpus/flamingo1.txt", "corpus/flamingo2.txt"}) {
            if (b)
                corpus.dir.write(f, "Flamingor\n\nFlamingor besökte parlamentet och domstolen.\n");
            else
                fs::remove(corpus.dir.file(f));
        }
    };
    REQUIRE(testing::run(corpus.index_argv(), corpus.dir.path()).status == 0);
    const long total_a = json::parse(testing::run({testing::searcher_bin(), "--db", corpus.db(),
                                                   "--json", "--exact", "flamingor OR domstolen"})
                                         .out)["total"];
    REQUIRE(total_a > 0);
    const long total_b = total_a + 2;

    std::atomic<bool> done{false};
    std::mutex m;
    std::vector<std::string> problems;
    long searches = 0;
    std::thread searcher([&] {
        while (!done) {
            auto r = testing::run({testing::searcher_bin(), "--db", corpus.db(), "--json",
                                   "--exact", "flamingor OR domstolen"});
            std::lock_guard<std::mutex> g(m);
            ++searches;
            if (r.status != 0) {
                problems.push_back("exit " + std::to_string(r.status) + ": " + r.err);
                continue;
            }
            json j = json::parse(r.out);
            long total = j["total"];
            if (total != total_a && total != total_b) problems.push_back("mixed: " + r.out);
            if (j["hits"].empty()) problems.push_back("empty: " + r.out);
        }
    });
    for (int i = 0; i < 8; ++i) {
        state(i % 2 == 0);
        auto r = testing::run(corpus.index_argv(), corpus.dir.path());
        std::lock_guard<std::mutex> g(m);
        if (r.status != 0) problems.push_back("indexer: " + r.err);
    }
    done = true;
    searcher.join();
    INFO(searches << " searches");
    CHECK(problems == std::vector<std::string>{});
    CHECK(searches > 0);
}

namespace {

// The database's documents (id and data) and metadata, to compare before and after.
std::map<std::string, std::string> contents(const std::string& db) {
    Xapian::Database d(db);
    std::map<std::string, std::string> out;
    for (auto it = d.postlist_begin(""); it != d.postlist_end(""); ++it)
        out["doc:" + std::to_string(*it)] = d.get_document(*it).get_data();
    for (auto it = d.metadata_keys_begin(); it != d.metadata_keys_end(); ++it)
        out["meta:" + *it] = d.get_metadata(*it);
    return out;
}

void check_failed_write_keeps_old_state(const Corpus& corpus, const testing::Run& r,
                                        const std::map<std::string, std::string>& before,
                                        const std::string& expected_cause) {
    INFO(r.out << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err,
               Catch::StartsWith("indexer: could not write the database at " + corpus.db() + ": "));
    CHECK_THAT(r.err, Catch::Contains(expected_cause));
    CHECK_THAT(r.err, Catch::Contains("nothing of this run was committed, the database keeps its "
                                      "earlier state"));
    CHECK(r.out.empty());
    std::string report;
    INFO(report);
    CHECK(xapian_check_passes(corpus.db(), report));
    CHECK(contents(corpus.db()) == before);
    CHECK(corpus.found(0) == corpus.files);
    CHECK(corpus.found(1) == 0);
}

}  // namespace

TEST_CASE("an injected write failure in the middle of a sync leaves the old state and says so",
          "[e2e][faults]") {
    Corpus corpus(3);
    corpus.write_round(0);
    REQUIRE(testing::run(corpus.index_argv(), corpus.dir.path()).status == 0);
    const auto before = contents(corpus.db());
    corpus.write_round(1);
    for (const char* after : {"0", "1", "2"}) {
        CAPTURE(after);
        auto r = testing::run(corpus.index_argv(), corpus.dir.path(),
                              {std::string("RAPPORTSOK_FAIL_WRITE_AFTER=") + after});
        check_failed_write_keeps_old_state(corpus, r, before, "No space left on device");
        CHECK_THAT(r.err, Catch::Contains("injected write failure after " + std::string(after)));
    }
    auto r = testing::run(corpus.index_argv(), corpus.dir.path());
    REQUIRE(r.status == 0);
    CHECK(corpus.found(1) == corpus.files);
}

TEST_CASE("a disk that fills up during a sync (a small tmpfs) leaves the old state and says so",
          "[e2e][faults]") {
    Corpus corpus(2);
    const std::string mnt = corpus.dir.file("liten");
    fs::create_directories(mnt);
    // Big enough for the first index, too small for the second with a large new file.
    if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=2m") != 0) {
        WARN("cannot mount a tmpfs here (" << std::strerror(errno)
                                           << "): the full-disk variant is skipped; the injected "
                                              "write failure test covers the same path");
        return;
    }
    struct Unmount {
        std::string at;
        ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
    } unmount{mnt};
    const std::string db = mnt + "/db";
    corpus.write_round(0);
    auto first = testing::run({testing::indexer_bin(), "--db", db, "corpus"}, corpus.dir.path());
    INFO(first.err);
    REQUIRE(first.status == 0);
    const auto before = contents(db);
    // Round 1, and a big extra file of distinct words: far more than the space left.
    corpus.write_round(1);
    std::string big = "Ordlista\n\n";
    std::mt19937 gen(5);
    for (int p = 0; p < 300; ++p) {
        for (int w = 0; w < 40; ++w) {
            std::string word;
            for (int k = 0; k < 9; ++k) word += static_cast<char>('a' + gen() % 26);
            big += word + ' ';
        }
        big += ".\n\n";
    }
    corpus.dir.write("corpus/stor.txt", big);
    auto r = testing::run({testing::indexer_bin(), "--db", db, "corpus"}, corpus.dir.path());
    INFO(r.out << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::StartsWith("indexer: could not write the database at " + db));
    CHECK_THAT(r.err, Catch::Contains("No space left on device"));
    CHECK_THAT(r.err, Catch::Contains("the database keeps its earlier state"));
    std::string report;
    CHECK(xapian_check_passes(db, report));
    CHECK(contents(db) == before);
    // With room made on the disk, the same sync completes.
    REQUIRE(::mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT, "size=128m") == 0);
    auto again = testing::run({testing::indexer_bin(), "--db", db, "corpus"}, corpus.dir.path());
    INFO(again.err);
    CHECK(again.status == 0);
}
