#include "searcher/engine.h"

#include <algorithm>

#include "searcher/match.h"
#include "searcher/passages.h"
#include "searcher/worker.h"

namespace rapportsok {

SearchEngine::SearchEngine(EngineOptions options)
    : core_(std::make_unique<EngineCore>(std::move(options))) {}

SearchEngine::~SearchEngine() = default;

namespace {

// f(worker) on the worker's newest revision, again on the next one when the indexer discards
// it meanwhile: an answer is read from one revision.
template <typename F>
auto on_one_revision(Worker& worker, F&& f) {
    for (int attempt = 0;; ++attempt) {
        try {
            worker.refresh();
            return f(worker);
        } catch (const Xapian::DatabaseModifiedError& e) {
            // Discarded again and again with no writer to blame: a damaged block.
            if (attempt >= 10)
                throw Xapian::DatabaseCorruptError("the revision read keeps being discarded (" +
                                                   e.get_msg() + ")");
        }
    }
}

}  // namespace

SearchResult SearchEngine::search(const SearchRequest& request) const {
    EngineCore::Lease worker = core_->lease();
    return on_one_revision(*worker, [&](Worker& w) {
        SearchResult r = search_revision(w, request);
        r.revision = w.revision().state();
        return r;
    });
}

std::optional<PassageInContext> SearchEngine::passage(const std::string& id, int context) const {
    EngineCore::Lease worker = core_->lease();
    return on_one_revision(*worker, [&](Worker& w) -> std::optional<PassageInContext> {
        std::optional<Passage> p = passage_by_id(w.db(), id);
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
