// The searcher end to end: the seed report indexed once into a temporary folder, then the
// searcher program run on it, its JSON parsed and its text read. Ranking tests assert robust
// facts (which section comes first), never scores.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/common/text.h"
#include "tests/golden.h"
#include "tests/support.h"

using nlohmann::json;

namespace {

const std::string kSeed = "corpus/manskliga-rattigheter-kazakstan-2011.txt";
const std::string kChapter2 = "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER";

testing::Run searcher(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {testing::searcher_bin(), "--db", testing::seed_db()});
    return testing::run(args, testing::source_dir(), env);
}

// Every hit (up to 1000) of a query as JSON; the run must succeed (0) or find nothing (1).
json search(const std::string& query, std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--json", "--limit", "1000", "--", query});
    testing::Run r = searcher(extra);
    INFO("query: " << query << "\nstderr: " << r.err);
    REQUIRE((r.status == 0 || r.status == 1));
    json j = json::parse(r.out);
    REQUIRE(r.status == (j["total"].get<long>() > 0 ? 0 : 1));
    return j;
}

std::set<std::string> ids(const json& j) {
    std::set<std::string> out;
    for (const json& h : j["hits"]) out.insert(h["id"].get<std::string>());
    return out;
}

std::set<int> sections(const json& j) {
    std::set<int> out;
    for (const json& h : j["hits"]) out.insert(h["section"]["number"].get<int>());
    return out;
}

std::string lower(std::string s) {
    // Enough for these tests: ASCII and the Swedish letters ÅÄÖ.
    for (const auto& [up, low] : std::vector<std::pair<std::string, std::string>>{
             {"Å", "å"}, {"Ä", "ä"}, {"Ö", "ö"}, {"É", "é"}}) {
        size_t at;
        while ((at = s.find(up)) != std::string::npos) s.replace(at, up.size(), low);
    }
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; });
    return s;
}

bool has_word_starting(const std::string& text, const std::string& prefix) {
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
        unsigned char before = at ? static_cast<unsigned char>(text[at - 1]) : ' ';
        if (before < 0x80 && !std::isalnum(before)) return true;
    }
    return false;
}

// Whether a text has a word with the same Snowball stem as the (lowercase) word.
bool has_stem(const std::string& text, const std::string& word) {
    static const rapportsok::Analyzer analyzer;
    const std::string stem = analyzer.stem(word);
    std::string w;
    size_t i = 0;
    while (i <= text.size()) {
        size_t at = i;
        char32_t c = i < text.size() ? rapportsok::next_code_point(text, i) : (++i, U' ');
        if (rapportsok::is_letter(c) || rapportsok::is_digit(c)) {
            w.append(text, at, i - at);
            continue;
        }
        if (!w.empty() && analyzer.stem(rapportsok::fold_case(w)) == stem) return true;
        w.clear();
    }
    return false;
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

std::set<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
    std::set<std::string> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
}

std::set<std::string> plus(const std::set<std::string>& a, const std::set<std::string>& b) {
    std::set<std::string> out = a;
    out.insert(b.begin(), b.end());
    return out;
}

