#include "searcher/facets.h"

#include <algorithm>

#include "indexer/common/schema.h"

namespace rapportsok {

namespace {
constexpr Xapian::valueno kSlots[] = {slot::kChapter, slot::kSection};
}  // namespace

void FacetValues::clear() {
    values_.assign(1, "");
    ids_.clear();
    docs_.clear();
}

std::array<FacetValues::Counts, 2> FacetValues::count(const Xapian::Database& db,
                                                      const std::vector<Xapian::docid>& ids) {
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

uint32_t FacetValues::intern(const std::string& value) {
    if (value.empty()) return 0;
    auto it = ids_.find(value);
    if (it != ids_.end()) return it->second;
    const auto id = static_cast<uint32_t>(values_.size());
    ids_.emplace(value, id);
    values_.push_back(value);
    return id;
}

FacetValues::Ids& FacetValues::doc(Xapian::docid id) {
    const size_t page = id / kPage;
    if (page >= docs_.size()) docs_.resize(page + 1);
    if (!docs_[page]) {
        docs_[page] = std::make_unique<std::array<Ids, kPage>>();
        docs_[page]->fill(kUnread);
    }
    return (*docs_[page])[id % kPage];
}

}  // namespace rapportsok
