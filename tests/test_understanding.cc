// Query understanding by evidence (issue 13): a word's readings (as typed, accented, inflected,
// corrected, translated, split) chosen by what the index holds, not only when a word is unknown.
// End to end on the seed report and on small fixture reports; mappings table-driven.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <hunspell/hunspell.hxx>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "indexer/common/text.h"
#include "searcher/english.h"
#include "searcher/expand.h"
#include "searcher/parse.h"
#include "searcher/spelling.h"
#include "tests/expansions.h"
#include "tests/support.h"

using nlohmann::json;
using testing::expansion_has;
using testing::has_expansion;

namespace {

testing::Run searcher_on(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), {testing::searcher_bin(), "--db", db});
    return testing::run(args, testing::source_dir());
}

// Every hit (up to 1000) of a query as JSON, options before the query.
json search_on(const std::string& db, const std::string& query,
               std::vector<std::string> options = {}) {
    options.insert(options.end(), {"--json", "--limit", "1000", "--", query});
    testing::Run r = searcher_on(db, options);
    INFO("query: " << query << "\nstderr: " << r.err);
    REQUIRE((r.status == 0 || r.status == 1));
    return json::parse(r.out);
}

json search(const std::string& query, std::vector<std::string> options = {}) {
    return search_on(testing::seed_db(), query, std::move(options));
}

std::string text_of(const json& hit) { return hit["text"].get<std::string>(); }
int section_of(const json& hit) { return hit["section"]["number"].get<int>(); }

bool finds_in_section(const json& j, const std::string& s, int section) {
    for (const json& h : j["hits"])
        if (section_of(h) == section && text_of(h).find(s) != std::string::npos) return true;
    return false;
}

std::set<int> sections_of(const json& j) {
    std::set<int> out;
    for (const json& h : j["hits"]) out.insert(section_of(h));
    return out;
}

std::vector<std::string> ids(const json& j) {
    std::vector<std::string> out;
    for (const json& h : j["hits"]) out.push_back(h["id"].get<std::string>());
    return out;
}

