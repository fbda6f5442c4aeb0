#include "searcher/expand.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "indexer/common/endings.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "searcher/english.h"

namespace rapportsok {

bool has_stemmed_term(const std::string& word) {
    if (word.empty()) return false;
    size_t i = 0;
    return is_letter(next_code_point(word, i));
}

Expander::Expander(ExpandSources sources, ExpandOptions options, std::string field)
    : sources_(std::move(sources)),
      db_(sources_.db),
      analyzer_(sources_.analyzer),
      options_(options),
      field_(std::move(field)) {}

bool Expander::in_index(const std::string& term) const {
    if (db_.term_exists(term)) return true;
    // A section title's words are words of the index too ("Rättssäkerhet" is only a title).
    const bool stem = is_stemmed_term(term);
    return db_.term_exists(stem ? stemmed_term(stem_of_term(term), prefix::kSectionTitle)
                                : prefix::kSectionTitle + term);
}

bool Expander::starts_a_term(const std::string& start) const {
    const std::string title = prefix::kSectionTitle + start;
    return db_.allterms_begin(start) != db_.allterms_end(start) ||
           db_.allterms_begin(title) != db_.allterms_end(title);
}

namespace {

bool ends_with(const std::string& w, const std::string& end) {
    return w.size() > end.size() && w.compare(w.size() - end.size(), end.size(), end) == 0;
}

bool is_vowel(char c) { return std::string_view("aeiouy").find(c) != std::string_view::npos; }

// Nouns whose plural changes the vowel: each group is one noun's forms, matched as the end of a
// word ("tjänste-man", "tjänste-män").
const std::vector<std::vector<const char*>> kUmlautNouns = {
    {"man", "mannen", "mannens", "mans", "män", "männen", "männens", "mäns"},
    {"stad", "staden", "stadens", "städer", "städerna", "städernas"},
    {"land", "landet", "landets", "länder", "länderna", "ländernas"},
    {"hand", "handen", "händer", "händerna"},
    {"tand", "tanden", "tänder", "tänderna"},
    {"strand", "stranden", "stränder", "stränderna"},
    {"brand", "branden", "bränder", "bränderna"},
    {"bok", "boken", "böcker", "böckerna"},
    {"fot", "foten", "fötter", "fötterna"},
    {"rot", "roten", "rötter", "rötterna"},
    {"son", "sonen", "söner", "sönerna"},
    {"bror", "brodern", "bröder", "bröderna"},
    {"mor", "modern", "mödrar", "mödrarna"},
    {"far", "fadern", "fäder", "fäderna"},
    {"dotter", "dottern", "döttrar", "döttrarna"},
    {"natt", "natten", "nätter", "nätterna"},
    {"stång", "stången", "stänger", "stängerna"}};

// Whether the (lowercase) text has a vowel; å, ä, ö, é and the like are all vowels here.
bool has_vowel(const std::string& s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return is_vowel(c) || static_cast<unsigned char>(c) >= 0x80; });
}

}  // namespace

