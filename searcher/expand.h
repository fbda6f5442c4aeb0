// Query expansion from the index's own vocabulary: a query word also matches the inflected
// forms Snowball's Swedish stemmer leaves apart ("arbetsmiljö" ~ "arbetsmiljön"). Applied to
// free words only; phrases and NEAR stay exact.
#pragma once

#include <xapian.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/common/acronym_index.h"  // query_words
#include "indexer/common/analysis.h"
#include "searcher/memo.h"
#include "searcher/result.h"
#include "searcher/spelling.h"
#include "searcher/synonyms.h"

namespace rapportsok {

// True for the operators that only combine their subqueries (AND, OR, AND_NOT, XOR, AND_MAYBE,
// FILTER, SYNONYM, MAX): a walk over a parsed query rebuilds these from its rewritten
// subqueries, and keeps phrases, NEAR, wildcards and scaled weights as they are.
bool combines_subqueries(const Xapian::Query& q);

// The groups of a synonyms file ("a = b = c" a line, # comments).
SynonymGroups parse_synonyms(std::string_view text, const Analyzer& analyzer);
// The groups of the synonyms compiled in (indexer/common/synonyms.txt).
SynonymGroups builtin_synonyms(const Analyzer& analyzer);

// A free word's expansion as the expander made it: the same for the same word, options and
// database revision, so remembered (ExpansionMemo) while the revision lasts.
struct ExpandedWord {
    Xapian::Query query;
    std::vector<Expansion> used;
    std::vector<std::string> unknown;
};
using ExpansionMemo = BoundedMemo<ExpandedWord>;

class EnglishDictionary;

// Where the expander looks words up: the index, the synonym groups and the English dictionary
// (each fetched only when first needed), and a memo of expansions (none: nothing remembered).
struct ExpandSources {
    const Xapian::Database& db;
    const Analyzer& analyzer;
    std::function<const Synonyms&()> synonyms;
    std::function<const EnglishDictionary&()> english;
    ExpansionMemo* memo = nullptr;
    // The index's stem nearest to a stem (searcher/spelling.h); none: no corrections.
    std::function<Suggestion(const std::string&, unsigned)> nearest_stem;
};

class Expander {
  public:
    // field: the prefix of the terms made ("" passage text; a heading's prefix, for which
    // compound parts and phrases, which it lacks, are left out).
    Expander(ExpandSources sources, ExpandOptions options, std::string field = "");

    // Rewrites a query parsed without stemming: each free word becomes its stem, joined as one
    // synonym with the stems of the related words found in the index.
    Xapian::Query rewrite(const Xapian::Query& unstemmed);

    // Each free word also matches the passages whose section title has it (in any of its
    // readings), weighted so; excluded words (NOT, -word) are looked for in the text only.
    void match_titles(double weight) { title_weight_ = weight; }

    const std::vector<Expansion>& used() const { return used_; }
    // A word to match exactly as typed (a one-word phrase).
    void keep_exact(const std::string& word) { exact_.push_back(word); }
    const std::vector<std::string>& exact_words() const { return exact_; }
    // The query as parsed with, when it is English (has a word that is), its English stopwords
    // ("of", "the", "against") left out and the glossary's one-word renderings of each English
    // word beside it (searcher/expand_english.cc).
    Xapian::Query with_english_readings(const Xapian::Query& parsed);
    // Free words the index knows in no form: candidates for spelling correction.
    const std::vector<std::string>& unknown() const { return unknown_; }

  private:
    Xapian::Query expand_word(const std::string& word);
    // expand_word with synonyms, and with the section titles when they are matched.
    Xapian::Query word_query(const std::string& word);
    bool has_terms(const Xapian::Query& q) const;  // whether any of its terms is in the index
    // expand_word with synonyms, remembered per database revision.
    Xapian::Query expand_free_word(const std::string& word);
    std::vector<std::string> inflected_forms(const std::string& word) const;
    const Synonyms& groups();
    Xapian::Query member_query(const std::vector<std::string>& words);
    // Other members of the groups that have `words` (stopwords left out) as a member.
    std::vector<std::vector<std::string>> synonyms_of(const std::vector<std::string>& words);
    Xapian::Query with_synonyms(const std::vector<std::string>& words, Xapian::Query q);
    // Words of the index that are this word with å, ä, ö or é where it has a, o or e.
    std::vector<std::string> accented_forms(const std::string& word) const;
    std::vector<std::string> with_inflections(const std::string& word) const;
    // Whether the index has the term (a word, or a Z-stem) in passage text or a section title.
    bool in_index(const std::string& term) const;
    // Whether a word of passage text or a section title starts so.
    bool starts_a_term(const std::string& start) const;

    // The Swedish translations of an English word (searcher/expand_english.cc): the glossary's
    // for any word but a stopword; FreeDict's for a word the index does not know (`known`
    // false) or hunspell-sv does not know.
    Xapian::Query english(const std::string& word, bool known);
    // The glossary's expressions among a run of free words, each as its translations; their
    // words are then not translated alone.
    std::vector<Xapian::Query> english_expressions(const std::vector<std::string>& words);
    // Swedish renderings (each a word or the words of a phrase) in the text and, weighted, in
    // section titles.
    Xapian::Query renderings_query(const std::vector<std::vector<std::string>>& renderings);
    // The index's frequent word that a rare word not Swedish is likely a typo of, searched with
    // all its readings (searcher/expand_spelling.cc); empty for none.
    Xapian::Query popular_correction(const std::string& word);
    // A word the index lacks as the two parts it is a compound of, the index's or hunspell-sv's
    // words, searched with the passages that have both first (searcher/expand_compound.cc).
    Xapian::Query compound_parts(const std::string& word);
    bool part_in_index(const std::string& part) const;
    // Whether a word is English: translated by the glossary or FreeDict, and no Swedish word.
    bool is_english(const std::string& word);

  private:
    std::string field_term(const std::string& body_term) const;
    Xapian::Query terms_query(const std::vector<std::string>& body_terms) const;

    ExpandSources sources_;
    const Xapian::Database& db_;
    const Analyzer& analyzer_;
    ExpandOptions options_;
    std::string field_;
    double title_weight_ = 0;  // 0: section titles are not matched
    bool excluding_ = false;   // rewriting what AND_NOT excludes
    std::vector<Expansion> used_;
    std::vector<std::string> unknown_;
    std::vector<std::string> exact_;
    std::set<std::string> untranslated_;
    bool correcting_ = false;  // expanding a correction, which is not corrected again
    bool splitting_ = false;   // expanding a compound's part, which is not translated     // words
                               // of an English expression, translated whole
    const Synonyms* groups_ = nullptr;  // fetched from sources_ when first needed
};

// The forms a word may take that Snowball's stemmer gives another stem, whether or not the
// index has them: endings it leaves on ("miljö", "miljön"), an e dropped before an ending
// ("regel", "regler"), a vowel changed in the plural ("tjänsteman", "tjänstemän").
std::vector<std::string> inflection_candidates(const std::string& lowercase_word);

// Whether Xapian's TermGenerator gives this (lowercase) word a stemmed Z-term: words that start
// with a letter do, numbers do not.
bool has_stemmed_term(const std::string& word);

}  // namespace rapportsok
