// Running the indexer again: the sync changes only what changed, in one transaction, keeps
// references exact, and behaves with searchers, other indexers, kill -9, --rebuild, --check and
// --watch around it.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "indexer/common/schema.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rapportsok::Passage;

namespace {

const char* const kSeedName = "corpus/manskliga-rattigheter-kazakstan-2011.txt";
constexpr long kSeedPassages = 69;

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string s;
    for (const std::string& l : lines) s += l + "\n";
    return s;
}

// A paragraph in the seed report's own layout: a text line, an empty line, a line of spaces.
std::vector<std::string> paragraph(const std::string& text) { return {text + " ", "", " "}; }

// A temporary folder holding corpus/ with a copy of the seed report; the programs run in it.
struct Workspace {
    testing::TempDir dir;
    Workspace() { dir.write(kSeedName, testing::read_file(testing::seed_report_path())); }
    std::string db() const { return dir.file("db"); }
    std::string seed() const { return dir.file(kSeedName); }

    testing::Run index(std::vector<std::string> args = {}) const {
        std::vector<std::string> argv = {testing::indexer_bin(), "--db", db()};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back("corpus");
        return testing::run(argv, dir.path());
    }
    json search(const std::string& query, const std::string& db_path = "") const {
        auto r = testing::run({testing::searcher_bin(), "--db", db_path.empty() ? db() : db_path,
                               "--json", "-n", "50", query},
                              dir.path());
        INFO(r.err);
        REQUIRE(r.status <= 1);  // 1: no hits
        return json::parse(r.out);
    }
    // The seed's lines, to edit.
    std::vector<std::string> lines() const { return split_lines(testing::read_file(seed())); }
    void write_lines(const std::vector<std::string>& lines) const {
        dir.write(kSeedName, join_lines(lines));
    }
    // Inserts before the 1-based line `before`.
    void insert(long before, const std::vector<std::string>& add) const {
        auto l = lines();
        l.insert(l.begin() + (before - 1), add.begin(), add.end());
        write_lines(l);
    }
};

struct Stored {
    Xapian::docid docid;
    Passage passage;
};

std::map<std::string, Stored> stored_passages(const std::string& path) {
    Xapian::Database db(path);
    std::map<std::string, Stored> out;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        Passage p = rapportsok::decode_passage(db.get_document(*it).get_data());
        out.emplace(p.id, Stored{*it, p});
    }
    return out;
}

// What the indexer finds in the files now (--dry-run), by id.
std::map<std::string, json> passages_in_files(const Workspace& ws) {
    auto r = testing::run({testing::indexer_bin(), "--dry-run", "--json", "corpus"}, ws.dir.path());
    REQUIRE(r.status == 0);
    std::map<std::string, json> out;
    for (const std::string& l : split_lines(r.out)) {
        json j = json::parse(l);
        out.emplace(j["id"].get<std::string>(), j);
    }
    return out;
}

// Every reference in the database is what a fresh read of the files gives.
void check_in_step(const Workspace& ws) {
    auto files = passages_in_files(ws);
    auto stored = stored_passages(ws.db());
    REQUIRE(stored.size() == files.size());
    for (const auto& [id, j] : files) {
        CAPTURE(id);
        auto it = stored.find(id);
        REQUIRE(it != stored.end());
        const Passage& p = it->second.passage;
        CHECK(p.file == j["file"].get<std::string>());
        CHECK(p.first_line == j["lines"][0].get<long>());
        CHECK(p.last_line == j["lines"][1].get<long>());
        CHECK(p.page == j["page"].get<int>());
        CHECK(p.last_page == j["pages"][1].get<int>());
        CHECK(p.chapter == j["chapter"].get<std::string>());
        CHECK(p.section_number == j["section"]["number"].get<int>());
        CHECK(p.section_title == j["section"]["title"].get<std::string>());
        CHECK(p.position == j["position"].get<int>());
        CHECK(p.text == j["text"].get<std::string>());
    }
}

std::string summary_line(const testing::Run& r) {
    auto l = split_lines(r.out);
    return l.empty() ? "" : l[0];
}

bool summary_is(const testing::Run& r, const std::string& expected_before_time) {
    return std::regex_match(
        summary_line(r),
        std::regex(std::regex_replace(expected_before_time, std::regex(R"([.()\[\]])"), R"(\$&)") +
                   R"( \(\d+\.\d\d s\))"));
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
}

