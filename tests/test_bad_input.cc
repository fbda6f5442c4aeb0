// Bad input, end to end: a report file the indexer cannot take, a damaged database, a hostile
// query, text that must not break JSON or a terminal. Each gets a clear message naming the file
// (and line) or the query, status 2 for errors, and leaves the rest of the work done.
#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "searcher/engine.h"
#include "searcher/parse.h"
#include "searcher/print_json.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* const kSeedName = "corpus/manskliga-rattigheter-kazakstan-2011.txt";
constexpr long kSeedPassages = 69;

// Sanitizer builds run the big inputs smaller; the code path is the same.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

struct Workspace {
    testing::TempDir dir;
    Workspace() { dir.write(kSeedName, testing::read_file(testing::seed_report_path())); }
    std::string db() const { return dir.file("db"); }
    testing::Run index(std::vector<std::string> paths = {"corpus"},
                       std::vector<std::string> env = {}) const {
        std::vector<std::string> argv = {testing::indexer_bin(), "--db", db()};
        argv.insert(argv.end(), paths.begin(), paths.end());
        return testing::run(argv, dir.path(), env);
    }
    testing::Run search(std::vector<std::string> args, const std::string& db_path = "") const {
        std::vector<std::string> argv = {testing::searcher_bin(), "--db",
                                         db_path.empty() ? db() : db_path};
        argv.insert(argv.end(), args.begin(), args.end());
        return testing::run(argv, dir.path());
    }
    long passages_of(const std::string& file) const {
        Xapian::Database d(db());
        return static_cast<long>(d.get_termfreq(rapportsok::file_term(file)));
    }
    std::vector<std::string> ids_of(const std::string& file) const {
        Xapian::Database d(db());
        std::vector<std::string> ids;
        const std::string t = rapportsok::file_term(file);
        for (auto it = d.postlist_begin(t); it != d.postlist_end(t); ++it)
            ids.push_back(rapportsok::decode_passage(d.get_document(*it).get_data()).id);
        std::sort(ids.begin(), ids.end());
        return ids;
    }
};

// Every file of a folder, by name, with its bytes.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        out[e.path().filename().string()] = testing::read_file(e.path().string());
    return out;
}

std::string random_bytes(size_t n, unsigned seed, bool with_nul) {
    std::mt19937 gen(seed);
    std::string s;
    while (s.size() < n) {
        char c = static_cast<char>(gen() & 0xFF);
        if (c == 0 && !with_nul) continue;
        s += c;
    }
    return s;
}

rapportsok::Report read_report(const std::string& bytes) {
    rapportsok::Source src = rapportsok::decode_source("r.txt", bytes);
    return rapportsok::structure(src.path, rapportsok::clean(src.text));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The corpus

TEST_CASE(
    "a file that turned bad keeps its earlier passages, is named on stderr, and the other "
    "files are still synced with status 2",
    "[e2e][bad-input]") {
    struct Case {
        std::string name, bytes, message;
    };
    const std::vector<Case> cases = {
        {"corpus/nul.txt", std::string("Rubrik\n\nText\0med NUL.\n", 22),
         "corpus/nul.txt:3: NUL byte"},
        {"corpus/binär.txt", random_bytes(4096, 7, true), "corpus/binär.txt"},
        {"corpus/brus.txt", random_bytes(4096, 8, false), "corpus/brus.txt"},
    };
    Workspace ws;
    for (size_t i = 0; i < cases.size(); ++i)
        ws.dir.write(cases[i].name, "Pelikan\n\nPelikaner nummer " + std::to_string(i) +
                                        " häckar vid sjön.\n\nDe flyger söderut.\n");
    REQUIRE(ws.index().status == 0);
    std::map<std::string, std::vector<std::string>> before;
    for (const Case& c : cases) {
        before[c.name] = ws.ids_of(c.name);
        REQUIRE(before[c.name].size() == 2);
    }
    for (const Case& c : cases) ws.dir.write(c.name, c.bytes);
    // A good file changes in the same run: it is synced.
    ws.dir.write("corpus/bra.txt", "Rubrik\n\nEtt gott stycke om zebrafinkar.\n");

    auto r = ws.index();
    INFO(r.out << r.err);
    CHECK(r.status == 2);
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CHECK_THAT(r.err, Catch::Contains("indexer: " + c.message));
        CHECK(ws.ids_of(c.name) == before[c.name]);
    }
    CHECK_THAT(r.err, Catch::Contains("not indexed; its earlier state is kept"));
    CHECK(ws.passages_of("corpus/bra.txt") == 1);
    CHECK(ws.passages_of(kSeedName) == kSeedPassages);
    CHECK_THAT(r.out,
               Catch::StartsWith("1 file changed, " + std::to_string(cases.size()) + " failed"));
}

