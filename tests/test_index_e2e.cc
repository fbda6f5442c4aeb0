// The indexer program end to end: indexes the seed report into a fresh database and checks its
// passages, terms and values, its output, exit statuses and how it treats bad input.
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "indexer/common/schema.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using rapportsok::Passage;

namespace {

const char* const kSeedName = "corpus/manskliga-rattigheter-kazakstan-2011.txt";

// A temporary folder holding corpus/ with a copy of the seed report; the indexer runs in it.
struct Workspace {
    testing::TempDir dir;
    Workspace() { dir.write(kSeedName, testing::read_file(testing::seed_report_path())); }
    testing::Run index(std::vector<std::string> args = {}) const {
        std::vector<std::string> argv = {testing::indexer_bin()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testing::run(argv, dir.path());
    }
    std::string db() const { return dir.file("db"); }
};

std::vector<Passage> all_passages(const Xapian::Database& db) {
    std::vector<Passage> out;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it)
        out.push_back(rapportsok::decode_passage(db.get_document(*it).get_data()));
    std::sort(out.begin(), out.end(), [](const Passage& a, const Passage& b) {
        return a.file != b.file ? a.file < b.file : a.position < b.position;
    });
    return out;
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

const std::vector<std::pair<int, std::string>> kSections = {
    {1, "Sammanfattning av läget för de mänskliga rättigheterna och trendanalys"},
    {2,
     "Ratifikationsläget beträffande de mest centrala konventionerna om mänskliga rättigheter "
     "samt rapportering till FN:s konventionskommittéer"},
    {3, "Respekt för rätten till liv, kroppslig integritet och förbud mot tortyr"},
    {4, "Dödsstraff"},
    {5, "Rätten till frihet och personlig säkerhet"},
    {6, "Rättssäkerhet och rättsstatsprincipen"},
    {7, "Straffrihet"},
    {8, "Yttrande-, press- och informationsfrihet, inklusive på internet"},
    {9, "Mötes- och föreningsfrihet"},
    {10, "Religions- och övertygelsefrihet"},
    {11, "De politiska rättigheterna och de politiska institutionerna"},
    {12, "Rätten till arbete och relaterade frågor"},
    {13, "Rätten till bästa uppnåeliga hälsa"},
    {14, "Rätten till utbildning"},
    {15, "Rätten till en tillfredsställande levnadsstandard"},
    {16, "Kvinnors rättigheter"},
    {17, "Barnets rättigheter"},
    {18,
     "Rättigheter för personer som tillhör nationella, etniska, språkliga och religiösa "
     "minoriteter samt urfolk"},
    {19, "Diskriminering på grund av sexuell läggning eller könsidentitet"},
    {20, "Flyktingars rättigheter"},
    {21, "Funktionshindrades rättigheter"},
    {22, "Frivilligorganisationers arbete för mänskliga rättigheter"},
    {23, "Internationella och svenska insatser på området mänskliga rättigheter"},
};

const std::vector<std::string> kChapters = {
    "ALLMÄNT",
    "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER",
    "EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER",
    "OLIKA GRUPPERS ÅTNJUTANDE AV DE MÄNSKLIGA RÄTTIGHETERNA",
    "ÖVRIGT",
};

}  // namespace

TEST_CASE("indexes the seed report's 69 passages under its 23 sections and 5 chapters", "[e2e]") {
    Workspace ws;
    auto r = ws.index({"--db", ws.db()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    Xapian::Database db(ws.db());
    CHECK(db.get_doccount() == 69);
    std::vector<Passage> ps = all_passages(db);
    REQUIRE(ps.size() == 69);

    std::vector<std::pair<int, std::string>> sections;
    std::vector<std::string> chapters;
    for (const Passage& p : ps) {
        CHECK(p.file == kSeedName);
        CHECK(p.report_title == "Mänskliga rättigheter i Kazakstan 2011");
        if (sections.empty() || sections.back().first != p.section_number)
            sections.emplace_back(p.section_number, p.section_title);
        if (chapters.empty() || chapters.back() != p.chapter) chapters.push_back(p.chapter);
    }
    CHECK(sections == kSections);
    CHECK(chapters == kChapters);

    // Terms and values agree with the data.
    for (const auto& [number, title] : kSections) {
        CAPTURE(number);
        CHECK(db.get_termfreq(rapportsok::section_term(number)) > 0);
    }
    CHECK(db.get_termfreq(rapportsok::section_term(24)) == 0);
    CHECK(db.get_termfreq(rapportsok::page_term(13)) > 0);
    CHECK(db.get_termfreq(rapportsok::page_term(14)) == 0);
    CHECK(db.get_termfreq(rapportsok::file_term(kSeedName)) == 69);
    CHECK(db.get_termfreq(rapportsok::chapter_key_term("ÖVRIGT")) > 0);
    int last_page = 0;
    for (const Passage& p : ps) last_page = std::max(last_page, p.last_page);
    CHECK(last_page == 13);
    CHECK(db.get_metadata(rapportsok::meta::kSchema) == std::to_string(rapportsok::kSchemaVersion));
    CHECK_THAT(db.get_metadata(rapportsok::meta::kAnalysis), Catch::Contains("libstemmer-swedish"));
    auto rec = rapportsok::decode_file_record(
        db.get_metadata(rapportsok::meta::kFilePrefix + std::string(kSeedName)));
    CHECK(rec.passages == 69);
    CHECK(rec.chapters == kChapters);

    for (auto it = db.postlist_begin(rapportsok::section_term(8));
         it != db.postlist_end(rapportsok::section_term(8)); ++it) {
        Xapian::Document doc = db.get_document(*it);
        CHECK(doc.get_value(rapportsok::slot::kSection) == "8\t" + kSections[7].second);
        CHECK(doc.get_value(rapportsok::slot::kChapter) == kChapters[1]);
    }
}

TEST_CASE("leaves no broken words, page numbers or double spaces in the seed's passages", "[e2e]") {
    Workspace ws;
    REQUIRE(ws.index({"--db", ws.db()}).status == 0);
    Xapian::Database db(ws.db());
    std::string all;
    // A word ending in a hyphen followed by a lowercase word is a broken word left unjoined,
    // unless the next word is a conjunction ("bomulls- och", "ny- eller", "hälso- som").
    const std::regex hanging(R"((\S+)- ([a-zåäöé]+))");
    const std::set<std::string> conjunctions = {"och", "eller", "som", "till", "samt"};
    for (const Passage& p : all_passages(db)) {
        CAPTURE(p.first_line, p.text);
        all += p.text + "\n";
        CHECK(p.text.find("  ") == std::string::npos);
        CHECK(p.text.find('\f') == std::string::npos);
        CHECK(p.text.find("\xC2\xAD") == std::string::npos);
        CHECK(p.text.front() != ' ');
        CHECK(p.text.back() != ' ');
        CHECK_FALSE(std::regex_match(p.text, std::regex(R"(\d{1,2})")));
        // A page number left at a paragraph's end or start.
        CHECK_FALSE(std::regex_search(p.text, std::regex(R"([.:] \d{1,2}$)")));
        CHECK_FALSE(std::regex_search(p.text, std::regex(R"(^\d{1,2} [A-ZÅÄÖ])")));
        for (std::sregex_iterator m(p.text.begin(), p.text.end(), hanging), end; m != end; ++m) {
            CAPTURE(m->str());
            CHECK(conjunctions.count((*m)[2].str()) == 1);
        }
    }
    for (const char* joined :
         {"i landet. Under", "Kazakstans Folkliga Kommunistparti",
          "kränkningar av de mänskliga rättigheterna.", "Nur-Otan", "OSSE-ordförandeskapet",
          "inrikes-, utrikes- och", "bomulls- och tobaksodlingarna", "HBT-personer",
          "övriga Centralasien", "Yttrande- och tryckfrihet", "tabubelagda",
          "Nur-Otan fick 83 mandat av totalt 98 och är inte beroende"}) {
        CAPTURE(joined);
        CHECK(all.find(joined) != std::string::npos);
    }
    for (const char* broken : {"lan- det", "lan-det", "Kazak- stans", "Kazak-stans", "rät- tig",
                               "Nur- Otan", "bomulls-och", "98och"}) {
        CAPTURE(broken);
        CHECK(all.find(broken) == std::string::npos);
    }
}

TEST_CASE("prints a summary of files, passages, terms and time", "[e2e]") {
    Workspace ws;
    auto r = ws.index({"--db", ws.db()});
    REQUIRE(r.status == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    CAPTURE(r.out);
    CHECK(std::regex_match(lines[0],
                           std::regex(R"(1 file changed[^:]*: 69 passages added, )"
                                      R"(0 updated, 0 removed, 0 unchanged \(\d+\.\d\d s\))")));
    std::smatch m;
    REQUIRE(
        std::regex_match(lines[1], m, std::regex(R"((.*): 69 passages, (\d+) terms, 1 file.*)")));
    CHECK(m[1] == ws.db());
    Xapian::Database db(ws.db());
    long terms = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++terms;
    CHECK(std::stol(m[2]) == terms);
    CHECK(terms > 1000);
}

TEST_CASE("changes nothing on a second run", "[e2e]") {
    Workspace ws;
    REQUIRE(ws.index({"--db", ws.db()}).status == 0);
    Xapian::docid last = Xapian::Database(ws.db()).get_lastdocid();
    auto r = ws.index({"--db", ws.db()});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::StartsWith("0 files changed"));
    CHECK_THAT(r.out, Catch::Contains(": 0 passages added, 0 updated, 0 removed"));
    auto j = ws.index({"--json", "--db", ws.db()});
    REQUIRE(j.status == 0);
    json summary = json::parse(j.out);
    CHECK(summary["files"]["changed"] == 0);
    CHECK(summary["files"]["unchanged"] == 1);
    CHECK(summary["passages"]["added"] == 0);
    CHECK(summary["passages"]["updated"] == 0);
    CHECK(summary["passages"]["removed"] == 0);
    CHECK(summary["passages"]["total"] == 69);
    Xapian::Database db(ws.db());
    CHECK(db.get_doccount() == 69);
    CHECK(db.get_lastdocid() == last);
}

TEST_CASE("adds one passage when a paragraph is inserted into the report", "[e2e]") {
    Workspace ws;
    REQUIRE(ws.index({"--db", ws.db()}).status == 0);
    std::map<std::string, Xapian::docid> before;
    {
        Xapian::Database db(ws.db());
        for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it)
            before[rapportsok::decode_passage(db.get_document(*it).get_data()).id] = *it;
    }
    std::string text = testing::read_file(ws.dir.file(kSeedName));
    const std::string anchor = "4. Dödsstraff \n";
    size_t at = text.find(anchor);
    REQUIRE(at != std::string::npos);
    text.insert(at + anchor.size(), "\n \n\nEtt nytt stycke om avrättningar. \n\n \n");
    ws.dir.write(kSeedName, text);
    auto r = ws.index({"--json", "--db", ws.db()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    json summary = json::parse(r.out);
    CHECK(summary["files"]["changed"] == 1);
    CHECK(summary["passages"]["added"] == 1);
    CHECK(summary["passages"]["updated"] == 0);
    CHECK(summary["passages"]["removed"] == 0);
    CHECK(summary["passages"]["relined"].get<long>() > 0);  // the passages after the new one
    CHECK(summary["passages"]["total"] == 70);
    Xapian::Database db(ws.db());
    CHECK(db.get_doccount() == 70);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        Passage p = rapportsok::decode_passage(db.get_document(*it).get_data());
        if (p.text == "Ett nytt stycke om avrättningar.") {
            CHECK(p.section_number == 4);
            continue;
        }
        CAPTURE(p.text);
        CHECK(before.at(p.id) == *it);
    }
}

TEST_CASE("prints passages as JSON lines with --dry-run --json and creates no database", "[e2e]") {
    Workspace ws;
    auto r = ws.index({"--dry-run", "--json", "--db", ws.db(), "corpus"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK_FALSE(fs::exists(ws.db()));
    CHECK_FALSE(fs::exists(ws.dir.file("index")));
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 69);
    std::set<int> sections;
    for (const std::string& line : lines) {
        json j = json::parse(line);  // throws on invalid JSON
        CHECK(j.at("file") == kSeedName);
        REQUIRE(j.at("lines").size() == 2);
        CHECK(j.at("lines")[0].get<long>() <= j.at("lines")[1].get<long>());
        CHECK(j.at("page").get<int>() >= 1);
        CHECK(j.at("chapter").is_string());
        CHECK(j.at("section").at("title").is_string());
        CHECK_FALSE(j.at("text").get<std::string>().empty());
        sections.insert(j.at("section").at("number").get<int>());
    }
    CHECK(sections.size() == 23);
    json first_of_3;
    for (const std::string& line : lines) {
        json j = json::parse(line);
        if (j["section"]["number"] == 3) {
            first_of_3 = j;
            break;
        }
    }
    CHECK(first_of_3["lines"][0] == 173);
    CHECK(first_of_3["page"] == 3);
    CHECK(first_of_3["chapter"] == "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER");
    CHECK(first_of_3["section"]["title"] ==
          "Respekt för rätten till liv, kroppslig integritet och förbud mot tortyr");
}

TEST_CASE("refuses a file with NUL bytes, names it, and still indexes the good files", "[e2e]") {
    Workspace ws;
    const char bad[] = "Rubrik\n\nText\0med NUL.\n";
    ws.dir.write("corpus/trasig.txt", std::string(bad, sizeof bad - 1));
    ws.dir.write("corpus/bra.txt", "Ett gott stycke om pressfrihet.\n\nEtt till om val.\n");
    auto r = ws.index({"--db", ws.db()});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("corpus/trasig.txt"));
    CHECK(r.out.find("corpus/trasig.txt") == std::string::npos);
    Xapian::Database db(ws.db());
    CHECK(db.get_termfreq(rapportsok::file_term("corpus/bra.txt")) == 2);
    CHECK(db.get_termfreq(rapportsok::file_term(kSeedName)) == 69);
    CHECK(db.get_termfreq(rapportsok::file_term("corpus/trasig.txt")) == 0);
    CHECK(
        db.get_metadata(rapportsok::meta::kFilePrefix + std::string("corpus/trasig.txt")).empty());
}

TEST_CASE("refuses to write into a folder that is not a Xapian database", "[e2e]") {
    Workspace ws;
    const std::string notes = ws.dir.write("anteckningar/viktigt.txt", "rör inte\n");
    auto r = ws.index({"--db", ws.dir.file("anteckningar")});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("anteckningar"));
    std::vector<std::string> entries;
    for (const auto& e : fs::directory_iterator(ws.dir.file("anteckningar")))
        entries.push_back(e.path().filename().string());
    CHECK(entries == std::vector<std::string>{"viktigt.txt"});
    CHECK(testing::read_file(notes) == "rör inte\n");
}

TEST_CASE("check mode exits 0 when up to date and 1 listing a file edited since", "[e2e]") {
    Workspace ws;
    REQUIRE(ws.index({"--db", ws.db()}).status == 0);
    auto ok = ws.index({"--check", "--db", ws.db()});
    INFO(ok.out << ok.err);
    CHECK(ok.status == 0);

    std::string text = testing::read_file(ws.dir.file(kSeedName));
    ws.dir.write(kSeedName, text + "\n \n\nEtt tillägg i slutet. \n");
    auto stale = ws.index({"--check", "--db", ws.db()});
    INFO(stale.out << stale.err);
    CHECK(stale.status == 1);
    CHECK_THAT(stale.out, Catch::Contains(kSeedName));
    // --check writes nothing.
    CHECK(Xapian::Database(ws.db()).get_doccount() == 69);
}

TEST_CASE("removes the passages of a report deleted from the corpus", "[e2e]") {
    Workspace ws;
    ws.dir.write("corpus/extra.txt", "Ett stycke.\n\nEtt annat stycke.\n");
    REQUIRE(ws.index({"--db", ws.db()}).status == 0);
    REQUIRE(Xapian::Database(ws.db()).get_doccount() == 71);
    fs::remove(ws.dir.file("corpus/extra.txt"));
    auto r = ws.index({"--json", "--db", ws.db()});
    REQUIRE(r.status == 0);
    json summary = json::parse(r.out);
    CHECK(summary["files"]["removed"] == 1);
    CHECK(summary["files"]["unchanged"] == 1);
    CHECK(summary["passages"]["removed"] == 2);
    CHECK(summary["passages"]["added"] == 0);
    Xapian::Database db(ws.db());
    CHECK(db.get_doccount() == 69);
    CHECK(db.get_termfreq(rapportsok::file_term("corpus/extra.txt")) == 0);
}

TEST_CASE("writes a database that xapian-delve opens", "[e2e]") {
    Workspace ws;
    REQUIRE(ws.index({"--db", ws.db()}).status == 0);
    REQUIRE(fs::exists("/usr/bin/xapian-delve"));
    auto r = testing::run({"/usr/bin/xapian-delve", ws.db()});
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("number of documents = 69"));
}

TEST_CASE("the indexer's messages and dry-run text carry no escape sequences from names or text",
          "[e2e]") {
    testing::TempDir dir;
    const std::string esc = "\x1b[2J";
    dir.write("corpus/a" + esc + "b.txt", "Rubrik\n\nText med " + esc + "färg\x07 här.\n");
    testing::Run dry = testing::run({testing::indexer_bin(), "--dry-run", dir.file("corpus")});
    CHECK(dry.status == 0);
    CHECK_THAT(dry.out, Catch::Contains("färg"));
    testing::Run missing = testing::run(
        {testing::indexer_bin(), "--db", dir.file("db"), dir.file("saknas" + esc + ".txt")});
    CHECK(missing.status == 2);
    CHECK_THAT(missing.err, Catch::Contains("saknas"));
    for (const std::string& s : {dry.out, dry.err, missing.out, missing.err}) {
        CHECK(s.find('\x1b') == std::string::npos);
        CHECK(s.find('\x07') == std::string::npos);
    }
}
