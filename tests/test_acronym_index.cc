// The acronym index the indexer stores (indexer/common/acronym_index.h) and the synonym look-ups
// made through it (searcher/synonyms.h): the same groups, in the same order, as reading every
// acronym of the list in turn.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "indexer/common/acronym_index.h"
#include "indexer/common/analysis.h"
#include "indexer/common/schema.h"
#include "searcher/expand.h"
#include "searcher/synonyms.h"
#include "tests/support.h"

namespace {

using rapportsok::AcronymIndex;
using rapportsok::SynonymGroups;
using rapportsok::SynonymMember;
using rapportsok::Synonyms;
using Pairs = std::vector<std::pair<std::string, std::string>>;
using Words = std::vector<std::string>;

std::string list_of(const Pairs& pairs) {
    return nlohmann::json(pairs).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SynonymMember member(const rapportsok::Analyzer& a, const std::string& text) {
    Words words = rapportsok::query_words(a, text);
    return {text, words, rapportsok::name_key(a, words)};
}

// What the search did before the index: every acronym analysed, its group appended to the file's.
SynonymGroups all_groups(const SynonymGroups& file, const Pairs& pairs,
                         const rapportsok::Analyzer& a) {
    SynonymGroups all = file;
    for (const auto& [acronym, definition] : pairs) {
        SynonymMember m = member(a, acronym), d = member(a, definition);
        if (!m.key.empty() && !d.key.empty()) all.push_back({m, d});
    }
    return all;
}

SynonymGroups scan_groups_with(const SynonymGroups& all, const Words& key) {
    SynonymGroups out;
    for (const auto& g : all)
        for (const SynonymMember& m : g)
            if (m.key == key) {
                out.push_back(g);
                break;
            }
    return out;
}

std::vector<Words> scan_names_in(const SynonymGroups& all, const Words& words) {
    std::vector<Words> found;
    for (const auto& g : all)
        for (const SynonymMember& m : g) {
            if (m.key.size() < 2 || m.key.size() > words.size()) continue;
            if (std::find(found.begin(), found.end(), m.key) != found.end()) continue;
            if (std::search(words.begin(), words.end(), m.key.begin(), m.key.end()) != words.end())
                found.push_back(m.key);
        }
    return found;
}

bool same(const SynonymGroups& a, const SynonymGroups& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size()) return false;
        for (size_t j = 0; j < a[i].size(); ++j)
            if (a[i][j].text != b[i][j].text || a[i][j].words != b[i][j].words ||
                a[i][j].key != b[i][j].key)
                return false;
    }
    return true;
}

// Acronyms that share keys, a definition of stopwords only, one that is its acronym, names of
// several words that overlap, case and accents, texts with tabs, newlines and backslashes.
const Pairs kPairs = {
    {"RSF", "Reportrar utan gränser"},
    {"FN", "Förenta nationerna"},
    {"ILO", "Internationella arbetsorganisationen"},
    {"UG", "Utan gränser"},
    {"OCH", "och"},  // the definition is a stopword: no group
    {"EU", "Europeiska unionen"},
    {"EU", "Europeiska Unionen\tgemensamt"},
    {"RSF", "Reportrar\nutan gränser\\x"},
    {"AB", "ab"},
    {"FN", "FN:s organ"},
    {"NR", "Nationerna unionen"},
    {"ÖSK", "Östersjöns samarbetskommitté"},
};

}  // namespace

TEST_CASE("the acronym index finds each key's groups in list order, as reading every acronym did",
          "[unit][synonyms]") {
    rapportsok::Analyzer a;
    const SynonymGroups file =
        rapportsok::parse_synonyms("FN = Förenta nationerna = UN\nEU = Europeiska unionen\n", a);
    const std::string list = list_of(kPairs);
    const AcronymIndex index(rapportsok::encode_acronym_index(list, a));
    CHECK(index.indexes(list));
    const SynonymGroups all = all_groups(file, kPairs, a);
    const Synonyms synonyms(file, index);
    CHECK(synonyms.size() == all.size());
    CHECK(synonyms.size() == file.size() + kPairs.size() - 1);  // all but OCH = och

    std::vector<Words> keys = {{"nothing"}, {"utan"}, {"rsf"}, {"gränser"}};
    for (const auto& g : all)
        for (const SynonymMember& m : g) keys.push_back(m.key);
    for (const Words& key : keys) {
        INFO("key: " << nlohmann::json(key).dump());
        CHECK(same(synonyms.groups_with(key), scan_groups_with(all, key)));
    }
    CHECK(synonyms.groups_with({"rsf"}).size() == 2);
    CHECK(synonyms.groups_with({"rsf"})[1][1].text == "Reportrar\nutan gränser\\x");
    CHECK(synonyms.groups_with({"eu"}).size() == 3);  // the file's first

    const std::vector<Words> queries = {
        {"reportrar", "utan", "gränser"},
        {"förenta", "nationerna", "unionen", "europeiska", "unionen"},
        {"nationerna", "unionen", "förenta", "nationerna"},
        {"utan", "gränser", "reportrar", "gränser"},
        {"fn", "organ", "europeiska", "unionen", "gemensamt"},
        {"östersjöns", "samarbetskommitté"},
        {"ab"},
        {}};
    for (const Words& q : queries) {
        INFO("words: " << nlohmann::json(q).dump());
        CHECK(synonyms.names_in(q) == scan_names_in(all, q));
    }
    CHECK_FALSE(synonyms.names_in(queries[1]).empty());

    // A long query (runs are looked up only as long as the longest key): names at its start, in
    // the middle and at its very end are all found.
    Words long_query;
    for (int i = 0; i < 1500; ++i) long_query.push_back(i % 2 ? "utan" : "reportrar");
    long_query.insert(long_query.begin() + 700, {"förenta", "nationerna"});
    for (const char* w : {"europeiska", "unionen", "gemensamt"}) long_query.push_back(w);
    CHECK(index.longest_key() >= 3);
    CHECK(synonyms.names_in(long_query) == scan_names_in(all, long_query));
    CHECK(synonyms.names_in(long_query).size() >= 3);
}

