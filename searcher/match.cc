#include "searcher/match.h"

#include <sys/stat.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "indexer/common/errors.h"
#include "indexer/common/text.h"

namespace rapportsok {

Xapian::Database open_database(const std::string& path, const Analyzer& analyzer) {
    const std::string create = "create it with: indexer --db " + path + " corpus";
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
        throw UsageError("no database at " + path + " (" + create + ")");
    Xapian::Database db;
    try {
        db = Xapian::Database(path);
    } catch (const Xapian::DatabaseOpeningError& e) {
        throw UsageError("cannot open the database at " + path + ": " + e.get_msg() + " (" +
                         create + ")");
    } catch (const Xapian::DatabaseCorruptError& e) {
        throw UsageError("the database at " + path + " is corrupt: " + e.get_msg() +
                         " (rebuild it: remove it, then " + create + ")");
    }
    std::string fp = db.get_metadata(meta::kAnalysis);
    if (fp.empty() && db.get_doccount() == 0)
        throw UsageError("the database at " + path + " is empty (" + create + ")");
    if (fp != analyzer.fingerprint())
        throw UsageError("the database at " + path + " was built with another analysis (" + fp +
                         "; this searcher uses " + analyzer.fingerprint() + "): rebuild it with " +
                         "indexer");
    return db;
}

namespace {

// The chapter headings in report order, parsed again only when the database's list changes,
// and the list read again only when the database does.
std::shared_ptr<const std::vector<std::string>> chapter_order(const Xapian::Database& db) {
    static std::mutex mutex;
    static std::string parsed_state, parsed_list;
    static std::shared_ptr<const std::vector<std::string>> parsed;
    const std::string state = database_state(db);
    std::lock_guard<std::mutex> lock(mutex);
    if (parsed && !state.empty() && state == parsed_state) return parsed;
    std::string list = db.get_metadata(meta::kChapters);
    if (!parsed || list != parsed_list) {
        parsed = std::make_shared<const std::vector<std::string>>(decode_chapters(list));
        parsed_list = std::move(list);
    }
    parsed_state = state;
    return parsed;
}

// Notes the documents the matcher looks at, for the facets.
class SeenDocuments : public Xapian::MatchSpy {
  public:
    void operator()(const Xapian::Document& doc, double) override {
        ids.push_back(doc.get_docid());
    }
    std::vector<Xapian::docid> ids;
};

// The facet values (chapter, section) of the documents searches have looked at, kept while the
// database is unchanged. Reading a value from the index costs a B-tree search and a read per
// document (ValueCountMatchSpy's lookups cost more than the search itself), and the same
// documents come back search after search.
class FacetValues {
  public:
    static constexpr Xapian::valueno kSlots[] = {slot::kChapter, slot::kSection};
    using Counts = std::map<std::string, Xapian::doccount>;

    // How many of the documents (ascending ids) have each non-empty value, slot by slot.
    std::array<Counts, 2> count(const Xapian::Database& db, const std::string& state,
                                const std::vector<Xapian::docid>& ids) {
        if (state.empty() || state != state_) {
            values_.assign(1, "");  // id 0: no value
            ids_.clear();
            docs_.clear();
            state_ = state;
        }
        std::vector<Xapian::docid> missing;
        for (Xapian::docid id : ids)
            if (doc(id)[0] == kUnread[0]) missing.push_back(id);
        // Along each slot's value stream in docid order: one pass, not a search per document.
        for (size_t k = 0; k < 2 && !missing.empty(); ++k) {
            Xapian::ValueIterator v = db.valuestream_begin(kSlots[k]);
            const Xapian::ValueIterator end = db.valuestream_end(kSlots[k]);
            for (Xapian::docid id : missing) {
                uint32_t value = 0;
                if (v != end) v.skip_to(id);
                if (v != end && v.get_docid() == id) value = intern(*v);
                doc(id)[k] = value;
            }
        }
        // Counted by value id: sorted, then runs.
        std::array<Counts, 2> out;
        std::vector<uint32_t> values;
        values.reserve(ids.size());
        for (size_t k = 0; k < 2; ++k) {
            values.clear();
            for (Xapian::docid id : ids) values.push_back(doc(id)[k]);
            std::sort(values.begin(), values.end());
            for (size_t a = 0, b; a < values.size(); a = b) {
                b = a;
                while (b < values.size() && values[b] == values[a]) ++b;
                if (values[a] != 0)
                    out[k].emplace(values_[values[a]], static_cast<Xapian::doccount>(b - a));
            }
        }
        return out;
    }

