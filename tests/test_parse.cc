// Query parsing on its own: filters taken out of a query, the query normalised, and whether the
// QueryParser can read it as written.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "searcher/parse.h"
#include "searcher/worker.h"
#include "tests/support.h"

using rapportsok::normalise_query;
using rapportsok::split_filters;
using rapportsok::well_formed;

namespace {

using Ranges = std::vector<std::pair<int, int>>;
using Words = std::vector<std::string>;

struct SplitCase {
    std::string query;
    std::string text;  // what is left to search for, spaces trimmed
    Ranges sections;
    Ranges pages;
    Words chapters;
    Words files;
};

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(' ');
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

}  // namespace

TEST_CASE("split_filters takes each filter, in Swedish and English, out of the query", "[unit]") {
    const std::vector<SplitCase> cases = {
        {"tortyr", "tortyr", {}, {}, {}, {}},
        {"avsnitt:8", "", {{8, 8}}, {}, {}, {}},
        {"section:8 medier", "medier", {{8, 8}}, {}, {}, {}},
        {"Avsnitt:8 medier", "medier", {{8, 8}}, {}, {}, {}},
        {"avsnitt:3-5", "", {{3, 5}}, {}, {}, {}},
        {"avsnitt:3,5,7", "", {{3, 3}, {5, 5}, {7, 7}}, {}, {}, {}},
        {"sida:3-4 tortyr", "tortyr", {}, {{3, 4}}, {}, {}},
        {"tortyr page:3", "tortyr", {}, {{3, 3}}, {}, {}},
        {"kapitel:ekonomiska", "", {}, {}, {"ekonomiska"}, {}},
        {"chapter:2 val", "val", {}, {}, {"2"}, {}},
        {"kapitel:\"olika grupper\" barn", "barn", {}, {}, {"olika grupper"}, {}},
        {"fil:kazakstan", "", {}, {}, {}, {"kazakstan"}},
        {"file:corpus/a.txt tortyr", "tortyr", {}, {}, {}, {"corpus/a.txt"}},
        {"avsnitt:8 sida:3-4 kapitel:2 fil:k tortyr", "tortyr", {{8, 8}}, {{3, 4}}, {"2"}, {"k"}},
        {"avsnitt:8 avsnitt:9", "", {{8, 8}, {9, 9}}, {}, {}, {}},
    };
    for (const SplitCase& c : cases) {
        INFO("query: " << c.query);
        rapportsok::SplitQuery s = split_filters(c.query);
        CHECK(trim(s.text) == c.text);
        CHECK(s.filters.sections == c.sections);
        CHECK(s.filters.pages == c.pages);
        CHECK(s.filters.chapters == c.chapters);
        CHECK(s.filters.files == c.files);
        CHECK(s.errors.empty());
    }
}

TEST_CASE("split_filters leaves words that only look like filters in the query", "[unit]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"\"avsnitt:8 i texten\"", "\"avsnitt:8 i texten\""},  // inside a phrase
        {"FN:s kommitté", "FN:s kommitté"},                    // a genitive colon
        {"tid:8 tortyr", "tid:8 tortyr"},                      // not a filter name
        {"tortyr AND fängelse", "tortyr AND fängelse"},
    };
    for (const auto& [query, text] : cases) {
        INFO("query: " << query);
        rapportsok::SplitQuery s = split_filters(query);
        CHECK(s.text == text);
        CHECK(s.filters.empty());
        CHECK(s.errors.empty());
    }
}

TEST_CASE("split_filters reports a filter value it cannot read", "[unit]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"avsnitt:åtta", "avsnitt:åtta"},    {"sida:4-3", "sida:4-3"},     {"page:x", "page:x"},
        {"section: tortyr", "has no value"}, {"kapitel:", "has no value"},
    };
    for (const auto& [query, error] : cases) {
        INFO("query: " << query);
        rapportsok::SplitQuery s = split_filters(query);
        REQUIRE(s.errors.size() == 1);
        CHECK_THAT(s.errors[0], Catch::Contains(error));
        CHECK(s.filters.sections.empty());
        CHECK(s.filters.pages.empty());
    }
}

