#include "searcher/print_json.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace rapportsok {

using nlohmann::json;

namespace {

json context_json(const std::vector<Passage>& before, const std::vector<Passage>& after) {
    json b = json::array(), a = json::array();
    for (const Passage& p : before) b.push_back(passage_json(p));
    for (const Passage& p : after) a.push_back(passage_json(p));
    return {{"before", b}, {"after", a}};
}

std::string dump(const json& j) {
    // Invalid UTF-8 from a report can never break the output: it becomes U+FFFD.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void print_passage_json(const Passage& p, const std::vector<Passage>& before,
                        const std::vector<Passage>& after, bool context, std::ostream& out) {
    json j = passage_json(p);
    if (context) j["context"] = context_json(before, after);
    out << dump(j) << "\n";
}

json result_json(const SearchResult& r) {
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

void print_json(const SearchResult& r, std::ostream& out) { out << dump(result_json(r)) << "\n"; }

}  // namespace rapportsok
