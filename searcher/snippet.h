// Snippets: whole sentences around the best-matching part of a passage (ICU sentence
// boundaries), the matched words marked, gaps shown with "…".
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/common/analysis.h"
#include "searcher/memo.h"
#include "searcher/result.h"

namespace rapportsok {

// The words to mark in a passage, derived once per query by the planner (searcher/parse.h).
struct HighlightTerms {
    std::set<std::string> exact;        // lowercase words
    std::set<std::string> stems;        // their stems, and those of the words they were widened to
    std::vector<std::string> prefixes;  // of wildcards ("domstol*")
    std::vector<std::string> infixes;   // parts of compounds: a longer word holding one matches
};

// What a word as written folds and stems to (the same whatever the query), and the match a
// highlighter last found for it.
struct WordForms {
    std::string folded;
    std::string stem;
    bool stemmed = false;
    uint64_t highlighter = 0;  // the number of the highlighter that found strength
    int strength = 0;
};

// What making snippets keeps from one search to the next, for one worker (not locked): each
// word's forms (ICU's case folding of å, ä, ö and the stemmer cost more than the rest of a
// snippet), and ICU's sentence iterator (building one costs more than using it on a passage).
// Nothing here depends on the database.
class SnippetMemory {
  public:
    SnippetMemory();
    ~SnippetMemory();
    SnippetMemory(const SnippetMemory&) = delete;
    SnippetMemory& operator=(const SnippetMemory&) = delete;

    WordForms& forms_of(std::string_view word);
    uint64_t next_highlighter() { return ++highlighters_; }
    // [begin, end) byte offsets of the sentences of text (ICU, Swedish rules).
    std::vector<std::pair<size_t, size_t>> sentences(const std::string& text);

  private:
    struct Breaker;
    BoundedMemo<WordForms> forms_{200000};
    std::string key_;
    uint64_t highlighters_ = 0;
    std::unique_ptr<Breaker> breaker_;
};

// Decides which words of a text match the query: an exact word, a word with a query word's
// stem, a word starting with a wildcard's prefix, or a longer word holding a compound part.
class Highlighter {
  public:
    Highlighter(const Analyzer& analyzer, HighlightTerms terms, SnippetMemory& memory);
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
    SnippetMemory& memory() const { return memory_; }

  private:
    const Analyzer& analyzer_;
    HighlightTerms terms_;
    SnippetMemory& memory_;
    template <typename StemOf>
    int compute(const std::string& lowercase_word, StemOf&& stem_of) const;
    mutable std::unordered_map<std::string, int> cache_;  // by lowercase word
    uint64_t number_;  // tells this highlighter's matches apart in the memory's word forms
    std::bitset<256> first_bytes_;  // first bytes of the exact words, stems and prefixes
};

// At most about max_bytes of text: the best sentence, then its neighbours while they fit.
Snippet make_snippet(const std::string& text, const Highlighter& highlighter,
                     size_t max_bytes = 320);

}  // namespace rapportsok