TEST_CASE("normalise_query lowercases words but keeps operators, NFC, no control characters",
          "[unit]") {
    rapportsok::Analyzer analyzer;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Tortyr", "tortyr"},
        {"TORTYR AND Fängelse", "tortyr AND fängelse"},
        {"tortyr and fängelse", "tortyr and fängelse"},  // lowercase "and" is a word
        {"a OR b NOT c XOR d", "a OR b NOT c XOR d"},
        {"Högsta NEAR domstolen", "högsta NEAR domstolen"},
        {"a NEAR/3 b ADJ c", "a NEAR/3 b ADJ c"},
        {"  many   spaces  ", "many spaces"},
        {"ta\x01"
         "b\x1b[31m",
         "ta b [31m"},  // control characters become spaces
        {"tab\there", "tab here"},
        {"ra\xCC\x88tt", "r\xC3\xA4tt"},  // decomposed ä becomes precomposed
        {"\xE2\x80\x9CHögsta domstolen\xE2\x80\x9D", "\"högsta domstolen\""},  // “ ” quotes
        {"\xC2\xAB"
         "fri press\xC2\xBB",
         "\"fri press\""},            // « » quotes
        {"bad\xFFutf8", "bad utf8"},  // invalid UTF-8 becomes a space
        {"+Tortyr -Fängelse", "+tortyr -fängelse"},
        {"Domstol*", "domstol*"},
        {"", ""},
    };
    for (const auto& [query, expected] : cases) {
        INFO("query: " << query);
        CHECK(normalise_query(query, analyzer) == expected);
    }
}

TEST_CASE("well_formed accepts what the QueryParser reads and names what it cannot", "[unit]") {
    struct Case {
        std::string query;
        bool ok;
        std::string why;  // part of the reason, when not ok
    };
    const std::vector<Case> cases = {
        {"tortyr", true, ""},
        {"tortyr fängelse", true, ""},
        {"tortyr AND fängelse", true, ""},
        {"tortyr OR fängelse NOT dödsstraff", true, ""},
        {"NOT fängelse", true, ""},
        {"\"högsta domstolen\"", true, ""},
        {"(tortyr OR fängelse) AND polisen", true, ""},
        {"\"a (b\" c", true, ""},  // a bracket inside a phrase does not count
        {"+tortyr -fängelse", true, ""},
        {"domstol*", true, ""},
        {"a NEAR b", true, ""},
        {"\"högsta domstolen", false, "unbalanced quote"},
        {"a \"b\" \"c", false, "unbalanced quote"},
        {"(tortyr fängelse", false, "unbalanced bracket"},
        {"tortyr) fängelse", false, "unbalanced bracket"},
        {"(a))(", false, "unbalanced bracket"},
        {"AND", false, "operator AND"},
        {"tortyr AND", false, "operator AND"},
        {"OR tortyr", false, "operator OR"},
        {"a AND OR b", false, "operator OR"},
        {"a NEAR", false, "operator NEAR"},
        {"tortyr NOT", false, "operator NOT"},
        {"tortyr + fängelse", false, "lone +"},
        {"tortyr -", false, "lone -"},
    };
    for (const Case& c : cases) {
        INFO("query: " << c.query);
        std::string why;
        CHECK(well_formed(c.query, why) == c.ok);
        if (!c.ok) CHECK_THAT(why, Catch::Contains(c.why));
    }
}

