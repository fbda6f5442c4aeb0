// The Expander's English: words and expressions translated by the glossary and FreeDict
// (searcher/english.h), and the stopwords of English queries left out.
#include <algorithm>
#include <functional>
#include <set>

#include "indexer/common/schema.h"
#include "searcher/english.h"
#include "searcher/expand.h"

namespace rapportsok {

namespace {

// The free words of a query (terms outside phrases and NEAR), in order.
void free_terms(const Xapian::Query& q, std::vector<std::string>& out) {
    if (q.get_type() == Xapian::Query::LEAF_TERM) {
        out.push_back(*q.get_terms_begin());
        return;
    }
    if (!combines_subqueries(q)) return;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i) free_terms(q.get_subquery(i), out);
}

}  // namespace

bool Expander::is_english(const std::string& w) {
    if (!options_.english || analyzer_.is_stopword(w) || is_english_stopword(w)) return false;
    const EnglishDictionary& d = sources_.english();
    if (d.glossary(w).empty() && d.freedict(w).empty()) return false;
    return !d.swedish().knows(w);
}

Xapian::Query Expander::english(const std::string& w, bool known) {
    if (!options_.english || splitting_) return Xapian::Query();
    // Stopwords of either language are no words to translate ("not", "men", "of").
    if (analyzer_.is_stopword(w) || is_english_stopword(w)) return Xapian::Query();
    const EnglishDictionary& dictionary = sources_.english();  // read only for such words
    std::vector<std::string> translations = dictionary.glossary(w);
    // FreeDict's senses are many ("barn": lada): for a word of the index only when it is no
    // Swedish word, nor for a word of a glossary expression, which the expression translates.
    // hunspell-sv is asked last, only of a word FreeDict has: reading it takes a cold search
    // from 5 to 160 ms, and most words of a Swedish query are no English headword.
    if (translations.empty() && !untranslated_.count(w)) {
        std::vector<std::string> senses = dictionary.freedict(w);
        if (!senses.empty() && (!known || !dictionary.swedish().knows(w)))
            translations = std::move(senses);
    }
    std::vector<Xapian::Query> alts;
    Expansion e{w, {}, "english"};
    for (const std::string& t : translations) {
        std::vector<std::string> words = query_words(analyzer_, t);
        if (words.empty() || (words.size() == 1 && words.front() == w)) continue;
        bool present = std::all_of(words.begin(), words.end(), [&](const std::string& x) {
            return db_.term_exists(x) || db_.term_exists("Z" + analyzer_.stem(x));
        });
        if (!present) continue;
        alts.push_back(member_query(words));
        e.alternatives.push_back(t);
    }
    if (alts.empty()) return Xapian::Query();
    used_.push_back(e);
    return Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
}

std::vector<Xapian::Query> Expander::english_expressions(const std::vector<std::string>& words) {
    std::vector<Xapian::Query> out;
    if (!options_.english || words.size() < 2) return out;
    // The words without stopwords (an expression's key has none), each with its place.
    std::vector<std::string> content;
    for (const std::string& w : words)
        if (!is_english_stopword(w) && !analyzer_.is_stopword(w)) content.push_back(w);
    if (content.size() < 2) return out;
    const EnglishDictionary& dictionary = sources_.english();
    for (size_t i = 0; i < content.size();) {
        const GlossaryEntry* entry = nullptr;
        const size_t n = dictionary.expression_at(content, i, &entry);
        if (n < 2 || !entry) {
            ++i;
            continue;
        }
        std::string name;
        for (const std::string& w : entry->english) name += (name.empty() ? "" : " ") + w;
        Expansion e{name, {}, "english"};
        std::vector<std::vector<std::string>> renderings;
        for (const std::string& t : entry->swedish) {
            std::vector<std::string> sv = query_words(analyzer_, t);
            if (sv.empty()) continue;
            // In passage text or a section title, as a word or a stem.
            bool present = std::all_of(sv.begin(), sv.end(), [&](const std::string& x) {
                return in_index(x) || in_index("Z" + analyzer_.stem(x));
            });
            if (!present) continue;
            renderings.push_back(sv);
            e.alternatives.push_back(t);
        }
        // Its words are the expression's, found or not: FreeDict's many senses of "rule" are no
        // reading of "rule of law" (the glossary's still are).
        for (size_t k = i; k < i + n; ++k) untranslated_.insert(content[k]);
        i += n;
        if (renderings.empty()) continue;
        used_.push_back(e);
        // The translation stands for all the expression's words, and weighs as much.
        out.push_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, renderings_query(renderings),
                                    static_cast<double>(n)));
    }
    return out;
}

