// The synonym groups a search consults: the synonyms file's ("FN = Förenta nationerna = UN"),
// few enough to read in full, and the acronyms the reports define, looked up by key in the index
// the indexer made of them (indexer/common/acronym_index.h).
#pragma once

#include <string>
#include <vector>

#include "indexer/common/acronym_index.h"

namespace rapportsok {

// A name in a group of names for one thing.
struct SynonymMember {
    std::string text;                // as written, for messages
    std::vector<std::string> words;  // lowercase words
    std::vector<std::string> key;    // the words without stopwords
};
using SynonymGroups = std::vector<std::vector<SynonymMember>>;

class Synonyms {
  public:
    Synonyms() = default;
    // A synonyms file's groups alone.
    Synonyms(SynonymGroups file) : file_(std::move(file)) {}  // NOLINT: a list is its groups
    // Its groups, then one for each acronym of the index, in the order of its list.
    Synonyms(SynonymGroups file, AcronymIndex acronyms)
        : file_(std::move(file)), acronyms_(std::move(acronyms)) {}

    // The groups with a member whose key is `key`, in that order.
    SynonymGroups groups_with(const std::vector<std::string>& key) const;
    // The keys of two words or more of the groups' members that `words` holds as a run, each
    // once, in the order of the groups and their members.
    std::vector<std::vector<std::string>> names_in(const std::vector<std::string>& words) const;
    // How many groups there are.
    size_t size() const { return file_.size() + acronyms_.groups(); }

  private:
    SynonymGroups file_;
    AcronymIndex acronyms_;
};

}  // namespace rapportsok
