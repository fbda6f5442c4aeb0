#include "searcher/match.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>

#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "searcher/parse.h"
#include "searcher/passages.h"
#include "searcher/snippet.h"
#include "searcher/worker.h"

namespace rapportsok {

namespace {

// Notes the documents the matcher looks at, for the facets.
class SeenDocuments : public Xapian::MatchSpy {
  public:
    void operator()(const Xapian::Document& doc, double) override {
        ids.push_back(doc.get_docid());
    }
    std::vector<Xapian::docid> ids;
};

// The spies of one match (the Enquire keeps pointers to them).
struct FacetSpies {
    SeenDocuments seen;
    Xapian::ValueCountMatchSpy chapters{slot::kChapter}, sections{slot::kSection};
};

// The positions in mset of the hits [offset, want) once each run of equal weights that reaches
// into them is put in report order (slot::kOrder). mset holds the ranking from its first match,
// and past want unless a tie ends there or the matches do.
std::vector<Xapian::doccount> in_report_order_when_tied(Xapian::MSet& mset, long offset,
                                                        Xapian::doccount want) {
    std::vector<Xapian::doccount> order;
    const Xapian::doccount n = mset.size();
    for (Xapian::doccount i = 0; i < n; ++i) order.push_back(i);
    const auto from = static_cast<Xapian::doccount>(offset);
    for (Xapian::doccount a = 0, b; a < n && a < want; a = b) {
        b = a + 1;
        const double w = mset[a].get_weight();
        while (b < n && mset[b].get_weight() == w) ++b;
        if (b - a < 2 || b <= from) continue;
        mset.fetch(mset[a], mset[b - 1]);  // one batch, for a remote shard
        std::vector<std::pair<std::string, Xapian::doccount>> keyed;
        for (Xapian::doccount i = a; i < b; ++i)
            keyed.emplace_back(mset[i].get_document().get_value(slot::kOrder), i);
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        for (Xapian::doccount i = a; i < b; ++i) order[i] = keyed[i - a].second;
    }
    std::vector<Xapian::doccount> page;
    for (Xapian::doccount i = from; i < n && i < want; ++i) page.push_back(order[i]);
    return page;
}

// What a plan is made from besides the revision: the query and the options and weights it reads
// (every field of RankingWeights and ExpandOptions: a field added there is added here).
static_assert(sizeof(RankingWeights) == 5 * sizeof(double), "a weight missing from plan_key");
std::string plan_key(const std::string& query, const RankingWeights& w, const ExpandOptions& o) {
    std::string key = query;
    key += '\0';
    auto add = [&](double d) { key.append(reinterpret_cast<const char*>(&d), sizeof d); };
    for (double d : {w.k1, w.b, w.exact, w.title, w.chapter, o.folded_weight, o.compound_weight,
                     o.synonym_weight})
        add(d);
    for (bool b : {o.inflections, o.diacritics, o.compounds, o.synonyms, o.english, o.spelling})
        key += b ? '1' : '0';
    return key;
}

// The query's plan: made once per revision and worker (RevisionCaches::plans), as everything it
// reads (the index, the synonyms and acronyms, the dictionary) is the revision's; a query that
// cannot be searched throws each time. key: plan_key, or "" when nothing may be kept.
const QueryPlan& planned(Worker& worker, const std::string& key, const std::string& query,
                         const RankingWeights& w, const ExpandOptions& options,
                         QueryPlan& scratch) {
    if (key.empty()) return scratch = plan_query(worker, query, w, options);
    if (const QueryPlan* known = worker.caches().plans.find(key)) return *known;
    return worker.caches().plans.put(key, plan_query(worker, query, w, options));
}

std::string docid_key(Xapian::docid id) {
    return std::string(reinterpret_cast<const char*>(&id), sizeof id);
}

// A hit's passage, read from its document's data (inflated and decoded) once per revision and
// worker (RevisionCaches::passages): a docid's data is fixed within a revision.
Passage passage_of(Worker& worker, const Xapian::MSetIterator& it) {
    if (!worker.caching()) return decode_passage(it.get_document().get_data());
    const std::string key = docid_key(*it);
    if (const Passage* known = worker.caches().passages.find(key)) return *known;
    return worker.caches().passages.put(key, decode_passage(it.get_document().get_data()));
}

SearchResult search_once(Worker& worker, const SearchRequest& req) {
    const Xapian::Database& db = worker.db();
    const Analyzer& analyzer = worker.analyzer();
    SearchResult r;
    r.query = req.query;
    r.offset = req.offset;
    ExpandOptions expand = req.expand;
    expand.spelling = expand.spelling && req.spelling;  // --no-spelling: no correction at all
    const std::string key = worker.caching() ? plan_key(req.query, req.weights, expand) : "";
    QueryPlan scratch;
    const QueryPlan& plan = planned(worker, key, req.query, req.weights, expand, scratch);
    r.notes = plan.notes;
    r.expansions = plan.expansions;
    r.unknown_words = plan.unknown_words;

    Xapian::Enquire enquire(db);
    Xapian::Query q = plan.query;
    if (plan.has_filter) q = Xapian::Query(Xapian::Query::OP_FILTER, q, plan.filter);
    enquire.set_query(q);
    // Past its time the matcher stops counting and returns the best hits it has (the total then
    // is an estimate).
    if (req.time_limit > 0) enquire.set_time_limit(req.time_limit);
    if (plan.has_text)
        enquire.set_weighting_scheme(Xapian::BM25Weight(req.weights.k1, 0, 1, req.weights.b, 0.5));
    else
        enquire.set_weighting_scheme(Xapian::BoolWeight());
    // Filters only, or asked for: the passages in report order, report by report (one value:
    // a KeyMaker over two cannot cross Xapian's remote protocol).
    const bool by_value = !plan.has_text || req.by_position;
    if (by_value) enquire.set_sort_by_value(slot::kOrder, false);
    if (req.one_per_file) enquire.set_collapse_key(slot::kFile);
    // Facets: over shards, with ValueCountMatchSpy, which a remote shard's server knows and runs
    // (a spy of our own cannot cross the remote protocol, and is given each local shard's own
    // docids); in one local database, the documents looked at are noted, and their values read
    // from the worker's cache (FacetValues), much faster than the spy's look-up per match.
    const bool remote = !worker.one_local_database();
    // Totals and facets are exact up to kExactUpTo matches (every report-sized index): the
    // matcher looks at every match. Past that it may stop once the best hits are certain; the
    // facet counts are then scaled from the matches it looked at and marked as estimates.
    constexpr Xapian::doccount kExactUpTo = 500;
    constexpr size_t kEstimateFrom = 250;  // matches, at least, that estimated facets count
    const auto want = static_cast<Xapian::doccount>(req.offset + req.limit);
    const auto check_at_least =
        req.exact_total ? db.get_doccount() : std::max<Xapian::doccount>(kExactUpTo, want);
    // The ranking from its first match: equal scores are put in report order below, as one
    // database and any shards of it give them (Xapian orders them by docid, and docids
    // interleave over shards). One match past the page tells whether a tie runs past it; it is
    // then asked for more, until the tie ends. (Relevance then value, Xapian's own tie order,
    // would keep the matcher from stopping early: a match that sorts below the page never
    // raises the weight it needs.)
    Xapian::doccount fetch = want == 0 ? 0 : want + 1;
    // Xapian 1.4 (through 1.4.28) gives the match spies a remote shard's match once more, on top
    // of the shard's own count, when it sorts below every hit kept in a sort by value
    // (multimatch.cc, "sorts lower than min_item"). Asked for every match it looks at, it keeps
    // them all, and none sorts below.
    if (by_value) fetch = remote && !req.exact_total ? std::max(check_at_least, want) : want;
    std::unique_ptr<FacetSpies> spies;
    Xapian::MSet mset;
    for (;;) {
        spies = std::make_unique<FacetSpies>();  // counted afresh when asked again
        enquire.clear_matchspies();
        if (remote) {
            enquire.add_matchspy(&spies->chapters);
            enquire.add_matchspy(&spies->sections);
        } else {
            enquire.add_matchspy(&spies->seen);
        }
        mset = enquire.get_mset(0, fetch, check_at_least);
        if (by_value || mset.size() < fetch || want == 0 ||
            mset[fetch - 1].get_weight() != mset[want - 1].get_weight())
            break;
        fetch = std::max(fetch * 2, fetch + 64);
    }
    const std::vector<Xapian::doccount> ranked = in_report_order_when_tied(mset, req.offset, want);
    r.total = static_cast<long>(mset.get_matches_estimated());
    r.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    std::vector<Xapian::docid>& seen_ids = spies->seen.ids;
    if (!std::is_sorted(seen_ids.begin(), seen_ids.end()))
        std::sort(seen_ids.begin(), seen_ids.end());
    const size_t looked_at = remote ? spies->chapters.get_total() : seen_ids.size();
    // An exact total does not mean every match was looked at: a single term's count is known
    // from the index without reading its postings.
    r.facets_exact = r.total_exact && looked_at >= static_cast<size_t>(r.total);
    if (!remote && !r.facets_exact && seen_ids.size() > kEstimateFrom) {
        // An estimate: every k-th match looked at says as much as all of them, and each one
        // whose values are not known yet costs a look-up in the value streams.
        const size_t step = seen_ids.size() / kEstimateFrom;
        size_t kept = 0;
        for (size_t k = 0; k < seen_ids.size(); k += step) seen_ids[kept++] = seen_ids[k];
        seen_ids.resize(kept);
    }
    const double seen = static_cast<double>(remote ? looked_at : seen_ids.size());
    const double scale = !r.facets_exact && seen > 0 ? static_cast<double>(r.total) / seen : 1.0;
    auto count = [&](Xapian::doccount n) {
        return static_cast<long>(static_cast<double>(n) * scale + 0.5);
    };

    Highlighter hl(analyzer, plan.highlight, worker.snippets());
    int rank = static_cast<int>(req.offset);
    for (Xapian::doccount i : ranked) {
        const Xapian::MSetIterator it = mset[i];
        Hit h;
        h.rank = ++rank;
        h.score = it.get_weight();
        h.passage = passage_of(worker, it);
        // The snippet is the passage's text and the plan's highlighting only: kept as the plan.
        if (key.empty()) {
            h.snippet = make_snippet(h.passage.text, hl, req.snippet_bytes);
        } else {
            const std::string snippet_key =
                docid_key(*it) + std::to_string(req.snippet_bytes) + '\0' + key;
            if (const Snippet* known = worker.caches().snippets.find(snippet_key))
                h.snippet = *known;
            else
                h.snippet = worker.caches().snippets.put(
                    snippet_key, make_snippet(h.passage.text, hl, req.snippet_bytes));
        }
        r.hits.push_back(std::move(h));
    }

    // Chapters in the order they come in the reports; sections by number, sub-sections after
    // their parent.
    std::map<std::string, long> chapter_counts;
    FacetValues::Counts spied[2];
    if (remote) {
        const Xapian::ValueCountMatchSpy* counted[2] = {&spies->chapters, &spies->sections};
        for (int k = 0; k < 2; ++k)
            for (auto v = counted[k]->values_begin(); v != counted[k]->values_end(); ++v)
                if (!(*v).empty()) spied[k].emplace(*v, v.get_termfreq());
    }
    const auto facets = remote ? std::array<FacetValues::Counts, 2>{spied[0], spied[1]}
                               : worker.caches().facet_values.count(db, seen_ids);
    for (const auto& [c, n] : facets[0]) chapter_counts[c] = count(n);
    for (const std::string& c : worker.chapter_order()) {
        auto f = chapter_counts.find(c);
        if (f != chapter_counts.end()) {
            r.chapters.push_back({c, 0, f->second, ""});
            chapter_counts.erase(f);
        }
    }
    for (auto& [c, n] : chapter_counts) r.chapters.push_back({c, 0, n, ""});
    // Each label's parts read once (section_parts), not at every comparison: a query matching
    // hundreds of sections spent a tenth of its request in section_label_less.
    struct SectionFacet {
        Facet facet;
        std::vector<int> parts;
    };
    std::vector<SectionFacet> sections;
    sections.reserve(facets[1].size());
    for (const auto& [v, n] : facets[1]) {
        const size_t tab = v.find('\t');
        std::string label = v.substr(0, tab);
        std::string title = tab == std::string::npos ? "" : v.substr(tab + 1);
        if (label.empty() && title.empty()) continue;  // before any section
        std::vector<int> parts = section_parts(label);
        const int top = parts.empty() ? 0 : parts.front();  // section_top(label)
        sections.push_back({{std::move(title), top, count(n), std::move(label)}, std::move(parts)});
    }
    // The order of section_label_less, then the title.
    std::stable_sort(sections.begin(), sections.end(),
                     [](const SectionFacet& a, const SectionFacet& b) {
                         const std::string &x = a.facet.label, &y = b.facet.label;
                         if (x != y) {
                             if (x.empty() || y.empty()) return !x.empty() && y.empty();
                             return a.parts < b.parts;
                         }
                         return a.facet.value < b.facet.value;
                     });
    r.sections.reserve(sections.size());
    for (SectionFacet& f : sections) r.sections.push_back(std::move(f.facet));
    return r;
}

}  // namespace

std::string corrected_query(const SpellingSuggester& suggest, const Analyzer& analyzer,
                            const std::string& query, const std::vector<std::string>& unknown) {
    // Token by token, so that filters, operators and the user's own spelling stay as typed.
    std::string out;
    bool changed = false;
    size_t i = 0;
    while (i < query.size()) {
        size_t j = i;
        while (j < query.size() && query[j] != ' ') ++j;
        std::string token = query.substr(i, j - i);
        // The word inside quotes, brackets and +/- marks.
        size_t b = 0, e = token.size();
        while (b < e && std::string("\"(+-").find(token[b]) != std::string::npos) ++b;
        while (e > b && std::string("\")*?!.,;").find(token[e - 1]) != std::string::npos) --e;
        std::string word = normalise_query(token.substr(b, e - b), analyzer);
        if (std::find(unknown.begin(), unknown.end(), word) != unknown.end()) {
            // Never two edits on a word of four letters or fewer ("val", "vad").
            const size_t letters = code_points(word);
            std::string s = suggest(word, letters <= 4 ? 1 : letters > 8 ? 3 : 2);
            if (!s.empty() && s != word) {
                // Keep the user's capital: "Nasarbajev" -> "Nazarbajev".
                size_t at = b;
                if (at < token.size() && is_upper(next_code_point(token, at))) {
                    size_t k = 0;
                    char32_t first = next_code_point(s, k);
                    std::string cap;
                    append_utf8(cap, static_cast<char32_t>(u_toupper(static_cast<UChar32>(first))));
                    s = cap + s.substr(k);
                }
                token = token.substr(0, b) + s + token.substr(e);
                changed = true;
            }
        }
        out += token;
        if (j < query.size()) out += ' ';
        i = j + 1;
    }
    return changed ? out : std::string();
}

namespace {

// The query as asked, or as corrected when it finds nothing.
SearchResult search_or_correct(Worker& worker, const SearchRequest& req) {
    SearchResult r = search_once(worker, req);
    if (r.total > 0 || !req.spelling || r.unknown_words.empty()) return r;
    std::string fixed = corrected_query(
        [&](const std::string& w, unsigned edits) {
            // A real Swedish word is meant as typed, or as a form of it: "slut" is no typo of
            // "samt", "stipendium" finds "stipendier".
            std::string s = worker.spelling_suggestion(w, edits);
            if (!s.empty() && worker.english().swedish().knows(w) && !same_family(w, s))
                return std::string();
            return s;
        },
        worker.analyzer(), req.query, r.unknown_words);
    if (fixed.empty()) return r;
    SearchRequest again = req;
    again.query = fixed;
    SearchResult c = search_once(worker, again);
    c.query = req.query;
    c.corrected = fixed;
    return c;
}

}  // namespace

SearchResult search_revision(Worker& worker, const SearchRequest& req) {
    SearchResult r = search_or_correct(worker, req);
    // The hits' neighbours, read from the same revision as the hits.
    r.context = req.context;
    if (req.context > 0) {
        for (Hit& h : r.hits) {
            Neighbours n = neighbours(worker.db(), h.passage, req.context);
            h.before = std::move(n.before);
            h.after = std::move(n.after);
        }
    }
    return r;
}

}  // namespace rapportsok
