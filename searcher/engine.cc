#include "searcher/engine.h"

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
    return on_one_revision(*worker, [&](Worker& w) { return search_revision(w, request); });
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

std::string SearchEngine::revision() const { return core_->newest_state(); }

}  // namespace rapportsok
