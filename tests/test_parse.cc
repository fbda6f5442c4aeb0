// Query parsing on its own: filters taken out of a query, the query normalised, and whether the
// QueryParser can read it as written.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/match.h"
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