// The ids and line ranges of a searcher's hits.
std::set<std::pair<std::string, std::vector<long>>> hit_refs(const json& result) {
    std::set<std::pair<std::string, std::vector<long>>> out;
    for (const json& h : result["hits"])
        out.emplace(h["id"].get<std::string>(), h["lines"].get<std::vector<long>>());
    return out;
}

// The same for the passages of a --dry-run whose text contains any of the words.
std::set<std::pair<std::string, std::vector<long>>> refs_with(const Workspace& ws,
                                                              std::vector<std::string> words) {
    std::set<std::pair<std::string, std::vector<long>>> out;
    for (const auto& [id, j] : passages_in_files(ws))
        for (const std::string& w : words)
            if (j["text"].get<std::string>().find(w) != std::string::npos)
                out.emplace(id, j["lines"].get<std::vector<long>>());
    return out;
}

}  // namespace

TEST_CASE(
    "indexes a paragraph inserted in the middle alone; the others keep id, document and "
    "get exact lines",
    "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    auto before = stored_passages(ws.db());
    REQUIRE(before.size() == kSeedPassages);

    ws.insert(289, paragraph("Zebrafinkar observerades i parlamentet under hela sessionen."));
    auto r = ws.index();
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_is(r, "1 file changed: 1 passage added, 0 updated, 0 removed, 69 unchanged"));
    CHECK_THAT(split_lines(r.out).at(1), Catch::StartsWith(ws.db() + ": 70 passages, "));

    auto after = stored_passages(ws.db());
    REQUIRE(after.size() == kSeedPassages + 1);
    long moved = 0;
    for (const auto& [id, old] : before) {
        CAPTURE(id);
        auto it = after.find(id);
        REQUIRE(it != after.end());
        CHECK(it->second.docid == old.docid);
        if (old.passage.first_line > 289) {
            CHECK(it->second.passage.first_line == old.passage.first_line + 3);
            CHECK(it->second.passage.position == old.passage.position + 1);
            ++moved;
        } else {
            CHECK(it->second.passage == old.passage);
        }
    }
    CHECK(moved > 40);
    check_in_step(ws);

    // A searcher hit after the insertion carries its new line numbers.
    json res = ws.search("omvaldes mandatperiod");
    REQUIRE(!res["hits"].empty());
    const json& hit = res["hits"][0];
    const Passage& p = after.at(hit["id"].get<std::string>()).passage;
    CHECK(hit["lines"][0].get<long>() == p.first_line);
    CHECK(hit["lines"][0].get<long>() ==
          before.at(hit["id"].get<std::string>()).passage.first_line + 3);
    CHECK(ws.lines().at(static_cast<size_t>(p.first_line - 1)).find("President Nazarbajev") !=
          std::string::npos);
    CHECK(ws.search("zebrafinkar")["hits"][0]["lines"] == json::array({289, 289}));
}

TEST_CASE("removes the passage of a deleted paragraph and relines the rest", "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    // Lines 290-294 ("Den tidigare konstitutionsdomstolen ...") start a paragraph: delete it
    // up to the line of spaces that ends it.
    auto l = ws.lines();
    size_t from = 289, to = from;
    REQUIRE(l.at(from).find("Den tidigare konstitutionsdomstolen") == 0);
    while (l.at(to).find_first_not_of(' ') != std::string::npos || l.at(to).empty()) ++to;
    l.erase(l.begin() + static_cast<long>(from), l.begin() + static_cast<long>(to) + 1);
    ws.write_lines(l);

    auto r = ws.index();
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_is(r, "1 file changed: 0 passages added, 0 updated, 1 removed, 68 unchanged"));
    // Quoted: the word itself, not its parts (konstitutions + domstolen) as a compound split.
    CHECK(ws.search("\"konstitutionsdomstolen\"")["total"] == 0);
    check_in_step(ws);
}