std::vector<std::string> inflection_candidates(const std::string& w) {
    std::vector<std::string> out;
    auto add = [&](const std::string& form) {
        if (form != w && std::find(out.begin(), out.end(), form) == out.end()) out.push_back(form);
    };
    const size_t length = code_points(w);
    if (length < 3) return out;
    // Short words take only endings of two letters or more: "val" finds "valet", but a single
    // letter makes another word of them too often ("val", "vals").
    for (const char* e : endings::kDefiniteGenitive) {
        const std::string end(e);
        if (length == 3 && end.size() < 2) continue;
        add(w + end);
        if (ends_with(w, end)) {
            std::string shorter = w.substr(0, w.size() - end.size());
            size_t left = code_points(shorter);
            if (left >= 4 || (left == 3 && end.size() >= 2)) add(shorter);
        }
    }
    // Plurals that change the vowel, also at the end of a compound: tjänsteman, tjänstemän. The
    // longest form the word ends with decides the noun.
    for (const auto& forms : kUmlautNouns) {
        size_t best = 0;
        for (const char* f : forms) {
            const std::string form(f);
            if ((ends_with(w, form) || (w == form && length >= 4)) && form.size() > best)
                best = form.size();
        }
        if (best == 0) continue;
        const std::string head = w.substr(0, w.size() - best);
        for (const char* f : forms) add(head + f);
    }
    if (length < 4) return out;
    // A word in -el, -er or -en after a consonant also finds the forms that drop the e
    // (regel: regler; exempel: exemplen; minister: ministrar); such a form finds the word.
    const char last = w.back();
    if ((last == 'l' || last == 'r' || last == 'n') && w[w.size() - 2] == 'e' &&
        !is_vowel(w[w.size() - 3]) && has_vowel(w.substr(0, w.size() - 2))) {
        const std::string base = w.substr(0, w.size() - 2) + last;
        for (const char* e : endings::kAfterDroppedE) add(base + e);
    }
    for (const char* e : endings::kAfterDroppedE) {
        const std::string end(e);
        if (!ends_with(w, end) || w.size() < end.size() + 3) continue;
        const std::string stem = w.substr(0, w.size() - end.size());
        const char c = stem.back(), before = stem[stem.size() - 2];
        if ((c == 'l' || c == 'r' || c == 'n') && !is_vowel(before) &&
            static_cast<unsigned char>(before) < 0x80 &&
            has_vowel(stem.substr(0, stem.size() - 1))) {
            const std::string base = stem.substr(0, stem.size() - 1) + "e" + c;
            add(base);
            for (const char* e2 : endings::kDefiniteGenitive) add(base + e2);
        }
    }
    return out;
}

std::vector<std::string> Expander::inflected_forms(const std::string& w) const {
    std::vector<std::string> out;
    for (const std::string& form : inflection_candidates(w))
        if (in_index(form)) out.push_back(form);
    return out;
}

