// Compounds shortened with a hyphen ("Yttrande- och tryckfrihet") completed at index time: which
// are found, and the terms and positions they get.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/compound.h"
#include "indexer/shortened.h"
#include "indexer/write.h"
#include "tests/support.h"

using namespace rapportsok;
using testing::has_term;

namespace {

// A decompounder that knows the words these tests need, beside the compiled-in list.
Decompounder lexicon(const Analyzer&) {
    Decompounder d;
    for (const char* w : {"frihet", "tryck", "politik", "säkerhet", "registrering", "kunnighet",
                          "skriv", "förening", "församling", "information", "odling", "tobak"})
        d.add_word(w);
    return d;
}

// The completed compounds of a text, in order.
std::vector<std::string> completed(const std::string& text, const Decompounder& d) {
    std::vector<std::string> out;
    for (const ShortenedCompounds& s : find_shortened_compounds(text, d))
        for (const auto& c : s.completed) out.push_back(c.second);
    return out;
}

std::vector<Xapian::termpos> positions_of(const Xapian::Document& doc, const std::string& term) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    REQUIRE(it != doc.termlist_end());
    REQUIRE(*it == term);
    return std::vector<Xapian::termpos>(it.positionlist_begin(), it.positionlist_end());
}

}  // namespace

TEST_CASE(
    "a compound shortened with a hyphen before a conjunction is completed from the word "
    "after it",
    "[unit][shortened]") {
    Analyzer a;
    Decompounder d = lexicon(a);
    using Words = std::vector<std::string>;
    const std::vector<std::pair<std::string, Words>> cases = {
        {"Yttrande- och tryckfrihet föreskrivs", {"yttrandefrihet"}},
        {"Förenings- och församlingsfrihet föreskrivs", {"föreningsfrihet"}},
        {"Yttrande-, press- och informationsfrihet", {"yttrandefrihet", "pressfrihet"}},
        {"på inrikes-, utrikes- och säkerhetspolitiken", {"inrikespolitiken", "utrikespolitiken"}},
        {"ny- eller omregistrering av", {"nyregistrering"}},
        {"Läs- och skrivkunnigheten ligger", {"läskunnigheten"}},
        {"främst bomulls- och tobaksodlingarna", {"bomullsodlingarna"}},
        {"såväl hälso- som säkerhetsfrihet", {"hälsofrihet"}},
        // Not shortened compounds: a hyphen inside a word, at a line's end joined, numbers, no
        // conjunction, nothing after it.
        {"partiet Nur-Otan och frihet", {}},
        {"2000- och 2010-talets frihet", {}},
        {"Yttrande- tryckfrihet", {}},
        {"Yttrande- och", {}},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(completed(a.prepare(text), d) == expected);
    }
}

TEST_CASE("a completed compound is indexed where the shortened word stands, and stemmed",
          "[unit][shortened]") {
    Analyzer a;
    Decompounder d = lexicon(a);
    Passage p;
    p.id = "0123456789abcdef";
    p.file = "corpus/rapport.txt";
    p.section_number = 9;
    p.section_title = "Mötes- och föreningsfrihet";
    p.text = "Här gäller yttrande- och tryckfrihet, enligt lagen.";
    Xapian::TermGenerator tg;
    a.configure(tg);
    Xapian::Document doc = make_document(p, a, tg, &d);
    // "här" 1, "gäller" 2, "yttrande" 3, "och" 4, "tryckfrihet" 5.
    CHECK(positions_of(doc, "yttrandefrihet") == std::vector<Xapian::termpos>{3});
    CHECK(positions_of(doc, "yttrande") == std::vector<Xapian::termpos>{3});
    CHECK(positions_of(doc, "tryckfrihet") == std::vector<Xapian::termpos>{5});
    CHECK(has_term(doc, "Z" + a.stem("yttrandefrihet")));
    // Its compound parts, as for a compound written whole.
    CHECK(has_term(doc, "XW" + a.stem("frihet")));
    // In the section title, without positions.
    CHECK(has_term(doc, "Smötesfrihet"));
    CHECK(has_term(doc, "ZS" + a.stem("mötesfrihet")));
    // Without a decompounder nothing is completed.
    Xapian::TermGenerator tg2;
    a.configure(tg2);
    CHECK_FALSE(has_term(make_document(p, a, tg2), "yttrandefrihet"));
}

TEST_CASE(
    "a search for a whole compound finds the text that shortens it, and the phrase as "
    "written still matches",
    "[e2e][shortened]") {
    auto search = [](const std::string& q) {
        testing::Run r = testing::run({testing::searcher_bin(), "--db", testing::seed_db(),
                                       "--json", "--limit", "100", "--", q},
                                      testing::source_dir());
        REQUIRE(r.status == 0);
        return nlohmann::json::parse(r.out);
    };
    auto has = [](const nlohmann::json& j, const std::string& text, int section) {
        for (const auto& h : j["hits"])
            if (h["section"]["number"] == section &&
                h["text"].get<std::string>().find(text) != std::string::npos)
                return true;
        return false;
    };
    CHECK(has(search("yttrandefrihet"), "Yttrande- och tryckfrihet", 8));
    CHECK(has(search("mötesfrihet"), "Förenings- och församlingsfrihet", 9));
    CHECK(has(search("föreningsfrihet"), "Förenings- och församlingsfrihet", 9));
    CHECK(has(search("\"Yttrande- och tryckfrihet\""), "Yttrande- och tryckfrihet", 8));
    CHECK(has(search("\"yttrandefrihet och tryckfrihet\""), "Yttrande- och tryckfrihet", 8));
    CHECK(has(search("inrikespolitiken"), "inrikes-, utrikes- och säkerhetspolitiken", 11));
}