TEST_CASE("deletes the passages of a file removed from the folder", "[e2e][sync]") {
    Workspace ws;
    ws.dir.write("corpus/extra.txt",
                 "Pelikaner\n\nPelikaner häckar vid sjön.\n\nDe flyger söderut.\n");
    REQUIRE(ws.index().status == 0);
    REQUIRE(ws.search("pelikaner")["total"].get<long>() > 0);

    fs::remove(ws.dir.file("corpus/extra.txt"));
    auto r = ws.index();
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK_THAT(summary_line(r), Catch::StartsWith("0 files changed, 1 removed: 0 passages added, "
                                                  "0 updated, 2 removed, 69 unchanged"));
    CHECK(ws.search("pelikaner")["total"] == 0);
    Xapian::Database db(ws.db());
    CHECK(db.get_metadata(rapportsok::meta::kFilePrefix + std::string("corpus/extra.txt")) == "");
    check_in_step(ws);
}

TEST_CASE("updates a renamed section's passages, found by the new title word", "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    auto before = stored_passages(ws.db());
    long in_section = 0;
    for (const auto& [id, s] : before) in_section += s.passage.section_number == 7;
    REQUIRE(in_section > 0);

    auto l = ws.lines();
    REQUIRE(l.at(323).find("7. Straffrihet") == 0);
    l[323] = "7. Straffrihet och zebrakrav ";
    ws.write_lines(l);
    auto r = ws.index();
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_is(r, "1 file changed: 0 passages added, " + std::to_string(in_section) +
                            " updated, 0 removed, " + std::to_string(kSeedPassages - in_section) +
                            " unchanged"));
    auto after = stored_passages(ws.db());
    for (const auto& [id, s] : after) {
        CHECK(s.docid == before.at(id).docid);
        if (s.passage.section_number == 7)
            CHECK(s.passage.section_title == "Straffrihet och zebrakrav");
    }
    // The title's words are indexed anew (S prefix), and a hit in the section carries the new
    // title. (The searcher matches title words as a boost to body matches, so a word found only
    // in a title is checked on the database itself.)
    Xapian::Database db(ws.db());
    CHECK(db.get_termfreq("Szebrakrav") == static_cast<Xapian::doccount>(in_section));
    CHECK(db.get_termfreq("Sstraffrihet") == static_cast<Xapian::doccount>(in_section));
    json res = ws.search("straffrihet zebrakrav");
    REQUIRE(!res["hits"].empty());
    CHECK(res["hits"][0]["section"]["title"] == "Straffrihet och zebrakrav");
    CHECK(res["hits"][0]["section"]["number"] == 7);
    check_in_step(ws);
}

TEST_CASE("changes nothing and commits nothing when no file changed", "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    Xapian::Database reader(ws.db());
    const std::string rev_before = std::to_string(reader.get_revision());
    auto r = ws.index();
    REQUIRE(r.status == 0);
    CHECK(summary_is(r, "0 files changed: 0 passages added, 0 updated, 0 removed, 69 unchanged"));
    reader.reopen();
    CHECK(std::to_string(reader.get_revision()) == rev_before);
}