  private:
    uint32_t intern(const std::string& value) {
        if (value.empty()) return 0;
        auto it = ids_.find(value);
        if (it != ids_.end()) return it->second;
        const auto id = static_cast<uint32_t>(values_.size());
        ids_.emplace(value, id);
        values_.push_back(value);
        return id;
    }
    std::string state_;
    std::vector<std::string> values_;
    std::unordered_map<std::string, uint32_t> ids_;
    using Ids = std::array<uint32_t, 2>;  // value ids, slot by slot
    static constexpr Ids kUnread = {UINT32_MAX, UINT32_MAX};
    // By docid, in pages made as documents are first seen: a search in a new process touches
    // only the pages of its matches, not memory for the whole index.
    static constexpr size_t kPage = 128;
    Ids& doc(Xapian::docid id) {
        const size_t page = id / kPage;
        if (page >= docs_.size()) docs_.resize(page + 1);
        if (!docs_[page]) {
            docs_[page] = std::make_unique<std::array<Ids, kPage>>();
            docs_[page]->fill(kUnread);
        }
        return (*docs_[page])[id % kPage];
    }
    std::vector<std::unique_ptr<std::array<Ids, kPage>>> docs_;
};

SearchResult search_once(Xapian::Database& db, const Analyzer& analyzer, const SearchRequest& req) {
    SearchResult r;
    r.query = req.query;
    r.offset = req.offset;
    QueryPlan plan = plan_query(req.query, analyzer, db, req.weights, req.expand);
    r.notes = plan.notes;
    r.expansions = plan.expansions;
    r.unknown_words = plan.unknown_words;

    Xapian::MultiValueKeyMaker order;  // declared first: it must outlive the Enquire using it
    Xapian::Enquire enquire(db);
    Xapian::Query q = plan.query;
    if (plan.has_filter) q = Xapian::Query(Xapian::Query::OP_FILTER, q, plan.filter);
    enquire.set_query(q);
    if (plan.has_text)
        enquire.set_weighting_scheme(Xapian::BM25Weight(req.weights.k1, 0, 1, req.weights.b, 0.5));
    else
        enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (!plan.has_text || req.by_position) {
        // Filters only, or asked for: the passages in report order, report by report.
        order.add_value(slot::kFile);
        order.add_value(slot::kPosition);
        enquire.set_sort_by_key(&order, false);
    }
    if (req.one_per_file) enquire.set_collapse_key(slot::kFile);
    SeenDocuments seen_docs;
    enquire.add_matchspy(&seen_docs);
    // Totals and facets are exact up to kExactUpTo matches (every report-sized index): the
    // matcher looks at every match. Past that it may stop once the best hits are certain; the
    // facet counts are then scaled from the matches it looked at and marked as estimates.
    constexpr Xapian::doccount kExactUpTo = 500;
    constexpr size_t kEstimateFrom = 250;  // matches, at least, that estimated facets count
    Xapian::MSet mset = enquire.get_mset(
        static_cast<Xapian::doccount>(req.offset), static_cast<Xapian::doccount>(req.limit),
        req.exact_total ? db.get_doccount()
                        : std::max<Xapian::doccount>(
                              kExactUpTo, static_cast<Xapian::doccount>(req.offset + req.limit)));
    r.total = static_cast<long>(mset.get_matches_estimated());
    r.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    std::vector<Xapian::docid>& seen_ids = seen_docs.ids;
    if (!std::is_sorted(seen_ids.begin(), seen_ids.end()))
        std::sort(seen_ids.begin(), seen_ids.end());
    // An exact total does not mean every match was looked at: a single term's count is known
    // from the index without reading its postings.
    r.facets_exact = r.total_exact && seen_ids.size() >= static_cast<size_t>(r.total);
    if (!r.facets_exact && seen_ids.size() > kEstimateFrom) {
        // An estimate: every k-th match looked at says as much as all of them, and each one
        // whose values are not known yet costs a look-up in the value streams.
        const size_t step = seen_ids.size() / kEstimateFrom;
        size_t kept = 0;
        for (size_t k = 0; k < seen_ids.size(); k += step) seen_ids[kept++] = seen_ids[k];
        seen_ids.resize(kept);
    }
    const double seen = static_cast<double>(seen_ids.size());
    const double scale = !r.facets_exact && seen > 0 ? static_cast<double>(r.total) / seen : 1.0;
    auto count = [&](Xapian::doccount n) {
        return static_cast<long>(static_cast<double>(n) * scale + 0.5);
    };

    // Words found through an expansion are highlighted as well as the query's own.
    std::set<std::string> exact = plan.exact_terms, stems = plan.stems;
    std::vector<std::string> infixes;
    for (const Expansion& e : plan.expansions) {
        if (e.kind == "compound") {
            infixes.push_back(analyzer.stem(e.word));
            continue;
        }
        for (const std::string& alt : e.alternatives)
            for (const std::string& w : query_words(analyzer, alt)) {
                if (analyzer.is_stopword(w)) continue;
                exact.insert(w);
                stems.insert(analyzer.stem(w));
            }
    }
    Highlighter hl(analyzer, exact, stems, plan.wildcard_prefixes, infixes);
    int rank = static_cast<int>(req.offset);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit h;
        h.rank = ++rank;
        h.score = it.get_weight();
        h.passage = decode_passage(it.get_document().get_data());
        h.snippet = make_snippet(h.passage.text, hl);
        r.hits.push_back(std::move(h));
    }