TEST_CASE("an acronym index made from another list is not taken for this one", "[unit][synonyms]") {
    rapportsok::Analyzer a;
    const std::string list = list_of(kPairs);
    const AcronymIndex index(rapportsok::encode_acronym_index(list, a));
    Pairs other = kPairs;
    other.pop_back();
    CHECK_FALSE(index.indexes(list_of(other)));
    CHECK_FALSE(index.indexes(""));
    CHECK(AcronymIndex("").indexes(""));
    CHECK_FALSE(AcronymIndex("").indexes(list));
    CHECK(rapportsok::encode_acronym_index("", a).empty());
    CHECK(rapportsok::encode_acronym_index(list_of({{"OCH", "och"}}), a).empty());
}

TEST_CASE("a damaged acronym index is refused, not misread", "[unit][synonyms]") {
    rapportsok::Analyzer a;
    const std::string good = rapportsok::encode_acronym_index(list_of(kPairs), a);
    CHECK_THROWS_AS(AcronymIndex("garbage"), std::runtime_error);
    CHECK_THROWS_AS(AcronymIndex(good.substr(0, good.size() - 1)), std::runtime_error);
    CHECK_THROWS_AS(AcronymIndex("acronym-index 1 x 1:2\n"), std::runtime_error);
    const AcronymIndex cut(good.substr(0, good.find('\n') + 1) + "rsf\t1\n");
    CHECK_THROWS_AS(cut.find({"rsf"}), std::runtime_error);
}

TEST_CASE(
    "a database's acronym index gives the answers of the acronyms read afresh, and one "
    "missing or made from another list is made again at search time",
    "[e2e][synonyms]") {
    testing::TempDir dir;
    dir.write("corpus/seed.txt", testing::read_file(testing::seed_report_path()));
    const std::string db = dir.file("index");
    const testing::Run built =
        testing::run({testing::indexer_bin(), "--quiet", "--db", db, "corpus"}, dir.path());
    REQUIRE(built.status == 0);
    std::string list, index;
    {
        Xapian::Database d(db);
        list = d.get_metadata(rapportsok::meta::kAcronyms);
        index = d.get_metadata(rapportsok::meta::kAcronymIndex);
    }
    REQUIRE_FALSE(list.empty());
    CHECK(AcronymIndex(index).indexes(list));
    CHECK(AcronymIndex(index).groups() > 5);

    const std::vector<std::string> queries = {"RSF", "ILO", "reportrar utan gränser",
                                              "Internationella arbetsorganisationen", "FN"};
    auto answers = [&] {
        std::vector<std::string> out;
        for (const std::string& q : queries) {
            const testing::Run r =
                testing::run({testing::searcher_bin(), "--db", db, "--json", "--", q});
            CHECK(r.status == 0);
            out.push_back(r.out);
        }
        return out;
    };
    const std::vector<std::string> stored = answers();
    CHECK(stored[0].find("Reportrar utan gränser") != std::string::npos);
    auto set_index = [&](const std::string& value) {
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        w.set_metadata(rapportsok::meta::kAcronymIndex, value);
        w.commit();
    };
    set_index("");  // an indexer from before the index
    CHECK(answers() == stored);
    // Another list's index (an acronym fewer), and a damaged one: neither is used.
    auto pairs = nlohmann::json::parse(list).get<Pairs>();
    pairs.erase(pairs.begin());
    set_index(rapportsok::encode_acronym_index(list_of(pairs), rapportsok::Analyzer()));
    CHECK(answers() == stored);
    set_index("acronym-index 1 nonsense");
    CHECK(answers() == stored);
}