TEST_CASE("bad files never indexed leave nothing in a new database, and --dry-run names them too",
          "[e2e][bad-input]") {
    Workspace ws;
    ws.dir.write("corpus/binär.txt", random_bytes(2000, 3, true));
    ws.dir.write("corpus/styrtecken.txt", std::string(64, '\x01'));
    auto r = ws.index();
    INFO(r.err);
    CHECK(r.status == 2);
    for (const char* f : {"corpus/binär.txt", "corpus/styrtecken.txt"}) {
        CHECK_THAT(r.err, Catch::Contains(std::string("indexer: ") + f + ":"));
        CHECK(ws.passages_of(f) == 0);
        Xapian::Database d(ws.db());
        CHECK(d.get_metadata(rapportsok::meta::kFilePrefix + std::string(f)).empty());
    }
    CHECK(ws.passages_of(kSeedName) == kSeedPassages);

    auto dry = testing::run({testing::indexer_bin(), "--dry-run", "corpus"}, ws.dir.path());
    CHECK(dry.status == 2);
    CHECK_THAT(dry.err, Catch::Contains("corpus/binär.txt:1: NUL byte"));
    CHECK(dry.out.find("binär.txt") == std::string::npos);
}

TEST_CASE(
    "Latin-1, Windows-1252, UTF-16 with a byte-order mark and CRLF files are indexed as "
    "UTF-8 with the right lines",
    "[e2e][bad-input]") {
    Workspace ws;
    // "Rubrik\n\nGrön sjö ...": the passage is on line 3 in each.
    ws.dir.write("corpus/latin1.txt", "Rubrik\n\nGr\xF6n \xE4ng vid sj\xF6n latinett.\n");
    ws.dir.write("corpus/cp1252.txt",
                 "Rubrik\n\n\x94"
                 "Citat\x94 \x96 tankstreck i windowstext.\n");
    std::string utf16 = "\xFF\xFE";
    for (char c : std::string("Rubrik\n\n")) utf16 += std::string{c, '\0'};
    utf16 += std::string("\xC5\0s\0i\0k\0t\0e\0r\0 \0u\0t\0f\0s\0e\0x\0t\0o\0n\0.\0\n\0", 38);
    ws.dir.write("corpus/utf16.txt", utf16);
    ws.dir.write("corpus/crlf.txt",
                 "Rubrik\r\n\r\nF\xC3\xB6rsta crlfstycket.\r\n\r\nAndra "
                 "crlfstycket.\r\n");
    auto r = ws.index();
    INFO(r.err);
    REQUIRE(r.status == 0);
    struct Expect {
        const char *query, *text;
        long line;
    };
    for (const Expect& e : {Expect{"latinett", "Grön äng vid sjön latinett.", 3},
                            Expect{"windowstext", "”Citat” – tankstreck i windowstext.", 3},
                            Expect{"utfsexton", "Åsikter utfsexton.", 3},
                            Expect{"andra crlfstycket", "Andra crlfstycket.", 5}}) {
        CAPTURE(e.query);
        auto s = ws.search({"--json", e.query});
        REQUIRE(s.status == 0);
        json j = json::parse(s.out);
        CHECK(j["hits"][0]["text"] == e.text);
        CHECK(j["hits"][0]["lines"] == json::array({e.line, e.line}));
    }
}

