// Snippets: whole sentences around the best-matching part of a passage (ICU sentence
// boundaries), the matched words marked, gaps shown with "…".
#pragma once

#include <bitset>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/common/analysis.h"

namespace rapportsok {

struct Snippet {
    std::string text;
    std::vector<std::pair<size_t, size_t>> highlights;  // [begin, end) byte offsets in text
};

// Decides which words of a text match the query: an exact word, a word with a query word's
// stem, or a word starting with a wildcard's prefix.
class Highlighter {
  public:
    // infixes: parts of compounds; a longer word that holds one matches ("specialdomstolar").
    Highlighter(const Analyzer& analyzer, std::set<std::string> exact, std::set<std::string> stems,
                std::vector<std::string> prefixes, std::vector<std::string> infixes = {});
    bool matches(const std::string& lowercase_word) const;
    // 2 for an exact match, 1 for a stem or prefix match, 0 for none.
    int strength(const std::string& lowercase_word) const;
    // The same for a word as written in a text (any case).
    int strength_as_written(std::string_view word) const;
    // [begin, end) byte offsets of the matching words in text.
    std::vector<std::pair<size_t, size_t>> find(const std::string& text) const;
    // The same within text's bytes [begin, end), offsets counted from begin.
    std::vector<std::pair<size_t, size_t>> find_in(const std::string& text, size_t begin,
                                                   size_t end) const;

  private:
    const Analyzer& analyzer_;
    std::set<std::string> exact_, stems_;
    std::vector<std::string> prefixes_;
    std::vector<std::string> infixes_;
    template <typename StemOf>
    int compute(const std::string& lowercase_word, StemOf&& stem_of) const;
    mutable std::unordered_map<std::string, int> cache_;  // by lowercase word
    uint64_t number_;
    std::bitset<256> first_bytes_;  // first bytes of the exact words, stems and prefixes  // tells
                                    // this highlighter's matches apart in the per-thread word memo
};

// At most about max_bytes of text: the best sentence, then its neighbours while they fit.
Snippet make_snippet(const std::string& text, const Highlighter& highlighter,
                     size_t max_bytes = 320);

}  // namespace rapportsok
