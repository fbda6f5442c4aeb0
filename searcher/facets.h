// Facet counts: how many of a search's matches lie in each chapter and each section.
#pragma once

#include <xapian.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace rapportsok {

// The facet values (chapter, section) of the documents searches have looked at, kept for one
// database revision (the worker empties it on another). Reading a value from the index costs a
// B-tree search and a read per document (ValueCountMatchSpy's lookups cost more than the search
// itself), and the same documents come back search after search. Bounded by the index: one
// entry per document, each distinct value once.
class FacetValues {
  public:
    using Counts = std::map<std::string, Xapian::doccount>;

    // How many of the documents (ascending ids) have each non-empty value, slot by slot:
    // [0] chapters (slot::kChapter), [1] sections (slot::kSection).
    std::array<Counts, 2> count(const Xapian::Database& db, const std::vector<Xapian::docid>& ids);
    void clear();

  private:
    uint32_t intern(const std::string& value);
    using Ids = std::array<uint32_t, 2>;  // value ids, slot by slot
    static constexpr Ids kUnread = {UINT32_MAX, UINT32_MAX};
    // By docid, in pages made as documents are first seen: a search in a new process touches
    // only the pages of its matches, not memory for the whole index.
    static constexpr size_t kPage = 128;
    Ids& doc(Xapian::docid id);

    std::vector<std::string> values_ = {""};  // id 0: no value
    std::unordered_map<std::string, uint32_t> ids_;
    std::vector<std::unique_ptr<std::array<Ids, kPage>>> docs_;
};

}  // namespace rapportsok