TEST_CASE("a 50 MB file with no line break is read as passages of bounded size, all on line 1",
          "[unit][bad-input]") {
    const size_t size = kSanitized ? 8u << 20 : 50u << 20;
    std::string sentence = "Domstolen prövade målet om pressfrihet och yttrandefrihet i landet. ";
    std::string bytes;
    bytes.reserve(size + sentence.size());
    while (bytes.size() < size) bytes += sentence;
    rapportsok::Report r = read_report(bytes);
    REQUIRE(r.passages.size() > size / rapportsok::kMaxPassageBytes);
    size_t total = 0;
    for (const rapportsok::Passage& p : r.passages) {
        REQUIRE(p.text.size() <= rapportsok::kMaxPassageBytes);
        REQUIRE(p.first_line == 1);
        REQUIRE(p.last_line == 1);
        total += p.text.size() + 1;
    }
    // Cut at sentence ends: every passage but the last ends a sentence; no text is lost.
    for (size_t i = 0; i + 1 < r.passages.size(); ++i) REQUIRE(r.passages[i].text.back() == '.');
    CHECK(r.passages.front().text.size() >= rapportsok::kMinPassageBytes);
    CHECK(total == bytes.size());
}

TEST_CASE("a paragraph too long for one passage is split with each piece's own lines and pages",
          "[unit][bad-input]") {
    // 400 lines of one paragraph, a form feed (a new page) half way.
    std::string text;
    for (int i = 1; i <= 400; ++i) {
        text += "Rad " + std::to_string(i) + " av ett mycket långt stycke utan slut.";
        text += i == 200 ? "\n\f" : "\n";
    }
    rapportsok::Cleaned c = rapportsok::clean(text);
    REQUIRE(c.blocks.size() >= 3);
    long expect_first = 1;
    for (const rapportsok::Block& b : c.blocks) {
        CAPTURE(b.first_line, b.last_line, b.page);
        CHECK(b.text.size() <= rapportsok::kMaxPassageBytes);
        CHECK(b.first_line == expect_first);
        // The piece starts on its first line's text and ends on its last line's.
        CHECK_THAT(b.text, Catch::StartsWith("Rad " + std::to_string(b.first_line) + " ") ||
                               Catch::Contains(std::to_string(b.first_line) + " av"));
        CHECK_THAT(b.text, Catch::Contains("Rad " + std::to_string(b.last_line) + " "));
        CHECK(b.page == (b.first_line <= 200 ? 1 : 2));
        CHECK(b.last_page == (b.last_line <= 200 ? 1 : 2));
        expect_first = b.last_line + (b.text.back() == '.' ? 1 : 0);
    }
    CHECK(c.blocks.back().last_line == 400);
}

TEST_CASE("a file of a million one-line paragraphs gives a million passages with their lines",
          "[unit][bad-input]") {
    const long n = kSanitized ? 100000 : 1000000;
    std::string text;
    text.reserve(static_cast<size_t>(n) * 30);
    for (long i = 1; i <= n; ++i) text += "Stycke " + std::to_string(i) + " om val.\n\n";
    rapportsok::Cleaned c = rapportsok::clean(text);
    rapportsok::Report r = rapportsok::structure("m.txt", c);
    REQUIRE(static_cast<long>(r.passages.size()) == n);
    CHECK(r.passages.back().first_line == 2 * n - 1);
    CHECK(r.passages.back().text == "Stycke " + std::to_string(n) + " om val.");
    CHECK(r.passages[41].first_line == 83);
}

TEST_CASE("a report with no headings is indexed as passages outside any section, status 0",
          "[e2e][bad-input]") {
    Workspace ws;
    ws.dir.write("corpus/utan.txt",
                 "Första stycket om flamingor.\n\nAndra stycket om flamingor.\n");
    auto r = ws.index();
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    auto s = ws.search({"--json", "flamingor"});
    json j = json::parse(s.out);
    REQUIRE(j["total"] == 2);
    for (const json& h : j["hits"]) {
        CHECK(h["section"]["number"] == 0);
        CHECK(h["chapter"] == "");
    }
}

