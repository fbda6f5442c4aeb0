// The printers on hand-made results: text output against golden files (plain and coloured),
// terminal safety, JSON escaping, and when colour is used.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "searcher/pipeline.h"
#include "searcher/print_json.h"
#include "searcher/print_text.h"
#include "tests/golden.h"

using nlohmann::json;
using rapportsok::Hit;
using rapportsok::SearchResult;

namespace {

const std::string kFile = "corpus/manskliga-rattigheter-kazakstan-2011.txt";

Hit make_hit(int rank, double score, long line, int page, int last_page, int section,
             const std::string& title, const std::string& chapter, const std::string& text,
             const std::string& snippet, std::vector<std::pair<size_t, size_t>> highlights) {
    Hit h;
    h.rank = rank;
    h.score = score;
    h.passage.id = "id" + std::to_string(rank);
    h.passage.file = kFile;
    h.passage.first_line = line;
    h.passage.last_line = line + 4;
    h.passage.page = page;
    h.passage.last_page = last_page;
    h.passage.section_number = section;
    if (section) h.passage.section_label = std::to_string(section);
    h.passage.section_title = title;
    h.passage.chapter = chapter;
    h.passage.position = rank * 10;
    h.passage.text = text;
    h.snippet.text = snippet;
    h.snippet.highlights = std::move(highlights);
    return h;
}

// Three hits that between them take every branch of the text printer: a hit inside a
// section, one running over a page break with a cut snippet, one before any section.
SearchResult sample_result() {
    SearchResult r;
    r.query = "domstol kapitel:2";
    r.total = 3;
    const std::string chapter = "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER";
    const std::string t1 = "Det finns lokala och regionala domstolar samt en Högsta domstol.";
    r.hits.push_back(make_hit(1, 6.59, 272, 4, 4, 6, "Rättssäkerhet och rättsstatsprincipen",
                              chapter, t1, t1, {{31, 40}, {57, 64}}));
    const std::string s2 = "… Godtyckliga frihetsberövanden kräver beslut av domstol. …";
    r.hits.push_back(make_hit(2, 5.3, 250, 4, 5, 5, "Rätten till frihet och personlig säkerhet",
                              chapter, "Godtyckliga frihetsberövanden kräver beslut av domstol.",
                              s2, {{53, 60}}));
    const std::string t3 = "Domstolen i inledningen.";
    r.hits.push_back(make_hit(3, 1.0, 12, 1, 1, 0, "", "", t3, t3, {{0, 9}}));
    r.chapters = {{chapter, 0, 2, ""}};
    r.sections = {{"Rätten till frihet och personlig säkerhet", 5, 1, "5"},
                  {"Rättssäkerhet och rättsstatsprincipen", 6, 1, "6"}};
    return r;
}

std::string text_of(const SearchResult& r, bool color) {
    std::ostringstream out;
    rapportsok::print_text(r, out, color);
    return out.str();
}

std::string json_of(const SearchResult& r) {
    std::ostringstream out;
    rapportsok::print_json(r, out);
    return out.str();
}

// Sets or clears an environment variable for one scope.
class EnvVar {
  public:
    EnvVar(const char* name, const char* value) : name_(name) {
        const char* old = std::getenv(name);
        had_ = old != nullptr;
        if (had_) old_ = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~EnvVar() {
        if (had_)
            ::setenv(name_, old_.c_str(), 1);
        else
            ::unsetenv(name_);
    }
    EnvVar(const EnvVar&) = delete;
    EnvVar& operator=(const EnvVar&) = delete;

  private:
    const char* name_;
    bool had_ = false;
    std::string old_;
};

}  // namespace

TEST_CASE("print_text prints hits, references, snippets and facets as in the golden file",
          "[unit][golden]") {
    testing::check_golden("print_text_plain.txt", text_of(sample_result(), false));
}

TEST_CASE("print_text with colour puts ANSI bold around matched words, as in the golden file",
          "[unit][golden]") {
    const std::string out = text_of(sample_result(), true);
    CHECK_THAT(out, Catch::Contains("\x1b[1mdomstolar\x1b[0m"));
    CHECK_THAT(out, Catch::Contains("\x1b[1mDomstolen\x1b[0m"));
    testing::check_golden("print_text_color.txt", out);
}

TEST_CASE("print_text without colour writes no escape sequences", "[unit]") {
    CHECK(text_of(sample_result(), false).find('\x1b') == std::string::npos);
}

TEST_CASE("print_text prints notes, a correction and an empty result", "[unit][golden]") {
    SearchResult r;
    r.query = "\"tortyr";
    r.corrected = "tortyr";
    r.notes = {
        "the query could not be read as written (unbalanced quote); searched as plain words"};
    testing::check_golden("print_text_empty.txt", text_of(r, false));
}

TEST_CASE("print_text says when an offset is past the last hit", "[unit]") {
    SearchResult r;
    r.query = "tortyr";
    r.total = 3;
    r.offset = 10;
    CHECK(text_of(r, false) == "3 passages match: tortyr; none at offset 10.\n");
}

TEST_CASE("terminal_safe replaces control characters and invalid UTF-8 with U+FFFD", "[unit]") {
    const std::string r = "\xEF\xBF\xBD";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"vanlig text, åäö", "vanlig text, åäö"},
        {"a\x1b[31mröd\x1b[0m", "a" + r + "[31mröd" + r + "[0m"},
        {"rad\nny\trad\r", "rad" + r + "ny" + r + "rad" + r},
        {"bell\x07", "bell" + r},
        {"c1 \xC2\x9B"
         "31m",
         "c1 " + r + "31m"},                              // U+009B, the one-byte CSI
        {"bidi \xE2\x80\xAEtxet", "bidi " + r + "txet"},  // U+202E right-to-left override
        {"bad \xFF byte", "bad " + r + " byte"},
        {"cut \xC3", "cut " + r},
    };
    for (const auto& [in, expected] : cases) {
        INFO("input: " << in);
        CHECK(rapportsok::terminal_safe(in) == expected);
    }
}

