// The JSON written without a tree (searcher/json_out.h, append_result_json) is byte for byte
// nlohmann's dump of the same values: hostile strings, numbers, and whole search results.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "searcher/json_out.h"
#include "searcher/print_json.h"

namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The reference encoder: a search result as the nlohmann tree the searcher built before it wrote
// JSON without one (the keys of nlohmann's objects sorted, so the dump's field order is the
// writer's). The writer must print exactly this tree's dump.

using rapportsok::Expansion;
using rapportsok::Facet;
using rapportsok::Hit;
using rapportsok::Passage;
using rapportsok::passage_json;
using rapportsok::SearchResult;
using rapportsok::ShardFailure;

json context_json(const std::vector<Passage>& before, const std::vector<Passage>& after) {
    json b = json::array(), a = json::array();
    for (const Passage& p : before) b.push_back(passage_json(p));
    for (const Passage& p : after) a.push_back(passage_json(p));
    return {{"before", b}, {"after", a}};
}

json reference_json(const SearchResult& r) {
    json hits = json::array();
    for (const Hit& h : r.hits) {
        const Passage& p = h.passage;
        json marks = json::array();
        for (auto [b, e] : h.snippet.highlights) marks.push_back({b, e});
        json hit = passage_json(p);
        hit["rank"] = h.rank;
        hit["score"] = h.score;
        hit["snippet"] = h.snippet.text;
        hit["highlights"] = marks;
        if (r.context > 0) hit["context"] = context_json(h.before, h.after);
        hits.push_back(std::move(hit));
    }
    json chapters = json::array(), sections = json::array();
    for (const Facet& f : r.chapters) chapters.push_back({{"value", f.value}, {"count", f.count}});
    for (const Facet& f : r.sections)
        sections.push_back({{"value", f.section},
                            {"number", f.section},
                            {"label", f.label},
                            {"title", f.value},
                            {"count", f.count}});
    json expansions = json::array();
    for (const Expansion& e : r.expansions)
        expansions.push_back(
            {{"word", e.word}, {"kind", e.kind}, {"alternatives", e.alternatives}});
    json j = {{"query", r.query},
              {"corrected", r.corrected ? json(*r.corrected) : json(nullptr)},
              {"total", r.total},
              {"total_exact", r.total_exact},
              {"offset", r.offset},
              {"hits", hits},
              {"facets", {{"chapter", chapters}, {"section", sections}}},
              {"facets_exact", r.facets_exact},
              {"expansions", expansions},
              {"notes", r.notes}};
    if (r.shards.total > 1 || !r.shards.failed.empty()) {
        json failed = json::array();
        for (const ShardFailure& f : r.shards.failed)
            failed.push_back({{"shard", f.shard}, {"error", f.error}});
        j["shards"] = {{"total", r.shards.total}, {"ok", r.shards.ok}, {"failed", failed}};
    }
    return j;
}

std::string written(const std::string& s) {
    std::string out;
    rapportsok::JsonOut(out).string(s);
    return out;
}

std::string written(double d) {
    std::string out;
    rapportsok::JsonOut(out).number(d);
    return out;
}