TEST_CASE(
    "headings out of order or repeated are kept as text with one warning for the file, "
    "naming the first line and counting the rest",
    "[e2e][bad-input]") {
    Workspace ws;
    ws.dir.write("corpus/ordning.txt",
                 "Rubrik\n\n2. Andra avsnittet\n\nText om kameler.\n\n1. Första avsnittet\n\n"
                 "Mer om kameler.\n\n2. Andra avsnittet\n\nSista om kameler.\n");
    auto r = ws.index();
    INFO(r.err);
    CHECK(r.status == 0);
    // One line for the file, the first named, the rest counted.
    CHECK(r.err ==
          "indexer: corpus/ordning.txt:7: numbered line \"1.\" is out of order after "
          "section 2; kept as text (and 1 more such line in this file)\n");
    json j = json::parse(ws.search({"--json", "kameler"}).out);
    REQUIRE(j["total"] == 3);
    for (const json& h : j["hits"]) CHECK(h["section"]["number"] == 2);
}

TEST_CASE(
    "a FIFO, a folder named like a report and a symlink loop in a folder are named, status 2, "
    "the rest indexed",
    "[e2e][bad-input]") {
    Workspace ws;
    // As root, chmod 000 does not stop reading: these are files that cannot be read as text.
    REQUIRE(::mkfifo(ws.dir.file("corpus/rör.txt").c_str(), 0644) == 0);
    fs::create_directories(ws.dir.file("mapp.txt"));
    fs::create_symlink("ögla2.txt", ws.dir.file("corpus/ögla1.txt"));
    fs::create_symlink("ögla1.txt", ws.dir.file("corpus/ögla2.txt"));
    auto r = ws.index({"corpus", "corpus/rör.txt", "mapp.txt"});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("indexer: corpus/rör.txt: not a regular file"));
    CHECK_THAT(r.err,
               Catch::Contains("indexer: corpus/ögla1.txt: broken or looping symbolic link"));
    // A folder given as a file is walked like any folder: it holds no report.
    CHECK(r.err.find("mapp.txt") == std::string::npos);
    CHECK(ws.passages_of(kSeedName) == kSeedPassages);
    // The FIFO is never opened for reading (that would block for ever).
    CHECK_THAT(r.out, Catch::StartsWith("1 file changed, 1 failed"));
}

TEST_CASE("the searcher names a database folder that is not a Xapian database, status 2",
          "[e2e][bad-input]") {
    Workspace ws;
    ws.dir.write("anteckningar/viktigt.txt", "rör inte\n");
    ws.dir.write("fil", "inte en databas\n");
    for (const char* db : {"anteckningar", "fil", "tom"}) {
        CAPTURE(db);
        if (std::string(db) == "tom") fs::create_directories(ws.dir.file("tom"));
        auto r = ws.search({"tortyr"}, ws.dir.file(db));
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err,
                   Catch::StartsWith("searcher: cannot open the database at " + ws.dir.file(db)));
    }
}