TEST_CASE("plan_query leaves out of the exact, title and chapter boosts the terms the index lacks",
          "[unit]") {
    rapportsok::EngineCore engine(rapportsok::EngineOptions{{testing::seed_db()}});
    auto worker = engine.lease();
    worker->refresh();
    const Xapian::Database& db = worker->db();
    for (const std::string query :
         {"tortyr fängelse", "domstol okändaord", "\"Högsta domstolen\""}) {
        CAPTURE(query);
        rapportsok::QueryPlan plan =
            rapportsok::plan_query(*worker, query, rapportsok::RankingWeights());
        // No boost left at all: the body alone.
        if (plan.query.get_type() != Xapian::Query::OP_AND_MAYBE) continue;
        const Xapian::Query boosts = plan.query.get_subquery(1);
        for (auto it = boosts.get_unique_terms_begin(); it != boosts.get_unique_terms_end(); ++it)
            CHECK(db.term_exists(*it));
    }
}

// ---- The planner's steps, one by one, on the seed report's index.

namespace {

// A worker on an index (the seed report's unless given), as the engine lends one to a search.
struct SeedWorker {
    rapportsok::EngineCore engine;
    rapportsok::EngineCore::Lease worker = engine.lease();
    explicit SeedWorker(const std::string& db = testing::seed_db())
        : engine(rapportsok::EngineOptions{{db}}) {
        worker->refresh();
    }
    const Xapian::Database& db() { return worker->db(); }
    const rapportsok::Analyzer& analyzer() { return worker->analyzer(); }
};

constexpr double kTitleWeight = rapportsok::RankingWeights().title;

std::set<std::string> terms_of(const Xapian::Query& q) {
    return {q.get_unique_terms_begin(), q.get_unique_terms_end()};
}

// The steps up to the expansion, for a query without filters.
struct Planned {
    rapportsok::QueryText text;
    rapportsok::ParsedQuery parsed;
    rapportsok::ExpandedQuery expanded;
};
Planned plan_to_expansion(SeedWorker& s, const std::string& query) {
    std::vector<std::string> notes;
    Planned p;
    p.text = rapportsok::prepare_text(query, s.analyzer(), false, notes);
    p.parsed = rapportsok::parse_text(p.text, s.worker->parser(), s.db(), s.analyzer(), notes);
    p.expanded = rapportsok::expand_query(p.parsed, p.text, s.worker->expand_sources(),
                                          rapportsok::ExpandOptions(), kTitleWeight);
    return p;
}

}  // namespace

TEST_CASE("plan_filters: OR within a kind, AND across kinds, a note for a filter nothing matches",
          "[unit][plan]") {
    SeedWorker s;
    rapportsok::Filters f;
    f.sections = {{3, 5}};
    f.pages = {{4, 4}};
    std::vector<std::string> notes;
    rapportsok::FilterPlan plan = rapportsok::plan_filters(f, s.db(), notes);
    CHECK(plan.any);
    CHECK(notes.empty());
    CHECK(plan.query.get_type() == Xapian::Query::OP_AND);
    CHECK(terms_of(plan.query) ==
          std::set<std::string>{rapportsok::section_term(3), rapportsok::section_term(4),
                                rapportsok::section_term(5), rapportsok::page_term(4)});
    f.sections = {{99, 99}};
    f.chapters = {"ekonomiska"};
    plan = rapportsok::plan_filters(f, s.db(), notes);
    CHECK(notes == std::vector<std::string>{"no passage has section 99"});
    // Filters AND: one that matches nothing, and the whole filter does.
    CHECK(plan.any);
    CHECK(plan.query.get_type() == Xapian::Query::LEAF_MATCH_NOTHING);

    rapportsok::Filters none;
    plan = rapportsok::plan_filters(none, s.db(), notes);
    CHECK_FALSE(plan.any);
    CHECK(plan.query.get_type() == Xapian::Query::LEAF_MATCH_ALL);
}