// The highlighted words of every hit's snippet, lowercased (ASCII).
std::multiset<std::string> highlighted(const json& j) {
    std::multiset<std::string> out;
    for (const json& h : j["hits"]) {
        const std::string s = h["snippet"].get<std::string>();
        for (const json& m : h["highlights"]) {
            std::string w = s.substr(m[0].get<size_t>(), m[1].get<size_t>() - m[0].get<size_t>());
            std::transform(w.begin(), w.end(), w.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            out.insert(w);
        }
    }
    return out;
}

using Reports = std::vector<std::pair<std::string, std::string>>;

// A database of the given reports (name -> text), built once per fixture object.
class Fixture {
  public:
    explicit Fixture(const Reports& reports) {
        for (const auto& [name, text] : reports) dir_.write("corpus/" + name, text);
        testing::Run r = testing::run(
            {testing::indexer_bin(), "--quiet", "--db", dir_.file("index"), "corpus"}, dir_.path());
        INFO(r.err);
        REQUIRE(r.status == 0);
    }
    const std::string db() const { return dir_.file("index"); }

  private:
    testing::TempDir dir_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Readings that are the only one get full weight

TEST_CASE("a word typed without accents whose only reading is accented weighs as if typed so",
          "[e2e][readings]") {
    // "Rättssäkerhet" is only in §6's title.
    json bare = search("rattssakerhet");
    json typed = search("rättssäkerhet");
    REQUIRE(bare["total"].get<long>() > 0);
    CHECK(has_expansion(bare, "diacritics", "rattssakerhet"));
    CHECK(sections_of(bare) == std::set<int>{6});
    REQUIRE(ids(bare) == ids(typed));
    for (size_t k = 0; k < bare["hits"].size(); ++k)
        CHECK(bare["hits"][k]["score"].get<double>() ==
              Approx(typed["hits"][k]["score"].get<double>()));
    // Beside a word that is in the index as typed, it is not weighed down either.
    json mixed = search("rattssakerhet tortyr");
    json mixed_typed = search("rättssäkerhet tortyr");
    CHECK(ids(mixed) == ids(mixed_typed));
}

TEST_CASE("a chapter filter typed without accents finds the heading with them: kapitel:ovrigt",
          "[e2e][readings]") {
    json bare = search("kapitel:ovrigt");
    json typed = search("kapitel:övrigt");
    REQUIRE(typed["total"].get<long>() > 0);
    CHECK(ids(bare) == ids(typed));
    CHECK(sections_of(bare) == std::set<int>{22, 23});
    // A filter that matches as typed is not widened: "allmänt" has its accent.
    CHECK(search("kapitel:allmant")["total"] == search("kapitel:allmänt")["total"]);
}

// ---------------------------------------------------------------------------------------------
// Inflections the stemmer splits

TEST_CASE("inflection_candidates gives the forms the stemmer gives other stems", "[unit]") {
    struct Case {
        std::string word;
        std::vector<std::string> has;      // among the candidates
        std::vector<std::string> has_not;  // never
    };
    const std::vector<Case> cases = {
        // An e dropped before the ending, and back.
        {"regel", {"regler", "reglerna", "reglen"}, {}},
        {"regler", {"regel"}, {}},
        {"exempel", {"exemplen", "exemplet"}, {}},
        {"exemplen", {"exempel"}, {}},
        {"minister", {"ministrar", "ministern"}, {}},
        {"ministrar", {"minister"}, {}},
        {"vatten", {"vattnet"}, {}},
        {"förbjuden", {"förbjudna"}, {}},
        // Endings the stemmer leaves on.
        {"arbetsmiljö", {"arbetsmiljön"}, {}},
        {"förbud", {"förbudet"}, {}},
        // Three letters: endings of two letters or more only.
        {"val", {"valet", "valen"}, {"vals", "valt"}},
        // Plurals that change the vowel, at the end of a compound too.
        {"tjänstemän", {"tjänsteman", "tjänstemannen"}, {}},
        {"tjänsteman", {"tjänstemän"}, {}},
        {"grannländer", {"grannland", "grannlandet"}, {}},
        // The e is the only vowel: kept ("spel" has no form "splar").
        {"spel", {}, {"splar", "spla"}},
        {"av", {}, {"aven"}},
    };
    for (const Case& c : cases) {
        INFO(c.word);
        const std::vector<std::string> got = rapportsok::inflection_candidates(c.word);
        for (const std::string& w : c.has) CHECK(std::find(got.begin(), got.end(), w) != got.end());
        for (const std::string& w : c.has_not)
            CHECK(std::find(got.begin(), got.end(), w) == got.end());
    }
}

TEST_CASE("inflections the stemmer splits are found: val, minister, tjänstemän",
          "[e2e][inflections]") {
    json val = search("val");
    CHECK(finds_in_section(val, "valet", 11));
    json minister = search("minister");
    CHECK(finds_in_section(minister, "Tre ministrar", 16));
    json tjansteman = search("tjänstemän");
    CHECK(finds_in_section(tjansteman, "tjänsteman", 7));
    // --no-inflections turns them off.
    CHECK_FALSE(finds_in_section(search("minister", {"--no-inflections"}), "Tre ministrar", 16));
}

// ---------------------------------------------------------------------------------------------
// Section titles

TEST_CASE(
    "a word in a section's title ranks that section's passages up whether or not the word "
    "is in body text elsewhere",
    "[e2e][titles]") {
    // "arkivlagen" is in §2's title and in a passage of §1; §2's passages do not have it.
    Fixture f(Reports{{"titlar.txt",
                       "1. Allmänt\n\n"
                       "Arkivlagen nämns här en gång, i förbigående, i en mening om "
                       "annat.\n\n"
                       "Här står något helt annat om väder och vind.\n\n"
                       "2. Arkivlagen och dess tillämpning\n\n"
                       "Myndigheterna ska bevara handlingar och hålla dem ordnade.\n\n"
                       "Gallring får ske bara efter beslut av Riksarkivet.\n"}});
    json j = search_on(f.db(), "arkivlagen");
    CHECK(sections_of(j) == std::set<int>{1, 2});
    CHECK(finds_in_section(j, "Gallring", 2));
    CHECK(finds_in_section(j, "bevara handlingar", 2));
    // On the seed report: §9 is titled "Mötes- och föreningsfrihet"; §12's text has the word.
    json s = search("föreningsfrihet");
    CHECK(sections_of(s).count(9) == 1);
    // A passage has the word when its text or its title has it, under AND too; what NOT and
    // -word exclude is looked for in the text only, so the section is not left out whole.
    json a = search_on(f.db(), "arkivlagen AND gallring");
    REQUIRE(a["hits"].size() == 1);
    CHECK(finds_in_section(a, "Gallring", 2));
    json n = search_on(f.db(), "arkivlagen -gallring");
    CHECK_FALSE(finds_in_section(n, "Gallring", 2));
    CHECK(finds_in_section(n, "bevara handlingar", 2));
    json x = search_on(f.db(), "handlingar -arkivlagen");
    CHECK(finds_in_section(x, "bevara handlingar", 2));
}

TEST_CASE(
    "regression: a wildcard matches section titles as a word does: tort* finds all tortyr finds",
    "[e2e][titles]") {
    // tort* found 3 passages where tortyr found 5: the 2 of §3 ("... och förbud mot tortyr")
    // whose text lacks the word were missed.
    std::set<std::string> word, wildcard;
    for (const std::string& id : ids(search("tortyr"))) word.insert(id);
    for (const std::string& id : ids(search("tort*"))) wildcard.insert(id);
    CHECK(word.size() == 5);
    CHECK(std::includes(wildcard.begin(), wildcard.end(), word.begin(), word.end()));
    Fixture f(Reports{{"titlar.txt",
                       "1. Allmänt\n\n"
                       "Här står något helt annat om väder och vind.\n\n"
                       "2. Arkivlagen och dess tillämpning\n\n"
                       "Myndigheterna ska bevara handlingar och hålla dem ordnade.\n\n"
                       "Gallring får ske bara efter beslut av Riksarkivet.\n"}});
    json j = search_on(f.db(), "arkiv*");
    CHECK(j["total"] == 2);
    CHECK(sections_of(j) == std::set<int>{2});
    // Under AND as a word is; what -word* excludes is looked for in the text only.
    CHECK(search_on(f.db(), "arkiv* AND gallring")["total"] == 1);
    CHECK(search_on(f.db(), "gallring -arkiv*")["total"] == 1);
    CHECK(search_on(f.db(), "väder -arkiv*")["total"] == 1);
}

TEST_CASE("regression: a quoted phrase matches the passages whose section title has it in order",
          "[e2e][titles]") {
    // Headings have no positions: "förbud mot tortyr", §3's title, found nothing.
    Fixture f(Reports{{"titlar.txt",
                       "1. Förbud mot tortyr och annan grym behandling\n\n"
                       "Myndigheterna ska utreda varje anmälan.\n\n"
                       "Gallring får ske bara efter beslut.\n\n"
                       "2. Tortyr, förbud och mot\n\n"
                       "Orden står här i en annan ordning än frasen.\n\n"
                       "3. Övrigt\n\n"
                       "Ett förbud mot tortyr gäller alltid.\n"}});
    json j = search_on(f.db(), "\"förbud mot tortyr\"");
    CHECK(sections_of(j) == std::set<int>{1, 3});
    CHECK(j["total"] == 3);
    // The text's own phrase first: it has the words where they are asked for, in the text.
    REQUIRE(j["hits"].size() == 3);
    CHECK(section_of(j["hits"][0]) == 3);
    // Capitals as typed, under AND, and not what NOT excludes.
    CHECK(search_on(f.db(), "\"Förbud mot Tortyr\"")["total"] == 3);
    CHECK(search_on(f.db(), "\"förbud mot tortyr\" AND gallring")["total"] == 1);
    CHECK(search_on(f.db(), "utreda -\"förbud mot tortyr\"")["total"] == 1);
    // The words out of order are no phrase.
    CHECK(search_on(f.db(), "\"tortyr mot förbud\"")["total"] == 0);
    // On the seed report: §3's and §6's titles.
    CHECK(sections_of(search("\"förbud mot tortyr\"")).count(3) == 1);
    json r = search("\"Rättssäkerhet och rättsstatsprincipen\"");
    CHECK(r["total"].get<int>() >= 1);
    for (const json& h : r["hits"]) CHECK(section_of(h) == 6);
}

// ---------------------------------------------------------------------------------------------
// Synonyms

TEST_CASE("synonym keys leave out the stopwords of Swedish and, for several words, of English",
          "[unit][synonyms]") {
    rapportsok::Analyzer analyzer;
    const rapportsok::SynonymGroups g = rapportsok::parse_synonyms(
        "Europadomstolen = European Court of Human Rights\n"
        "Reportrar utan gränser = Reporters Without Borders\n"
        "IS = Islamiska staten\n",
        analyzer);
    REQUIRE(g.size() == 3);
    using Key = std::vector<std::string>;
    CHECK(g[0][0].key == Key{"europadomstolen"});
    CHECK(g[0][1].key == Key{"european", "court", "human", "rights"});
    CHECK(g[0][1].words == Key{"european", "court", "of", "human", "rights"});
    CHECK(g[1][0].key == Key{"reportrar", "gränser"});  // "utan" is a Swedish stopword
    CHECK(g[1][1].key == Key{"reporters", "without", "borders"});
    CHECK(g[2][0].key == Key{"is"});  // a one-word name is its word
    CHECK(rapportsok::name_key(analyzer, {"court", "of", "human", "rights"}) ==
          Key{"court", "human", "rights"});
}

TEST_CASE("regression: a synonym with an English stopword is found by an English query",
          "[e2e][synonyms]") {
    // "Council of Europe = Europarådet": the query's "of" is left out as an English stopword,
    // and the key kept it, so the group was never found.
    for (const std::vector<std::string>& options :
         {std::vector<std::string>{}, std::vector<std::string>{"--no-english"}}) {
        for (const std::string q : {"council of europe", "Council of Europe", "council europe"}) {
            INFO(q << (options.empty() ? "" : " --no-english"));
            CHECK(expansion_has(search(q, options), "synonym", "Europarådet"));
        }
    }
}

TEST_CASE("a synonym group's stopwords are never highlighted: OSSE", "[e2e][synonyms]") {
    json j = search("OSSE");
    REQUIRE(!j["hits"].empty());
    const auto marks = highlighted(j);
    CHECK(marks.count("osse") > 0);
    for (const char* stop : {"i", "och", "för"}) CHECK(marks.count(stop) == 0);
    // A phrase the user typed keeps its stopwords highlighted.
    json p = search("\"samarbete i Europas\"");
    CHECK(highlighted(p).count("i") > 0);
}

// ---------------------------------------------------------------------------------------------
// Operators after a fallback, a lone -word

TEST_CASE("after a fallback to plain words the operators are dropped, not searched as words",
          "[e2e][operators]") {
    // "or" is in §2's English titles; "not" is an English word FreeDict translates.
    json z = search("zebra OR", {"--no-spelling"});
    CHECK(z["total"] == 0);
    CHECK_THAT(z["notes"].dump(), Catch::Contains("plain words"));
    json t = search("tortyr NOT");
    CHECK_FALSE(has_expansion(t, "english"));
    CHECK(ids(t) == ids(search("tortyr")));
    json n = search("NEAR tortyr");
    CHECK(ids(n) == ids(search("tortyr")));
}

TEST_CASE("a lone -word says that it excludes from nothing", "[e2e][operators]") {
    for (const std::string q : {"-tortyr", "-tortyr -fängelse"}) {
        INFO(q);
        testing::Run r = searcher_on(testing::seed_db(), {"--", q});
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains("excludes") && Catch::Contains("nothing"));
    }
    // With a filter there is something to exclude from: §3 without "tortyr".
    json j = search("avsnitt:3 -tortyr");
    REQUIRE(j["total"].get<long>() > 0);
    for (const json& h : j["hits"]) {
        CHECK(section_of(h) == 3);
        CHECK(text_of(h).find("tortyr") == std::string::npos);
    }
}

// ---------------------------------------------------------------------------------------------
// English: the glossary, English words the index has, English stopwords

TEST_CASE("the glossary translates the field's English words and expressions", "[unit][english]") {
    const rapportsok::EnglishDictionary d;  // the compiled-in glossary, FreeDict, hunspell-sv
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"freedom of assembly", "mötesfrihet"},
        {"rule of law", "rättsstatsprincipen"},
        {"enforced disappearances", "påtvingade försvinnanden"},
        {"human rights defenders", "människorättsförsvarare"},
        {"trade unions", "fackförening"},
        {"election fraud", "valfusk"},
        {"discrimination against women", "diskriminering av kvinnor"},
        {"death penalty", "dödsstraff"},
        {"freedom of the press", "pressfrihet"},
        {"impunity", "straffrihet"},
        {"censorship", "censur"},
        {"referendum", "folkomröstning"},
        {"prisons", "fängelser"},
        {"elections", "val"},
    };
    for (const auto& [english, swedish] : cases) {
        INFO(english);
        std::vector<std::string> words, content;
        size_t from = 0;
        for (size_t i = 0; i <= english.size(); ++i)
            if (i == english.size() || english[i] == ' ') {
                words.push_back(english.substr(from, i - from));
                from = i + 1;
            }
        for (const std::string& w : words)
            if (!rapportsok::is_english_stopword(w)) content.push_back(w);
        std::vector<std::string> renderings;
        if (content.size() == 1) {
            renderings = d.translate(content.front());
        } else {
            const rapportsok::GlossaryEntry* e = nullptr;
            REQUIRE(d.expression_at(content, 0, &e) == content.size());
            REQUIRE(e != nullptr);
            renderings = e->swedish;
        }
        CHECK(std::find(renderings.begin(), renderings.end(), swedish) != renderings.end());
    }
    // At least 400 entries, many of them expressions, each with a rendering.
    const auto& entries = d.glossary_entries();
    CHECK(entries.size() >= 400);
    CHECK(std::count_if(entries.begin(), entries.end(), [](const rapportsok::GlossaryEntry& e) {
              return e.english.size() > 1;
          }) >= 150);
}

