// The full build (a new or empty database, --rebuild): shards on several threads merged into
// the database one thread builds, compacted, atomic, cleaned up after a kill; the memory
// setting; the progress bar, unit by unit and on a real terminal.
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "indexer/build.h"
#include "indexer/common/schema.h"
#include "indexer/progress.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr long kSeedPassages = 69;

// A corpus of n reports made from the seed: report i gets a paragraph of its own and the
// seed's paragraphs from a point that moves with i, so that no two are alike.
void write_corpus(const testing::TempDir& dir, int n, const std::string& folder = "corpus") {
    const std::string seed = testing::read_file(testing::seed_report_path());
    for (int i = 0; i < n; ++i) {
        const size_t at = seed.find("\n \n", seed.size() * static_cast<size_t>(i % 7 + 1) / 9) + 3;
        char name[32];
        std::snprintf(name, sizeof name, "/r%02d.txt", i);
        dir.write(folder + name, seed.substr(0, at) + "Rapport " + std::to_string(i) +
                                     " nämner zebrafinkar och vattenbufflar" +
                                     std::string(static_cast<size_t>(i), '!') + ". \n\n \n" +
                                     seed.substr(at));
    }
}

testing::Run index(const testing::TempDir& dir, std::vector<std::string> args,
                   const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {testing::indexer_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run(argv, dir.path(), env);
}

bool leftovers(const testing::TempDir& dir) {
    for (const auto& e : fs::recursive_directory_iterator(dir.path()))
        if (e.path().filename().string().find(".build") != std::string::npos) return true;
    return false;
}

// Everything a search can read of a database, by docid: data, values, terms with wdf and
// positions; the metadata; the spelling table. Compound-part terms (XW) apart, to tell them.
struct Contents {
    std::map<std::string, std::string> all;
    std::set<std::string> compound_postings;  // "docid term"
};

Contents contents(const std::string& path) {
    Xapian::Database db(path);
    Contents c;
    c.all["doccount"] = std::to_string(db.get_doccount());
    for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
        const std::string id = std::to_string(*d);
        Xapian::Document doc = db.get_document(*d);
        c.all["data " + id] = doc.get_data();
        for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
            c.all["value " + id + " " + std::to_string(v.get_valueno())] = *v;
        for (auto t = db.termlist_begin(*d); t != db.termlist_end(*d); ++t) {
            if ((*t).rfind(rapportsok::prefix::kCompoundPart, 0) == 0) {
                c.compound_postings.insert(id + " " + *t);
                continue;
            }
            std::string pos;
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                pos += std::to_string(*p) + ",";
            c.all["term " + id + " " + *t] = std::to_string(t.get_wdf()) + " @" + pos;
        }
    }
    for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
        std::string value = db.get_metadata(*k);
        if ((*k).rfind(rapportsok::meta::kFilePrefix, 0) == 0) {
            // When each file was read differs from build to build.
            rapportsok::FileRecord r = rapportsok::decode_file_record(value);
            r.read_ns = 0;
            value = rapportsok::encode_file_record(r);
        }
        c.all["meta " + *k] = value;
    }
    for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s)
        c.all["spelling " + *s] = std::to_string(s.get_termfreq());
    return c;
}

// Every passage's terms (wdf, positions), by passage id.
std::map<std::string, std::string> terms_by_passage(const std::string& path) {
    Xapian::Database db(path);
    std::map<std::string, std::string> out;
    for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
        std::string terms;
        for (auto t = db.termlist_begin(*d); t != db.termlist_end(*d); ++t) {
            terms += *t + " " + std::to_string(t.get_wdf()) + ":";
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                terms += " " + std::to_string(*p);
            terms += "\n";
        }
        out[rapportsok::decode_passage(db.get_document(*d).get_data()).id] = terms;
    }
    return out;
}

}  // namespace