std::vector<std::string> Expander::accented_forms(const std::string& w) const {
    // Depth-first over the letters that may have lost their accent, pruned by whether any
    // term of the index starts with the prefix built so far.
    std::vector<std::string> out;
    for (unsigned char c : w)
        if (c >= 0x80) return out;  // typed with å/ä/ö: those letters are meant as typed
    // No letter that could have lost an accent: nothing but the word itself to find.
    if (w.find_first_of("aoeu") == std::string::npos) return out;
    long budget = 4000;  // bounded work for pathological input
    std::string prefix;
    int accents = 0;  // in prefix; without any, it is the word's own start
    std::function<void(size_t)> walk = [&](size_t i) {
        if (--budget < 0) return;
        // Only a prefix with an accent is looked up: the word's own start is no answer, and
        // whatever grows from it gets an accent, and a look-up, before it can be one.
        if (accents > 0 && !starts_a_term(prefix)) return;
        if (i == w.size()) {
            if (prefix != w && in_index(prefix)) out.push_back(prefix);
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
            ++accents;
            walk(i + 1);
            --accents;
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

std::string Expander::field_term(const std::string& t) const {
    if (field_.empty() || t.empty()) return t;
    return is_stemmed_term(t) ? stemmed_term(stem_of_term(t), field_.c_str()) : field_ + t;
}

Xapian::Query Expander::terms_query(const std::vector<std::string>& terms) const {
    std::vector<std::string> in;
    for (const std::string& t : terms) in.push_back(field_term(t));
    return in.size() == 1 ? Xapian::Query(in.front())
                          : Xapian::Query(Xapian::Query::OP_SYNONYM, in.begin(), in.end());
}

Xapian::Query Expander::expand_word(const std::string& w) {
    if (!has_stemmed_term(w)) return Xapian::Query(field_term(w));
    auto stems_of = [&](const std::vector<std::string>& forms, std::vector<std::string>& terms,
                        Expansion& e, const std::string& skip) {
        for (const std::string& form : forms) {
            std::string t = stemmed_term(analyzer_.stem(form));
            if (std::find(terms.begin(), terms.end(), t) != terms.end()) continue;
            terms.push_back(t);
            if (form != skip) e.alternatives.push_back(form);
        }
    };
    std::vector<std::string> terms;
    Expansion infl{w, {}, "inflection"};
    stems_of(with_inflections(w), terms, infl, w);
    if (!infl.alternatives.empty()) used_.push_back(infl);
    Xapian::Query main = terms_query(terms);
    // The word as typed, or an inflection of it, is in the index. When it is not, the readings
    // below are all there is, and are not weighted down against the query's other words.
    const bool typed = terms.size() > 1 || in_index(terms.front()) || in_index(w);
    // A part of compounds: the passages where it is one part of a longer word, weighted below.
    std::vector<std::string> parts;
    if (options_.compounds && field_.empty()) {  // parts are of passage text only
        // The part is indexed as the stem of its form in the compound, which the stemmer may
        // leave inflected ("statsspråket" has the part "språket"): try the word's endings too.
        auto add_part = [&](const std::string& form) {
            std::string t = compound_part_term(analyzer_.stem(form));
            if (std::find(parts.begin(), parts.end(), t) == parts.end() && db_.term_exists(t))
                parts.push_back(t);
        };
        add_part(w);
        if (options_.inflections)
            for (const std::string& form : inflection_candidates(w)) add_part(form);
        if (!parts.empty()) {
            used_.push_back({w, {}, "compound"});
            Xapian::Query part = parts.size() == 1 ? Xapian::Query(parts.front())
                                                   : Xapian::Query(Xapian::Query::OP_SYNONYM,
                                                                   parts.begin(), parts.end());
            main = Xapian::Query(Xapian::Query::OP_OR, main,
                                 Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, part,
                                               typed ? options_.compound_weight : 1.0));
        }
    }
    // Known in some form: as written, inflected, or as a part of compounds.
    const bool known = typed || !parts.empty();
    // An English word is also searched as its Swedish translations, known to the index or not
    // (searcher/expand_english.cc); when it is not, they are all there is.
    Xapian::Query translated = english(w, known);
    if (!known && !translated.empty()) return translated;
    if (!translated.empty()) main = Xapian::Query(Xapian::Query::OP_OR, main, translated);
    // A rare word that is no Swedish or English word: also its frequent neighbour
    // (searcher/expand_spelling.cc). When no passage has the word as typed, the neighbour is the
    // likelier reading and weighs in full, the typed word's own readings (its stem's matches are
    // chance then: "stadligt" and "stad") less; otherwise the other way round.
    Xapian::Query corrected = translated.empty() ? popular_correction(w) : Xapian::Query();
    // Not in the index in any form, nor English, nor a typo: perhaps a compound of known words.
    if (!known && translated.empty() && corrected.empty()) {
        Xapian::Query split = compound_parts(w);
        if (!split.empty()) return split;
    }
    if (!corrected.empty()) {
        const bool as_typed = in_index(w);
        main = Xapian::Query(
            Xapian::Query::OP_OR,
            as_typed ? main
                     : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, main, options_.folded_weight),
            as_typed
                ? Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, corrected, options_.folded_weight)
                : corrected);
    }
    if (!options_.diacritics) {
        if (!known) unknown_.push_back(w);
        return main;
    }

    // The stems of the accented words and their inflections, less what the word itself matches.
    const std::vector<std::string> accented = accented_forms(w);
    std::vector<std::string> folded_terms;
    {
        std::vector<std::string> ts = terms;
        Expansion scratch;
        for (const std::string& a : accented) stems_of(with_inflections(a), ts, scratch, "");
        folded_terms.assign(ts.begin() + static_cast<long>(terms.size()), ts.end());
    }
    if (folded_terms.empty()) {
        if (!known) unknown_.push_back(w);
        return main;
    }
    // The message names the accented words themselves, not their inflections.
    used_.push_back({w, accented, "diacritics"});
    Xapian::Query folded = terms_query(folded_terms);
    return Xapian::Query(Xapian::Query::OP_OR, main,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, folded,
                                       typed ? options_.folded_weight : 1.0));
}

