#include "searcher/print_json.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "searcher/json_out.h"

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

namespace {

// The keys of each object in the order nlohmann's (sorted) objects print them.

void write_section(const Passage& p, JsonOut& w) {
    w.raw("{\"label\":");
    w.string(p.section_label);
    w.raw(",\"number\":");
    w.number(static_cast<long long>(p.section_number));
    w.raw(",\"parents\":[");
    for (size_t i = 0; i < p.section_parents.size(); ++i) {
        w.raw(i ? ",{\"label\":" : "{\"label\":");
        w.string(p.section_parents[i].first);
        w.raw(",\"title\":");
        w.string(p.section_parents[i].second);
        w.raw("}");
    }
    w.raw("],\"title\":");
    w.string(p.section_title);
    w.raw("}");
}

// A passage's fields from "chapter" to "report_title" (passage_json's); the hit's own fields
// fall between them.
void write_passage_head(const Passage& p, JsonOut& w) {
    w.raw("{\"chapter\":");
    w.string(p.chapter);
}

void write_passage_middle(const Passage& p, JsonOut& w) {
    w.raw(",\"file\":");
    w.string(p.file);
}

void write_passage_tail(const Passage& p, JsonOut& w) {
    w.raw(",\"id\":");
    w.string(p.id);
    w.raw(",\"lines\":[");
    w.number(static_cast<long long>(p.first_line));
    w.raw(",");
    w.number(static_cast<long long>(p.last_line));
    w.raw("],\"page\":");
    w.number(static_cast<long long>(p.page));
    w.raw(",\"pages\":[");
    w.number(static_cast<long long>(p.page));
    w.raw(",");
    w.number(static_cast<long long>(p.last_page));
    w.raw("],\"position\":");
    w.number(static_cast<long long>(p.position));
}

void write_passage(const Passage& p, JsonOut& w) {
    write_passage_head(p, w);
    write_passage_middle(p, w);
    write_passage_tail(p, w);
    w.raw(",\"report_title\":");
    w.string(p.report_title);
    w.raw(",\"section\":");
    write_section(p, w);
    w.raw(",\"text\":");
    w.string(p.text);
    w.raw("}");
}

void write_passages(const std::vector<Passage>& list, JsonOut& w) {
    w.raw("[");
    for (size_t i = 0; i < list.size(); ++i) {
        if (i) w.raw(",");
        write_passage(list[i], w);
    }
    w.raw("]");
}

void write_hit(const Hit& h, bool context, const std::string* snippet_html, JsonOut& w) {
    const Passage& p = h.passage;
    write_passage_head(p, w);
    if (context) {
        w.raw(",\"context\":{\"after\":");
        write_passages(h.after, w);
        w.raw(",\"before\":");
        write_passages(h.before, w);
        w.raw("}");
    }
    write_passage_middle(p, w);
    w.raw(",\"highlights\":[");
    for (size_t i = 0; i < h.snippet.highlights.size(); ++i) {
        w.raw(i ? ",[" : "[");
        w.number(static_cast<long long>(h.snippet.highlights[i].first));
        w.raw(",");
        w.number(static_cast<long long>(h.snippet.highlights[i].second));
        w.raw("]");
    }
    w.raw("]");
    write_passage_tail(p, w);
    w.raw(",\"rank\":");
    w.number(static_cast<long long>(h.rank));
    w.raw(",\"report_title\":");
    w.string(p.report_title);
    w.raw(",\"score\":");
    w.number(h.score);
    w.raw(",\"section\":");
    write_section(p, w);
    w.raw(",\"snippet\":");
    w.string(h.snippet.text);
    if (snippet_html) {
        w.raw(",\"snippet_html\":");
        w.string(*snippet_html);
    }
    w.raw(",\"text\":");
    w.string(p.text);
    w.raw("}");
}

}  // namespace