TEST_CASE("skips a file touched without change by its content hash", "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    auto before = stored_passages(ws.db());
    fs::last_write_time(ws.seed(), fs::last_write_time(ws.seed()) + std::chrono::hours(1));
    auto r = ws.index();
    REQUIRE(r.status == 0);
    CHECK(summary_is(r, "0 files changed: 0 passages added, 0 updated, 0 removed, 69 unchanged"));
    auto after = stored_passages(ws.db());
    for (const auto& [id, s] : after) CHECK(s.docid == before.at(id).docid);
    // The new mtime is remembered: the next run skips the file by size and mtime.
    Xapian::Database db(ws.db());
    auto rec = rapportsok::decode_file_record(
        db.get_metadata(rapportsok::meta::kFilePrefix + std::string(kSeedName)));
    struct stat st;
    REQUIRE(::stat(ws.seed().c_str(), &st) == 0);
    CHECK(rec.mtime_ns == st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
    Xapian::Database reader(ws.db());
    const auto rev = reader.get_revision();
    CHECK(summary_is(ws.index(),
                     "0 files changed: 0 passages added, 0 updated, 0 removed, 69 unchanged"));
    reader.reopen();
    CHECK(reader.get_revision() == rev);
}

TEST_CASE("prints the summary as one JSON object with --json", "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    ws.insert(289, paragraph("Zebrafinkar observerades i parlamentet under hela sessionen."));
    auto r = ws.index({"--json"});
    REQUIRE(r.status == 0);
    REQUIRE(split_lines(r.out).size() == 1);
    json j = json::parse(r.out);
    CHECK(j["db"] == ws.db());
    CHECK(j["files"] == json({{"seen", 1},
                              {"changed", 1},
                              {"unchanged", 0},
                              {"removed", 0},
                              {"renamed", 0},
                              {"failed", 0},
                              {"total", 1}}));
    CHECK(j["passages"]["added"] == 1);
    CHECK(j["passages"]["updated"] == 0);
    CHECK(j["passages"]["removed"] == 0);
    CHECK(j["passages"]["unchanged"] == 69);
    CHECK(j["passages"]["relined"].get<long>() > 40);
    CHECK(j["passages"]["total"] == 70);
    CHECK(j["terms"].get<long>() > 1000);
    CHECK(j["seconds"].is_number());
}

TEST_CASE("a searcher during repeated syncs sees the old or the new state, never a mix",
          "[e2e][sync]") {
    Workspace ws;
    const auto base = ws.lines();
    // Two states: the same new paragraph inserted early or late; a passage in between moves
    // by three lines from one state to the other.
    auto state = [&](bool early) {
        auto l = base;
        auto para = paragraph("Kolibrier sågs i parlamentet.");
        l.insert(l.begin() + (early ? 288 : 700), para.begin(), para.end());
        ws.write_lines(l);
    };
    const std::vector<std::string> words = {"Kolibrier", "omvaldes"};
    state(true);
    auto refs_early = refs_with(ws, words);
    state(false);
    auto refs_late = refs_with(ws, words);
    REQUIRE(refs_early.size() == 2);
    REQUIRE(refs_early != refs_late);
    REQUIRE(ws.index().status == 0);

    std::atomic<bool> done{false};
    std::mutex m;
    std::vector<std::string> problems;
    long searches = 0, reads = 0;
    std::thread searcher([&] {
        while (!done) {
            auto r = testing::run(
                {testing::searcher_bin(), "--db", ws.db(), "--json", "kolibrier OR omvaldes"});
            std::lock_guard<std::mutex> g(m);
            ++searches;
            if (r.status != 0) {
                problems.push_back("searcher exit " + std::to_string(r.status) + ": " + r.err);
                continue;
            }
            auto refs = hit_refs(json::parse(r.out));
            if (refs != refs_early && refs != refs_late) problems.push_back("mixed: " + r.out);
        }
    });
    // A reader in this process, holding one Database across commits, as a server would.
    std::thread reader([&] {
        Xapian::Database db(ws.db());
        while (!done) {
            try {
                std::set<std::pair<std::string, std::vector<long>>> refs;
                for (const char* term : {"kolibrier", "omvaldes"}) {
                    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
                        Passage p = rapportsok::decode_passage(db.get_document(*it).get_data());
                        refs.emplace(p.id, std::vector<long>{p.first_line, p.last_line});
                    }
                }
                std::lock_guard<std::mutex> g(m);
                ++reads;
                if (refs != refs_early && refs != refs_late)
                    problems.push_back("mixed in-process read");
            } catch (const Xapian::DatabaseModifiedError&) {
                db.reopen();
            }
        }
    });
    for (int i = 0; i < 6; ++i) {
        state(i % 2 == 0);
        auto r = ws.index();
        std::lock_guard<std::mutex> g(m);
        if (r.status != 0) problems.push_back("indexer: " + r.err);
    }
    done = true;
    searcher.join();
    reader.join();
    INFO(searches << " searches, " << reads << " in-process reads");
    CHECK(problems == std::vector<std::string>{});
    CHECK(searches > 0);
    CHECK(reads > 0);
}

TEST_CASE("a second indexer is told the database is being written, or waits with --wait",
          "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    ws.insert(289, paragraph("Zebrafinkar observerades i parlamentet under hela sessionen."));
    {
        Xapian::WritableDatabase holder(ws.db(), Xapian::DB_OPEN);
        auto r = ws.index();
        CHECK(r.status == 2);
        CHECK_THAT(r.err,
                   Catch::Contains("database " + ws.db() + " is being written by another indexer"));
        CHECK(r.out.empty());

        testing::Process waiting({testing::indexer_bin(), "--db", ws.db(), "--wait", "corpus"},
                                 ws.dir.path());
        CHECK(eventually([&] { return waiting.err().find("waiting") != std::string::npos; }));
        CHECK(waiting.running());
        holder.close();
        CHECK(eventually([&] { return !waiting.running(); }));
        CHECK(waiting.wait() == 0);
        CHECK_THAT(waiting.out(), Catch::StartsWith("1 file changed: 1 passage added"));
        CHECK_THAT(waiting.err(), Catch::Contains("is being written by another indexer; waiting"));
    }
    check_in_step(ws);
}