TEST_CASE("parse_glossary reads a line's English words, their key and the Swedish renderings",
          "[unit][english]") {
    auto g = rapportsok::parse_glossary(
        "# a comment = not an entry\n"
        "freedom of assembly = mötesfrihet; församlingsfrihet\n"
        "women's rights = kvinnors rättigheter\n"
        "no equals sign here\n");
    REQUIRE(g.size() == 2);
    CHECK(g[0].english == std::vector<std::string>{"freedom", "of", "assembly"});
    CHECK(g[0].key == std::vector<std::string>{"freedom", "assembly"});
    CHECK(g[0].swedish == std::vector<std::string>{"mötesfrihet", "församlingsfrihet"});
    CHECK(g[1].english == std::vector<std::string>{"women's", "rights"});
    // An expression is matched by its words' base forms: "rights" and "women's" stand for
    // "right" and "woman".
    CHECK(rapportsok::english_base_forms("women's") ==
          std::vector<std::string>{"women's", "women", "woman"});
    CHECK(rapportsok::english_base_forms("disappearances").back() == "disappearance");
}

TEST_CASE("hunspell-sv says which words are Swedish", "[unit][english]") {
    const rapportsok::SwedishLexicon sv;
    REQUIRE(sv.available());  // scripts/setup installs hunspell-sv
    const std::vector<std::pair<std::string, bool>> cases = {
        {"kvinnorna", true}, {"valfusk", true},      {"slut", true},        {"lämlar", true},
        {"women", false},    {"integrasjon", false}, {"censorship", false}, {"rights", false}};
    for (const auto& [word, swedish] : cases) {
        INFO(word);
        CHECK(sv.knows(word) == swedish);
    }
}