TEST_CASE(
    "a passage's terms are those of its own report, whatever else is indexed with it, in which "
    "order and on how many threads",
    "[e2e][build][compound]") {
    testing::TempDir dir;
    write_corpus(dir, 4);
    // "zorbel" is in no word list; r00 has it alone, r03 in a compound, r02 both.
    dir.write("corpus/r00.txt", testing::read_file(dir.file("corpus/r00.txt")) +
                                    "En zorbel är ett påhittat ord. \n\n \n");
    dir.write("corpus/r03.txt", testing::read_file(dir.file("corpus/r03.txt")) +
                                    "Ordet zorbelkommissionen står här. \n\n \n");
    dir.write("corpus/r02.txt", testing::read_file(dir.file("corpus/r02.txt")) +
                                    "En zorbel i zorbelkommissionen. \n\n \n");
    const std::vector<std::string> all = {"corpus/r00.txt", "corpus/r01.txt", "corpus/r02.txt",
                                          "corpus/r03.txt"};
    auto run = [&](const std::string& db, std::vector<std::string> args) {
        args.insert(args.begin(), {"--quiet", "--db", dir.file(db)});
        const testing::Run r = index(dir, args);
        INFO(r.err);
        REQUIRE(r.status == 0);
    };
    std::vector<std::string> with_all = {"-j", "1"};
    with_all.insert(with_all.end(), all.begin(), all.end());
    run("one", with_all);
    const auto one = terms_by_passage(dir.file("one"));
    // On three threads.
    with_all[1] = "3";
    run("three", with_all);
    CHECK(terms_by_passage(dir.file("three")) == one);
    // Each report alone: its passages' terms are those it has among the others.
    std::map<std::string, std::string> apart;
    for (size_t i = 0; i < all.size(); ++i) {
        const std::string db = "alone" + std::to_string(i);
        run(db, {all[i]});
        const auto terms = terms_by_passage(dir.file(db));
        apart.insert(terms.begin(), terms.end());
    }
    CHECK(apart == one);
    // Synced in, one report a run, the last first.
    for (size_t n = 1; n <= all.size(); ++n)
        run("grown", std::vector<std::string>(all.end() - static_cast<long>(n), all.end()));
    CHECK(terms_by_passage(dir.file("grown")) == one);
    // r02 splits its own compound; r03 has no zorbel of its own.
    Xapian::Database db(dir.file("one"));
    CHECK(db.get_termfreq(std::string(rapportsok::prefix::kCompoundPart) + "zorbel") == 1);
}

TEST_CASE(
    "a full build on two or three threads gives the database one thread builds, compound "
    "parts and all",
    "[e2e][build]") {
    testing::TempDir dir;
    write_corpus(dir, 7);
    // A compound whose first part only an earlier report has ("zorbel"): a report's own words
    // split its compounds, another's never, on one thread or many.
    dir.write("corpus/r00.txt", testing::read_file(dir.file("corpus/r00.txt")) +
                                    "Zorbel \n\n \nEn zorbel är ett påhittat ord. \n\n \n");
    dir.write("corpus/r06.txt", testing::read_file(dir.file("corpus/r06.txt")) +
                                    "Ordet zorbelkommissionen står här. \n\n \n");
    std::map<std::string, Contents> built;
    std::set<std::string> summaries;  // the summary line, without its time
    for (const char* jobs : {"1", "2", "3"}) {
        CAPTURE(jobs);
        auto r = index(dir, {"--db", dir.file(std::string("db") + jobs), "-j", jobs, "corpus"});
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK_THAT(r.out, Catch::StartsWith("7 files changed: "));
        summaries.insert(r.out.substr(0, r.out.find(" (")));
        built[jobs] = contents(dir.file(std::string("db") + jobs));
    }
    CHECK(summaries.size() == 1);
    const Contents& one = built["1"];
    REQUIRE(std::stol(one.all.at("doccount")) > 7 * kSeedPassages);
    long zorbel = 0;
    for (const std::string& p : one.compound_postings) zorbel += p.find(" XWzorbel") != p.npos;
    CHECK(zorbel == 0);
    for (const char* jobs : {"2", "3"}) {
        CAPTURE(jobs);
        const Contents& many = built[jobs];
        // Same docids for the same passages (shards are runs of files in order), same terms,
        // positions, values, data, file records, summaries and spelling frequencies.
        CHECK(many.all.size() == one.all.size());
        std::vector<std::string> differ;
        for (const auto& [key, value] : one.all) {
            if (key == std::string("meta ") + rapportsok::meta::kCommit) continue;  // random
            auto it = many.all.find(key);
            if (it == many.all.end() || it->second != value) differ.push_back(key);
        }
        CHECK(differ == std::vector<std::string>{});
        // Compound parts too.
        CHECK(many.compound_postings == one.compound_postings);
    }
}