TEST_CASE("a sync killed with kill -9 leaves the last commit intact, and the next run completes",
          "[e2e][sync][slow]") {
    testing::TempDir dir;
    const std::string seed = testing::read_file(testing::seed_report_path());
    const int kFiles = 12;
    auto write_corpus = [&](int round) {
        for (int i = 0; i < kFiles; ++i) {
            // Each round changes every file: a new paragraph near the top, so that the sync
            // adds one passage and relines all the others, in every file.
            std::string extra = "Runda " + std::to_string(round) + " i rapport " +
                                std::to_string(i) + " lade till ett stycke. \n\n \n";
            size_t at = seed.find("\n \n", seed.size() / 5) + 3;
            dir.write("corpus/r" + std::to_string(i) + ".txt",
                      seed.substr(0, at) + extra + seed.substr(at));
        }
    };
    const std::string db = dir.file("db");
    auto index = [&](std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {testing::indexer_bin(), "--db", db};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back("corpus");
        return argv;
    };
    const std::vector<int> delays_ms = {20, 60, 150, 300};
    for (size_t round = 0; round < delays_ms.size(); ++round) {
        CAPTURE(round);
        write_corpus(static_cast<int>(round));
        {
            // Round 2 kills a --rebuild (the database is a plain folder then, so this also
            // kills the conversion to a generation link).
            testing::Process p(index(round == 2 ? std::vector<std::string>{"--rebuild"}
                                                : std::vector<std::string>{}),
                               dir.path());
            std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms[round]));
            p.signal(SIGKILL);
            p.wait();
        }
        if (fs::exists(fs::path(db) / "iamglass")) {
            auto c = testing::run({"/usr/bin/xapian-check", db});
            INFO(c.out << c.err);
            CHECK(c.status == 0);
        }
        auto r = testing::run(index(), dir.path());
        INFO(r.out << r.err);
        REQUIRE(r.status == 0);
        auto check = testing::run(index({"--check"}), dir.path());
        INFO(check.out);
        CHECK(check.status == 0);
        Xapian::Database d(db);
        CHECK(d.get_doccount() == kFiles * (kSeedPassages + 1));
        CHECK(d.get_termfreq("runda") == kFiles);
    }
}

