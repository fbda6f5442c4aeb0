// The acronyms the reports define, analysed once at index time into an index sorted by key
// (meta::kAcronymIndex), so that a search looks up a word's acronym groups in it instead of
// analysing every definition of the corpus at each new database revision.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "indexer/common/analysis.h"

namespace rapportsok {

// Lowercase words of a text as Xapian's query parser makes them (runs of letters and digits).
std::vector<std::string> query_words(const Analyzer& analyzer, const std::string& text);

// A name's words without stopwords (Swedish ones, and English ones for a name of several words:
// "Council of Europe" is council europe): what a query's words are matched against.
std::vector<std::string> name_key(const Analyzer& analyzer, const std::vector<std::string>& words);

// The index of an acronym list (a meta::kAcronyms value: [acronym, definition] pairs in the
// order groups are used): one line per key of a member, for each pair whose acronym and
// definition both have a key; it names the list it was made from. "" for none.
std::string encode_acronym_index(const std::string& acronym_list, const Analyzer& analyzer);

// One acronym and its definition, as the index holds them.
struct AcronymGroup {
    size_t ordinal = 0;  // its place in the acronym list: groups are used in this order
    std::string acronym, definition;                           // as written
    std::vector<std::string> acronym_words, definition_words;  // query_words of each
    std::vector<std::string> acronym_key, definition_key;      // name_key of each
};

// An index that encode_acronym_index made, read in place: finding a key is a binary search.
class AcronymIndex {
  public:
    AcronymIndex() = default;
    // Throws std::runtime_error when data is neither "" nor such an index.
    explicit AcronymIndex(std::string data);

    // Whether it was made from this acronym list (an index left from another list is not used).
    bool indexes(const std::string& acronym_list) const;
    // The groups with a member whose key is `key`, in list order, each once.
    std::vector<AcronymGroup> find(const std::vector<std::string>& key) const;
    size_t groups() const { return groups_; }
    // The most words a key has (0 for none): a run of more words cannot be a key.
    size_t longest_key() const { return longest_key_; }

  private:
    std::string data_;
    std::vector<size_t> lines_;  // where each line starts, in key order
    size_t groups_ = 0;
    size_t longest_key_ = 0;
    std::string list_id_;  // of the list it was made from
};

}  // namespace rapportsok