// Strings a report or a query may hold: every control character, quotes, backslashes, text in
// four scripts, characters outside the BMP, and each kind of invalid UTF-8 (a lone continuation
// byte, a sequence cut short, at the end too, overlong forms, surrogates, past U+10FFFF, bytes
// that never occur).
std::vector<std::string> hostile_strings() {
    std::vector<std::string> out = {"",
                                    "plain",
                                    "a \"quoted\" word",
                                    "back\\slash\\",
                                    "tab\tnew\nline\rcr\bbs\fff",
                                    "\x01\x02\x1f\x7f",
                                    std::string("nul\0inside", 10),
                                    "Förenta nationerna, Ååäöé",
                                    "Казахстан 哈萨克斯坦 €",
                                    "emoji \xF0\x9F\x98\x80 and \xF4\x8F\xBF\xBF",
                                    "\xE2\x80\xA8 line separator",
                                    "lone \x80 continuation",
                                    "cut \xC3",
                                    "cut \xE2\x82 in three",
                                    "cut \xF0\x9F\x98",
                                    "overlong \xC0\x80 \xC1\xBF \xE0\x80\x80 \xF0\x80\x80\x80",
                                    "surrogate \xED\xA0\x80 \xED\xBF\xBF",
                                    "past \xF4\x90\x80\x80 \xF5\x80 \xFF\xFE",
                                    "\xC3\x28 \xE2\x28\xA1 \xF0\x28\x8C\xBC",
                                    "mixed \"\xC3\" \\\x01 \xF0\x9F\x98\x80\xF0",
                                    "</script><img onerror=alert(1)>"};
    for (int c = 0; c < 256; ++c) out.push_back(std::string(1, static_cast<char>(c)));
    // Random bytes, weighted to the ones that matter.
    std::mt19937 random(20261201);
    const std::string alphabet = std::string(
        "ab \"\\\n\t\x01\x1f\x7f\x80\xBF\xC2\xC3\xA4\xE2\x82\xAC"
        "\xED\xA0\xF0\x9F\x98\xF4\x90\xFF");
    for (int n = 0; n < 3000; ++n) {
        std::string s;
        const size_t length = random() % 24;
        for (size_t i = 0; i < length; ++i) s += alphabet[random() % alphabet.size()];
        out.push_back(s);
    }
    return out;
}

}  // namespace

TEST_CASE("JSON strings are written as nlohmann dumps them, hostile ones too", "[unit][json]") {
    for (const std::string& s : hostile_strings()) {
        INFO("as nlohmann dumps it: " << dump(json(s)));
        REQUIRE(written(s) == dump(json(s)));
    }
    CHECK(written("a\"b") == "\"a\\\"b\"");
    CHECK(written("\x01") == "\"\\u0001\"");
    CHECK(written("x\xC3") == "\"x\xEF\xBF\xBD\"");  // U+FFFD
}

TEST_CASE("JSON numbers are written as nlohmann dumps them", "[unit][json]") {
    const std::vector<double> doubles = {0.0,
                                         -0.0,
                                         1.0,
                                         2.5,
                                         0.1,
                                         1e-05,
                                         123456.789,
                                         1e21,
                                         1e22,
                                         12.3,
                                         4.2e-7,
                                         std::numeric_limits<double>::max(),
                                         std::numeric_limits<double>::min(),
                                         std::numeric_limits<double>::denorm_min(),
                                         std::numeric_limits<double>::quiet_NaN(),
                                         std::numeric_limits<double>::infinity(),
                                         -std::numeric_limits<double>::infinity()};
    for (double d : doubles) {
        INFO("value: " << d);
        CHECK(written(d) == dump(json(d)));
    }
    std::mt19937_64 random(7);
    for (int n = 0; n < 2000; ++n) {
        const double d = std::ldexp(static_cast<double>(random() % 1000003) - 500000.0,
                                    static_cast<int>(random() % 80) - 40);
        INFO("value: " << d);
        REQUIRE(written(d) == dump(json(d)));
    }
    for (long long n : {0LL, 1LL, -1LL, 42LL, std::numeric_limits<long long>::max(),
                        std::numeric_limits<long long>::min()}) {
        std::string out;
        rapportsok::JsonOut(out).number(n);
        CHECK(out == dump(json(n)));
    }
}