// The lexicon answers for a word that is an entry of sv_SE.dic from the .dic itself; its answers
// must be Hunspell's, for entries (plain, forbidden, only in compounds, needing an affix, with a
// homonym) and for the words made from them, which go to Hunspell.
TEST_CASE("hunspell-sv's entries are read from its word list as Hunspell reads them",
          "[unit][english]") {
    const std::string prefix = "/usr/share/hunspell/sv_SE";
    const rapportsok::SwedishLexicon sv(prefix);
    REQUIRE(sv.available());
    // A plain entry, known without reading Hunspell (a third of a second).
    CHECK(sv.knows("registrering"));
    CHECK(sv.root("registrering").empty());
    CHECK_FALSE(sv.hunspell_read());

    std::ifstream dic(prefix + ".dic");
    REQUIRE(dic);
    std::vector<std::string> words;
    std::string line;
    std::getline(dic, line);  // the number of entries
    for (size_t n = 0; std::getline(dic, line); ++n) {
        const std::string word = line.substr(0, line.find_first_of("/\t "));
        const std::string flags =
            line.find('/') == std::string::npos ? "" : line.substr(line.find('/') + 1);
        // One in 40 of the entries flagged as no word alone (forbidden, only in compounds,
        // needing an affix), one in 600 of the others.
        const bool flagged = flags.find_first_of("%Z") != std::string::npos ||
                             flags.find("\xC2\xA4") != std::string::npos;
        if (n % (flagged ? 40 : 600) == 0) {
            words.push_back(word);
            if (word.size() > 3) {
                words.push_back(word + "en");
                words.push_back(word + "ar");
                words.push_back(word + "s");
                words.push_back(word.substr(0, word.size() - 1));
            }
        }
    }
    REQUIRE(words.size() > 1000);
    // Forbidden (affärsvärden), only in compounds (abnorm), needing an affix (antigen).
    for (const char* w :
         {"kvinnorna", "valfusk", "kvinnojourer", "fängslade", "women", "integrasjon",
          "affärsvärden", "abnorm", "antigen", "abborr-", "café", "3d", "x-axel"})
        words.push_back(w);

    Hunspell reference((prefix + ".aff").c_str(), (prefix + ".dic").c_str());
    size_t differ = 0;
    for (std::string w : words) {
        w = rapportsok::fold_case(w);
        std::string root;
        const bool known = w.size() <= 100 && reference.spell(w, nullptr, &root);
        const std::string expected_root = !known || root == w ? "" : root;
        if (sv.knows(w) != known || sv.root(w) != expected_root) {
            UNSCOPED_INFO(w << ": Hunspell says " << known << " " << expected_root);
            ++differ;
        }
    }
    CHECK(differ == 0);
}

