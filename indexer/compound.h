// Splitting Swedish compounds at index time, so that a query for one part finds the compound
// ("budget" finds "statsbudgeten"). A lexicon decides the parts: Debian's hunspell-sv word list
// plus the words of the reports themselves; linking letters (-s-, -a-, -e-) are allowed.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "indexer/common/analysis.h"

namespace rapportsok {

class Decompounder {
  public:
    // Uses hunspell's Swedish list when it is installed (read once per process and shared by
    // every Decompounder); works from added words alone if not.
    explicit Decompounder(const Analyzer& analyzer,
                          const std::string& dictionary = "/usr/share/hunspell/sv_SE.dic");

    void add_word(const std::string& lowercase_word);
    bool has_dictionary() const { return !dictionary_.empty(); }

    // The parts of a lowercase compound ({"stat", "budgeten"} for "statsbudgeten"), or nothing
    // when it is not one. Parts are as in the word, the linking letter dropped.
    std::vector<std::string> split(const std::string& lowercase_word) const;

    // The longest ending of a lowercase word that is a word (or a form of one) of four letters
    // or more, after at least two letters: "registrering" of "omregistrering"; "" for none.
    std::string last_part(const std::string& lowercase_word) const;

  private:
    std::vector<std::string> split_uncached(const std::string& lowercase_word) const;
    bool is_word(const std::string& w) const;
    bool is_head(const std::string& w, std::string& base) const;
    bool is_tail(const std::string& w) const;

    const std::unordered_set<std::string>& dictionary_;  // shared, never changed once read
    std::unordered_set<std::string> words_;              // the reports' own words
    // Splits already made: a word is split once however often it occurs. Cleared when a new
    // word arrives, since a new word can make a new split possible.
    mutable std::unordered_map<std::string, std::vector<std::string>> splits_;
};

}  // namespace rapportsok