Xapian::Query Expander::renderings_query(const std::vector<std::vector<std::string>>& renderings) {
    std::vector<Xapian::Query> alts;
    for (const auto& words : renderings) alts.push_back(member_query(words));
    Xapian::Query text(Xapian::Query::OP_OR, alts.begin(), alts.end());
    if (title_weight_ <= 0 || excluding_ || !field_.empty()) return text;
    // Matched in section titles too, as a word is (word_query).
    field_ = prefix::kSectionTitle;
    std::vector<Xapian::Query> in_titles;
    for (const auto& words : renderings) in_titles.push_back(member_query(words));
    field_.clear();
    Xapian::Query titles(Xapian::Query::OP_OR, in_titles.begin(), in_titles.end());
    return Xapian::Query(Xapian::Query::OP_OR, text,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, titles, title_weight_));
}

Xapian::Query Expander::with_english_readings(const Xapian::Query& q) {
    if (!options_.english) return q;
    std::vector<std::string> words;
    free_terms(q, words);
    if (!std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return is_english(w); }))
        return q;
    std::vector<std::string> dropped;
    // A free word of an OR: left out (a stopword), or with its renderings; true when handled.
    auto leaf = [&](const Xapian::Query& s, const std::set<std::string>& in_expression,
                    std::vector<Xapian::Query>& kept) {
        const std::string w = *s.get_terms_begin();
        // A word quoted alone is meant as typed.
        const bool quoted = std::find(exact_.begin(), exact_.end(), w) != exact_.end();
        if (is_english_stopword(w) && !analyzer_.is_stopword(w) && !quoted) {
            if (std::find(dropped.begin(), dropped.end(), w) == dropped.end()) dropped.push_back(w);
            return true;
        }
        // An English word is searched as if the glossary's one-word renderings had been
        // typed beside it: Swedish words, with all their readings, that rank a passage
        // as the English word does.
        if (!quoted && !in_expression.count(w) && is_english(w)) {
            std::vector<Xapian::Query> same = {s};
            for (const std::string& t : sources_.english().glossary(w)) {
                const std::vector<std::string> sv = query_words(analyzer_, t);
                if (sv.size() != 1 || sv.front() == w) continue;
                if (!in_index(sv.front()) && !in_index("Z" + analyzer_.stem(sv.front()))) continue;
                same.emplace_back(sv.front());
            }
            // One term for ranking (a synonym): the rarer English word weighs no more
            // than its translation.
            kept.push_back(same.size() == 1 ? s
                                            : Xapian::Query(Xapian::Query::OP_SYNONYM, same.begin(),
                                                            same.end()));
            return true;
        }
        return false;
    };
    std::function<Xapian::Query(const Xapian::Query&)> walk =
        [&](const Xapian::Query& sub) -> Xapian::Query {
        if (!combines_subqueries(sub)) return sub;
        // The words of the glossary's expressions among these free words are translated with
        // the expression (english_expressions), not one by one.
        std::set<std::string> in_expression;
        if (sub.get_type() == Xapian::Query::OP_OR) {
            std::vector<std::string> content;
            for (size_t i = 0; i < sub.get_num_subqueries(); ++i) {
                const Xapian::Query s = sub.get_subquery(i);
                if (s.get_type() != Xapian::Query::LEAF_TERM) continue;
                const std::string w = *s.get_terms_begin();
                if (!is_english_stopword(w) && !analyzer_.is_stopword(w)) content.push_back(w);
            }
            const EnglishDictionary& dictionary = sources_.english();
            for (size_t i = 0; i < content.size(); ++i) {
                const GlossaryEntry* entry = nullptr;
                const size_t n = dictionary.expression_at(content, i, &entry);
                if (n < 2) continue;
                for (size_t k = i; k < i + n; ++k) in_expression.insert(content[k]);
                i += n - 1;
            }
        }
        std::vector<Xapian::Query> kept;
        for (size_t i = 0; i < sub.get_num_subqueries(); ++i) {
            const Xapian::Query s = sub.get_subquery(i);
            if (sub.get_type() == Xapian::Query::OP_OR &&
                s.get_type() == Xapian::Query::LEAF_TERM && leaf(s, in_expression, kept))
                continue;
            kept.push_back(walk(s));
        }
        if (kept.empty()) return sub;  // all stopwords: left as typed
        return Xapian::Query(sub.get_type(), kept.begin(), kept.end());
    };
    Xapian::Query out = walk(q);
    if (q.get_type() == Xapian::Query::LEAF_TERM) {  // a query of one word
        std::vector<Xapian::Query> kept;
        if (leaf(q, {}, kept) && kept.size() == 1) out = kept.front();
    }
    if (dropped.empty()) return out;
    std::string list;
    for (const std::string& w : dropped) list += (list.empty() ? "" : ", ") + w;
    used_.push_back({list, {}, "english stopwords"});
    return out;
}

}  // namespace rapportsok