TEST_CASE("multi-word English is translated whole: freedom of assembly, rule of law",
          "[e2e][english]") {
    const std::vector<std::tuple<std::string, std::string, int>> cases = {
        {"freedom of assembly", "mötesfrihet", 9},
        {"rule of law", "rättsstatsprincipen", 6},
        {"enforced disappearances", "påtvingade försvinnanden", 2},
        {"impunity", "straffrihet", 7},
        {"censorship", "censur", 8},
    };
    for (const auto& [query, swedish, section] : cases) {
        INFO(query);
        json j = search(query);
        REQUIRE(!j["hits"].empty());
        CHECK(expansion_has(j, "english", swedish));
        CHECK(section_of(j["hits"][0]) == section);
        // Off with --no-english (and so with --exact).
        CHECK_FALSE(has_expansion(search(query, {"--no-english"}), "english"));
    }
}

TEST_CASE("the stopwords of an English query are neither translated nor matched",
          "[e2e][english]") {
    json j = search("rule of law");
    CHECK(has_expansion(j, "english stopwords", "of"));
    CHECK(ids(j) == ids(search("rule law")));
    CHECK(highlighted(j).count("of") == 0);
    // "of" is in §2's English names: it would match them.
    json d = search("discrimination against women");
    CHECK(has_expansion(d, "english stopwords", "against"));
    CHECK(highlighted(d).count("against") == 0);
    // A Swedish query keeps its words, whatever English has ("by" is a Swedish word too).
    CHECK_FALSE(has_expansion(search("tortyr by"), "english stopwords"));
    // With --no-english, "of" is a word like any other.
    CHECK_FALSE(has_expansion(search("rule of law", {"--no-english"}), "english stopwords"));
}