TEST_CASE(
    "a full build is compacted, leaves no temporary folder and removes one a killed "
    "build left",
    "[e2e][build]") {
    testing::TempDir dir;
    write_corpus(dir, 12);
    dir.write(".db.build/shards/0/iamglass", "left by a killed build");
    auto r = index(dir, {"--db", dir.file("db"), "-j", "2", "corpus"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK_FALSE(leftovers(dir));
    CHECK(testing::run({"/usr/bin/xapian-check", dir.file("db")}).status == 0);
    // Compacting it again gains next to nothing.
    auto c = testing::run({"/usr/bin/xapian-compact", dir.file("db"), dir.file("again")});
    REQUIRE(c.status == 0);
    auto size = [](const fs::path& p) {
        uintmax_t n = 0;
        for (const auto& e : fs::directory_iterator(p))
            if (e.path().extension() == ".glass") n += fs::file_size(e.path());
        return n;
    };
    CHECK(size(dir.file("db")) < size(dir.file("again")) * 11 / 10);

    // --rebuild: its generation is built the same way, and what a killed one left goes.
    dir.write("db.d/3.build/0/iamglass", "left by a killed rebuild");
    auto rb = index(dir, {"--db", dir.file("db"), "--rebuild", "corpus"});
    INFO(rb.err);
    REQUIRE(rb.status == 0);
    CHECK(testing::read_file(dir.file("db")) == "auto db.d/1\n");
    CHECK_FALSE(leftovers(dir));
    CHECK(Xapian::Database(dir.file("db")).get_doccount() == 12 * (kSeedPassages + 1));
    // A sync after it finds nothing to do, and removes what a build killed after putting its
    // database in place left.
    dir.write("db.d/.1.build/db/iamglass", "left by a killed build");
    dir.write("db.d/2.build/0/iamglass", "left by a killed rebuild");
    auto again = index(dir, {"--db", dir.file("db"), "corpus"});
    CHECK_THAT(again.out, Catch::StartsWith("0 files changed: 0 passages added"));
    CHECK_FALSE(leftovers(dir));
}

TEST_CASE(
    "a full build killed with kill -9 leaves no database or an empty one, and the next "
    "run builds it",
    "[e2e][build][slow]") {
    testing::TempDir dir;
    write_corpus(dir, 24);
    const std::string db = dir.file("db");
    for (int delay_ms : {5, 40, 120, 250, 500}) {
        CAPTURE(delay_ms);
        std::error_code ec;
        fs::remove_all(db, ec);
        {
            testing::Process p({testing::indexer_bin(), "--db", db, "-j", "2", "corpus"},
                               dir.path());
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
            p.signal(SIGKILL);
            p.wait();
        }
        if (fs::exists(fs::path(db) / "iamglass")) {
            auto c = testing::run({"/usr/bin/xapian-check", db});
            INFO(c.out << c.err);
            CHECK(c.status == 0);
            const auto n = Xapian::Database(db).get_doccount();
            CHECK((n == 0 || n == 24 * (kSeedPassages + 1)));
        }
        auto r = index(dir, {"--db", db, "-j", "2", "corpus"});
        INFO(r.out << r.err);
        REQUIRE(r.status == 0);
        CHECK(Xapian::Database(db).get_doccount() == 24 * (kSeedPassages + 1));
        CHECK_FALSE(leftovers(dir));
        CHECK(index(dir, {"--db", db, "--check", "corpus"}).status == 0);
    }
}

TEST_CASE(
    "two indexers creating the same new database: one builds it, the other is told it "
    "is busy, and the database is whole",
    "[e2e][build]") {
    testing::TempDir dir;
    write_corpus(dir, 16);
    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        const std::string db = dir.file("db" + std::to_string(round));
        testing::Process a({testing::indexer_bin(), "--db", db, "corpus"}, dir.path());
        testing::Process b({testing::indexer_bin(), "--db", db, "corpus"}, dir.path());
        const int sa = a.wait(), sb = b.wait();
        INFO(a.err() << b.err());
        // The one that finds the other at work exits 2 and says why; one that starts after
        // the other has finished finds nothing to do.
        for (auto* p : {&a, &b}) {
            const int s = p == &a ? sa : sb;
            if (s != 0) {
                CHECK(s == 2);
                CHECK_THAT(p->err(), Catch::Contains("is being written by another indexer"));
            }
        }
        CHECK((sa == 0 || sb == 0));
        CHECK(testing::run({"/usr/bin/xapian-check", db}).status == 0);
        CHECK(Xapian::Database(db).get_doccount() == 16 * (kSeedPassages + 1));
        CHECK_FALSE(leftovers(dir));
    }
}

TEST_CASE(
    "a write failure during a full build leaves the database empty, removes the shards "
    "and says so",
    "[e2e][build][faults]") {
    testing::TempDir dir;
    write_corpus(dir, 4);
    const std::string db = dir.file("db");
    auto r = index(dir, {"--db", db, "-j", "2", "corpus"}, {"RAPPORTSOK_FAIL_WRITE_AFTER=100"});
    INFO(r.out << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::StartsWith("indexer: could not write the database at " + db + ": "));
    CHECK_THAT(r.err, Catch::Contains("injected write failure after 100"));
    CHECK_THAT(r.err, Catch::Contains("nothing of this run was committed"));
    CHECK(r.out.empty());
    CHECK_FALSE(leftovers(dir));
    CHECK(Xapian::Database(db).get_doccount() == 0);
    auto again = index(dir, {"--db", db, "corpus"});
    INFO(again.err);
    CHECK(again.status == 0);
    CHECK(Xapian::Database(db).get_doccount() == 4 * (kSeedPassages + 1));
}

TEST_CASE("bad files among good ones in a full build on two threads are named in file order",
          "[e2e][build]") {
    testing::TempDir dir;
    write_corpus(dir, 6);
    dir.write("corpus/r01.txt", std::string("Binär\0data", 10));
    dir.write("corpus/r04.txt", std::string(64, '\x01'));  // control characters: binary
    auto r = index(dir, {"--db", dir.file("db"), "-j", "2", "corpus"});
    CHECK(r.status == 2);
    const size_t first = r.err.find("corpus/r01.txt"), second = r.err.find("corpus/r04.txt");
    INFO(r.err);
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(first < second);
    CHECK_THAT(r.out, Catch::StartsWith("4 files changed, 2 failed: "));
    CHECK(Xapian::Database(dir.file("db")).get_doccount() == 4 * (kSeedPassages + 1));
}

TEST_CASE("the memory setting sets the threads and what each buffers", "[unit][build]") {
    using rapportsok::BuildSettings;
    using rapportsok::plan_build;
    const long long mb = 1024 * 1024;
    BuildSettings s;
    s.jobs = 2;
    // Enough memory: the threads asked for, a buffer that grows with the setting to a cap.
    const auto p512 = plan_build(s, 300, 10 * mb);
    CHECK(p512.shards == 2);
    s.memory_mb = 256;
    const auto p256 = plan_build(s, 300, 10 * mb);
    CHECK(p256.shards == 2);
    CHECK(p256.flush_threshold < p512.flush_threshold);
    s.memory_mb = 4096;
    CHECK(plan_build(s, 300, 10 * mb).flush_threshold == p512.flush_threshold);
    // Short of memory: one thread rather than two that write out every few documents.
    s.memory_mb = 64;
    CHECK(plan_build(s, 300, 10 * mb).shards == 1);
    // Never more threads than files; by default, one thread for a small corpus.
    s.memory_mb = 512;
    CHECK(plan_build(s, 1, 10 * mb).shards == 1);
    s.jobs = 0;
    CHECK(plan_build(s, 300, 100 * 1024).shards == 1);
}

TEST_CASE("the progress bar stays off a pipe and off the first second", "[unit][progress]") {
    auto now = std::chrono::steady_clock::time_point{} + 1h;
    auto clock = [&] { return now; };
    std::ostringstream pipe, terminal;
    {
        rapportsok::Progress off(pipe, false, 10, 1000, 1s, clock);
        rapportsok::Progress on(terminal, true, 10, 1000, 1s, clock);
        for (int i = 0; i < 5; ++i) {
            now += 150ms;
            off.advance(1, 10, 100);
            on.advance(1, 10, 100);
        }
        CHECK(terminal.str().empty());  // 750 ms in
        now += 300ms;
        off.advance(1, 10, 100);
        on.advance(1, 10, 100);
    }
    CHECK(pipe.str().empty());
    CHECK_FALSE(terminal.str().empty());
}

TEST_CASE(
    "the progress bar shows files, passages, MB/s and time left, redrawn in place at most "
    "ten times a second, and is cleared",
    "[unit][progress]") {
    auto now = std::chrono::steady_clock::time_point{} + 1h;
    std::ostringstream out;
    rapportsok::Progress bar(out, true, 4, 4'000'000, 1s, [&] { return now; });
    now += 2s;
    bar.advance(1, 250, 1'000'000);
    CHECK(out.str() == "\rindexer: 1/4 files, 250 passages, 1.0 MB of 4.0 MB, 0.5 MB/s, 0:06 left");
    // Within a tenth of a second: counted, not drawn.
    now += 50ms;
    bar.advance(1, 250, 1'000'000);
    CHECK(out.str().find("2/4") == std::string::npos);
    CHECK_THAT(bar.line(), Catch::StartsWith("indexer: 2/4 files, 500 passages"));
    now += 60ms;
    bar.advance(1, 250, 1'000'000);
    CHECK_THAT(out.str(), Catch::EndsWith("\rindexer: 3/4 files, 750 passages, 3.0 MB of 4.0 MB, "
                                          "1.4 MB/s, 0:01 left"));
    now += 1s;
    bar.stage("merging 2 shards");
    CHECK_THAT(out.str(), Catch::EndsWith(", merging 2 shards"));
    const size_t width = bar.line().size();
    out.str("");
    bar.clear();
    CHECK(out.str() == "\r" + std::string(width, ' ') + "\r");
    out.str("");
    bar.clear();  // nothing on the screen: nothing to clear
    CHECK(out.str().empty());
}

namespace {

// Runs argv in dir with a pseudo-terminal as its stdin, stdout and stderr; returns what the
// terminal showed and the exit status.
std::pair<std::string, int> run_on_terminal(const std::vector<std::string>& argv,
                                            const std::string& dir,
                                            const std::vector<std::string>& env) {
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) throw std::runtime_error("forkpty failed");
    if (pid == 0) testing::exec_child(argv, dir, env);
    std::string shown;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n > 0) {
            shown.append(buf, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;  // EIO once the program has ended and closed the terminal
        }
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {shown, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)};
}

}  // namespace