TEST_CASE("print_text never lets an escape sequence from the index reach the terminal", "[unit]") {
    SearchResult r = sample_result();
    const std::string evil = "\x1b]0;owned\x07\x1b[2J";
    Hit& h = r.hits[0];
    h.passage.file = "corpus/" + evil + ".txt";
    h.passage.section_title = "titel " + evil;
    h.passage.chapter = "KAPITEL " + evil;
    h.snippet.text = "text " + evil + " domstol";
    h.snippet.highlights = {{h.snippet.text.size() - 7, h.snippet.text.size()}};
    r.chapters[0].value += evil;
    r.sections[0].value += evil;
    r.notes = {"note " + evil};
    r.query = "domstol " + evil;
    CHECK(text_of(r, false).find('\x1b') == std::string::npos);
    // With colour, the only escapes are the printer's own styles.
    std::string coloured = text_of(r, true);
    for (const char* own : {"\x1b[1m", "\x1b[36m", "\x1b[0m"}) {
        size_t at;
        while ((at = coloured.find(own)) != std::string::npos) coloured.erase(at, std::strlen(own));
    }
    CHECK(coloured.find('\x1b') == std::string::npos);
    CHECK(coloured.find('\x07') == std::string::npos);
}

TEST_CASE("print_json writes one line of valid JSON with every field of the contract", "[unit]") {
    const std::string out = json_of(sample_result());
    REQUIRE(out.back() == '\n');
    CHECK(out.find('\n') == out.size() - 1);
    json j = json::parse(out);
    CHECK(j["query"] == "domstol kapitel:2");
    CHECK(j["corrected"].is_null());
    CHECK(j["total"] == 3);
    REQUIRE(j["hits"].size() == 3);
    const json& h = j["hits"][1];
    CHECK(h["rank"] == 2);
    CHECK(h["score"].get<double>() == Approx(5.3));
    CHECK(h["id"] == "id2");
    CHECK(h["file"] == kFile);
    CHECK(h["lines"] == json::array({250, 254}));
    CHECK(h["page"] == 4);
    CHECK(h["pages"] == json::array({4, 5}));
    CHECK(h["chapter"] == "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER");
    CHECK(h["section"] == json({{"number", 5},
                                {"label", "5"},
                                {"title", "Rätten till frihet och personlig säkerhet"},
                                {"parents", json::array()}}));
    CHECK(h["position"] == 20);
    CHECK(h["snippet"] == "… Godtyckliga frihetsberövanden kräver beslut av domstol. …");
    CHECK(h["highlights"] == json::array({json::array({53, 60})}));
    CHECK(h["text"] == "Godtyckliga frihetsberövanden kräver beslut av domstol.");
    // Highlights are byte offsets into the snippet's UTF-8.
    const std::string snippet = h["snippet"];
    CHECK(snippet.substr(53, 7) == "domstol");
    CHECK(j["facets"]["chapter"] ==
          json::array({{{"value", "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER"}, {"count", 2}}}));
    CHECK(j["facets"]["section"][0]["number"] == 5);
    CHECK(j["facets"]["section"][0]["title"] == "Rätten till frihet och personlig säkerhet");
    CHECK(j["facets"]["section"][0]["count"] == 1);
    CHECK(j["notes"] == json::array());
}