// The highlighted words of a hit's snippet (offsets are bytes into the snippet).
std::vector<std::string> highlighted(const json& hit) {
    const std::string s = hit["snippet"];
    std::vector<std::string> out;
    for (const json& m : hit["highlights"]) {
        size_t b = m[0], e = m[1];
        REQUIRE(b < e);
        REQUIRE(e <= s.size());
        out.push_back(s.substr(b, e - b));
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Query forms

TEST_CASE("implicit OR finds passages with any of the words, ranked by score", "[e2e]") {
    json both = search("tortyr mediaföretag");
    CHECK(ids(both) == plus(ids(search("tortyr")), ids(search("mediaföretag"))));
    CHECK(sections(both).count(8));
    CHECK(sections(both).count(3));
    double last = 1e300;
    for (const json& h : both["hits"]) {
        CHECK(h["score"].get<double>() <= last);
        last = h["score"];
    }
}

TEST_CASE("OR finds the union of its sides", "[e2e]") {
    CHECK(ids(search("tortyr OR mediaföretag")) ==
          plus(ids(search("tortyr")), ids(search("mediaföretag"))));
}

TEST_CASE("AND finds only passages with both words", "[e2e]") {
    // A passage has a word when its text or its section's title has it.
    json j = search("tortyr AND fängelse");
    REQUIRE(j["total"] >= 1);
    CHECK(j["total"] < search("tortyr")["total"]);
    for (const json& h : j["hits"]) {
        const std::string text = lower(h["text"]) + " " + lower(h["section"]["title"]);
        CHECK(contains(text, "tortyr"));
        CHECK(contains(text, "fängelse"));
    }
}

TEST_CASE("NOT and -word leave out passages with the word, +word requires it", "[e2e]") {
    std::set<std::string> tortyr = ids(search("tortyr"));
    std::set<std::string> with_prison = ids(search("tortyr AND fängelse"));
    REQUIRE_FALSE(with_prison.empty());
    std::set<std::string> expected = minus(tortyr, with_prison);
    REQUIRE_FALSE(expected.empty());
    CHECK(ids(search("tortyr NOT fängelse")) == expected);
    CHECK(ids(search("tortyr -fängelse")) == expected);
    CHECK(ids(search("+tortyr -fängelse")) == expected);
    // +tortyr: the other word only ranks, it adds no passages without tortyr.
    CHECK(ids(search("+tortyr mediaföretag")) == tortyr);
    CHECK(ids(search("-fängelse tortyr")) == expected);  // a query may start with -word
}

TEST_CASE("a phrase finds its words in order, broken over lines and with a hyphenated word",
          "[e2e]") {
    // In the source: "och Kazak-" / "stans Folkliga Kommunistparti (KNPK)", lines 565-567.
    json j = search("\"Kazakstans Folkliga Kommunistparti\"");
    REQUIRE(j["total"] == 1);
    const json& h = j["hits"][0];
    CHECK(h["section"]["number"] == 11);
    CHECK(contains(h["text"], "Kazakstans Folkliga Kommunistparti (KNPK)"));
    CHECK(h["lines"][0] <= 565);
    CHECK(h["lines"][1] >= 567);
}

TEST_CASE("a phrase over a page break is found", "[e2e]") {
    // "... för att" ends page 4; " komma till rätta med detta" starts page 5 (line 333).
    json j = search("\"åtgärder för att komma till rätta med detta\"");
    REQUIRE(j["total"] == 1);
    const json& h = j["hits"][0];
    CHECK(h["section"]["number"] == 7);
    CHECK(contains(h["text"], "åtgärder för att komma till rätta med detta"));
    CHECK(h["page"] == 4);
    CHECK(h["pages"] == json::array({4, 5}));
    CHECK(h["lines"][0] < 333);
    CHECK(h["lines"][1] > 333);
}

TEST_CASE("a phrase stays exact: words out of order or not adjacent find nothing", "[e2e]") {
    REQUIRE(search("Kommunistparti AND Folkliga")["total"] == 1);
    const std::vector<std::string> absent = {
        "\"Kommunistparti Folkliga\"",
        "\"folkliga kazakstans\"",
        "\"Högsta domstolen avgör\"",
        "\"komma till rätta med tortyr\"",
    };
    for (const std::string& q : absent) {
        INFO("query: " << q);
        testing::Run r = searcher({"--json", "--", q});
        CHECK(r.status == 1);
        CHECK(json::parse(r.out)["hits"].empty());
    }
}

TEST_CASE("NEAR finds words close together, fewer than AND", "[e2e]") {
    json near = search("presidenten NEAR parlamentet");
    json both = search("presidenten AND parlamentet");
    REQUIRE(near["total"] >= 1);
    CHECK(near["total"] < both["total"]);
    std::set<std::string> n = ids(near), a = ids(both);
    CHECK(std::includes(a.begin(), a.end(), n.begin(), n.end()));
    CHECK(search("högsta NEAR domstolen")["hits"][0]["section"]["number"] == 6);
}

TEST_CASE("prefix* finds every word starting with the prefix", "[e2e]") {
    json j = search("domstol*");
    std::set<std::string> all = ids(j);
    // Every passage with a word starting with "domstol" (domstol, domstolen, domstolsbeslut).
    std::set<std::string> expected;
    const json every = search("fil:kazakstan");
    for (const json& h : every["hits"])
        if (has_word_starting(lower(h["text"]), "domstol")) expected.insert(h["id"]);
    REQUIRE(expected.size() >= 3);
    CHECK(all == expected);
    for (const json& h : j["hits"]) {
        CHECK(contains(lower(h["text"]), "domstol"));
        for (const std::string& w : highlighted(h)) CHECK(lower(w).rfind("domstol", 0) == 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Filters

TEST_CASE("avsnitt: and section: keep only the passages of a section", "[e2e]") {
    json sv = search("avsnitt:8");
    REQUIRE(sv["total"] >= 2);
    CHECK(sections(sv) == std::set<int>{8});
    CHECK(ids(search("section:8")) == ids(sv));
    for (const json& h : sv["hits"])
        CHECK(h["section"]["title"] ==
              "Yttrande-, press- och informationsfrihet, inklusive på internet");
    // Filter only: the passages in report order.
    int last = 0;
    for (const json& h : sv["hits"]) {
        CHECK(h["position"].get<int>() > last);
        last = h["position"];
    }
    json words = search("avsnitt:8 medier");
    REQUIRE(words["total"] >= 1);
    CHECK(sections(words) == std::set<int>{8});
    json range = search("avsnitt:3-5 tortyr");
    REQUIRE(range["total"] >= 1);
    for (int s : sections(range)) CHECK((s >= 3 && s <= 5));
    CHECK(range["total"] < search("tortyr")["total"]);
}

TEST_CASE("kapitel: and chapter: filter by a word of the heading or by number", "[e2e]") {
    json by_name = search("kapitel:ekonomiska");
    REQUIRE(by_name["total"] >= 1);
    for (const json& h : by_name["hits"])
        CHECK(h["chapter"] == "EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER");
    CHECK(ids(search("chapter:ekonomiska")) == ids(by_name));
    CHECK(ids(search("kapitel:EKONOMISKA")) == ids(by_name));

    json by_number = search("kapitel:2");
    REQUIRE(by_number["total"] >= 1);
    for (const json& h : by_number["hits"]) CHECK(h["chapter"] == kChapter2);
    CHECK(ids(search("chapter:2")) == ids(by_number));
    // Every passage of chapter 2 in the whole report, no more, no fewer.
    long in_chapter2 = 0;
    const json every = search("fil:kazakstan");
    for (const json& h : every["hits"])
        if (h["chapter"].get<std::string>() == kChapter2) ++in_chapter2;
    CHECK(by_number["total"] == in_chapter2);

    json narrowed = search("kapitel:ekonomiska pensioner");
    REQUIRE(narrowed["total"] >= 1);
    for (const json& h : narrowed["hits"])
        CHECK(h["chapter"] == "EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER");
}

TEST_CASE("sida: and page: filter by page, a range included", "[e2e]") {
    json range = search("sida:3-4");
    REQUIRE(range["total"] >= 2);
    std::set<int> first_pages;
    for (const json& h : range["hits"]) {
        int a = h["pages"][0], b = h["pages"][1];
        CHECK((a <= 4 && b >= 3));
        first_pages.insert(a);
    }
    CHECK(first_pages.count(3));
    CHECK(first_pages.count(4));
    std::set<std::string> p3 = ids(search("page:3")), p4 = ids(search("sida:4"));
    REQUIRE_FALSE(p3.empty());
    CHECK(plus(p3, p4) == ids(range));
    const json page3 = search("page:3");
    for (const json& h : page3["hits"]) CHECK((h["pages"][0] <= 3 && h["pages"][1] >= 3));
    json words = search("sida:4 domstol");
    REQUIRE(words["total"] >= 1);
    for (const json& h : words["hits"]) CHECK((h["pages"][0] <= 4 && h["pages"][1] >= 4));
}

TEST_CASE("fil: and file: filter by part of the file path", "[e2e]") {
    json all = search("fil:kazakstan");
    CHECK(all["total"] >= 60);
    for (const json& h : all["hits"]) CHECK(h["file"] == kSeed);
    CHECK(ids(search("file:manskliga-rattigheter")) == ids(all));
    CHECK(search("fil:kazakstan tortyr")["total"] == search("tortyr")["total"]);

    testing::Run none = searcher({"--json", "fil:finnsinte", "tortyr"});
    CHECK(none.status == 1);
    json j = json::parse(none.out);
    CHECK(j["total"] == 0);
    CHECK_THAT(j["notes"].dump(), Catch::Contains("finnsinte"));
}

TEST_CASE("filters of different kinds all apply", "[e2e]") {
    json j = search("kapitel:2 sida:4 avsnitt:6");
    REQUIRE(j["total"] >= 1);
    for (const json& h : j["hits"]) {
        CHECK(h["chapter"] == kChapter2);
        CHECK(h["section"]["number"] == 6);
        CHECK((h["pages"][0] <= 4 && h["pages"][1] >= 4));
    }
    CHECK(search("avsnitt:8 sida:10")["total"] == 0);
}

// ---------------------------------------------------------------------------------------------
// Ranking

TEST_CASE("the section that is about the query comes first", "[e2e]") {
    const std::vector<std::pair<std::string, int>> cases = {
        {"mediaföretag", 8},  {"\"Högsta domstolen\"", 6}, {"trossamfund", 10},
        {"Ruchaniat", 11},    {"pensioner", 15},           {"specialdomstolar", 17},
        {"statsspråket", 18}, {"avlyssning", 22},          {"kriminalvården", 23},
    };
    for (const auto& [query, section] : cases) {
        INFO("query: " << query);
        json j = search(query);
        REQUIRE_FALSE(j["hits"].empty());
        CHECK(j["hits"][0]["section"]["number"] == section);
        CHECK(j["hits"][0]["rank"] == 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Facets

TEST_CASE("JSON facets count the hits by chapter and by section", "[e2e]") {
    json j = search("rättigheter");
    REQUIRE(j["total"] >= 5);
    REQUIRE(j["hits"].size() == j["total"].get<size_t>());
    std::map<std::string, long> by_chapter;
    std::map<int, long> by_section;
    for (const json& h : j["hits"]) {
        if (!h["chapter"].get<std::string>().empty()) ++by_chapter[h["chapter"]];
        if (h["section"]["number"] != 0) ++by_section[h["section"]["number"]];
    }
    REQUIRE(j["facets"]["chapter"].size() >= 2);
    std::map<std::string, long> chapter_facet;
    for (const json& f : j["facets"]["chapter"]) {
        REQUIRE(f["value"].is_string());
        REQUIRE(f["count"].is_number_integer());
        chapter_facet[f["value"]] = f["count"];
    }
    CHECK(chapter_facet == by_chapter);
    std::map<int, long> section_facet;
    int last = 0;
    for (const json& f : j["facets"]["section"]) {
        REQUIRE(f["number"].is_number_integer());
        REQUIRE(f["title"].is_string());
        CHECK(f["number"].get<int>() > last);  // by section number
        last = f["number"];
        section_facet[f["number"]] = f["count"];
    }
    CHECK(section_facet == by_section);
}

TEST_CASE("facets count every match, not only the page of hits shown", "[e2e]") {
    json all = search("rättigheter");
    testing::Run r = searcher({"--json", "--limit", "1", "rättigheter"});
    json one = json::parse(r.out);
    CHECK(one["hits"].size() == 1);
    CHECK(one["facets"] == all["facets"]);
}

TEST_CASE("text output counts the hits by chapter and by section", "[e2e]") {
    testing::Run r = searcher({"--color=never", "kapitel:ekonomiska", "pensioner"});
    REQUIRE(r.status == 0);
    json j = search("kapitel:ekonomiska pensioner");
    CHECK_THAT(r.out, Catch::Contains("\nBy chapter:\n"));
    char line[200];
    std::snprintf(line, sizeof line, "  %4ld  EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER\n",
                  j["total"].get<long>());
    CHECK_THAT(r.out, Catch::Contains(line));
    CHECK_THAT(r.out, Catch::Contains("By section:\n"));
    CHECK_THAT(r.out, Catch::Contains("§15 "));
}

// ---------------------------------------------------------------------------------------------
// Snippets and highlighting

TEST_CASE("a snippet is whole sentences of the passage, gaps marked with …", "[e2e]") {
    for (std::string q : {"tortyr", "domstol", "mediaföretag", "pensioner", "val"}) {
        json j = search(q);
        REQUIRE_FALSE(j["hits"].empty());
        for (const json& h : j["hits"]) {
            INFO("query: " << q << ", passage " << h["id"]);
            std::string s = h["snippet"], text = h["text"];
            bool front = s.rfind("… ", 0) == 0;
            bool back = s.size() >= 4 && s.compare(s.size() - 4, 4, " …") == 0;
            std::string inner = s.substr(front ? 4 : 0);
            if (back) inner.resize(inner.size() - 4);
            CHECK(contains(text, inner));
            CHECK(front == (text.rfind(inner, 0) != 0));
            if (!back) CHECK(text.compare(text.size() - inner.size(), inner.size(), inner) == 0);
            // A passage with the query word (or a word of the same stem) shows a sentence
            // with it, highlighted.
            if (has_stem(text, q)) CHECK_FALSE(h["highlights"].empty());
        }
    }
}

TEST_CASE("highlights mark the stemmed forms of a query word", "[e2e]") {
    json j = search("domstol");
    std::set<std::string> words;
    for (const json& h : j["hits"])
        for (const std::string& w : highlighted(h)) {
            // The word itself, its inflections, or a compound holding it ("militärdomstol").
            CHECK(lower(w).find("domstol") != std::string::npos);
            words.insert(lower(w));
        }
    CHECK((words.count("domstolar") || words.count("domstolen") || words.count("domstolarna")));
}

// Compounds, inflections and synonyms reach the Highlighter too.
TEST_CASE("a passage found through an expansion has the matching word highlighted", "[e2e]") {
    json j = search("domstol");
    REQUIRE(j["total"] >= 1);
    for (const json& h : j["hits"]) {
        INFO("passage " << h["id"] << ": " << h["snippet"]);
        CHECK_FALSE(h["highlights"].empty());
    }
}

TEST_CASE("highlights mark the words of a phrase", "[e2e]") {
    json j = search("\"Högsta domstolen\"");
    REQUIRE(j["total"] >= 1);
    std::vector<std::string> words = highlighted(j["hits"][0]);
    CHECK(std::count(words.begin(), words.end(), "Högsta") >= 1);
    CHECK(std::count(words.begin(), words.end(), "domstolen") >= 1);
}

TEST_CASE("colour: --color=always puts ANSI bold around matches, never, piped and NO_COLOR do not",
          "[e2e]") {
    testing::Run always = searcher({"--color=always", "mediaföretag"});
    REQUIRE(always.status == 0);
    CHECK_THAT(always.out, Catch::Contains("\x1b[1mmediaföretag\x1b[0m"));

    testing::Run never = searcher({"--color=never", "mediaföretag"});
    testing::Run piped = searcher({"mediaföretag"});  // --color=auto, stdout is a pipe
    testing::Run no_color = searcher({"--color=auto", "mediaföretag"}, {"NO_COLOR=1"});
    for (const testing::Run* r : {&never, &piped, &no_color}) {
        CHECK(r->status == 0);
        CHECK_THAT(r->out, Catch::Contains("mediaföretag"));
        CHECK(r->out.find('\x1b') == std::string::npos);
    }
    CHECK(never.out == piped.out);
}

TEST_CASE("text output of a fixed query matches the golden file", "[e2e][golden]") {
    testing::Run r = searcher({"--color=never", "\"Kazakstans Folkliga Kommunistparti\""});
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    testing::check_golden("search_phrase.txt", r.out);
}

TEST_CASE("text output of a filter-only query matches the golden file", "[e2e][golden]") {
    testing::Run r = searcher({"--color=never", "avsnitt:8"});
    REQUIRE(r.status == 0);
    testing::check_golden("search_section_filter.txt", r.out);
}

// ---------------------------------------------------------------------------------------------
// The JSON contract

TEST_CASE("JSON output is one valid object with every field of the contract", "[e2e]") {
    testing::Run r = searcher({"--json", "tortyr"});
    REQUIRE(r.status == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    json j = json::parse(r.out);
    CHECK(j["query"] == "tortyr");
    REQUIRE(j.contains("corrected"));
    CHECK((j["corrected"].is_null() || j["corrected"].is_string()));
    REQUIRE(j["total"].is_number_integer());
    REQUIRE(j["hits"].is_array());
    REQUIRE_FALSE(j["hits"].empty());
    CHECK(j["total"].get<size_t>() >= j["hits"].size());
    int rank = 0;
    for (const json& h : j["hits"]) {
        INFO(h.dump());
        CHECK(h["rank"] == ++rank);
        CHECK(h["score"].is_number());
        CHECK(h["score"].get<double>() > 0);
        CHECK(h["id"].is_string());
        CHECK_FALSE(h["id"].get<std::string>().empty());
        CHECK(h["file"] == kSeed);
        REQUIRE(h["lines"].is_array());
        REQUIRE(h["lines"].size() == 2);
        CHECK(h["lines"][0].get<long>() >= 1);
        CHECK(h["lines"][0] <= h["lines"][1]);
        CHECK(h["page"].is_number_integer());
        CHECK(h["page"].get<int>() >= 1);
        CHECK(h["chapter"].is_string());
        REQUIRE(h["section"].is_object());
        CHECK(h["section"]["number"].is_number_integer());
        CHECK(h["section"]["title"].is_string());
        CHECK(h["snippet"].is_string());
        CHECK(h["text"].is_string());
        // The word is in the passage or in its section's title.
        CHECK(contains(lower(h["text"]) + " " + lower(h["section"]["title"]), "tortyr"));
    }
    REQUIRE(j["facets"].is_object());
    CHECK(j["facets"]["chapter"].is_array());
    CHECK(j["facets"]["section"].is_array());
}

TEST_CASE("JSON hits refer to the lines of the source file that hold the passage", "[e2e]") {
    const std::string source = testing::read_file(testing::seed_report_path());
    std::vector<std::string> lines = {""};
    for (char c : source) {
        if (c == '\n')
            lines.emplace_back();
        else
            lines.back() += c;
    }
    json j = search("\"Högsta domstolen\"");
    REQUIRE(j["total"] >= 1);
    const json& h = j["hits"][0];
    std::string span;
    for (long k = h["lines"][0]; k <= h["lines"][1].get<long>(); ++k) span += lines.at(k - 1) + " ";
    CHECK(contains(span, "Högsta domstolen"));
    CHECK(h["section"]["title"] == "Rättssäkerhet och rättsstatsprincipen");
    CHECK(h["chapter"] == kChapter2);
    // The cleaned text has no page artifacts or broken words.
    CHECK_FALSE(contains(h["text"], "  "));
    CHECK_FALSE(contains(h["text"], "\n"));
}

// ---------------------------------------------------------------------------------------------
// Exit statuses and bad input

TEST_CASE("exit status is 0 when found, 1 when nothing is found", "[e2e]") {
    CHECK(searcher({"tortyr"}).status == 0);
    testing::Run none = searcher({"xyzzyord"});
    CHECK(none.status == 1);
    CHECK_THAT(none.out, Catch::Contains("No passages match"));
    CHECK(searcher({"--json", "xyzzyord"}).status == 1);
}

TEST_CASE("a missing database is an error that names the path and how to create it", "[e2e]") {
    testing::TempDir dir;
    const std::string missing = dir.file("no-index-here");
    testing::Run r = testing::run({testing::searcher_bin(), "--db", missing, "tortyr"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("searcher: "));
    CHECK_THAT(r.err, Catch::Contains(missing));
    CHECK_THAT(r.err, Catch::Contains("indexer --db " + missing));
    // --json output is never corrupted by the error: stdout stays empty.
    testing::Run j = testing::run({testing::searcher_bin(), "--db", missing, "--json", "tortyr"});
    CHECK(j.status == 2);
    CHECK(j.out.empty());
}

TEST_CASE("a bad option or option value is an error with status 2", "[e2e]") {
    const std::vector<std::vector<std::string>> cases = {
        {"--bogus", "tortyr"},    {"--color=sometimes", "tortyr"}, {"--limit", "many", "tortyr"},
        {"--limit=-1", "tortyr"}, {"--offset=-5", "tortyr"},
    };
    for (const auto& args : cases) {
        INFO("args: " << args[0]);
        testing::Run r = searcher(args);
        CHECK(r.status == 2);
        CHECK_FALSE(r.err.empty());
        CHECK(r.out.find("passages match") == std::string::npos);
    }
}

TEST_CASE("an unparseable query is searched as plain words, with a note saying so", "[e2e]") {
    const std::vector<std::string> cases = {"\"tortyr fängelse", "(tortyr fängelse",
                                            "tortyr) fängelse", "tortyr AND", "OR tortyr"};
    for (const std::string& q : cases) {
        INFO("query: " << q);
        testing::Run text = searcher({"--color=never", "--", q});
        CHECK((text.status == 0 || text.status == 1));
        CHECK_THAT(text.out, Catch::Contains("note: ") && Catch::Contains("plain words"));

        testing::Run js = searcher({"--json", "--", q});
        CHECK(js.status == text.status);
        json j = json::parse(js.out);
        CHECK_THAT(j["notes"].dump(), Catch::Contains("plain words"));
        CHECK_THAT(js.err, Catch::Contains("plain words"));  // notes also go to stderr
    }
    // The words are still searched, the operators not (they are no words).
    CHECK(ids(search("\"tortyr fängelse")) == ids(search("tortyr fängelse")));
    CHECK(ids(search("tortyr AND")) == ids(search("tortyr")));
    testing::Run lone = searcher({"--", "AND"});
    CHECK(lone.status == 2);
    CHECK_THAT(lone.err, Catch::Contains("no word to search for besides operators"));
    CHECK(search("(tortyr")["total"] == search("tortyr")["total"]);
}

TEST_CASE("an empty query gets a clear message and status 2", "[e2e]") {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{}, {""}, {"   "}, {"--json", ""}}) {
        testing::Run r = searcher(args);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains("empty query"));
    }
}

TEST_CASE("a query of stopwords only gets a message saying so", "[e2e]") {
    for (std::string q : {"och att", "och"}) {
        INFO("query: " << q);
        testing::Run r = searcher({q});
        CHECK(r.status != 0);
        CHECK_THAT(r.err, Catch::Contains("stopword"));
    }
}

TEST_CASE("control characters in the query do not crash the searcher", "[e2e]") {
    const std::vector<std::string> cases = {
        "tortyr\x01",
        "\x1b[31mtortyr\x1b[0m",
        "tor\ttyr\r\nfängelse",
        "\x7f",
        "\x1b",
        "tortyr \xFF\xFE",
        "\xC2\x9B"
        "2J tortyr",
        "\"\x01\"",
    };
    for (const std::string& q : cases) {
        INFO("query bytes: " << json(q).dump(-1, ' ', true, json::error_handler_t::replace));
        testing::Run text = searcher({"--color=never", "--", q});
        CHECK(text.status <= 2);
        CHECK(text.out.find('\x1b') == std::string::npos);
        testing::Run js = searcher({"--json", "--", q});
        CHECK(js.status <= 2);
        if (js.status != 2) CHECK_NOTHROW(json::parse(js.out));
    }
    // A control character separates words like a space.
    CHECK(ids(search("tortyr\x01"
                     "fängelse")) == ids(search("tortyr fängelse")));
}

TEST_CASE("paging: --limit and --offset page through the ranked hits", "[e2e]") {
    json all = search("rättigheter");
    REQUIRE(all["hits"].size() >= 5);
    testing::Run first = searcher({"--json", "--limit", "2", "rättigheter"});
    testing::Run second = searcher({"--json", "-n", "2", "--offset", "2", "rättigheter"});
    json a = json::parse(first.out), b = json::parse(second.out);
    REQUIRE(a["hits"].size() == 2);
    REQUIRE(b["hits"].size() == 2);
    CHECK(a["total"] == all["total"]);
    CHECK(b["total"] == all["total"]);
    for (size_t k = 0; k < 2; ++k) {
        CHECK(a["hits"][k]["id"] == all["hits"][k]["id"]);
        CHECK(a["hits"][k]["rank"] == k + 1);
        CHECK(b["hits"][k]["id"] == all["hits"][k + 2]["id"]);
        CHECK(b["hits"][k]["rank"] == k + 3);
    }
    testing::Run text = searcher({"--color=never", "-n", "2", "--offset", "2", "rättigheter"});
    CHECK_THAT(text.out, Catch::Contains("showing 3–4."));
    CHECK_THAT(text.out, Catch::Contains("\n3. ") && Catch::Contains("\n4. "));
    CHECK_FALSE(contains(text.out, "\n1. "));

    testing::Run past = searcher({"--json", "--offset", "100000", "rättigheter"});
    json p = json::parse(past.out);
    CHECK(p["hits"].empty());
    CHECK(p["total"] == all["total"]);
    testing::Run none = searcher({"--json", "--limit", "0", "rättigheter"});
    CHECK(json::parse(none.out)["hits"].empty());
}

TEST_CASE(
    "past 500 matches the facet counts are estimates, marked as such, that add up to "
    "about the total",
    "[e2e]") {
    // Two chapters of one section each, 700 passages in all that have "vanlig"; the first ten
    // also have the rare "sällsynt", so the matcher can stop once those ten are ranked.
    testing::TempDir dir;
    std::string text = "# Del ett\n\n## 1. Början\n\n";
    auto passage = [](int n, bool rare) {
        return std::string("Stycke ") + std::to_string(n) + (rare ? " sällsynt" : "") +
               " om en vanlig sak.\n\n";
    };
    for (int n = 1; n <= 400; ++n) text += passage(n, n <= 10);
    text += "# Del två\n\n## 2. Slutet\n\n";
    for (int n = 401; n <= 700; ++n) text += passage(n, false);
    dir.write("stor.md", text);
    auto idx =
        testing::run({testing::indexer_bin(), "-q", "--db", dir.file("db"), "stor.md"}, dir.path());
    REQUIRE(idx.status == 0);
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {testing::searcher_bin(), "--db", dir.file("db")});
        return testing::run(args, dir.path());
    };

    auto r = run({"--json", "sällsynt", "vanlig"});
    REQUIRE(r.status == 0);
    json j = json::parse(r.out);
    const long total = j["total"];
    CHECK(total >= 500);
    CHECK(total <= 700);
    CHECK(j["facets_exact"] == false);
    // The ten passages with both words come first, whatever the matcher skipped.
    REQUIRE(j["hits"].size() == 10);
    for (const json& h : j["hits"])
        CHECK_THAT(h["text"].get<std::string>(), Catch::Contains("sällsynt"));
    long sum = 0;
    for (const json& f : j["facets"]["section"]) {
        CHECK(f["count"].get<long>() >= 1);
        CHECK(f["count"].get<long>() <= total);
        sum += f["count"].get<long>();
    }
    CHECK(sum >= total - 2);
    CHECK(sum <= total + 2);
    sum = 0;
    for (const json& f : j["facets"]["chapter"]) sum += f["count"].get<long>();
    CHECK(sum >= total - 2);
    CHECK(sum <= total + 2);

    auto t = run({"--color=never", "sällsynt", "vanlig"});
    CHECK_THAT(t.out, Catch::Contains("By chapter (estimated):\n ~"));
    CHECK_THAT(t.out, Catch::Contains("By section (estimated):\n ~"));

    // Under 500 matches, the counts are exact and say so.
    json few = json::parse(run({"--json", "sällsynt"}).out);
    CHECK(few["facets_exact"] == true);
    CHECK(few["total"] == 10);
    REQUIRE(few["facets"]["section"].size() == 1);
    CHECK(few["facets"]["section"][0]["count"] == 10);
}