extern const std::string_view kSynonymsText;

namespace {

SynonymMember member(const std::string& text, const Analyzer& analyzer) {
    std::vector<std::string> words = query_words(analyzer, text);
    std::vector<std::string> key = name_key(analyzer, words);
    return {text, std::move(words), std::move(key)};
}

}  // namespace

SynonymGroups parse_synonyms(std::string_view all, const Analyzer& analyzer) {
    SynonymGroups groups;
    size_t start = 0;
    while (start < all.size()) {
        size_t end = all.find('\n', start);
        if (end == std::string_view::npos) end = all.size();
        std::string line(all.substr(start, end - start));
        start = end + 1;
        if (line.empty() || line[0] == '#') continue;
        std::vector<SynonymMember> group;
        size_t from = 0;
        while (from <= line.size()) {
            size_t eq = line.find(" = ", from);
            SynonymMember m =
                member(line.substr(from, eq == std::string::npos ? eq : eq - from), analyzer);
            if (!m.key.empty()) group.push_back(m);
            if (eq == std::string::npos) break;
            from = eq + 3;
        }
        if (group.size() > 1) groups.push_back(group);
    }
    return groups;
}

SynonymGroups builtin_synonyms(const Analyzer& analyzer) {
    return parse_synonyms(kSynonymsText, analyzer);
}

const Synonyms& Expander::groups() {
    if (!groups_) groups_ = &sources_.synonyms();
    return *groups_;
}

std::vector<std::vector<std::string>> Expander::synonyms_of(const std::vector<std::string>& key) {
    std::vector<std::vector<std::string>> out;
    Expansion e{"", {}, "synonym"};
    for (const std::string& w : key) e.word += (e.word.empty() ? "" : " ") + w;
    for (const auto& group : groups().groups_with(key)) {
        for (const SynonymMember& m : group) {
            if (m.key == key) continue;
            if (std::find(out.begin(), out.end(), m.words) != out.end()) continue;
            out.push_back(m.words);
            e.alternatives.push_back(m.text);
        }
    }
    if (!e.alternatives.empty()) used_.push_back(e);
    return out;
}

Xapian::Query Expander::member_query(const std::vector<std::string>& words) {
    if (words.size() == 1) {
        const std::string& w = words.front();
        return Xapian::Query(field_term(has_stemmed_term(w) ? stemmed_term(analyzer_.stem(w)) : w));
    }
    std::vector<Xapian::Query> terms;
    for (const std::string& w : words) terms.emplace_back(field_term(w));
    // Headings have no positions: there all the words are what can be asked.
    if (!field_.empty()) return Xapian::Query(Xapian::Query::OP_AND, terms.begin(), terms.end());
    return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                         static_cast<Xapian::termcount>(words.size()));
}

Xapian::Query Expander::with_synonyms(const std::vector<std::string>& key, Xapian::Query q) {
    if (!options_.synonyms || key.empty()) return q;
    std::vector<Xapian::Query> alts;
    for (const auto& words : synonyms_of(key)) alts.push_back(member_query(words));
    if (alts.empty()) return q;
    Xapian::Query any(Xapian::Query::OP_OR, alts.begin(), alts.end());
    // A synonym stands for the whole name: a one-word synonym of "Förenta nationerna" weighs
    // as much as both its words, not as one of them.
    double weight = options_.synonym_weight * static_cast<double>(key.size());
    if (q.empty()) return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, any, weight);
    return Xapian::Query(Xapian::Query::OP_OR, q,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, any, weight));
}

bool Expander::has_terms(const Xapian::Query& q) const {
    for (auto it = q.get_unique_terms_begin(); it != q.get_unique_terms_end(); ++it)
        if (db_.term_exists(*it)) return true;
    return false;
}

