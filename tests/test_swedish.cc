// Swedish query expansion end to end on the seed report: words typed without å/ä/ö, parts of
// compounds, misspellings, synonyms and acronyms, English words; and that --exact and the
// --no-* switches turn each off. Plus unit tests of the index-time pieces (compound splitting,
// acronyms). Ranking tests assert robust facts (which passage comes first), never scores.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "indexer/acronyms.h"
#include "indexer/common/analysis.h"
#include "indexer/compound.h"
#include "indexer/write.h"
#include "tests/expansions.h"
#include "tests/support.h"

using nlohmann::json;
using testing::expansion_has;
using testing::has_expansion;

namespace {

testing::Run searcher(std::vector<std::string> args) {
    args.insert(args.begin(), {testing::searcher_bin(), "--db", testing::seed_db()});
    return testing::run(args, testing::source_dir());
}

// Every hit (up to 1000) of a query as JSON, with options before the query.
json search(const std::string& query, std::vector<std::string> options = {}) {
    options.insert(options.end(), {"--json", "--limit", "1000", "--", query});
    testing::Run r = searcher(options);
    INFO("query: " << query << "\nstderr: " << r.err);
    REQUIRE((r.status == 0 || r.status == 1));
    json j = json::parse(r.out);
    REQUIRE(r.status == (j["total"].get<long>() > 0 ? 0 : 1));
    return j;
}

// The exit status of a query (0 found, 1 nothing found).
int status(const std::string& query, std::vector<std::string> options = {}) {
    options.insert(options.end(), {"--", query});
    return searcher(options).status;
}

std::string text_of(const json& hit) { return hit["text"].get<std::string>(); }
int section_of(const json& hit) { return hit["section"]["number"].get<int>(); }

// Rank (1-based) of the first hit whose text contains s, 0 when none does.
int rank_of_text(const json& j, const std::string& s) {
    for (const json& h : j["hits"])
        if (text_of(h).find(s) != std::string::npos) return h["rank"].get<int>();
    return 0;
}

bool finds_in_section(const json& j, const std::string& s, int section) {
    for (const json& h : j["hits"])
        if (section_of(h) == section && text_of(h).find(s) != std::string::npos) return true;
    return false;
}

// The words of a text (runs of bytes that are not ASCII punctuation or space), lowercased
// for ASCII and ÅÄÖ.
std::vector<std::string> words_of(std::string s) {
    for (const auto& [up, low] : std::vector<std::pair<std::string, std::string>>{
             {"Å", "å"}, {"Ä", "ä"}, {"Ö", "ö"}, {"É", "é"}}) {
        size_t at;
        while ((at = s.find(up)) != std::string::npos) s.replace(at, up.size(), low);
    }
    std::vector<std::string> out;
    std::string w;
    for (char ch : s) {
        unsigned char c = static_cast<unsigned char>(ch);
        bool letter =
            c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (letter) {
            w += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
        } else if (!w.empty()) {
            out.push_back(w);
            w.clear();
        }
    }
    if (!w.empty()) out.push_back(w);
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Diacritics

TEST_CASE("a query typed without å/ä/ö finds the words with them: hogsta domstolen",
          "[e2e][diacritics]") {
    json j = search("hogsta domstolen");
    REQUIRE(!j["hits"].empty());
    CHECK(section_of(j["hits"][0]) == 6);
    CHECK(text_of(j["hits"][0]).find("Högsta domstolen") != std::string::npos);
    CHECK(has_expansion(j, "diacritics", "hogsta"));
    CHECK(expansion_has(j, "diacritics", "högsta"));
}

TEST_CASE("a query typed without å/ä/ö finds the words with them: atervanda, overklagas",
          "[e2e][diacritics]") {
    json a = search("atervanda");
    CHECK(finds_in_section(a, "återvända", 5));
    CHECK(has_expansion(a, "diacritics", "atervanda"));
    CHECK(expansion_has(a, "diacritics", "återvända"));

    json o = search("overklagas");
    CHECK(finds_in_section(o, "överklagas", 6));
    CHECK(has_expansion(o, "diacritics", "overklagas"));
    CHECK(expansion_has(o, "diacritics", "överklagas"));
}

TEST_CASE("a word typed with å/ä/ö is meant as typed: no diacritics expansion",
          "[e2e][diacritics]") {
    json j = search("får");
    REQUIRE(!j["hits"].empty());
    CHECK_FALSE(has_expansion(j, "diacritics"));
    for (const json& h : j["hits"]) {
        INFO(text_of(h));
        auto ws = words_of(text_of(h));
        CHECK(std::none_of(ws.begin(), ws.end(), [](const std::string& w) { return w == "far"; }));
    }
    // Mixed: only the word without accents is folded.
    json m = search("högsta overklagas");
    CHECK_FALSE(has_expansion(m, "diacritics", "högsta"));
    CHECK(has_expansion(m, "diacritics", "overklagas"));
}

TEST_CASE("a, o, e stay as typed with --no-diacritics (and --no-spelling) and --exact",
          "[e2e][diacritics]") {
    CHECK(status("overklagas", {"--no-diacritics", "--no-spelling"}) == 1);
    CHECK(status("atervanda", {"--no-diacritics", "--no-spelling"}) == 1);
    CHECK(status("hogsta", {"--exact"}) == 1);
    // Spelling correction is still on: it, not the diacritics expansion, finds "överklagas".
    json j = search("overklagas", {"--no-diacritics"});
    CHECK_FALSE(has_expansion(j, "diacritics"));
    CHECK((j["corrected"] == "överklagas" || expansion_has(j, "spelling", "överklagas")));
}

// ---------------------------------------------------------------------------------------------
// Compounds

TEST_CASE("a word finds the compounds it is a part of: budget", "[e2e][compounds]") {
    json j = search("budget");
    CHECK(finds_in_section(j, "statsbudgeten", 13));
    CHECK(finds_in_section(j, "budgetresurser", 15));
    CHECK(has_expansion(j, "compound", "budget"));
}

TEST_CASE("a word finds the compounds it is a part of: domstol, språk, statsbudget",
          "[e2e][compounds]") {
    json d = search("domstol");
    CHECK(rank_of_text(d, "militärdomstol") > 0);
    CHECK(rank_of_text(d, "specialdomstolar") > 0);
    CHECK(rank_of_text(d, "konstitutionsdomstolen") > 0);
    CHECK(has_expansion(d, "compound", "domstol"));

    json s = search("språk");
    CHECK(finds_in_section(s, "statsspråket", 18));
    CHECK(has_expansion(s, "compound", "språk"));

    json sb = search("statsbudget");
    CHECK(finds_in_section(sb, "statsbudgetens", 14));
    CHECK(finds_in_section(sb, "statsbudgeten", 13));
}

TEST_CASE("a passage with the word itself ranks above one with it only as a compound part",
          "[e2e][compounds]") {
    // "domstol" stands alone in §5 and §6; "militärdomstol", "specialdomstolar" (§17) and
    // "konstitutionsdomstolen" only have it as a part.
    json j = search("domstol");
    REQUIRE(!j["hits"].empty());
    const std::set<std::string> word = {"domstol",   "domstolen",   "domstolens",
                                        "domstolar", "domstolarna", "domstolarnas"};
    int last_word = 0, first_part_only = 0;
    for (const json& h : j["hits"]) {
        auto ws = words_of(text_of(h));
        bool itself = std::any_of(ws.begin(), ws.end(),
                                  [&](const std::string& w) { return word.count(w) != 0; });
        int rank = h["rank"].get<int>();
        if (itself)
            last_word = rank;
        else if (first_part_only == 0)
            first_part_only = rank;
    }
    INFO("last passage with the word: " << last_word << ", first with it only in a compound: "
                                        << first_part_only);
    auto first = words_of(text_of(j["hits"][0]));
    CHECK(std::any_of(first.begin(), first.end(),
                      [&](const std::string& w) { return word.count(w) != 0; }));
    REQUIRE(first_part_only > 0);
    CHECK(last_word < first_part_only);
}

TEST_CASE("with --no-compounds and --exact a word no longer finds its compounds",
          "[e2e][compounds]") {
    CHECK(status("budget", {"--exact"}) == 1);
    json j = search("budget", {"--no-compounds", "--no-spelling", "--no-english"});
    CHECK(j["total"] == 0);
    json d = search("domstol", {"--no-compounds"});
    CHECK(rank_of_text(d, "specialdomstolar") == 0);
    CHECK_FALSE(has_expansion(d, "compound"));
}

TEST_CASE("a phrase stays exact: \"budget\" quoted does not find statsbudgeten",
          "[e2e][compounds]") {
    json j = search("\"budget\"");
    CHECK(rank_of_text(j, "statsbudgeten") == 0);
    CHECK(rank_of_text(j, "budgetresurser") == 0);
    CHECK_FALSE(has_expansion(j, "compound"));
    json p = search("\"budget för\"");
    CHECK(rank_of_text(p, "statsbudgeten") == 0);
}

TEST_CASE("lowercase_words leaves out capitalised words, so names are never split", "[unit]") {
    CHECK(rapportsok::lowercase_words("Kazakstans statsbudget") ==
          std::vector<std::string>{"statsbudget"});
    CHECK(rapportsok::lowercase_words("President Nazarbajev och Högsta domstolen") ==
          std::vector<std::string>{"och", "domstolen"});
}

TEST_CASE("Decompounder splits compounds and leaves other words whole", "[unit]") {
    rapportsok::Decompounder d;  // the compiled-in word list (indexer/compound_words.txt)
    CHECK(d.split("presidenten").empty());
    CHECK(d.split("budget").empty());
    CHECK(d.split("statsbudgeten") == std::vector<std::string>{"stat", "budgeten"});
    CHECK(d.split("statsspråket") == std::vector<std::string>{"stat", "språket"});
}

// ---------------------------------------------------------------------------------------------
// Spelling

TEST_CASE("a misspelt word is corrected and the corrected query searched", "[e2e][spelling]") {
    // Searched beside the typed word ("Did you mean", a rare word near a frequent one), or
    // instead of it when the query finds nothing ("Showing results for").
    for (const char* q : {"demokratisring", "diskriminring", "Nasarbajev", "Tajikistan"}) {
        INFO("query: " << q);
        json j = search(q);
        CHECK(j["total"].get<long>() > 0);
        CHECK((!j["corrected"].is_null() || has_expansion(j, "spelling")));
        CHECK(j["query"] == q);
        testing::Run t = searcher({"--color", "never", "--", q});
        CHECK(t.status == 0);
        CHECK((t.out.find("Showing results for") != std::string::npos ||
               t.out.find("Did you mean") != std::string::npos));
    }
    json n = search("Nasarbajev");
    CHECK(expansion_has(n, "spelling", "Nazarbajev"));
    CHECK(rank_of_text(n, "Nazarbajev") == 1);
    json t = search("Tajikistan");
    CHECK(rank_of_text(t, "Tadzjikistan") > 0);
}

TEST_CASE("a correctly spelt word is not corrected", "[e2e][spelling]") {
    json j = search("Nazarbajev");
    CHECK(j["corrected"].is_null());
    testing::Run t = searcher({"--color", "never", "--", "Nazarbajev"});
    CHECK(t.out.find("Showing results for") == std::string::npos);
    CHECK(search("diskriminering")["corrected"].is_null());
}

TEST_CASE("with --no-spelling and --exact a misspelt word finds nothing", "[e2e][spelling]") {
    CHECK(status("Nasarbajev", {"--no-spelling"}) == 1);
    CHECK(status("Nasarbajev", {"--exact"}) == 1);
    json j = search("Nasarbajev", {"--no-spelling"});
    CHECK(j["corrected"].is_null());
}

// ---------------------------------------------------------------------------------------------
// Synonyms and acronyms

TEST_CASE("an acronym the report defines finds its definition both ways: RSF", "[e2e][synonyms]") {
    json a = search("RSF");
    CHECK(finds_in_section(a, "(RSF)", 8));
    CHECK(has_expansion(a, "synonym", "rsf"));
    json b = search("reportrar utan gränser");
    REQUIRE(!b["hits"].empty());
    CHECK(section_of(b["hits"][0]) == 8);
    CHECK(text_of(b["hits"][0]).find("(RSF)") != std::string::npos);
    // The English name from synonyms.txt, whose words the report does not have.
    json c = search("Reporters Without Borders");
    CHECK(finds_in_section(c, "(RSF)", 8));
    CHECK(has_expansion(c, "synonym"));
}

TEST_CASE("an acronym the report defines finds its definition both ways: ILO", "[e2e][synonyms]") {
    json a = search("ILO");
    CHECK(finds_in_section(a, "Internationella arbetsorganisationens", 12));
    json b = search("Internationella arbetsorganisationen");
    REQUIRE(!b["hits"].empty());
    CHECK(section_of(b["hits"][0]) == 12);
    CHECK(text_of(b["hits"][0]).find("(ILO)") != std::string::npos);
    CHECK(has_expansion(b, "synonym"));
}

TEST_CASE("a synonym from synonyms.txt finds the form the report uses: UN, Förenta nationerna",
          "[e2e][synonyms]") {
    for (const char* q : {"UN", "Förenta nationerna", "United Nations"}) {
        INFO("query: " << q);
        json j = search(q);
        REQUIRE(!j["hits"].empty());
        CHECK(has_expansion(j, "synonym"));
        CHECK(expansion_has(j, "synonym", "FN"));
        auto ws = words_of(text_of(j["hits"][0]));
        CHECK(std::find(ws.begin(), ws.end(), "fn") != ws.end());
    }
}

TEST_CASE("with --no-synonyms and --exact an acronym finds only itself", "[e2e][synonyms]") {
    CHECK(status("UN", {"--no-synonyms", "--no-spelling"}) == 1);
    // --exact still stems: "nationerna" finds "Nationens", but no passage has only "FN".
    json e = search("Förenta nationerna", {"--exact"});
    CHECK_FALSE(has_expansion(e, "synonym"));
    for (const json& h : e["hits"]) {
        auto ws = words_of(text_of(h));
        CHECK(std::find(ws.begin(), ws.end(), "nationens") != ws.end());
    }
    json j = search("Reporters Without Borders", {"--no-synonyms", "--no-spelling"});
    CHECK_FALSE(has_expansion(j, "synonym"));
    CHECK(rank_of_text(j, "(RSF)") == 0);
}

TEST_CASE("find_acronyms takes the capitalised words before a parenthesised acronym", "[unit]") {
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    CHECK(rapportsok::find_acronyms("organisationen Reportrar utan gränser (RSF) genomfört") ==
          Pairs{{"RSF", "Reportrar utan gränser"}});
    CHECK(
        rapportsok::find_acronyms("och Kazakstans Folkliga Kommunistparti (KNPK), som fick sju") ==
        Pairs{{"KNPK", "Kazakstans Folkliga Kommunistparti"}});
    CHECK(rapportsok::find_acronyms("tillträtt Internationella arbetsorganisationens (ILO) åtta") ==
          Pairs{{"ILO", "Internationella arbetsorganisationens"}});
    // Not acronyms: lowercase, a number, no capitalised word before.
    CHECK(rapportsok::find_acronyms("som fick (sju) mandat").empty());
    CHECK(rapportsok::find_acronyms("år (2011) hölls").empty());
    CHECK(rapportsok::find_acronyms("det nya partiet (NP) bildades").empty());
}

TEST_CASE("an acronym's definition is the name, not the sentence before it", "[unit]") {
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    // The name is the nearest run of words whose initials spell the acronym; failing that, the
    // nearest capitalised words before the parenthesis.
    const std::vector<std::pair<std::string, Pairs>> cases = {
        {"Kazakstan har tillträtt Internationella arbetsorganisationens (ILO) åtta centrala",
         {{"ILO", "Internationella arbetsorganisationens"}}},
        {"År 2011 placerade FN:s utvecklingsprogram (UNDP) Human Development Index",
         {{"UNDP", "FN:s utvecklingsprogram"}}},
        {"- Konventionen om avskaffandet av alla former av diskriminering mot kvinnor, Convention "
         "on the Elimination of all forms of Discrimination Against Women (CEDAW) samt",
         {{"CEDAW", "Convention on the Elimination of all forms of Discrimination Against Women"}}},
        {"- Konventionen mot tortyr, Convention against Torture and Other Cruel, Inhuman or "
         "Degrading Treatment or Punishment (CAT) (inklusive tilläggsprotokollet)",
         {{"CAT",
           "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or "
           "Punishment"}}},
        {"Inför Organisationen för säkerhet och samarbete i Europas (OSSE) ministerrådsmöte",
         {{"OSSE", "Organisationen för säkerhet och samarbete i Europas"}}},
        {"OSSE:s Office of Democratic Institutions and Human Rights (ODIHR:s) valobservatörer",
         {{"ODIHR", "Office of Democratic Institutions and Human Rights"}}},
        {"Det andra kommunistpartiet, Kazakstans Kommunistiska Parti (KPK), hade",
         {{"KPK", "Kazakstans Kommunistiska Parti"}}},
        {"- Konventionen mot påtvingade försvinnanden (CED)",
         {{"CED", "Konventionen mot påtvingade försvinnanden"}}},
        // No capitalised word near the parenthesis and no initials that spell it: no name.
        {"Kazakstan planerar att tillträda konventionen om rättigheter för personer med "
         "funktionshinder, (CRPD) men",
         {}},
        {"kandidaterna för det socialdemokratiska oppositionspartiet (OSDP) ströks", {}},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(rapportsok::find_acronyms(text) == expected);
    }
}

// ---------------------------------------------------------------------------------------------
// English

TEST_CASE("an English word the index does not know is translated: prison", "[e2e][english]") {
    json j = search("prison");
    REQUIRE(!j["hits"].empty());
    CHECK(has_expansion(j, "english", "prison"));
    CHECK(section_of(j["hits"][0]) == 3);
    CHECK(finds_in_section(j, "fängelse", 3));
    CHECK(status("prison", {"--no-english", "--no-spelling"}) == 1);
    CHECK(status("prison", {"--exact"}) == 1);
}

TEST_CASE("English words are translated: women's rights finds Kvinnors rättigheter",
          "[e2e][english]") {
    json j = search("women's rights");
    REQUIRE(!j["hits"].empty());
    // The glossary's expression, and its words one by one.
    CHECK(expansion_has(j, "english", "kvinnors rättigheter"));
    CHECK(has_expansion(j, "english", "women's"));
    // §16, "Kvinnors rättigheter", is about them: its passages come first, above the English
    // names of conventions in §2.
    CHECK(section_of(j["hits"][0]) == 16);
    CHECK(finds_in_section(j, "kvinnor", 16));
}

TEST_CASE("an English word that is also in the index is translated all the same",
          "[e2e][english]") {
    // "Convention ... Against Women" is quoted in §2; "women" is no Swedish word.
    json j = search("women");
    REQUIRE(!j["hits"].empty());
    CHECK(expansion_has(j, "english", "kvinnor"));
    std::set<int> found;
    for (const json& h : j["hits"]) found.insert(section_of(h));
    CHECK(found.count(2) == 1);   // the English name
    CHECK(found.count(16) == 1);  // the Swedish passages
    // A Swedish word FreeDict also has as English ("barn": lada) is not translated.
    CHECK_FALSE(has_expansion(search("barn"), "english"));
}

// ---------------------------------------------------------------------------------------------
// Expansion as a whole

TEST_CASE("the --exact switch turns every expansion off", "[e2e]") {
    for (const char* q : {"budget", "hogsta", "atervanda", "prison", "Nasarbajev", "UN"}) {
        INFO("query: " << q);
        CHECK(status(q, {"--exact"}) == 1);
    }
    json j = search("domstol statsbudget", {"--exact"});
    CHECK(j["expansions"].empty());
    CHECK(j["corrected"].is_null());
}

TEST_CASE("correctly typed keyword queries rank the same top hit with and without expansion",
          "[e2e]") {
    const std::vector<std::pair<std::string, int>> cases = {
        {"mediaföretag", 8}, {"dödsstraff", 4}, {"tortyr", 3}, {"religionsfrihet", 10}};
    for (const auto& [q, section] : cases) {
        INFO("query: " << q);
        json with = search(q);
        json without = search(q, {"--exact"});
        REQUIRE(!with["hits"].empty());
        REQUIRE(!without["hits"].empty());
        CHECK(section_of(with["hits"][0]) == section);
        CHECK(with["hits"][0]["id"] == without["hits"][0]["id"]);
    }
}