TEST_CASE("indexer --rebuild swaps a new database in while a reader keeps working", "[e2e][sync]") {
    Workspace ws;
    REQUIRE(ws.index().status == 0);
    REQUIRE(fs::is_directory(ws.db()));
    Xapian::Database held(ws.db());            // opened before any swap
    std::optional<Xapian::Database> via_stub;  // opened after the first

    std::atomic<bool> done{false};
    std::mutex m;
    std::vector<std::string> problems;
    std::set<long> totals_seen;
    std::thread searcher([&] {
        while (!done) {
            auto r = testing::run(
                {testing::searcher_bin(), "--db", ws.db(), "--json", "kolibrier OR omvaldes"});
            std::lock_guard<std::mutex> g(m);
            if (r.status != 0) {
                problems.push_back("searcher exit " + std::to_string(r.status) + ": " + r.err);
                continue;
            }
            totals_seen.insert(json::parse(r.out)["total"].get<long>());
        }
    });

    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        ws.insert(289,
                  paragraph("Kolibrier sågs i parlamentet, gång " + std::to_string(round) + "."));
        auto r = ws.index({"--rebuild"});
        INFO(r.out << r.err);
        REQUIRE(r.status == 0);
        CHECK(summary_is(r, "1 file changed: " + std::to_string(kSeedPassages + round + 1) +
                                " passages added, 0 updated, 0 removed, 0 unchanged"));
        CHECK(fs::is_regular_file(ws.db()));
        CHECK(testing::read_file(ws.db()) == "auto db.d/" + std::to_string(round + 1) + "\n");
        if (round == 0) via_stub.emplace(ws.db());
        // The generation replaced is kept until the next --rebuild, no more.
        long generations =
            std::distance(fs::directory_iterator(ws.db() + ".d"), fs::directory_iterator());
        CHECK(generations == 2);
        // The reader opened on the first database still reads all of it.
        CHECK(held.get_doccount() == kSeedPassages);
        long n = 0;
        for (auto it = held.postlist_begin(""); it != held.postlist_end(""); ++it, ++n)
            CHECK(!held.get_document(*it).get_data().empty());
        CHECK(n == kSeedPassages);
        CHECK(Xapian::Database(ws.db()).get_doccount() ==
              static_cast<Xapian::doccount>(kSeedPassages + round + 1));
    }
    done = true;
    searcher.join();
    CHECK(problems == std::vector<std::string>{});
    CHECK(totals_seen.size() >= 1);
    // A reader opened through the stub stays on its generation, whole: Xapian reads a stub only
    // when it opens. That generation (db.d/1) has been removed by the third --rebuild, so
    // reopen() (what search() does on DatabaseModifiedError) fails cleanly, never mixes.
    REQUIRE(via_stub);
    CHECK(via_stub->get_doccount() == static_cast<Xapian::doccount>(kSeedPassages + 1));
    CHECK(via_stub->get_termfreq("kolibrier") == 1);
    for (auto it = via_stub->postlist_begin("kolibrier"); it != via_stub->postlist_end("kolibrier");
         ++it)
        CHECK_THAT(via_stub->get_document(*it).get_data(), Catch::Contains("gång 0"));
    std::string reopen_error;
    try {
        via_stub->reopen();
    } catch (const Xapian::Error& e) {
        reopen_error = e.get_type();
    }
    CHECK(reopen_error == "DatabaseNotFoundError");
    CHECK(Xapian::Database(ws.db()).get_termfreq("kolibrier") == 3);
    for (long t : totals_seen) CHECK(t >= 1);

    // Through the stub: a normal sync, --check, xapian-check and the lock all work.
    const std::string gen = testing::read_file(ws.db());
    ws.insert(289, paragraph("Pelikaner sågs vid parlamentet."));
    auto r = ws.index();
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_is(r, "1 file changed: 1 passage added, 0 updated, 0 removed, 72 unchanged"));
    CHECK(testing::read_file(ws.db()) == gen);
    CHECK(ws.index({"--check"}).status == 0);
    CHECK(testing::run({"/usr/bin/xapian-check", ws.db()}).status == 0);
    check_in_step(ws);
    {
        Xapian::WritableDatabase holder(ws.db(), Xapian::DB_OPEN);
        auto busy = ws.index({"--rebuild"});
        CHECK(busy.status == 2);
        CHECK_THAT(busy.err, Catch::Contains("is being written by another indexer"));
    }
}

TEST_CASE("indexer --check exits 0 when in step and 1 listing what is out of date, writing nothing",
          "[e2e][sync]") {
    Workspace ws;
    ws.dir.write("corpus/extra.txt", "Pelikaner\n\nPelikaner häckar vid sjön.\n");
    REQUIRE(ws.index().status == 0);
    auto ok = ws.index({"--check"});
    CHECK(ok.status == 0);
    CHECK(ok.out == "database " + ws.db() + " is up to date\n");

    ws.insert(289, paragraph("Zebrafinkar observerades i parlamentet under hela sessionen."));
    fs::remove(ws.dir.file("corpus/extra.txt"));
    ws.dir.write("corpus/ny.txt", "Nytt\n\nEn ny rapport.\n");
    Xapian::Database reader(ws.db());
    const auto rev = reader.get_revision();
    auto r = ws.index({"--check"});
    CHECK(r.status == 1);
    CHECK(r.out == "changed: " + std::string(kSeedName) +
                       "\nnew: corpus/ny.txt\nremoved: corpus/extra.txt\n");
    reader.reopen();
    CHECK(reader.get_revision() == rev);
    CHECK(ws.index({"--check"}).status == 1);

    auto j = ws.index({"--check", "--json"});
    CHECK(j.status == 1);
    CHECK(json::parse(j.out)["up_to_date"] == false);

    REQUIRE(ws.index().status == 0);
    CHECK(ws.index({"--check"}).status == 0);
}