TEST_CASE(
    "a corrupt database is reported as corrupt by indexer and searcher, status 2, and the "
    "indexer writes nothing to it",
    "[e2e][bad-input]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    // A change to index, so that a sync would write if it were let.
    ws.dir.write("corpus/ny.txt", "Rubrik\n\nEtt nytt stycke om zebror.\n");
    struct Damage {
        const char* what;
        std::function<void(const std::string&)> apply;
        bool searcher_reads_it;  // does a search for "tortyr" read the damaged part?
    };
    auto truncate_half = [](const std::string& f) {
        std::string b = testing::read_file(f);
        std::ofstream(f, std::ios::binary | std::ios::trunc) << b.substr(0, b.size() / 2 + 100);
    };
    auto garble = [](const std::string& f) {
        std::string b = testing::read_file(f);
        for (size_t i = 8192; i < b.size(); i += 97) b[i] = static_cast<char>(b[i] ^ 0x5A);
        std::ofstream(f, std::ios::binary | std::ios::trunc) << b;
    };
    const std::vector<Damage> damages = {
        {"postlist.glass cut in half",
         [&](const std::string& d) { truncate_half(d + "/postlist.glass"); }, true},
        {"termlist.glass garbled", [&](const std::string& d) { garble(d + "/termlist.glass"); },
         false},
        {"position.glass garbled", [&](const std::string& d) { garble(d + "/position.glass"); },
         false},
        {"docdata.glass cut in half",
         [&](const std::string& d) { truncate_half(d + "/docdata.glass"); }, false},
        {"iamglass garbled",
         [&](const std::string& d) {
             std::ofstream(d + "/iamglass", std::ios::binary | std::ios::trunc) << "garbage";
         },
         true},
    };
    for (const Damage& d : damages) {
        CAPTURE(d.what);
        const std::string copy = ws.dir.file("kopia");
        fs::remove_all(copy);
        fs::copy(ws.db(), copy);
        d.apply(copy);
        const auto before = snapshot(copy);

        auto r = testing::run({testing::indexer_bin(), "--db", copy, "corpus"}, ws.dir.path());
        CHECK(r.status == 2);
        CHECK_THAT(r.err, Catch::StartsWith("indexer: the database at " + copy + " is corrupt"));
        CHECK_THAT(r.err, Catch::Contains("nothing was written to it"));
        CHECK(r.out.empty());
        CHECK(snapshot(copy) == before);

        if (d.searcher_reads_it) {
            auto s = ws.search({"tortyr"}, copy);
            CHECK(s.status == 2);
            CHECK_THAT(s.err,
                       Catch::StartsWith("searcher: the database at " + copy + " is corrupt"));
            CHECK(s.out.empty());
        }
    }
}

// Issue 12: one message, one piece of advice, for every way a database is there but cannot be
// read; and the advice works.
TEST_CASE(
    "a database that cannot be read (damaged, cut short, a table or its version file missing, "
    "another format, a stub naming nothing) is named in one message with the advice "
    "indexer --rebuild, by a sync, --check and the searcher, status 2; --rebuild then builds it "
    "anew",
    "[e2e][bad-input]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    auto cut_half = [](const std::string& f) {
        std::string b = testing::read_file(f);
        std::ofstream(f, std::ios::binary | std::ios::trunc) << b.substr(0, b.size() / 2 + 100);
    };
    struct Damage {
        const char* what;
        std::function<void(const std::string&)> apply;  // to a copy of the database, at db
    };
    const std::vector<Damage> damages = {
        {"postlist.glass cut in half",
         [&](const std::string& d) { cut_half(d + "/postlist.glass"); }},
        {"postlist.glass empty",
         [&](const std::string& d) { std::ofstream(d + "/postlist.glass", std::ios::trunc); }},
        {"iamglass garbage",
         [&](const std::string& d) {
             std::ofstream(d + "/iamglass", std::ios::binary | std::ios::trunc) << "garbage";
         }},
        {"iamglass of another format version",
         [&](const std::string& d) {
             std::string b = testing::read_file(d + "/iamglass");
             b[14] = '\x05';  // the version follows the 14 bytes of "\x0f\x0dXapian Glass"
             b[15] = '\x00';
             std::ofstream(d + "/iamglass", std::ios::binary | std::ios::trunc) << b;
         }},
        {"postlist.glass missing",
         [&](const std::string& d) { fs::remove(d + "/postlist.glass"); }},
        {"docdata.glass missing", [&](const std::string& d) { fs::remove(d + "/docdata.glass"); }},
        {"iamglass missing", [&](const std::string& d) { fs::remove(d + "/iamglass"); }},
        {"a stub naming a generation that is gone",
         [&](const std::string& d) {
             fs::remove_all(d);
             std::ofstream(d) << "auto kopia.d/7\n";
         }},
    };
    for (const Damage& d : damages) {
        CAPTURE(d.what);
        const std::string copy = ws.dir.file("kopia");
        fs::remove_all(copy);
        fs::remove_all(copy + ".d");
        fs::copy(ws.db(), copy);
        d.apply(copy);
        const auto before = fs::is_directory(copy) ? snapshot(copy) : decltype(snapshot(copy)){};
        const std::string said = " the database at " + copy + " is corrupt (";
        const std::string advice =
            "; to build it anew from the reports: indexer --rebuild --db " + copy;

        ws.dir.write("corpus/ny.txt", "Rubrik\n\nEtt nytt stycke om zebror.\n");
        for (const char* mode : {"", "--check"}) {
            CAPTURE(mode);
            std::vector<std::string> argv = {testing::indexer_bin(), "--db", copy};
            if (*mode) argv.push_back(mode);
            argv.push_back("corpus");
            auto r = testing::run(argv, ws.dir.path());
            CHECK(r.status == 2);
            CHECK(r.out.empty());
            CHECK_THAT(r.err, Catch::StartsWith("indexer:" + said));
            CHECK_THAT(r.err, Catch::Contains("nothing was written to it" + advice));
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
            if (fs::is_directory(copy)) CHECK(snapshot(copy) == before);
        }
        auto s = ws.search({"tortyr"}, copy);
        CHECK(s.status == 2);
        CHECK(s.out.empty());
        CHECK_THAT(s.err, Catch::StartsWith("searcher:" + said));
        CHECK_THAT(s.err, Catch::Contains(advice));

        // The advice, followed: a new database of the files, and the damaged one put aside.
        auto r =
            testing::run({testing::indexer_bin(), "--quiet", "--rebuild", "--db", copy, "corpus"},
                         ws.dir.path());
        CHECK(r.status == 0);
        s = ws.search({"-c", "zebror"}, copy);
        CHECK(s.status == 0);
        CHECK(s.out == "1\n");
        auto again = testing::run({testing::indexer_bin(), "--db", copy, "corpus"}, ws.dir.path());
        CHECK(again.status == 0);
        CHECK_THAT(again.out, Catch::StartsWith("0 files changed"));
        fs::remove(ws.dir.file("corpus/ny.txt"));
    }
}

