#include "searcher/expand.h"

#include <algorithm>
#include <functional>

#include "indexer/common/schema.h"
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

std::vector<std::string> Expander::accented_forms(const std::string& w) const {
    // Depth-first over the letters that may have lost their accent, pruned by whether any
    // term of the index starts with the prefix built so far.
    std::vector<std::string> out;
    for (unsigned char c : w)
        if (c >= 0x80) return out;  // typed with å/ä/ö: those letters are meant as typed
    const std::string stop = "Z";   // unprefixed words sort before the Z-terms
    long budget = 4000;             // bounded work for pathological input
    std::string prefix;
    std::function<void(size_t)> walk = [&](size_t i) {
        if (--budget < 0) return;
        if (!prefix.empty()) {
            auto it = db_.allterms_begin(prefix);
            if (it == db_.allterms_end(prefix)) return;
        }
        if (i == w.size()) {
            if (prefix != w && db_.term_exists(prefix)) out.push_back(prefix);
            return;
        }
        const char c = w[i];
        static const std::pair<char, const char*> kAccents[] = {
            {'a', "å"}, {'a', "ä"}, {'o', "ö"}, {'e', "é"}, {'u', "ü"}};
        size_t keep = prefix.size();
        prefix += c;
        walk(i + 1);
        prefix.resize(keep);
        for (auto [plain, accented] : kAccents) {
            if (plain != c) continue;
            prefix += accented;
            walk(i + 1);
            prefix.resize(keep);
        }
    };
    if (!w.empty() && w.size() <= 40) walk(0);
    return out;
}

std::vector<std::string> Expander::with_inflections(const std::string& w) const {
    std::vector<std::string> forms = {w};
    if (options_.inflections)
        for (const std::string& f : inflected_forms(w)) forms.push_back(f);
    return forms;
}

Xapian::Query Expander::expand_word(const std::string& w) {
    if (!has_stemmed_term(w)) return Xapian::Query(w);
    auto stems_of = [&](const std::vector<std::string>& forms, std::vector<std::string>& terms,
                        Expansion& e, const std::string& skip) {
        for (const std::string& form : forms) {
            std::string t = "Z" + analyzer_.stem(form);
            if (std::find(terms.begin(), terms.end(), t) != terms.end()) continue;
            terms.push_back(t);
            if (form != skip) e.alternatives.push_back(form);
        }
    };
    std::vector<std::string> terms;
    Expansion infl{w, {}, "inflection"};
    stems_of(with_inflections(w), terms, infl, w);
    if (!infl.alternatives.empty()) used_.push_back(infl);
    Xapian::Query main = terms.size() == 1
                             ? Xapian::Query(terms.front())
                             : Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
    // A part of compounds: the passages where it is one part of a longer word, weighted below.
    if (options_.compounds) {
        std::string part = std::string(prefix::kCompoundPart) + analyzer_.stem(w);
        if (db_.term_exists(part)) {
            used_.push_back({w, {}, "compound"});
            main = Xapian::Query(Xapian::Query::OP_OR, main,
                                 Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(part),
                                               options_.compound_weight));
        }
    }
    const bool known = terms.size() > 1 || db_.term_exists(w) || db_.term_exists(terms.front());
    if (!options_.diacritics) {
        if (!known) unknown_.push_back(w);
        return main;
    }

    std::vector<std::string> folded_terms;
    Expansion fold{w, {}, "diacritics"};
    for (const std::string& accented : accented_forms(w)) {
        std::vector<std::string> ts = terms;  // skip what the word itself already matches
        size_t before = ts.size();
        stems_of(with_inflections(accented), ts, fold, "");
        folded_terms.insert(folded_terms.end(), ts.begin() + static_cast<long>(before), ts.end());
    }
    if (folded_terms.empty()) {
        if (!known) unknown_.push_back(w);
        return main;
    }
    // Keep only the accented words themselves in the message, not their inflections.
    std::vector<std::string> shown;
    for (const std::string& a : accented_forms(w)) shown.push_back(a);
    fold.alternatives = shown;
    used_.push_back(fold);
    Xapian::Query folded(Xapian::Query::OP_SYNONYM, folded_terms.begin(), folded_terms.end());
    return Xapian::Query(Xapian::Query::OP_OR, main,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, folded,
                                       options_.folded_weight));
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