namespace {

rapportsok::Passage passage(const std::string& text, int n) {
    rapportsok::Passage p;
    p.id = "id" + std::to_string(n) + text.substr(0, 2);
    p.file = "corpus/" + text + ".txt";
    p.first_line = 10 * n;
    p.last_line = 10 * n + 3;
    p.page = n;
    p.last_page = n + 1;
    p.chapter_number = n % 3;
    p.chapter = "KAPITEL " + text;
    p.section_number = n;
    p.section_label = std::to_string(n) + ".1";
    p.section_title = "Titel " + text;
    if (n % 2) p.section_parents = {{std::to_string(n), "Överst " + text}, {"x", text}};
    p.position = n + 1;
    p.text = "Text " + text + " slut";
    p.report_title = n % 3 ? "Rapport " + text : "";
    return p;
}

// Results of every shape, their strings taken from the hostile ones in turn.
std::vector<rapportsok::SearchResult> results() {
    const std::vector<std::string> strings = hostile_strings();
    size_t next = 0;
    auto s = [&] { return strings[(next++ * 7) % strings.size()]; };
    std::vector<rapportsok::SearchResult> out;
    for (int shape = 0; shape < 40; ++shape) {
        rapportsok::SearchResult r;
        r.query = s();
        if (shape % 2) r.corrected = s();
        r.total = shape * 1000 + 7;
        r.total_exact = shape % 3 != 0;
        r.facets_exact = shape % 4 != 0;
        r.offset = shape % 5;
        r.context = shape % 3 == 1 ? 1 : 0;
        for (int h = 0; h < shape % 7; ++h) {
            rapportsok::Hit hit;
            hit.rank = h + 1;
            hit.score = 12.5 / (h + 1) + shape * 0.001;
            hit.passage = passage(s(), h + shape);
            hit.snippet.text = s();
            for (int m = 0; m < h % 3; ++m) hit.snippet.highlights.emplace_back(m * 4, m * 4 + 2);
            if (r.context) {
                hit.before.push_back(passage(s(), h));
                if (h % 2) hit.after.push_back(passage(s(), h + 1));
            }
            r.hits.push_back(hit);
        }
        for (int f = 0; f < shape % 4; ++f) {
            r.chapters.push_back({s(), 0, f + 1L, ""});
            r.sections.push_back({s(), f + 2, 3L * f, s()});
        }
        for (int n = 0; n < shape % 3; ++n) r.notes.push_back(s());
        for (int e = 0; e < shape % 4; ++e) r.expansions.push_back({s(), {s(), s()}, s()});
        for (int u = 0; u < shape % 2; ++u) r.unknown_words.push_back(s());
        r.revision = shape % 5 ? "uuid:" + std::to_string(shape) : "";
        if (shape % 6 == 5) r.shards = {4, 3, {{s(), s()}}};
        if (shape % 6 == 4) r.shards = {2, 2, {}};
        out.push_back(r);
    }
    return out;
}

}  // namespace

TEST_CASE("a search result is written as the dump of its JSON tree", "[unit][json]") {
    for (const rapportsok::SearchResult& r : results()) {
        std::string out;
        rapportsok::append_result_json(r, out);
        REQUIRE(out == dump(reference_json(r)));
    }
}

TEST_CASE("the HTTP API's search object is written as the dump of the tree with its fields added",
          "[unit][json]") {
    int n = 0;
    for (const rapportsok::SearchResult& r : results()) {
        ++n;
        rapportsok::ApiFields api;
        for (const rapportsok::Hit& h : r.hits) api.snippet_html.push_back("<b>" + h.snippet.text);
        api.chapter_facets = n % 3 != 0;
        api.section_facets = n % 4 != 0;
        api.took_ms = n * 0.7;
        api.timed_out = n % 5 == 0;
        api.limit = n;
        // As the API built it before: the tree, its fields added.
        json j = reference_json(r);
        for (size_t k = 0; k < r.hits.size(); ++k) {
            j["hits"][k]["snippet_html"] = api.snippet_html[k];
            j["hits"][k]["report_title"] = r.hits[k].passage.report_title;
        }
        j["unknown_words"] = r.unknown_words;
        if (!api.chapter_facets) j["facets"].erase("chapter");
        if (!api.section_facets) j["facets"].erase("section");
        j["took_ms"] = api.took_ms;
        j["timed_out"] = api.timed_out;
        j["limit"] = api.limit;
        j["revision"] = r.revision;
        std::string out;
        rapportsok::append_result_json(r, out, &api);
        REQUIRE(out == dump(j));
    }
}