// ---------------------------------------------------------------------------------------------
// Queries

namespace {

// One database of the seed report, built once for the query tests.
const std::string& seed_db() {
    static testing::TempDir dir;
    static const std::string path = [] {
        std::string db = dir.file("db");
        auto r = testing::run(
            {testing::indexer_bin(), "--quiet", "--db", db, testing::seed_report_path()});
        if (r.status != 0) throw std::runtime_error("indexer failed: " + r.err);
        return db;
    }();
    return path;
}

testing::Run searcher(std::vector<std::string> args) {
    std::vector<std::string> argv = {testing::searcher_bin(), "--db", seed_db()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run(argv);
}

}  // namespace

TEST_CASE("a query of operators, brackets or quotes alone is refused with status 2",
          "[e2e][bad-input]") {
    for (const char* q : {"*", "+", "-", "(", ")", "\"", "\"\"", "()", "\"*\"", "- +"}) {
        CAPTURE(q);
        auto r = searcher({"--", q});
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::StartsWith("searcher: empty query"));
    }
}

TEST_CASE("a query of 10,000 words is searched for its first 1,000, with a note saying so",
          "[e2e][bad-input]") {
    const std::string seed = testing::read_file(testing::seed_report_path());
    std::vector<std::string> words;
    std::istringstream in(seed);
    for (std::string w; in >> w;)
        if (w.size() > 3) words.push_back(w);
    std::mt19937 gen(11);
    std::string q;
    for (int k = 0; k < 10000; ++k) q += (q.empty() ? "" : " ") + words[gen() % words.size()];
    auto r = searcher({"--json", "-n", "3", "--", q});
    INFO(r.err.substr(0, 500));
    CHECK(r.status == 0);
    json j = json::parse(r.out);
    CHECK(j["hits"].size() == 3);
    CHECK(j["total"].get<long>() > 30);
    CHECK_THAT(j["notes"].dump(),
               Catch::Contains("the query has 10000 words; searched for the first 1000"));
}