TEST_CASE(
    "the indexer draws its progress bar on a terminal, clears it before the summary, and "
    "writes nothing of it to a pipe",
    "[e2e][progress]") {
    testing::TempDir dir;
    write_corpus(dir, 8);
    // RAPPORTSOK_PROGRESS_AFTER_MS=0: a bar from the first file, where a real run waits a
    // second.
    const std::vector<std::string> env = {"RAPPORTSOK_PROGRESS_AFTER_MS=0"};
    auto [shown, status] = run_on_terminal(
        {testing::indexer_bin(), "--db", dir.file("db"), "-j", "2", "corpus"}, dir.path(), env);
    INFO(shown);
    CHECK(status == 0);
    CHECK_THAT(shown, Catch::Contains("\rindexer: "));
    CHECK_THAT(shown, Catch::Contains("/8 files, "));
    CHECK_THAT(shown, Catch::Contains(" passages, "));
    CHECK_THAT(shown, Catch::Contains(" MB/s"));
    // The summary starts on a cleared line: the bar's last "\r" + blanks + "\r" just before.
    const size_t summary = shown.find("8 files changed: ");
    REQUIRE(summary != std::string::npos);
    REQUIRE(summary > 0);
    CHECK(shown[summary - 1] == '\r');
    CHECK(shown.find("\rindexer: ", summary) == std::string::npos);

    auto piped = testing::run(
        {testing::indexer_bin(), "--db", dir.file("db2"), "-j", "2", "corpus"}, dir.path(), env);
    CHECK(piped.status == 0);
    CHECK(piped.err.empty());
    CHECK_THAT(piped.out, Catch::StartsWith("8 files changed: "));

    // --quiet: no summary, and no bar either.
    auto [quiet, quiet_status] = run_on_terminal(
        {testing::indexer_bin(), "--db", dir.file("db3"), "-q", "corpus"}, dir.path(), env);
    CHECK(quiet_status == 0);
    CHECK(quiet.empty());
}

TEST_CASE("indexer --help names --jobs and --memory", "[e2e][build]") {
    auto r = testing::run({testing::indexer_bin(), "--help"});
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("--jobs"));
    CHECK_THAT(r.out, Catch::Contains("--memory"));
}