TEST_CASE(
    "an English word the index has ranks the Swedish passages on its topic with or above "
    "one that only names an English title",
    "[e2e][english]") {
    Fixture f(Reports{{"engelska.txt",
                       "1. Konventioner\n\n"
                       "Landet har ratificerat Convention against Torture utan förbehåll.\n\n"
                       "2. Tortyr\n\n"
                       "Tortyr förekommer i häktena, och tortyr av fångar anmäls sällan.\n\n"
                       "Anklagelser om tortyr utreds inte av någon oberoende instans.\n"}});
    json j = search_on(f.db(), "torture");
    REQUIRE(j["hits"].size() >= 2);
    CHECK(expansion_has(j, "english", "tortyr"));
    CHECK(section_of(j["hits"][0]) == 2);
    CHECK(section_of(j["hits"][2]) == 1);
}

// ---------------------------------------------------------------------------------------------
// Typos that are words ("popular" suggestions)

TEST_CASE(
    "a rare word no dictionary knows is also searched as its frequent neighbour, with a "
    "Did you mean",
    "[e2e][spelling]") {
    // typed, the word searched beside it, a section that word is in
    const std::vector<std::tuple<std::string, std::string, int>> cases = {
        {"integrasjon", "integrationen", 20},
        {"sjukdommar", "sjukdomar", 3},
        {"Tadzhikistan", "Tadzjikistan", 12},  // the capital as typed
        {"stadligt", "statlig", 21},
    };
    for (const auto& [typed, fixed, section] : cases) {
        INFO(typed);
        json j = search(typed);
        CHECK(expansion_has(j, "spelling", fixed));
        CHECK(sections_of(j).count(section) == 1);
        CHECK(j["corrected"].is_null());  // searched beside the typed word, not instead of it
        CHECK_FALSE(has_expansion(search(typed, {"--no-spelling"}), "spelling"));
    }
    testing::Run r = searcher_on(testing::seed_db(), {"integrasjon"});
    CHECK_THAT(r.out, Catch::Contains("Did you mean integrationen?"));
    // "diskrimination" is one letter from the English "discrimination", which is translated:
    // the Swedish "diskriminering" is reached.
    json d = search("diskrimination");
    CHECK(expansion_has(d, "spelling", "discrimination"));
    CHECK(expansion_has(d, "english", "diskriminering"));
    CHECK(finds_in_section(d, "diskriminering", 12));
}

