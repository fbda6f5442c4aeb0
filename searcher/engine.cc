#include "searcher/engine.h"

#include <algorithm>

#include "indexer/common/errors.h"
#include "searcher/match.h"
#include "searcher/passages.h"
#include "searcher/worker.h"

namespace rapportsok {

SearchEngine::SearchEngine(EngineOptions options)
    : core_(std::make_unique<EngineCore>(std::move(options))) {}

SearchEngine::~SearchEngine() = default;

namespace {

// f(worker) on the worker's newest revision, again on the next one when the indexer discards
// it meanwhile: an answer is read from one revision. A shard whose connection fails or times out
// is left out and f runs again on the others (partial results; the worker says which).
template <typename F>
auto on_one_revision(Worker& worker, F&& f) {
    worker.begin_search();
    for (int attempt = 0;; ++attempt) {
        try {
            return f(worker);
        } catch (const Xapian::DatabaseModifiedError& e) {
            // Discarded again and again with no writer to blame: a damaged block.
            if (attempt >= 10)
                throw Xapian::DatabaseCorruptError("the revision read keeps being discarded (" +
                                                   e.get_msg() + ")");
            worker.refresh();
        } catch (const Xapian::NetworkError& e) {
            if (!worker.drop_failed(e)) throw;
        } catch (const Xapian::DatabaseClosedError& e) {
            if (!worker.drop_failed(e)) throw;
        }
    }
}

// A note for the user when shards were left out.
std::string partial_note(const ShardReport& r) {
    std::string out = std::to_string(r.ok) + " of " + std::to_string(r.total) +
                      " shards answered; the results leave out ";
    for (size_t i = 0; i < r.failed.size(); ++i)
        out += (i ? "; " : "") + r.failed[i].shard + " (" + r.failed[i].error + ")";
    return out;
}

}  // namespace

SearchResult SearchEngine::search(const SearchRequest& request) const {
    EngineCore::Lease worker = core_->lease();
    SearchResult r = on_one_revision(*worker, [&](Worker& w) {
        SearchResult found = search_revision(w, request);
        found.revision = w.revision().state();
        return found;
    });
    r.shards = worker->shard_report();
    if (!r.shards.failed.empty()) r.notes.push_back(partial_note(r.shards));
    return r;
}

std::optional<PassageInContext> SearchEngine::passage(const std::string& id, int context) const {
    EngineCore::Lease worker = core_->lease();
    return on_one_revision(*worker, [&](Worker& w) -> std::optional<PassageInContext> {
        std::optional<Passage> p = passage_by_id(w.db(), id);
        if (!p && w.shard_report().ok < w.shard_report().total)
            throw UsageError("no shard that answered has the passage " + id + ": " +
                             partial_note(w.shard_report()));
        if (!p) return std::nullopt;
        Neighbours n = neighbours(w.db(), *p, context);
        return PassageInContext{std::move(*p), std::move(n.before), std::move(n.after)};
    });
}

std::vector<Completion> SearchEngine::complete(const std::string& prefix, size_t max) const {
    EngineCore::Lease worker = core_->lease();
    return on_one_revision(*worker, [&](Worker& w) {
        std::vector<Completion> out;
        if (prefix.empty() || max == 0) return out;
        // Terms of the passage text are lowercase words without a prefix; a short prefix has
        // many: the first kScan say which are frequent well enough, and keep this quick.
        constexpr size_t kScan = 20000;
        size_t scanned = 0;
        for (auto it = w.db().allterms_begin(prefix);
             it != w.db().allterms_end(prefix) && scanned < kScan; ++it, ++scanned) {
            const std::string word = *it;
            if (word == prefix || w.analyzer().is_stopword(word)) continue;
            out.push_back({word, static_cast<long>(it.get_termfreq())});
        }
        std::stable_sort(out.begin(), out.end(), [](const Completion& a, const Completion& b) {
            return a.count > b.count;
        });
        if (out.size() > max) out.resize(max);
        return out;
    });
}

std::string SearchEngine::revision() const { return core_->newest_state(); }

}  // namespace rapportsok
