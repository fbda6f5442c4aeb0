#include "indexer/shortened.h"

#include <algorithm>
#include <map>

#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/common/words.h"

namespace rapportsok {

namespace {

// Words that join a shortened compound to the one that completes it.
bool joins(const std::string& w) {
    static const char* const kJoins[] = {"och",  "eller",      "samt", "som",
                                         "till", "respektive", "resp", "liksom"};
    return std::find(std::begin(kJoins), std::end(kJoins), w) != std::end(kJoins);
}

struct Token {
    std::string word;        // lowercase
    bool shortened = false;  // a hyphen follows it, then a space, a comma or the end
    bool letters = true;     // no digits
};

// Runs of letters and digits, as TermGenerator splits them (a hyphen or a colon splits).
std::vector<Token> tokens(const std::string& text) {
    std::vector<Token> out;
    for_each_word(text, WordRule::kLettersDigits, [&](const WordSpan& w) {
        Token t{fold_case(std::string_view(text).substr(w.begin, w.end - w.begin)), false,
                w.letters};
        const size_t j = w.end;
        if (j < text.size() && text[j] == '-') {
            const size_t after = j + 1;
            t.shortened = after >= text.size() || text[after] == ' ' || text[after] == ',' ||
                          text[after] == '\n';
        }
        out.push_back(std::move(t));
    });
    return out;
}

// The part of a compound that completes shortened ones: its last part as split, else its
// longest ending (of four letters or more, after two or more) that is a word.
std::string completing_part(const std::string& word, const Decompounder& parts) {
    std::vector<std::string> split = parts.split(word);
    if (!split.empty()) {
        const std::string& last = split.back();
        if (word.size() > last.size() &&
            word.compare(word.size() - last.size(), last.size(), last) == 0)
            return last;
    }
    return parts.last_part(word);
}

}  // namespace

std::vector<ShortenedCompounds> find_shortened_compounds(const std::string& text,
                                                         const Decompounder& parts) {
    std::vector<ShortenedCompounds> out;
    const std::vector<Token> ts = tokens(text);
    for (size_t i = 0; i < ts.size();) {
        if (!ts[i].shortened || !ts[i].letters) {
            ++i;
            continue;
        }
        size_t k = i;
        while (k < ts.size() && ts[k].shortened && ts[k].letters) ++k;
        // k: the first word that is not shortened; it must join, and a word must follow.
        if (k + 1 >= ts.size() || !joins(ts[k].word) || ts[k + 1].shortened || !ts[k + 1].letters) {
            i = k + 1;
            continue;
        }
        const std::string& last = ts[k + 1].word;
        const std::string tail = completing_part(last, parts);
        if (!tail.empty()) {
            ShortenedCompounds s;
            for (size_t m = i; m <= k + 1; ++m) s.words.push_back(ts[m].word);
            for (size_t m = i; m < k; ++m) s.completed.emplace_back(m - i, ts[m].word + tail);
            out.push_back(std::move(s));
        }
        i = k + 2;
    }
    return out;
}

std::vector<std::string> add_shortened_compounds(Xapian::Document& doc, const std::string& text,
                                                 const std::string& field_prefix,
                                                 bool with_positions, const Analyzer& analyzer,
                                                 const Decompounder& parts) {
    std::vector<std::string> added;
    const std::vector<ShortenedCompounds> found = find_shortened_compounds(text, parts);
    if (found.empty()) return added;
    // The words of the field by position, as the TermGenerator wrote them.
    std::map<Xapian::termpos, std::string> at;
    if (with_positions) {
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            const std::string& term = *t;
            if (term.compare(0, field_prefix.size(), field_prefix) != 0) continue;
            const std::string word = term.substr(field_prefix.size());
            if (word.empty() || (word[0] >= 'A' && word[0] <= 'Z')) continue;  // other fields
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) at[*p] = word;
        }
    }
    auto word_at = [&](Xapian::termpos p) {
        auto it = at.find(p);
        return it == at.end() ? std::string() : it->second;
    };
    for (const ShortenedCompounds& s : found) {
        for (const auto& [index, compound] : s.completed) {
            doc.add_term(stemmed_term(analyzer.stem(compound), field_prefix.c_str()));
            if (!with_positions) doc.add_term(field_prefix + compound);
            added.push_back(compound);
        }
        if (!with_positions) continue;
        // Every place the words stand together, in order.
        for (const auto& [start, first] : at) {
            if (first != s.words[0]) continue;
            bool all = true;
            for (size_t m = 1; m < s.words.size() && all; ++m)
                all = word_at(start + static_cast<Xapian::termpos>(m)) == s.words[m];
            if (!all) continue;
            for (const auto& [index, compound] : s.completed)
                doc.add_posting(field_prefix + compound,
                                start + static_cast<Xapian::termpos>(index));
        }
    }
    return added;
}

}  // namespace rapportsok