TEST_CASE("regression: a Did you mean keeps the user's capitals, in text and JSON",
          "[e2e][spelling]") {
    // "Integrasjon" was offered as "integrationen".
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Integrasjon", "Integrationen"},
        {"INTEGRASJON", "INTEGRATIONEN"},
        {"integrasjon", "integrationen"},
        {"Mänsklga rättigheter", "Mänskliga"}};
    for (const auto& [typed, shown] : cases) {
        INFO(typed);
        json j = search(typed);
        CHECK(expansion_has(j, "spelling", shown));
        testing::Run r = searcher_on(testing::seed_db(), {"--", typed});
        CHECK_THAT(r.out, Catch::Contains("Did you mean " + shown + "?"));
    }
}

TEST_CASE("in_users_case: a correction takes the typed word's capitals", "[unit][spelling]") {
    // query, the word (lowercase), its correction, as shown
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>> cases = {
        {"Tortur", "tortur", "tortyr", "Tortyr"},
        {"om TORTUR i fängelse", "tortur", "tortyr", "TORTYR"},
        {"tortur", "tortur", "tortyr", "tortyr"},
        {"Öppen rattegång", "rattegång", "rättegång", "rättegång"},
        {"Rattegång", "rattegång", "rättegång", "Rättegång"},
        {"ÅKLAGARE X", "x", "y", "Y"},  // one letter: its capital, no more
        {"något annat", "tortur", "tortyr", "tortyr"}};
    for (const auto& [query, word, fixed, shown] : cases) {
        INFO(query);
        CHECK(rapportsok::in_users_case(query, word, fixed) == shown);
    }
}

TEST_CASE("a real Swedish word is not replaced by an unrelated one: slut, lämlar",
          "[e2e][spelling]") {
    for (const std::string word : {"slut", "lämlar", "anklagare"}) {
        INFO(word);
        json j = search(word);
        CHECK_FALSE(has_expansion(j, "spelling"));
        CHECK(j["corrected"].is_null());
    }
    // A form of the same word is no unrelated one: "stipendium" finds "stipendier".
    json s = search("stipendium");
    CHECK(s["corrected"] == "stipendier");
}

