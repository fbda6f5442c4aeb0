#include "searcher/expand.h"

#include <algorithm>

#include "indexer/common/text.h"

namespace rapportsok {

namespace {

// Endings of Swedish inflection that Snowball's stemmer does not always remove: the definite
// -n/-t after a vowel ("miljön", "studiot"), genitive -s, and their combinations.
const char* const kEndings[] = {"n", "t", "s", "ns", "ts", "en", "et", "na", "nas", "ens", "ets"};

size_t code_points(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace

bool has_stemmed_term(const std::string& word) {
    if (word.empty()) return false;
    size_t i = 0;
    return is_letter(next_code_point(word, i));
}

Expander::Expander(const Xapian::Database& db, const Analyzer& analyzer, ExpandOptions options)
    : db_(db), analyzer_(analyzer), options_(options) {}

std::vector<std::string> Expander::inflected_forms(const std::string& w) const {
    std::vector<std::string> out;
    if (code_points(w) < 4) return out;  // short words: too many false friends
    for (const char* e : kEndings) {
        std::string longer = w + e;
        if (db_.term_exists(longer)) out.push_back(longer);
        std::string end(e);
        if (w.size() > end.size() && w.compare(w.size() - end.size(), end.size(), end) == 0) {
            std::string shorter = w.substr(0, w.size() - end.size());
            if (code_points(shorter) >= 4 && db_.term_exists(shorter)) out.push_back(shorter);
        }
    }
    return out;
}

Xapian::Query Expander::expand_word(const std::string& w) {
    if (!has_stemmed_term(w)) return Xapian::Query(w);
    const std::string base = "Z" + analyzer_.stem(w);
    std::vector<std::string> terms = {base};
    Expansion e{w, {}, "inflection"};
    if (options_.inflections) {
        for (const std::string& form : inflected_forms(w)) {
            std::string t = "Z" + analyzer_.stem(form);
            if (std::find(terms.begin(), terms.end(), t) != terms.end()) continue;
            terms.push_back(t);
            e.alternatives.push_back(form);
        }
    }
    if (!e.alternatives.empty()) used_.push_back(e);
    if (terms.size() == 1) return Xapian::Query(base);
    return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
}

Xapian::Query Expander::rewrite(const Xapian::Query& q) {
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM:
            return expand_word(*q.get_terms_begin());
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX: {
            std::vector<Xapian::Query> subs;
            for (size_t i = 0; i < q.get_num_subqueries(); ++i)
                subs.push_back(rewrite(q.get_subquery(i)));
            return Xapian::Query(q.get_type(), subs.begin(), subs.end());
        }
        default:
            // Phrases, NEAR, wildcards, match-all: exact as parsed.
            return q;
    }
}

}  // namespace rapportsok