TEST_CASE("prepare_text: words cut at the limit, ill-formed text as plain words, stopwords refused",
          "[unit][plan]") {
    const rapportsok::Analyzer analyzer;
    std::vector<std::string> notes;
    std::string many;
    for (size_t k = 0; k < rapportsok::kMaxQueryWords + 5; ++k)
        many += "ord" + std::to_string(k) + " ";
    rapportsok::QueryText t = rapportsok::prepare_text(many, analyzer, false, notes);
    CHECK(t.text.find("ord999") != std::string::npos);
    CHECK(t.text.find("ord1000") == std::string::npos);
    REQUIRE(notes.size() == 1);
    CHECK_THAT(notes[0], Catch::Contains("searched for the first 1000"));

    notes.clear();
    t = rapportsok::prepare_text("\"tortyr fängelse", analyzer, false, notes);
    CHECK(t.plain_words);
    CHECK(t.text == "tortyr fängelse");
    REQUIRE(notes.size() == 1);
    CHECK_THAT(notes[0], Catch::Contains("unbalanced quote"));

    notes.clear();
    t = rapportsok::prepare_text("Tortyr AND Fängelse", analyzer, false, notes);
    CHECK_FALSE(t.plain_words);
    CHECK(t.text == "tortyr AND fängelse");  // words folded, operators kept
    CHECK_THROWS_AS(rapportsok::prepare_text("och att", analyzer, false, notes),
                    rapportsok::UsageError);
    CHECK_NOTHROW(rapportsok::prepare_text("\"för att\"", analyzer, false, notes));
}

TEST_CASE("prepare_text: only -words exclude from the filtered passages, and nothing else",
          "[unit][plan]") {
    const rapportsok::Analyzer analyzer;
    std::vector<std::string> notes;
    rapportsok::QueryText t = rapportsok::prepare_text("-tortyr -fängelse", analyzer, true, notes);
    CHECK(t.text == "NOT (tortyr OR fängelse)");
    CHECK(notes.empty());
    try {
        rapportsok::prepare_text("-tortyr -fängelse", analyzer, false, notes);
        FAIL("no UsageError for a query that only excludes");
    } catch (const rapportsok::UsageError& e) {
        CHECK_THAT(e.what(), Catch::Contains("only excludes (-tortyr, -fängelse)"));
        CHECK_THAT(e.what(), Catch::Contains("fängelse -tortyr"));
    }
    // A word searched for besides: Xapian's parser reads it as it is.
    CHECK(rapportsok::prepare_text("tortyr -fängelse", analyzer, false, notes).text ==
          "tortyr -fängelse");
}

TEST_CASE("prepare_text: nothing but operators and marks is refused, unless filters select",
          "[unit][plan]") {
    const rapportsok::Analyzer analyzer;
    std::vector<std::string> notes;
    try {
        rapportsok::prepare_text("AND (", analyzer, false, notes);
        FAIL("no UsageError for a query of operators and marks");
    } catch (const rapportsok::UsageError& e) {
        CHECK_THAT(e.what(), Catch::Contains("besides operators and marks (AND ()"));
    }
    notes.clear();
    rapportsok::QueryText t = rapportsok::prepare_text("AND (", analyzer, true, notes);
    CHECK(t.plain_words);
    CHECK(t.text.empty());
    REQUIRE(notes.size() == 1);
    CHECK_THAT(notes[0], Catch::Contains("searched as plain words"));
}

TEST_CASE(
    "parse_text: free words unstemmed; headings parsed stemmed only where no expander matches",
    "[unit][plan]") {
    SeedWorker s;
    std::vector<std::string> notes;
    const std::string stem = s.analyzer().stem("tortyr");
    rapportsok::QueryText text{"tortyr", false};
    rapportsok::ParsedQuery p =
        rapportsok::parse_text(text, s.worker->parser(), s.db(), s.analyzer(), notes);
    CHECK(terms_of(p.exact) == std::set<std::string>{"tortyr"});
    CHECK(p.free_words);
    CHECK_FALSE(p.wildcards);
    // Free words: the titles and headings are matched through the expanders (expand_query).
    CHECK(p.chapter.empty());

    text = {"tortyr AND fängelse", false};
    p = rapportsok::parse_text(text, s.worker->parser(), s.db(), s.analyzer(), notes);
    CHECK_FALSE(p.free_words);
    CHECK(terms_of(p.chapter).count(
        rapportsok::stemmed_term(stem, rapportsok::prefix::kChapterName)));

    text = {"tortyr*", false};
    p = rapportsok::parse_text(text, s.worker->parser(), s.db(), s.analyzer(), notes);
    CHECK(p.wildcards);
    CHECK_FALSE(p.free_words);
    CHECK_FALSE(p.chapter.empty());
    CHECK(notes.empty());
}