TEST_CASE("same_family: a correction starts with all of the typed word but its last two letters",
          "[unit][spelling]") {
    const std::vector<std::tuple<std::string, std::string, bool>> cases = {
        {"stipendium", "stipendier", true},
        {"privilegier", "privilegierade", true},
        {"slut", "samt", false},
        {"lämlar", "lämna", false},
        {"anklagare", "åklagare", false},
        {"val", "valet", false}};
    for (const auto& [typed, fixed, family] : cases) {
        INFO(typed << " -> " << fixed);
        CHECK(rapportsok::same_family(typed, fixed) == family);
    }
}

TEST_CASE("a correction never turns a four-letter word into another by two edits",
          "[e2e][spelling]") {
    Fixture f(Reports{{"kvot.txt",
                       "1. Kvoter\n\n"
                       "En kvot för kvinnor i parlamentet.\n\nDen kvot som gäller nu.\n\n"
                       "Ingen kvot för minoriteter.\n\nEn ny kvot föreslås.\n\n"
                       "Kvot och kvotering diskuteras.\n"}});
    // One edit (a transposition) from "kvot": corrected, when the query finds nothing and
    // beside it.
    json one = search_on(f.db(), "kvto");
    CHECK(expansion_has(one, "spelling", "kvot"));
    CHECK(one["total"].get<long>() > 0);
    // Two edits: left alone, by both rules.
    json two = search_on(f.db(), "kbpt");
    CHECK_FALSE(has_expansion(two, "spelling"));
    CHECK(two["corrected"].is_null());
    CHECK(two["total"] == 0);
}

// ---------------------------------------------------------------------------------------------
// Compound query words the index lacks

TEST_CASE("a compound the index lacks is searched as the parts it knows: valfusk, kvinnojourer",
          "[e2e][compounds]") {
    // typed, a part searched, a section with passages about it
    const std::vector<std::tuple<std::string, std::string, int>> cases = {
        {"valfusk", "val", 11},
        {"kvinnojourer", "kvinno", 16},
        {"människorättsorganisationer", "organisationer", 22},
    };
    for (const auto& [typed, part, section] : cases) {
        INFO(typed);
        json j = search(typed);
        CHECK(expansion_has(j, "compound parts", part));
        CHECK(sections_of(j).count(section) == 1);
        json off = search(typed, {"--no-compounds", "--no-spelling"});
        CHECK_FALSE(has_expansion(off, "compound parts"));
        CHECK(off["total"] == 0);
    }
}

TEST_CASE("a real word is not split through its dictionary form: fängslade is no fängs|lade",
          "[e2e][compounds]") {
    // The seed lacks every form of "fängsla"; "fängs" and "lade" each pass for a word, but the
    // split would cut the entry "fängsla" into "fängs" and "la".
    for (const std::string typed : {"fängslade", "journalister fängslade"}) {
        INFO(typed);
        json j = search(typed);
        CHECK_FALSE(has_expansion(j, "compound parts", "fängslade"));
    }
    // A compound inflected is still split at its parts: the entry "kvinnojour" splits too.
    CHECK(expansion_has(search("kvinnojourer"), "compound parts", "kvinno"));
}

TEST_CASE(
    "a compound split ranks the passages with all its parts first, and a compound the "
    "index has is not split",
    "[e2e][compounds]") {
    Fixture f(Reports{{"val.txt",
                       "1. Val\n\n"
                       "Valet hölls i april och fusk anmäldes från flera vallokaler.\n\n"
                       "Valet var lugnt enligt observatörerna.\n\n"
                       "2. Ekonomi\n\n"
                       "Fusk med skatter är vanligt bland företagen.\n"}});
    json j = search_on(f.db(), "valfusk");
    REQUIRE(j["hits"].size() >= 2);
    CHECK_THAT(text_of(j["hits"][0]), Catch::Contains("fusk anmäldes"));
    Fixture g(Reports{{"valfusk.txt",
                       "1. Val\n\n"
                       "Valfusk anmäldes från flera vallokaler.\n\n"
                       "Valet hölls i april och fusk med rösterna förekom.\n"}});
    json k = search_on(g.db(), "valfusk");
    CHECK_FALSE(has_expansion(k, "compound parts"));
    REQUIRE(!k["hits"].empty());
    CHECK_THAT(text_of(k["hits"][0]), Catch::Contains("Valfusk"));
}
