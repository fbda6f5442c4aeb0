// Query expansion from the index's own vocabulary: a query word also matches the inflected
// forms Snowball's Swedish stemmer leaves apart ("arbetsmiljö" ~ "arbetsmiljön"). Applied to
// free words only; phrases and NEAR stay exact.
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "indexer/common/analysis.h"

namespace rapportsok {

// True for the operators that only combine their subqueries (AND, OR, AND_NOT, XOR, AND_MAYBE,
// FILTER, SYNONYM, MAX): a walk over a parsed query rebuilds these from its rewritten
// subqueries, and keeps phrases, NEAR, wildcards and scaled weights as they are.
bool combines_subqueries(const Xapian::Query& q);

struct ExpandOptions {
    bool inflections = true;
    bool diacritics = true;  // "overklagas" also finds "överklagas", at a lower weight
    double folded_weight = 0.7;
    bool compounds = true;  // "budget" also finds "statsbudgeten", at a lower weight
    double compound_weight = 0.5;
    bool synonyms = true;  // FN = Förenta nationerna = UN; acronyms the reports define
    double synonym_weight = 0.8;
    bool english = true;  // a word the index does not know, translated from English
};

struct Expansion {
    std::string word;                       // as in the query (lowercase)
    std::vector<std::string> alternatives;  // words of the index it also matches
    std::string kind;  // "inflection", "diacritics", "compound", "synonym", "english"
};

class Expander {
  public:
    Expander(const Xapian::Database& db, const Analyzer& analyzer, ExpandOptions options);

    // Rewrites a query parsed without stemming: each free word becomes its stem, joined as one
    // synonym with the stems of the related words found in the index.
    Xapian::Query rewrite(const Xapian::Query& unstemmed);

    const std::vector<Expansion>& used() const { return used_; }
    // A word to match exactly as typed (a one-word phrase).
    void keep_exact(const std::string& word) { exact_.push_back(word); }
    // Free words the index knows in no form: candidates for spelling correction.
    const std::vector<std::string>& unknown() const { return unknown_; }

  private:
    Xapian::Query expand_word(const std::string& word);
    // expand_word with synonyms, remembered per database revision.
    Xapian::Query expand_free_word(const std::string& word);
    std::vector<std::string> inflected_forms(const std::string& word) const;
    void load_synonyms();
    Xapian::Query member_query(const std::vector<std::string>& words);
    // Other members of the groups that have `words` (stopwords left out) as a member.
    std::vector<std::vector<std::string>> synonyms_of(const std::vector<std::string>& words);
    Xapian::Query with_synonyms(const std::vector<std::string>& words, Xapian::Query q);
    // Words of the index that are this word with å, ä, ö or é where it has a, o or e.
    std::vector<std::string> accented_forms(const std::string& word) const;
    std::vector<std::string> with_inflections(const std::string& word) const;

    Xapian::Query english(const std::string& word);

  public:
    struct Member {
        std::string text;                // as written, for messages
        std::vector<std::string> words;  // lowercase words
        std::vector<std::string> key;    // the words without stopwords
    };
    using Groups = std::vector<std::vector<Member>>;

  private:
    const Xapian::Database& db_;
    const Analyzer& analyzer_;
    ExpandOptions options_;
    std::string state_;  // database_state(db_): what the caches are valid for
    std::vector<Expansion> used_;
    std::vector<std::string> unknown_;
    std::vector<std::string> exact_;
    std::shared_ptr<const Groups> groups_;  // the synonyms file's groups and the acronyms'
};

// Identifies what a database holds: its UUID and revision ("" when it has none, e.g. several
// databases at once). Results computed from the index alone stay valid while it is unchanged.
std::string database_state(const Xapian::Database& db);

// What searches compute from the index, kept for one database state (keep one per thread: it
// is not locked). at(state) gives the memo emptied when the state differs from the last one,
// when there is none (nothing is kept then), or when it holds more than max entries.
template <class Value>
class StateMemo {
  public:
    explicit StateMemo(size_t max) : max_(max) {}
    std::unordered_map<std::string, Value>& at(const std::string& state) {
        if (state.empty() || state != state_ || memo_.size() > max_) {
            memo_.clear();
            state_ = state;
        }
        return memo_;
    }

  private:
    size_t max_;
    std::string state_;
    std::unordered_map<std::string, Value> memo_;
};

// Lowercase words of a text as Xapian's query parser makes them (runs of letters and digits).
std::vector<std::string> query_words(const Analyzer& analyzer, const std::string& text);

// Whether Xapian's TermGenerator gives this (lowercase) word a stemmed Z-term: words that start
// with a letter do, numbers do not.
bool has_stemmed_term(const std::string& word);

}  // namespace rapportsok