TEST_CASE("expand_query widens free words and keeps a word quoted alone as typed", "[unit][plan]") {
    SeedWorker s;
    Planned free = plan_to_expansion(s, "budget");
    CHECK(terms_of(free.expanded.body)
              .count(rapportsok::compound_part_term(s.analyzer().stem("budget"))));
    REQUIRE(free.expanded.expansions.size() == 1);
    CHECK(free.expanded.expansions[0].kind == "compound");

    Planned quoted = plan_to_expansion(s, "\"budget\"");
    CHECK(terms_of(quoted.expanded.body) == std::set<std::string>{"budget"});
    CHECK(quoted.expanded.expansions.empty());

    Planned unknown = plan_to_expansion(s, "zorblattiskt");
    CHECK(unknown.expanded.unknown_words == std::vector<std::string>{"zorblattiskt"});
}

TEST_CASE("expand_query matches free words in the section titles and widens the chapter boost",
          "[unit][plan]") {
    SeedWorker s;
    const std::string stem = s.analyzer().stem("tortyr");
    Planned free = plan_to_expansion(s, "tortyr");
    const std::set<std::string> body = terms_of(free.expanded.body);
    CHECK(body.count(rapportsok::stemmed_term(stem)));
    CHECK(body.count(rapportsok::stemmed_term(stem, rapportsok::prefix::kSectionTitle)));
    // The heading boost: the same readings, in the chapter headings' terms only.
    const std::set<std::string> chapter = terms_of(free.expanded.chapter);
    CHECK(chapter.count(rapportsok::stemmed_term(stem, rapportsok::prefix::kChapterName)));
    for (const std::string& t : chapter)
        CHECK(t.rfind(rapportsok::stemmed_term("", rapportsok::prefix::kChapterName), 0) == 0);

    // "rättsstatsprincipen" is in a section title, never in a passage's text: known, and found.
    Planned title = plan_to_expansion(s, "rättsstatsprincipen");
    CHECK(title.expanded.unknown_words.empty());
    CHECK(terms_of(title.expanded.body)
              .count(rapportsok::stemmed_term(s.analyzer().stem("rättsstatsprincipen"),
                                              rapportsok::prefix::kSectionTitle)));

    // A wildcard: the titles are a boost (rank_query), not matched through the expander.
    Planned wild = plan_to_expansion(s, "tortyr*");
    for (const std::string& t : terms_of(wild.expanded.body))
        CHECK(t.rfind(rapportsok::stemmed_term("", rapportsok::prefix::kSectionTitle), 0) != 0);
    // Not free words: the chapter boost is the one parsed.
    Planned both = plan_to_expansion(s, "tortyr AND fängelse");
    CHECK(both.expanded.chapter.get_description() == both.parsed.chapter.get_description());
}