Xapian::Query Expander::word_query(const std::string& w) {
    Xapian::Query text = with_synonyms({w}, expand_word(w));
    if (title_weight_ <= 0 || excluding_ || !field_.empty()) return text;
    // The same readings in the section titles, for a match of their own; what they add to the
    // expansions and unknown words is the text's already.
    const size_t used_before = used_.size(), unknown_before = unknown_.size();
    field_ = prefix::kSectionTitle;
    Xapian::Query title = with_synonyms({w}, expand_word(w));
    field_.clear();
    used_.resize(used_before);
    unknown_.resize(unknown_before);
    if (!has_terms(title)) return text;
    return Xapian::Query(Xapian::Query::OP_OR, text,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, title, title_weight_));
}

Xapian::Query Expander::expand_free_word(const std::string& w) {
    if (!sources_.memo) return word_query(w);
    // A word's expansion depends only on the index, the options and the word: looked up in the
    // index once per database revision (the memo is the worker's, emptied on a new revision).
    const auto& o = options_;
    std::string key =
        std::string{char('0' + o.inflections), char('0' + o.diacritics), char('0' + o.compounds),
                    char('0' + o.synonyms),    char('0' + o.english),    char('0' + o.spelling)} +
        std::to_string(o.folded_weight) + "," + std::to_string(o.compound_weight) + "," +
        std::to_string(o.synonym_weight) + "," + std::to_string(excluding_ ? 0 : title_weight_) +
        (untranslated_.count(w) ? "u" : "") + ":" + field_ + ":" + w;
    const ExpandedWord* hit = sources_.memo->find(key);
    if (!hit) {
        const size_t used_before = used_.size(), unknown_before = unknown_.size();
        ExpandedWord d;
        d.query = word_query(w);
        d.used.assign(used_.begin() + static_cast<long>(used_before), used_.end());
        d.unknown.assign(unknown_.begin() + static_cast<long>(unknown_before), unknown_.end());
        used_.resize(used_before);
        unknown_.resize(unknown_before);
        hit = &sources_.memo->put(key, std::move(d));
    }
    used_.insert(used_.end(), hit->used.begin(), hit->used.end());
    unknown_.insert(unknown_.end(), hit->unknown.begin(), hit->unknown.end());
    return hit->query;
}

bool combines_subqueries(const Xapian::Query& q) {
    switch (q.get_type()) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
            return true;
        default:
            return false;
    }
}

Xapian::Query Expander::rewrite(const Xapian::Query& q) {
    if (q.get_type() == Xapian::Query::LEAF_TERM) {
        const std::string w = *q.get_terms_begin();
        if (std::find(exact_.begin(), exact_.end(), w) != exact_.end())
            return Xapian::Query(field_term(w));
        return expand_free_word(w);
    }
    // Phrases, NEAR, wildcards, match-all: exact as parsed.
    if (!combines_subqueries(q)) return q;
    std::vector<Xapian::Query> subs;
    std::vector<std::string> leaf_words;  // the free words in order, for multi-word names
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
        if (q.get_subquery(i).get_type() == Xapian::Query::LEAF_TERM)
            leaf_words.push_back(*q.get_subquery(i).get_terms_begin());
    // English expressions ("freedom of assembly") are translated whole, their words not alone.
    std::vector<Xapian::Query> expressions;
    if (q.get_type() == Xapian::Query::OP_OR) expressions = english_expressions(leaf_words);
    for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
        Xapian::Query sub = q.get_subquery(i);
        // What NOT and -word exclude is looked for in the passages' text only: a word in a
        // section's title would otherwise leave out the whole section.
        const bool was = excluding_;
        if (q.get_type() == Xapian::Query::OP_AND_NOT && i > 0) excluding_ = true;
        subs.push_back(rewrite(sub));
        excluding_ = was;
    }
    if (q.get_type() == Xapian::Query::OP_OR && options_.synonyms && leaf_words.size() > 1) {
        // "förenta nationerna" is a member of a group as a whole: add the others once.
        // The query's words are compared as the names' keys are made, without stopwords.
        for (const auto& key : groups().names_in(name_key(analyzer_, leaf_words)))
            subs.push_back(with_synonyms(key, Xapian::Query()));
    }
    subs.insert(subs.end(), expressions.begin(), expressions.end());
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

}  // namespace rapportsok