void append_result_json(const SearchResult& r, std::string& out, const ApiFields* api) {
    JsonOut w(out);
    w.raw("{\"corrected\":");
    if (r.corrected)
        w.string(*r.corrected);
    else
        w.null();
    w.raw(",\"expansions\":[");
    for (size_t i = 0; i < r.expansions.size(); ++i) {
        const Expansion& e = r.expansions[i];
        w.raw(i ? ",{\"alternatives\":" : "{\"alternatives\":");
        w.strings(e.alternatives);
        w.raw(",\"kind\":");
        w.string(e.kind);
        w.raw(",\"word\":");
        w.string(e.word);
        w.raw("}");
    }
    w.raw("],\"facets\":{");
    const bool chapters = !api || api->chapter_facets, sections = !api || api->section_facets;
    if (chapters) {
        w.raw("\"chapter\":[");
        for (size_t i = 0; i < r.chapters.size(); ++i) {
            w.raw(i ? ",{\"count\":" : "{\"count\":");
            w.number(static_cast<long long>(r.chapters[i].count));
            w.raw(",\"value\":");
            w.string(r.chapters[i].value);
            w.raw("}");
        }
        w.raw("]");
    }
    if (sections) {
        w.raw(chapters ? ",\"section\":[" : "\"section\":[");
        for (size_t i = 0; i < r.sections.size(); ++i) {
            const Facet& f = r.sections[i];
            w.raw(i ? ",{\"count\":" : "{\"count\":");
            w.number(static_cast<long long>(f.count));
            w.raw(",\"label\":");
            w.string(f.label);
            w.raw(",\"number\":");
            w.number(static_cast<long long>(f.section));
            w.raw(",\"title\":");
            w.string(f.value);
            w.raw(",\"value\":");
            w.number(static_cast<long long>(f.section));
            w.raw("}");
        }
        w.raw("]");
    }
    w.raw("},\"facets_exact\":");
    w.boolean(r.facets_exact);
    w.raw(",\"hits\":[");
    for (size_t k = 0; k < r.hits.size(); ++k) {
        if (k) w.raw(",");
        const std::string* html =
            api && k < api->snippet_html.size() ? &api->snippet_html[k] : nullptr;
        write_hit(r.hits[k], r.context > 0, html, w);
    }
    w.raw("]");
    if (api) {
        w.raw(",\"limit\":");
        w.number(static_cast<long long>(api->limit));
    }
    w.raw(",\"notes\":");
    w.strings(r.notes);
    w.raw(",\"offset\":");
    w.number(static_cast<long long>(r.offset));
    w.raw(",\"query\":");
    w.string(r.query);
    if (api) {
        w.raw(",\"revision\":");
        w.string(r.revision);
    }
    if (r.shards.total > 1 || !r.shards.failed.empty()) {
        w.raw(",\"shards\":{\"failed\":[");
        for (size_t i = 0; i < r.shards.failed.size(); ++i) {
            w.raw(i ? ",{\"error\":" : "{\"error\":");
            w.string(r.shards.failed[i].error);
            w.raw(",\"shard\":");
            w.string(r.shards.failed[i].shard);
            w.raw("}");
        }
        w.raw("],\"ok\":");
        w.number(static_cast<long long>(r.shards.ok));
        w.raw(",\"total\":");
        w.number(static_cast<long long>(r.shards.total));
        w.raw("}");
    }
    if (api) {
        w.raw(",\"timed_out\":");
        w.boolean(api->timed_out);
        w.raw(",\"took_ms\":");
        w.number(api->took_ms);
    }
    w.raw(",\"total\":");
    w.number(static_cast<long long>(r.total));
    w.raw(",\"total_exact\":");
    w.boolean(r.total_exact);
    if (api) {
        w.raw(",\"unknown_words\":");
        w.strings(r.unknown_words);
    }
    w.raw("}");
}

void print_json(const SearchResult& r, std::ostream& out) {
    std::string s;
    append_result_json(r, s);
    s += '\n';
    out << s;
}

}  // namespace rapportsok