TEST_CASE("rank_query boosts by exact and heading matches, wildcards expanded from the index",
          "[unit][plan]") {
    SeedWorker s;
    // "ekonomiska" is a word of the text and of a chapter heading.
    Planned p = plan_to_expansion(s, "ekonomiska");
    rapportsok::BoundedMemo<bool> known(100);
    Xapian::Query q = rapportsok::rank_query(p.parsed, p.expanded, s.db(), s.analyzer(), known,
                                             rapportsok::RankingWeights());
    CHECK(q.get_type() == Xapian::Query::OP_AND_MAYBE);
    CHECK(terms_of(q).count("ekonomiska"));  // the exact boost
    CHECK(terms_of(q).count(rapportsok::stemmed_term(s.analyzer().stem("ekonomiska"),
                                                     rapportsok::prefix::kChapterName)));
    CHECK(known.size() > 0);  // the terms looked up, remembered
    for (const std::string& t : terms_of(q)) CHECK(s.db().term_exists(t));

    // A wildcard is its terms, read from the database (the same query over any shards).
    Planned wild = plan_to_expansion(s, "domstol*");
    q = rapportsok::rank_query(wild.parsed, wild.expanded, s.db(), s.analyzer(), known,
                               rapportsok::RankingWeights());
    CHECK(q.get_description().find("WILDCARD") == std::string::npos);
    for (const char* word : {"domstol", "domstolarna", "domstolsbeslut"})
        CHECK(terms_of(q).count(word));
}

TEST_CASE("rank_query finds a word only a report's title has in that report's passages",
          "[unit][plan]") {
    testing::TempDir dir;
    dir.write("r/ett.md", "Xylofoniarapporten\n\n# Inledning\n\nOm fängelserna i landet.\n");
    dir.write("r/två.md", "Annan rapport\n\n# Inledning\n\nOm skolorna i landet.\n");
    const std::string db = dir.file("index");
    REQUIRE(testing::run({testing::indexer_bin(), "-q", "--db", db, "r"}, dir.path()).status == 0);
    SeedWorker s(db);
    Planned p = plan_to_expansion(s, "xylofoniarapporten");
    REQUIRE(p.expanded.unknown_words == std::vector<std::string>{"xylofoniarapporten"});
    rapportsok::BoundedMemo<bool> known(100);
    const Xapian::Query q = rapportsok::rank_query(p.parsed, p.expanded, s.db(), s.analyzer(),
                                                   known, rapportsok::RankingWeights());
    CHECK(p.expanded.unknown_words.empty());
    CHECK(terms_of(q).count(rapportsok::stemmed_term(s.analyzer().stem("xylofoniarapporten"),
                                                     rapportsok::prefix::kReportTitle)));
}

TEST_CASE("highlight_terms: the query's words and stems, wildcard prefixes, what expansions added",
          "[unit][plan]") {
    SeedWorker s;
    Planned p = plan_to_expansion(s, "budget domstol* FN");
    rapportsok::HighlightTerms h =
        rapportsok::highlight_terms(p.parsed, p.expanded, p.text, s.analyzer());
    CHECK(h.exact.count("budget"));
    CHECK(h.stems.count(s.analyzer().stem("budget")));
    CHECK(h.prefixes == std::vector<std::string>{"domstol"});
    // budget is a part of compounds; FN's synonyms are highlighted as words of their own.
    CHECK(h.infixes == std::vector<std::string>{s.analyzer().stem("budget")});
    CHECK(h.exact.count("förenta"));
    CHECK(h.exact.count("nationerna"));

    // A heading's stem (ZS..., ZXT...) is no word of the text; a synonym's stopwords ("för",
    // "och", "i" of OSSE's name) are not marked.
    Planned osse = plan_to_expansion(s, "OSSE tortyr");
    h = rapportsok::highlight_terms(osse.parsed, osse.expanded, osse.text, s.analyzer());
    CHECK(h.exact.count("osse"));
    CHECK(h.exact.count("säkerhet"));
    CHECK(h.stems.count(s.analyzer().stem("tortyr")));
    for (const std::string& stem : h.stems) CHECK(rapportsok::is_body_word_term(stem));
    for (const char* stop : {"i", "och", "för"}) {
        CHECK_FALSE(h.exact.count(stop));
        CHECK_FALSE(h.stems.count(stop));
    }

    Planned plain = plan_to_expansion(s, "\"domstol* (");
    CHECK(plain.text.plain_words);
    CHECK(rapportsok::wildcard_prefixes(plain.text).empty());
}