TEST_CASE("indexer --watch picks up an edit and a new file, and stops cleanly on SIGINT",
          "[e2e][sync]") {
    Workspace ws;
    testing::Process watch({testing::indexer_bin(), "--db", ws.db(), "--watch", "corpus"},
                           ws.dir.path());
    REQUIRE(eventually([&] { return watch.out().find("69 passages added") != std::string::npos; }));
    auto found = [&](const std::string& word) {
        auto r = testing::run({testing::searcher_bin(), "--db", ws.db(), "--json", word});
        return r.status == 0 && json::parse(r.out)["total"].get<long>() > 0;  // 1: no hits
    };
    CHECK(!found("zebrafinkar"));

    ws.insert(289, paragraph("Zebrafinkar observerades i parlamentet under hela sessionen."));
    CHECK(eventually([&] { return found("zebrafinkar"); }));

    ws.dir.write("corpus/ny/pelikaner.txt", "Pelikaner\n\nPelikaner häckar vid sjön.\n");
    CHECK(eventually([&] { return found("pelikaner"); }));

    watch.signal(SIGINT);
    CHECK(eventually([&] { return !watch.running(); }));
    CHECK(watch.wait() == 0);
    INFO(watch.out() << watch.err());
    CHECK_THAT(watch.out(), Catch::Contains("1 file changed: 1 passage added"));
    check_in_step(ws);
}

TEST_CASE(
    "a sync that writes its buffers out on the way (a small --memory) still commits all "
    "or nothing",
    "[e2e][sync]") {
    testing::TempDir dir;
    const std::string seed = testing::read_file(testing::seed_report_path());
    dir.write(kSeedName, seed);
    const std::string db = dir.file("db");
    auto index = [&](const std::vector<std::string>& env) {
        return testing::run({testing::indexer_bin(), "--db", db, "--memory", "64", "corpus"},
                            dir.path(), env);
    };
    REQUIRE(index({}).status == 0);
    // The state to keep: documents, values, metadata and spelling.
    auto state = [&] {
        Xapian::Database d(db);
        std::map<std::string, std::string> out;
        for (auto it = d.postlist_begin(""); it != d.postlist_end(""); ++it)
            out["doc " + std::to_string(*it)] = d.get_document(*it).get_data();
        for (Xapian::valueno slot = 0; slot < 8; ++slot)
            for (auto v = d.valuestream_begin(slot); v != d.valuestream_end(slot); ++v)
                out["value " + std::to_string(slot) + " " + std::to_string(v.get_docid())] = *v;
        for (auto it = d.metadata_keys_begin(); it != d.metadata_keys_end(); ++it)
            out["meta " + *it] = d.get_metadata(*it);
        for (auto s = d.spellings_begin(); s != d.spellings_end(); ++s)
            out["spelling " + *s] = std::to_string(s.get_termfreq());
        return out;
    };
    const auto before = state();
    // 20 more reports, 1,400 passages: with --memory 64 the sync writes its value and spelling
    // buffers out every 1,000 documents, uncommitted.
    for (int i = 0; i < 20; ++i)
        dir.write("corpus/r" + std::to_string(i) + ".txt",
                  seed + "Kolibri" + std::to_string(i) + "ord står här. \n\n \n");
    auto failed = index({"RAPPORTSOK_FAIL_WRITE_AFTER=1200"});
    INFO(failed.err);
    CHECK(failed.status == 2);
    CHECK_THAT(failed.err, Catch::Contains("nothing of this run was committed"));
    CHECK(state() == before);
    CHECK(testing::run({"/usr/bin/xapian-check", db}).status == 0);

    auto r = index({});
    INFO(r.err);
    REQUIRE(r.status == 0);
    Xapian::Database d(db);
    CHECK(d.get_doccount() == 21 * kSeedPassages + 20);
    CHECK(d.get_value_freq(0) == d.get_doccount());
    long spelled = 0;
    for (auto s = d.spellings_begin(); s != d.spellings_end(); ++s)
        if (*s == "kolibri7ord") spelled = static_cast<long>(s.get_termfreq());
    CHECK(spelled == 1);
    CHECK(testing::run({"/usr/bin/xapian-check", db}).status == 0);
}