TEST_CASE("a wildcard that would expand to the whole vocabulary is bounded, with a note",
          "[e2e][bad-input]") {
    // 3,000 distinct words starting with "a" (aba, abb, ... ), in 30 paragraphs.
    testing::TempDir dir;
    std::string text = "Ordlista\n\n";
    int n = 0;
    for (char b = 'a'; b <= 'z'; ++b)
        for (char c = 'a'; c <= 'z'; ++c)
            for (char d = 'a'; d <= 'e'; ++d) {
                text += std::string("a") + b + c + d + (++n % 100 ? " " : ".\n\n");
            }
    dir.write("ord.txt", text + "\n");
    auto idx =
        testing::run({testing::indexer_bin(), "-q", "--db", dir.file("db"), "ord.txt"}, dir.path());
    REQUIRE(idx.status == 0);
    for (const char* q : {"a*", "a* b*", "ab* OR a*"}) {
        CAPTURE(q);
        auto r = testing::run({testing::searcher_bin(), "--db", dir.file("db"), "--json", q});
        CHECK(r.status == 0);
        json j = json::parse(r.out);
        CHECK(j["total"].get<long>() > 0);
        CHECK_THAT(j["notes"].dump(), Catch::Contains("\\\"a*\\\" matches more than 256 words; "
                                                      "searched for the 256 most frequent"));
        auto t = testing::run({testing::searcher_bin(), "--db", dir.file("db"), q});
        CHECK_THAT(t.out, Catch::Contains("note: \"a*\" matches more than 256 words"));
    }
}

TEST_CASE("a NUL byte in a query separates words like a space, in the library and in JSON",
          "[unit][bad-input]") {
    rapportsok::Analyzer analyzer;
    const rapportsok::SearchEngine engine(rapportsok::EngineOptions{{seed_db()}});
    const std::string with_nul("tortyr\0fängelse", 16);
    CHECK(rapportsok::normalise_query(with_nul, analyzer) == "tortyr fängelse");
    auto split = rapportsok::split_filters(std::string("avsnitt:3\0tortyr", 16));
    CHECK(split.errors.size() == 1);  // "3\0tortyr" is no section number: said so, not a crash
    rapportsok::SearchRequest req;
    req.query = with_nul;
    rapportsok::SearchResult r = engine.search(req);
    req.query = "tortyr fängelse";
    rapportsok::SearchResult plain = engine.search(req);
    CHECK(r.total == plain.total);
    std::ostringstream out;
    rapportsok::print_json(r, out);
    json j = json::parse(out.str());
    CHECK(j["query"].get<std::string>() == with_nul);  // escaped as \u0000, read back whole
    CHECK(out.str().find('\0') == std::string::npos);
    CHECK_THAT(out.str(), Catch::Contains("tortyr\\u0000fängelse"));
    // A NUL alone is an empty query.
    req.query = std::string(1, '\0');
    CHECK_THROWS_AS(engine.search(req), rapportsok::UsageError);
}

TEST_CASE("invalid UTF-8 in a query is searched around and printed as U+FFFD", "[e2e][bad-input]") {
    auto r = searcher({"--json", "--", "tortyr \xC3 f\xE4ngelse \xFF"});
    INFO(r.err);
    CHECK(r.status == 0);
    json j = json::parse(r.out);
    CHECK(j["query"] == "tortyr \xEF\xBF\xBD f\xEF\xBF\xBDngelse \xEF\xBF\xBD");
    auto t = searcher({"--color=never", "--", "tortyr \xC3 \xFF"});
    CHECK(t.status == 0);
    CHECK(rapportsok::find_invalid_utf8(t.out) == std::string::npos);
}