TEST_CASE("print_json writes a correction and notes", "[unit]") {
    SearchResult r;
    r.query = "tortir";
    r.corrected = "tortyr";
    r.notes = {"a note"};
    json j = json::parse(json_of(r));
    CHECK(j["corrected"] == "tortyr");
    CHECK(j["notes"] == json::array({"a note"}));
    CHECK(j["hits"] == json::array());
    CHECK(j["total"] == 0);
}

TEST_CASE("print_json escapes quotes, backslashes and control characters", "[unit]") {
    SearchResult r = sample_result();
    const std::string nasty = "citat \"här\", bak\\snedstreck, ny\nrad, tab\t, esc\x1b, nul" +
                              std::string(1, '\0') + ", \x01";
    r.query = nasty;
    r.hits[0].passage.text = nasty;
    r.hits[0].passage.section_title = nasty;
    r.chapters[0].value = nasty;
    const std::string out = json_of(r);
    CHECK_THAT(out, Catch::Contains("citat \\\"här\\\""));
    CHECK_THAT(out, Catch::Contains("bak\\\\snedstreck"));
    CHECK_THAT(out, Catch::Contains("ny\\nrad"));
    CHECK_THAT(out, Catch::Contains("\\u001b"));
    CHECK_THAT(out, Catch::Contains("\\u0000"));
    for (char c : out.substr(0, out.size() - 1))
        CHECK_FALSE((static_cast<unsigned char>(c) < 0x20));
    json j = json::parse(out);
    CHECK(j["query"] == nasty);
    CHECK(j["hits"][0]["text"] == nasty);
    CHECK(j["hits"][0]["section"]["title"] == nasty);
    CHECK(j["facets"]["chapter"][0]["value"] == nasty);
}

TEST_CASE("print_json replaces invalid UTF-8 instead of failing", "[unit]") {
    SearchResult r = sample_result();
    r.hits[0].passage.text = "trasig \xFF byte";
    json j = json::parse(json_of(r));
    CHECK(j["hits"][0]["text"] == "trasig \xEF\xBF\xBD byte");
}

TEST_CASE("colour: --color always and never win, auto follows NO_COLOR, then the terminal",
          "[unit]") {
    using rapportsok::Color;
    using rapportsok::use_color;
    {
        EnvVar unset("NO_COLOR", nullptr);
        CHECK(use_color(Color::kAuto, true));
        CHECK_FALSE(use_color(Color::kAuto, false));
        CHECK(use_color(Color::kAlways, false));
        CHECK_FALSE(use_color(Color::kNever, true));
    }
    {
        EnvVar set("NO_COLOR", "1");
        CHECK_FALSE(use_color(Color::kAuto, true));
        CHECK(use_color(Color::kAlways, true));
        CHECK_FALSE(use_color(Color::kNever, true));
    }
    {
        EnvVar empty("NO_COLOR", "");  // no-color.org: an empty value does not count
        CHECK(use_color(Color::kAuto, true));
    }
}

TEST_CASE("print_text marks estimated facet counts, and exact ones as before", "[unit]") {
    SearchResult r = sample_result();
    const std::string exact = text_of(r, false);
    CHECK_THAT(exact, Catch::Contains("\nBy chapter:\n"));
    CHECK_THAT(exact, Catch::Contains("By section:\n"));
    r.total_exact = false;
    r.facets_exact = false;
    const std::string estimated = text_of(r, false);
    CHECK_THAT(estimated, Catch::Contains("\nBy chapter (estimated):\n ~   2  "));
    CHECK_THAT(estimated, Catch::Contains("By section (estimated):\n ~   1  §5 "));
    CHECK_THAT(estimated, Catch::Contains("About "));
}

TEST_CASE("print_json says whether the facet counts are exact", "[unit]") {
    SearchResult r = sample_result();
    CHECK(json::parse(json_of(r))["facets_exact"] == true);
    r.facets_exact = false;
    CHECK(json::parse(json_of(r))["facets_exact"] == false);
}
