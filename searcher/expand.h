// Query expansion from the index's own vocabulary: a query word also matches the inflected
// forms Snowball's Swedish stemmer leaves apart ("arbetsmiljö" ~ "arbetsmiljön"). Applied to
// free words only; phrases and NEAR stay exact.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "indexer/common/analysis.h"

namespace rapportsok {

struct ExpandOptions {
    bool inflections = true;
    bool diacritics = true;  // "overklagas" also finds "överklagas", at a lower weight
    double folded_weight = 0.7;
    bool compounds = true;   // "budget" also finds "statsbudgeten", at a lower weight
    double compound_weight = 0.5;
};

struct Expansion {
    std::string word;                       // as in the query (lowercase)
    std::vector<std::string> alternatives;  // words of the index it also matches
    std::string kind;                       // "inflection", "diacritics"
};

class Expander {
public:
    Expander(const Xapian::Database& db, const Analyzer& analyzer, ExpandOptions options);

    // Rewrites a query parsed without stemming: each free word becomes its stem, joined as one
    // synonym with the stems of the related words found in the index.
    Xapian::Query rewrite(const Xapian::Query& unstemmed);

    const std::vector<Expansion>& used() const { return used_; }
    // Free words the index knows in no form: candidates for spelling correction.
    const std::vector<std::string>& unknown() const { return unknown_; }

private:
    Xapian::Query expand_word(const std::string& word);
    std::vector<std::string> inflected_forms(const std::string& word) const;
    // Words of the index that are this word with å, ä, ö or é where it has a, o or e.
    std::vector<std::string> accented_forms(const std::string& word) const;
    std::vector<std::string> with_inflections(const std::string& word) const;

    const Xapian::Database& db_;
    const Analyzer& analyzer_;
    ExpandOptions options_;
    std::vector<Expansion> used_;
    std::vector<std::string> unknown_;
};

// Whether Xapian's TermGenerator gives this (lowercase) word a stemmed Z-term: words that start
// with a letter do, numbers do not.
bool has_stemmed_term(const std::string& word);

}  // namespace rapportsok