    // Chapters in the order they come in the reports; sections by number.
    std::map<std::string, long> chapter_counts;
    // Per thread: a Database is not to be shared between threads either.
    thread_local FacetValues facet_values;
    const auto facets = facet_values.count(db, database_state(db), seen_ids);
    for (const auto& [c, n] : facets[0]) chapter_counts[c] = count(n);
    for (const std::string& c : *chapter_order(db)) {
        auto f = chapter_counts.find(c);
        if (f != chapter_counts.end()) {
            r.chapters.push_back({c, 0, f->second});
            chapter_counts.erase(f);
        }
    }
    for (auto& [c, n] : chapter_counts) r.chapters.push_back({c, 0, n});
    for (const auto& [v, n] : facets[1]) {
        size_t tab = v.find('\t');
        int number = std::atoi(v.substr(0, tab).c_str());
        if (number == 0) continue;
        r.sections.push_back({tab == std::string::npos ? "" : v.substr(tab + 1), number, count(n)});
    }
    std::stable_sort(r.sections.begin(), r.sections.end(),
                     [](const Facet& a, const Facet& b) { return a.section < b.section; });
    return r;
}

}  // namespace

std::string corrected_query(const Xapian::Database& db, const Analyzer& analyzer,
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
            std::string s = db.get_spelling_suggestion(word, word.size() > 8 ? 3 : 2);
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

SearchResult search(Xapian::Database& db, const Analyzer& analyzer, const SearchRequest& req) {
    for (int attempt = 0;; ++attempt) {
        try {
            SearchResult r = search_once(db, analyzer, req);
            if (r.total > 0 || !req.spelling || r.unknown_words.empty()) return r;
            std::string fixed = corrected_query(db, analyzer, req.query, r.unknown_words);
            if (fixed.empty()) return r;
            SearchRequest again = req;
            again.query = fixed;
            SearchResult c = search_once(db, analyzer, again);
            c.query = req.query;
            c.corrected = fixed;
            return c;
        } catch (const Xapian::DatabaseModifiedError& e) {
            // A revision discarded again and again with no writer to blame is a damaged block.
            if (attempt >= 10)
                throw Xapian::DatabaseCorruptError("the revision read keeps being discarded (" +
                                                   e.get_msg() + ")");
            db.reopen();  // the indexer committed: start again on the new state
        }
    }
}

}  // namespace rapportsok
