// Splitting Swedish compounds at index time, so that a query for one part finds the compound
// ("budget" finds "statsbudgeten"). A lexicon decides the parts: a fixed word list compiled in
// (indexer/compound_words.txt, from hunspell-sv) plus the words of the report being indexed;
// linking letters (-s-, -a-, -e-) are allowed. A passage's parts so depend on its own report
// alone, never on what else is indexed with it, in which order or on how many threads.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rapportsok {

class Decompounder {
  public:
    // The compiled-in word list (read once per process, shared by every Decompounder) and no
    // report's words yet.
    Decompounder();
    // A lexicon of the given words instead, for tests.
    explicit Decompounder(std::unordered_set<std::string> lexicon);

    // Teaches a word of the report: one Decompounder a report, every word added before any split.
    void add_word(const std::string& lowercase_word);
    // Whether add_word keeps the word (one the lexicon lacks, of four letters or more): the
    // report's words that decide its splits beside the lexicon.
    bool learns(const std::string& lowercase_word) const;

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

    std::shared_ptr<const std::unordered_set<std::string>> dictionary_;  // never changed
    std::unordered_set<std::string> words_;                              // the report's own words
    // Splits already made: a word is split once however often it occurs. Cleared when a new
    // word arrives, since a new word can make a new split possible.
    mutable std::unordered_map<std::string, std::vector<std::string>> splits_;
};

}  // namespace rapportsok