TEST_CASE("a filter whose value no passage has finds nothing, says which, status 1",
          "[e2e][bad-input]") {
    struct Case {
        const char *query, *note;
    };
    for (const Case& c : {Case{"avsnitt:99 tortyr", "no passage has section 99"},
                          Case{"section:40-45", "no passage has section 40-45"},
                          Case{"kapitel:finnsinte tortyr", "no passage has chapter \"finnsinte\""},
                          Case{"chapter:9", "no passage has chapter \"9\""},
                          Case{"sida:9999 tortyr", "no passage has page 9999"},
                          Case{"fil:nej.txt", "no passage has file \"nej.txt\""}}) {
        CAPTURE(c.query);
        auto r = searcher({"--color=never", c.query});
        CHECK(r.status == 1);
        CHECK_THAT(r.out, Catch::Contains(std::string("note: ") + c.note));
        CHECK_THAT(r.out, Catch::Contains("No passages match"));
        auto js = searcher({"--json", c.query});
        CHECK(js.status == 1);
        json j = json::parse(js.out);
        CHECK(j["total"] == 0);
        CHECK_THAT(j["notes"].dump(), Catch::Contains(json(c.note).dump().substr(1, 20)));
    }
}

// ---------------------------------------------------------------------------------------------
// Output

TEST_CASE(
    "quotes, backslashes, control characters and odd bytes in the corpus and its file "
    "names come out as valid JSON and never as terminal escapes",
    "[e2e][bad-input]") {
    Workspace ws;
    // Text: quotes, backslashes, a tab, C0 controls (ESC sequences), C1 CSI, a bidi override.
    const std::string text =
        "Rubrik\n\nStrutsar \"citat\" och C:\\sökväg\\fil, "
        "\x1b[31mröd\x1b[0m\ttabb \x01 \xC2\x9B"
        "2J och "
        "\xE2\x80\xAE"
        "baklänges.\n";
    // File names with a quote, a backslash, an escape sequence and a byte that is not UTF-8.
    const std::vector<std::string> names = {"corpus/cit\"at\\.txt", "corpus/esc\x1b[2J.txt",
                                            "corpus/latin\xE5.txt"};
    for (const std::string& n : names) ws.dir.write(n, text);
    auto r = ws.index();
    INFO(r.err);
    REQUIRE(r.status == 0);

    auto js = ws.search({"--json", "strutsar"});
    REQUIRE(js.status == 0);
    json j;
    REQUIRE_NOTHROW(j = json::parse(js.out));
    REQUIRE(j["total"] == 3);
    CHECK(rapportsok::find_invalid_utf8(js.out) == std::string::npos);
    std::set<std::string> files;
    for (const json& h : j["hits"]) {
        const std::string t = h["text"];
        CHECK_THAT(t, Catch::Contains("\"citat\" och C:\\sökväg\\fil,"));
        for (unsigned char c : t) CHECK(c >= 0x20);
        files.insert(h["file"].get<std::string>());
    }
    CHECK(files.count("corpus/cit\"at\\.txt") == 1);
    CHECK(files.count("corpus/esc\x1b[2J.txt") == 1);  // escaped as \u001b in the JSON
    CHECK(files.count("corpus/latin\xEF\xBF\xBD.txt") == 1);
    for (unsigned char c : js.out.substr(0, js.out.size() - 1)) CHECK(c >= 0x20);

    for (const char* color : {"--color=never", "--color=always"}) {
        CAPTURE(color);
        auto t = ws.search({color, "strutsar"});
        REQUIRE(t.status == 0);
        CHECK(rapportsok::find_invalid_utf8(t.out) == std::string::npos);
        CHECK(t.out.find("\xC2\x9B") == std::string::npos);
        CHECK(t.out.find("\xE2\x80\xAE") == std::string::npos);
        // Every ESC is one of our own: bold, cyan or reset.
        std::string rest = t.out;
        for (const char* ours : {"\x1b[1m", "\x1b[36m", "\x1b[0m"})
            for (size_t at; (at = rest.find(ours)) != std::string::npos;)
                rest.erase(at, std::string(ours).size());
        CHECK(rest.find('\x1b') == std::string::npos);
        CHECK_THAT(t.out, Catch::Contains("\"citat\" och C:\\sökväg\\fil"));
    }
}
