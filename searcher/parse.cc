#include "searcher/parse.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/common/words.h"
#include "searcher/worker.h"

namespace rapportsok {

namespace {

enum class FilterKind { kNone, kSection, kChapter, kPage, kFile };

FilterKind filter_kind(std::string name) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (name == "avsnitt" || name == "section") return FilterKind::kSection;
    if (name == "kapitel" || name == "chapter") return FilterKind::kChapter;
    if (name == "sida" || name == "page") return FilterKind::kPage;
    if (name == "fil" || name == "file") return FilterKind::kFile;
    return FilterKind::kNone;
}

// "8", "3-5", "3,5,7" -> ranges; false when not numbers.
bool parse_ranges(const std::string& v, std::vector<std::pair<int, int>>& out) {
    size_t start = 0;
    std::vector<std::pair<int, int>> ranges;
    while (start <= v.size()) {
        size_t end = v.find(',', start);
        if (end == std::string::npos) end = v.size();
        std::string part = v.substr(start, end - start);
        size_t dash = part.find('-');
        auto num = [](const std::string& s, int& n) {
            if (s.empty() || s.size() > 6) return false;
            for (char c : s)
                if (!std::isdigit(static_cast<unsigned char>(c))) return false;
            n = std::stoi(s);
            return true;
        };
        int a, b;
        if (dash == std::string::npos) {
            if (!num(part, a)) return false;
            b = a;
        } else if (!num(part.substr(0, dash), a) || !num(part.substr(dash + 1), b) || b < a) {
            return false;
        }
        ranges.emplace_back(a, b);
        start = end + 1;
    }
    out.insert(out.end(), ranges.begin(), ranges.end());
    return !ranges.empty();
}

bool is_operator(const std::string& w) {
    static const char* const kOps[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
    for (const char* op : kOps) {
        if (w == op) return true;
        std::string with = std::string(op) + "/";
        if (w.rfind(with, 0) == 0 && w.size() > with.size() &&
            std::all_of(w.begin() + static_cast<long>(with.size()), w.end(),
                        [](unsigned char c) { return std::isdigit(c); }))
            return true;
    }
    return false;
}

bool is_binary_operator(const std::string& w) { return is_operator(w) && w != "NOT"; }

std::vector<std::string> split_ws(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

// Everything but letters, digits and spaces becomes a space, and the operators (AND, OR, NOT,
// NEAR ...) go: the query as plain words. An operator searched as a word would match "or" in an
// English title, or be translated.
std::string plain_words(const std::string& s) {
    std::string out;
    for (const std::string& w : split_words(s, WordRule::kLettersDigits))
        if (!is_operator(w)) out += (out.empty() ? "" : " ") + w;
    return out;
}

// The words of a query that only excludes ("-tortyr", "-a -b"): the words without their minus;
// empty when any word is searched for.
std::vector<std::string> only_excluded(const std::string& normalised) {
    std::vector<std::string> out;
    for (const std::string& w : split_ws(normalised)) {
        if (w.size() < 2 || w[0] != '-') return {};
        out.push_back(w.substr(1));
    }
    return out;
}

Xapian::Query or_terms(const std::vector<std::string>& terms) {
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// The query without the terms the index does not have, which match nothing and weigh nothing
// (BM25 weighs each term on its own) but cost the matcher a posting list each: the title and
// chapter boosts of most words. Whether a term exists is remembered per database revision.
Xapian::Query without_absent_terms(const Xapian::Query& q, const Xapian::Database& db,
                                   BoundedMemo<bool>& known) {
    auto exists = [&](const std::string& t) {
        if (const bool* k = known.find(t)) return *k;
        return known.put(t, db.term_exists(t));
    };
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM: {
            const std::string t = *q.get_terms_begin();
            return t.empty() || exists(t) ? q : Xapian::Query::MatchNothing;
        }
        case Xapian::Query::OP_PHRASE:
        case Xapian::Query::OP_NEAR:
            // Every term is needed: one missing, nothing matches.
            for (auto it = q.get_unique_terms_begin(); it != q.get_unique_terms_end(); ++it)
                if (!exists(*it)) return Xapian::Query::MatchNothing;
            return q;
        default:
            break;
    }
    if (!combines_subqueries(q)) return q;
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
        subs.push_back(without_absent_terms(q.get_subquery(i), db, known));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

bool has_wildcard(const Xapian::Query& q) {
    if (q.get_type() == Xapian::Query::OP_WILDCARD) return true;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
        if (has_wildcard(q.get_subquery(i))) return true;
    return false;
}

// True for a query of free words only (terms, any of which may match), which is what most
// queries are: no AND, NOT, phrase, NEAR or wildcard.
bool free_words(const Xapian::Query& q) {
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM:
            return true;
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_SYNONYM:
            for (size_t i = 0; i < q.get_num_subqueries(); ++i)
                if (!free_words(q.get_subquery(i))) return false;
            return true;
        default:
            return false;
    }
}

// A wildcard's pattern and combiner, read from its description ("" for another query): Xapian's
// Query has no accessor for a wildcard's pattern, and its description, "WILDCARD SYNONYM
// pattern", escapes only control characters and backslashes.
std::string wildcard_pattern(const Xapian::Query& q, Xapian::Query::op& op) {
    std::string d = q.get_description();
    const std::string head = "Query(WILDCARD ";
    if (d.rfind(head, 0) != 0 || d.back() != ')') return "";
    d = d.substr(head.size(), d.size() - head.size() - 1);
    const size_t space = d.find(' ');
    const std::string combiner = d.substr(0, space);
    op = combiner == "OR"    ? Xapian::Query::OP_OR
         : combiner == "MAX" ? Xapian::Query::OP_MAX
                             : Xapian::Query::OP_SYNONYM;
    std::string pattern;
    for (size_t i = space + 1; i < d.size(); ++i) {
        if (d[i] == '\\' && i + 3 < d.size() && d[i + 1] == 'x') {
            pattern += static_cast<char>(std::stoi(d.substr(i + 2, 2), nullptr, 16));
            i += 3;
        } else {
            pattern += d[i];
        }
    }
    return pattern;
}

// The wildcards of a query as the synonym of their terms, read from db: Xapian would expand a
// wildcard in each shard from that shard's own terms (its 256 most frequent there), which weighs
// it differently in each; expanded here from the terms of all shards it is one and the same
// query everywhere.
Xapian::Query expanded_wildcards(const Xapian::Query& q, const Xapian::Database& db) {
    if (q.get_type() == Xapian::Query::OP_WILDCARD) {
        Xapian::Query::op op = Xapian::Query::OP_SYNONYM;
        const std::string pattern = wildcard_pattern(q, op);
        if (pattern.empty()) return q;
        std::vector<std::pair<Xapian::doccount, std::string>> found;
        for (auto it = db.allterms_begin(pattern); it != db.allterms_end(pattern); ++it)
            found.emplace_back(it.get_termfreq(), *it);
        if (found.size() > kMaxWildcardTerms) {
            // The most frequent, as QueryParser's WILDCARD_LIMIT_MOST_FREQUENT keeps them.
            std::partial_sort(found.begin(), found.begin() + kMaxWildcardTerms, found.end(),
                              [](const auto& a, const auto& b) {
                                  return a.first != b.first ? a.first > b.first
                                                            : a.second < b.second;
                              });
            found.resize(kMaxWildcardTerms);
            std::sort(found.begin(), found.end(),
                      [](const auto& a, const auto& b) { return a.second < b.second; });
        }
        if (found.empty()) return Xapian::Query::MatchNothing;
        std::vector<Xapian::Query> terms;
        for (const auto& f : found) terms.emplace_back(f.second);
        return Xapian::Query(op, terms.begin(), terms.end());
    }
    if (!combines_subqueries(q)) return q;
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
        subs.push_back(expanded_wildcards(q.get_subquery(i), db));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

// Each wildcard of the body also matches the section titles that have a word it stands for
// ("tort*": §4's title "Förbud mot tortyr"), weighted as a title word is; what NOT and -word
// exclude is looked for in the text only, as for words.
Xapian::Query with_title_wildcards(const Xapian::Query& q, const Xapian::Database& db,
                                   double weight, bool excluding = false) {
    if (q.get_type() == Xapian::Query::OP_WILDCARD) {
        Xapian::Query::op op = Xapian::Query::OP_SYNONYM;
        const std::string pattern = wildcard_pattern(q, op);
        if (excluding || pattern.empty() || weight <= 0) return q;
        Xapian::Query title = expanded_wildcards(
            Xapian::Query(Xapian::Query::OP_WILDCARD, prefix::kSectionTitle + pattern,
                          static_cast<Xapian::termcount>(kMaxWildcardTerms),
                          Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT, op),
            db);
        if (title.get_type() == Xapian::Query::LEAF_MATCH_NOTHING) return q;
        return Xapian::Query(Xapian::Query::OP_OR, q,
                             Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, title, weight));
    }
    if (!combines_subqueries(q)) return q;
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
        subs.push_back(with_title_wildcards(
            q.get_subquery(i), db, weight,
            excluding || (q.get_type() == Xapian::Query::OP_AND_NOT && i > 0)));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

// Each phrase of words also matches the passages whose section title has those words in that
// order ("förbud mot tortyr": §4's passages), weighted as a title's words are. Headings have no
// positions: the titles with all the words are found (their facet values, which a remote shard
// counts too) and those with the words in order kept, by their sections' terms. What NOT and
// -"phrase" exclude is looked for in the text only.
Xapian::Query with_title_phrases(const Xapian::Query& q, const Xapian::Database& db,
                                 const Analyzer& analyzer, double weight, bool excluding = false) {
    if (q.get_type() == Xapian::Query::OP_PHRASE) {
        if (excluding || weight <= 0) return q;
        std::vector<std::string> words;
        std::vector<Xapian::Query> in_title;
        for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
            const Xapian::Query& t = q.get_subquery(i);
            if (t.get_type() != Xapian::Query::LEAF_TERM) return q;
            const std::string w = *t.get_terms_begin();
            if (w.empty() || !is_body_word_term(w)) return q;
            words.push_back(w);
            in_title.emplace_back(prefix::kSectionTitle + w);
        }
        if (words.empty()) return q;
        const Xapian::Query all(Xapian::Query::OP_AND, in_title.begin(), in_title.end());
        Xapian::Enquire enquire(db);
        enquire.set_query(all);
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        Xapian::ValueCountMatchSpy titles(slot::kSection);
        enquire.add_matchspy(&titles);
        enquire.get_mset(0, 0, db.get_doccount());
        std::vector<Xapian::Query> sections;
        for (auto it = titles.values_begin(); it != titles.values_end(); ++it) {
            const std::string value = *it;
            const size_t tab = value.find('\t');
            if (tab == std::string::npos || tab == 0) continue;
            const std::vector<std::string> title = query_words(analyzer, value.substr(tab + 1));
            if (std::search(title.begin(), title.end(), words.begin(), words.end()) != title.end())
                sections.emplace_back(section_term(value.substr(0, tab)));
        }
        if (sections.empty()) return q;
        const Xapian::Query titled(
            Xapian::Query::OP_FILTER, all,
            Xapian::Query(Xapian::Query::OP_OR, sections.begin(), sections.end()));
        return Xapian::Query(Xapian::Query::OP_OR, q,
                             Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, titled, weight));
    }
    if (!combines_subqueries(q)) return q;
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
        subs.push_back(
            with_title_phrases(q.get_subquery(i), db, analyzer, weight,
                               excluding || (q.get_type() == Xapian::Query::OP_AND_NOT && i > 0)));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

std::vector<std::string> terms_with_prefix(const Xapian::Database& db, const std::string& prefix) {
    std::vector<std::string> out;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it)
        out.push_back(*it);
    return out;
}

}  // namespace

SplitQuery split_filters(const std::string& query) {
    SplitQuery out;
    size_t i = 0;
    const size_t n = query.size();
    while (i < n) {
        // Copy white space and quoted phrases through untouched.
        if (query[i] == ' ') {
            out.text += query[i++];
            continue;
        }
        if (query[i] == '"') {
            size_t close = query.find('"', i + 1);
            size_t end = close == std::string::npos ? n : close + 1;
            out.text.append(query, i, end - i);
            i = end;
            continue;
        }
        size_t j = i;
        while (j < n && query[j] != ' ' && query[j] != ':' && query[j] != '"') ++j;
        FilterKind kind =
            j < n && query[j] == ':' ? filter_kind(query.substr(i, j - i)) : FilterKind::kNone;
        if (kind == FilterKind::kNone) {
            size_t end = j;
            while (end < n && query[end] != ' ' && query[end] != '"') ++end;
            out.text.append(query, i, end - i);
            i = end;
            continue;
        }
        std::string name = query.substr(i, j - i);
        size_t v = j + 1;
        std::string value;
        if (v < n && query[v] == '"') {
            size_t close = query.find('"', v + 1);
            size_t end = close == std::string::npos ? n : close;
            value = query.substr(v + 1, end - v - 1);
            i = close == std::string::npos ? n : close + 1;
        } else {
            size_t end = v;
            while (end < n && query[end] != ' ') ++end;
            value = query.substr(v, end - v);
            i = end;
        }
        if (value.empty()) {
            out.errors.push_back("filter " + name + ": has no value");
            continue;
        }
        switch (kind) {
            case FilterKind::kSection:
                if (value.find('.') != std::string::npos) {
                    // Sub-sections, "2.3" or "2.3,4.1" (a trailing dot as in "8." is the number).
                    std::vector<std::string> labels;
                    std::string part;
                    bool ok = true;
                    for (char c : value + ",") {
                        if (c != ',') {
                            part += c;
                            continue;
                        }
                        while (!part.empty() && part.back() == '.') part.pop_back();
                        ok = ok && !section_parts(part).empty();
                        labels.push_back(part);
                        part.clear();
                    }
                    if (ok) {
                        out.filters.section_labels.insert(out.filters.section_labels.end(),
                                                          labels.begin(), labels.end());
                        break;
                    }
                    out.errors.push_back("filter " + name + ":" + value +
                                         ": a section is a number (8, 2.3), a range (3-5) or a "
                                         "list (3,5)");
                    break;
                }
                if (!parse_ranges(value, out.filters.sections))
                    out.errors.push_back("filter " + name + ":" + value +
                                         ": a section is a number, a range (3-5) or a list (3,5)");
                break;
            case FilterKind::kPage:
                if (!parse_ranges(value, out.filters.pages))
                    out.errors.push_back("filter " + name + ":" + value +
                                         ": a page is a number, a range (3-5) or a list (3,5)");
                break;
            case FilterKind::kChapter:
                out.filters.chapters.push_back(value);
                break;
            case FilterKind::kFile:
                out.filters.files.push_back(value);
                break;
            case FilterKind::kNone:
                break;
        }
    }
    return out;
}

std::string normalise_query(const std::string& query, const Analyzer& analyzer) {
    // Invalid UTF-8 and control characters (NUL included) become spaces.
    std::string clean = replace_controls(query, " ");
    std::string prepared = analyzer.prepare(clean);
    // Typographic quotes count as quotes.
    std::string quotes;
    size_t i = 0;
    while (i < prepared.size()) {
        size_t at = i;
        char32_t c = next_code_point(prepared, i);
        if (c == 0x201C || c == 0x201D || c == 0x201E || c == 0xAB || c == 0xBB)
            quotes += '"';
        else
            quotes.append(prepared, at, i - at);
    }
    std::string out;
    for (const std::string& w : split_ws(quotes)) {
        if (!out.empty()) out += ' ';
        out += is_operator(w) ? w : fold_case(w);
    }
    return out;
}

bool well_formed(const std::string& q, std::string& why) {
    size_t quotes = std::count(q.begin(), q.end(), '"');
    if (quotes % 2) {
        why = "unbalanced quote";
        return false;
    }
    int depth = 0;
    bool in_quote = false;
    for (char c : q) {
        if (c == '"') in_quote = !in_quote;
        if (in_quote) continue;
        if (c == '(') ++depth;
        if (c == ')' && --depth < 0) break;
    }
    if (depth != 0) {
        why = "unbalanced bracket";
        return false;
    }
    std::vector<std::string> words = split_ws(q);
    for (size_t k = 0; k < words.size(); ++k) {
        bool op = is_binary_operator(words[k]);
        bool lone_not = words[k] == "NOT" && k + 1 == words.size();
        if ((op && (k == 0 || k + 1 == words.size() || is_binary_operator(words[k - 1]))) ||
            lone_not) {
            why = "operator " + words[k] + " without a word on each side";
            return false;
        }
        if (words[k] == "+" || words[k] == "-") {
            why = "a lone " + words[k];
            return false;
        }
    }
    return true;
}

FilterPlan plan_filters(const Filters& filters, const Xapian::Database& db,
                        std::vector<std::string>& notes) {
    // OR within a kind, AND across kinds.
    std::vector<Xapian::Query> kinds;
    auto add_kind = [&](std::vector<std::string> terms, const std::string& what) {
        std::vector<std::string> present;
        for (const std::string& t : terms)
            if (db.term_exists(t)) present.push_back(t);
        if (present.empty()) notes.push_back("no passage has " + what);
        kinds.push_back(or_terms(present));
    };
    // Numbered filters: their ranges' terms, and the ranges as the user wrote them.
    auto add_ranges = [&](const std::vector<std::pair<int, int>>& ranges, std::string (*term)(int),
                          const std::string& name) {
        if (ranges.empty()) return;
        std::vector<std::string> terms;
        std::string what;
        for (auto [a, b] : ranges) {
            for (int n = a; n <= b && n - a < 10000; ++n) terms.push_back(term(n));
            what += (what.empty() ? "" : ",") + std::to_string(a) +
                    (a == b ? "" : "-" + std::to_string(b));
        }
        add_kind(terms, name + " " + what);
    };
    if (!filters.sections.empty() || !filters.section_labels.empty()) {
        // One kind: ranges of top-level sections and sub-sections alike.
        std::vector<std::string> terms;
        std::string what;
        for (auto [a, b] : filters.sections) {
            for (int n = a; n <= b && n - a < 10000; ++n) terms.push_back(section_term(n));
            what += (what.empty() ? "" : ",") + std::to_string(a) +
                    (a == b ? "" : "-" + std::to_string(b));
        }
        for (const std::string& label : filters.section_labels) {
            terms.push_back(section_term(label));
            what += (what.empty() ? "" : ",") + label;
        }
        add_kind(terms, "section " + what);
    }
    add_ranges(filters.pages, page_term, "page");
    for (const std::string& c : filters.chapters) {
        std::vector<std::pair<int, int>> numbers;
        std::vector<std::string> terms;
        if (parse_ranges(c, numbers)) {
            for (auto [a, b] : numbers)
                for (int k = a; k <= b && k - a < 10000; ++k) terms.push_back(chapter_term(k));
        } else {
            const std::string key = fold_case(c);
            const std::string pfx = prefix::kChapterKey;
            const std::vector<std::string> headings = terms_with_prefix(db, pfx);
            for (const std::string& t : headings)
                if (t.find(key, pfx.size()) != std::string::npos) terms.push_back(t);
            // Typed without accents ("ovrigt"), the heading with them (ÖVRIGT) is the only
            // reading: taken when the heading as typed is in no chapter.
            if (terms.empty()) {
                const std::string bare = fold_swedish_letters(key);
                for (const std::string& t : headings)
                    if (fold_swedish_letters(t.substr(pfx.size())).find(bare) != std::string::npos)
                        terms.push_back(t);
            }
        }
        add_kind(terms, "chapter \"" + c + "\"");
    }
    for (const std::string& f : filters.files) {
        std::vector<std::string> terms;
        const std::string pfx = prefix::kFile;
        for (const std::string& t : terms_with_prefix(db, pfx))
            if (t.find(f, pfx.size()) != std::string::npos) terms.push_back(t);
        add_kind(terms, "file \"" + f + "\"");
    }
    FilterPlan plan;
    plan.any = !kinds.empty();
    if (plan.any) plan.query = Xapian::Query(Xapian::Query::OP_AND, kinds.begin(), kinds.end());
    return plan;
}

QueryText prepare_text(const std::string& words, const Analyzer& analyzer, bool filtered,
                       std::vector<std::string>& notes) {
    QueryText out;
    std::string text = normalise_query(words, analyzer);
    // Parsing and expanding grow faster than the number of words: a pasted page would take
    // seconds. The first kMaxQueryWords words say what is wanted.
    if (std::vector<std::string> all = split_ws(text); all.size() > kMaxQueryWords) {
        text.clear();
        for (size_t k = 0; k < kMaxQueryWords; ++k) text += (k ? " " : "") + all[k];
        notes.push_back("the query has " + std::to_string(all.size()) +
                        " words; searched for the first " + std::to_string(kMaxQueryWords));
    }
    std::string why;
    if (!well_formed(text, why)) {
        out.plain_words = true;
        notes.push_back("the query could not be read as written (" + why +
                        "); searched as plain words");
        const std::string operators = text;
        text = normalise_query(plain_words(text), analyzer);
        if (text.empty() && !filtered)
            throw UsageError("empty query: no word to search for besides operators and marks (" +
                             operators + ")");
    }

    // Only "-word"s: Xapian's parser would search the words themselves. They exclude from the
    // filtered passages; with no filter there is nothing to exclude from.
    if (std::vector<std::string> excluded = only_excluded(text); !excluded.empty()) {
        std::string list;
        for (const std::string& x : excluded) list += (list.empty() ? "" : ", ") + ("-" + x);
        if (!filtered)
            throw UsageError("the query only excludes (" + list +
                             "): nothing to exclude from; add a word to search for (fängelse " +
                             list.substr(0, list.find(',')) +
                             "), or use NOT for every passage without a word");
        std::string rewritten = "NOT (";
        for (size_t k = 0; k < excluded.size(); ++k) rewritten += (k ? " OR " : "") + excluded[k];
        text = rewritten + ")";
    }

    // Stopwords alone: Xapian would search them as they are (no stems exist for them), which
    // finds nothing useful; a quoted phrase of them ("för att") is searched, though.
    if (text.find('"') == std::string::npos) {
        std::vector<std::string> ws;
        for (const std::string& word : query_words(analyzer, text))
            if (!is_operator(word) && word != "and" && word != "or" && word != "not")
                ws.push_back(word);
        if (!ws.empty() && std::all_of(ws.begin(), ws.end(), [&](const std::string& x) {
                return analyzer.is_stopword(x);
            })) {
            std::string list;
            for (const std::string& x : ws) list += (list.empty() ? "" : ", ") + x;
            throw UsageError("the query has only stopwords (" + list +
                             "): nothing to search for; add a word that carries meaning, or "
                             "quote a phrase");
        }
    }
    out.text = std::move(text);
    return out;
}

ParsedQuery parse_text(QueryText& text, Xapian::QueryParser& qp, const Xapian::Database& db,
                       const Analyzer& analyzer, std::vector<std::string>& notes) {
    qp.set_database(db);
    // Holding on to the database after this query would keep its files open.
    struct Release {
        Xapian::QueryParser& parser;
        ~Release() { parser.set_database(Xapian::Database()); }
    } release{qp};
    qp.set_default_op(Xapian::Query::OP_OR);
    qp.set_max_expansion(static_cast<Xapian::termcount>(kMaxWildcardTerms),
                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                         Xapian::QueryParser::FLAG_WILDCARD);
    unsigned flags = text.plain_words
                         ? 0
                         : Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_PHRASE |
                               Xapian::QueryParser::FLAG_LOVEHATE |
                               Xapian::QueryParser::FLAG_WILDCARD |
                               Xapian::QueryParser::FLAG_PURE_NOT;
    auto parse = [&](const std::string& pfx, bool stem) {
        qp.set_stemming_strategy(stem ? Xapian::QueryParser::STEM_SOME
                                      : Xapian::QueryParser::STEM_NONE);
        try {
            return qp.parse_query(text.text, flags, pfx);
        } catch (const Xapian::QueryParserError& e) {
            if (flags == 0) throw;
            text.plain_words = true;
            notes.push_back("the query could not be read as written (" + e.get_msg() +
                            "); searched as plain words");
            text.text = normalise_query(plain_words(text.text), analyzer);
            flags = 0;
            return qp.parse_query(text.text, flags, pfx);
        }
    };
    ParsedQuery out;
    out.exact = parse("", false);
    out.wildcards = has_wildcard(out.exact);
    out.free_words = free_words(out.exact);
    // Free words weigh in the chapter headings with the same readings as in the text
    // (expand_query); other queries by their words as parsed.
    if (!out.free_words) out.chapter = parse(prefix::kChapterName, true);
    return out;
}

ExpandedQuery expand_query(const ParsedQuery& parsed, const QueryText& text, ExpandSources sources,
                           const ExpandOptions& options, double title_weight) {
    // The stemmed query is the unstemmed one with each free word turned into its stem and the
    // related forms the index holds; phrases stay exact.
    const Analyzer& analyzer = sources.analyzer;
    Expander expander(sources, options);
    // A word quoted on its own ("budget") is a one-word phrase: exact, never widened, although
    // Xapian's parser makes it a plain term.
    const std::string& t = text.text;
    for (size_t q = t.find('"'); q != std::string::npos; q = t.find('"', q + 1)) {
        size_t close = t.find('"', q + 1);
        if (close == std::string::npos) break;
        std::vector<std::string> inside = query_words(analyzer, t.substr(q + 1, close - q - 1));
        if (inside.size() == 1) expander.keep_exact(inside.front());
        q = close;
    }
    // A passage has a word when its text or its section's title has it (a section is about
    // its title's words): each word and wildcard is matched in both, the title weighted;
    // phrases and NEAR in the text only.
    expander.match_titles(title_weight);
    ExpandedQuery out;
    // An English query without its stopwords, its English words ranked with their renderings:
    // the query as parsed from here on, the exact boost's too ("of" in "rule of law" is no word).
    out.exact = expander.with_english_readings(parsed.exact);
    out.body = expander.rewrite(out.exact);
    if (parsed.wildcards) out.body = with_title_wildcards(out.body, sources.db, title_weight);
    if (!parsed.free_words)
        out.body = with_title_phrases(out.body, sources.db, analyzer, title_weight);
    out.expansions = expander.used();
    out.unknown_words = expander.unknown();
    if (parsed.free_words) {
        Expander in_field(std::move(sources), options, prefix::kChapterName);
        for (const std::string& word : expander.exact_words()) in_field.keep_exact(word);
        out.chapter = in_field.rewrite(out.exact);
    } else {
        out.chapter = parsed.chapter;
    }
    return out;
}

Xapian::Query rank_query(const ParsedQuery& parsed, ExpandedQuery& expanded,
                         const Xapian::Database& db, const Analyzer& analyzer,
                         BoundedMemo<bool>& known, const RankingWeights& w) {
    const Xapian::Query& body = expanded.body;
    auto matched = [&](const Xapian::Query& part) {
        return without_absent_terms(expanded_wildcards(part, db), db, known);
    };
    std::vector<Xapian::Query> boosts = {
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, matched(expanded.chapter), w.chapter)};
    // Nothing widened (a phrase, quoted words): the exact boost is the body again, and
    // matching it twice costs twice; the body weighs 1 + w.exact instead, the same scores.
    Xapian::Query main = expanded_wildcards(body, db);
    // The query as parsed, as the expansion left it (an English query's stopwords out).
    const Xapian::Query& exact = expanded.exact.empty() ? parsed.exact : expanded.exact;
    if (exact.get_description() == body.get_description())
        main = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, main, 1 + w.exact);
    else
        boosts.insert(boosts.begin(),
                      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, matched(exact), w.exact));
    Xapian::Query query =
        Xapian::Query(Xapian::Query::OP_AND_MAYBE, main,
                      Xapian::Query(Xapian::Query::OP_OR, boosts.begin(), boosts.end()));
    // A word that no passage's text or section title has, but a report's title does, finds the
    // passages of that report.
    std::vector<Xapian::Query> title_only;
    std::vector<std::string> still_unknown;
    for (const std::string& u : expanded.unknown_words) {
        const std::string stemmed = stemmed_term(analyzer.stem(u), prefix::kReportTitle);
        if (db.term_exists(stemmed))
            title_only.emplace_back(stemmed);
        else
            still_unknown.push_back(u);
    }
    expanded.unknown_words = still_unknown;
    if (!title_only.empty())
        query = Xapian::Query(
            Xapian::Query::OP_OR, query,
            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                          Xapian::Query(Xapian::Query::OP_OR, title_only.begin(), title_only.end()),
                          w.title));
    return query;
}

std::vector<std::string> wildcard_prefixes(const QueryText& text) {
    std::vector<std::string> out;
    if (text.plain_words) return out;
    for (const std::string& word : split_ws(text.text)) {
        if (word.size() > 1 && word.back() == '*') {
            std::string p = word.substr(0, word.size() - 1);
            while (!p.empty() && (p[0] == '+' || p[0] == '-' || p[0] == '(' || p[0] == '"'))
                p.erase(0, 1);
            if (!p.empty()) out.push_back(p);
        }
    }
    return out;
}

HighlightTerms highlight_terms(const ParsedQuery& parsed, const ExpandedQuery& expanded,
                               const QueryText& text, const Analyzer& analyzer) {
    HighlightTerms h;
    // The body's terms: stems (Z-terms) and the exact words of phrases and numbers; field
    // (capitalised) prefixes are never in a passage's text, nor is a heading's stem ("ZSfrihet").
    // Stopwords come into the body only from expansions (a synonym's "Organisationen för
    // säkerhet och samarbete i Europa"): never highlighted, unless the user's own query has them
    // (a phrase), which the exact query's terms below add.
    for (auto it = expanded.body.get_terms_begin(); it != expanded.body.get_terms_end(); ++it) {
        const std::string& t = *it;
        if (t.empty() || analyzer.is_stopword(t)) continue;
        if (is_stemmed_term(t)) {
            if (is_body_word_term(stem_of_term(t))) h.stems.insert(stem_of_term(t));
        } else if (is_body_word_term(t)) {
            h.exact.insert(t);
        }
    }
    const Xapian::Query& exact = expanded.exact.empty() ? parsed.exact : expanded.exact;
    for (auto it = exact.get_terms_begin(); it != exact.get_terms_end(); ++it)
        if (is_body_word_term(*it)) h.exact.insert(*it);
    h.prefixes = wildcard_prefixes(text);
    // Words found through an expansion are highlighted as well as the query's own.
    for (const Expansion& e : expanded.expansions) {
        if (e.kind == "compound") {
            h.infixes.push_back(analyzer.stem(e.word));
            continue;
        }
        for (const std::string& alt : e.alternatives)
            for (const std::string& word : query_words(analyzer, alt)) {
                if (analyzer.is_stopword(word)) continue;
                h.exact.insert(word);
                h.stems.insert(analyzer.stem(word));
            }
    }
    return h;
}

std::string in_users_case(const std::string& query, const std::string& word,
                          const std::string& suggestion) {
    // The query's words as typed, their case kept.
    const std::string typed_word = nfc(word);
    std::vector<WordSpan> words;
    for_each_word(query, WordRule::kLettersDigits, [&](const WordSpan& w) { words.push_back(w); });
    for (const WordSpan& w : words) {
        const std::string_view typed = std::string_view(query).substr(w.begin, w.end - w.begin);
        if (fold_case(nfc(typed)) != fold_case(typed_word)) continue;
        bool upper_first = false, all_upper = true;
        size_t letters = 0;
        for (size_t k = 0; k < typed.size(); ++letters) {
            const char32_t c = next_code_point(typed, k);
            if (letters == 0) upper_first = is_upper(c);
            all_upper = all_upper && !is_lower(c);
        }
        if (!upper_first) return suggestion;
        std::string out;
        size_t k = 0;
        bool first = true;
        while (k < suggestion.size()) {
            char32_t c = next_code_point(suggestion, k);
            if (first || (all_upper && letters > 1))
                c = static_cast<char32_t>(u_toupper(static_cast<UChar32>(c)));
            append_utf8(out, c);
            first = false;
        }
        return out;
    }
    return suggestion;
}

QueryPlan plan_query(Worker& worker, const std::string& raw, const RankingWeights& w,
                     const ExpandOptions& options) {
    const Xapian::Database& db = worker.db();
    const Analyzer& analyzer = worker.analyzer();
    QueryPlan plan;
    SplitQuery split = split_filters(raw);
    // A filter that cannot be read is the user's mistake, not a wish to search everything:
    // dropping it would show unfiltered hits as if they were filtered.
    if (!split.errors.empty()) {
        std::string all;
        for (const std::string& e : split.errors) all += (all.empty() ? "" : "; ") + e;
        throw UsageError(all);
    }

    const FilterPlan filters = plan_filters(split.filters, db, plan.notes);
    plan.has_filter = filters.any;
    plan.filter = filters.query;

    QueryText text = prepare_text(split.text, analyzer, plan.has_filter, plan.notes);
    const ParsedQuery parsed = parse_text(text, worker.parser(), db, analyzer, plan.notes);
    plan.plain_words = text.plain_words;
    ExpandedQuery expanded = expand_query(parsed, text, worker.expand_sources(), options, w.title);
    plan.expansions = expanded.expansions;
    for (Expansion& e : plan.expansions)
        if (e.kind == "spelling")
            for (std::string& alt : e.alternatives) alt = in_users_case(split.text, e.word, alt);

    plan.has_text = !expanded.body.empty();
    if (!plan.has_text && !plan.has_filter)
        throw UsageError("empty query: give words to search for");
    if (!plan.has_text) {
        plan.query = match_all();
        plan.unknown_words = expanded.unknown_words;
        return plan;
    }
    plan.query = rank_query(parsed, expanded, db, analyzer, worker.caches().known_terms, w);
    plan.unknown_words = expanded.unknown_words;
    plan.highlight = highlight_terms(parsed, expanded, text, analyzer);
    for (const std::string& p : plan.highlight.prefixes) {
        size_t n = 0;
        for (auto it = db.allterms_begin(p); it != db.allterms_end(p) && n <= kMaxWildcardTerms;
             ++it)
            ++n;
        if (n > kMaxWildcardTerms)
            plan.notes.push_back("\"" + p + "*\" matches more than " +
                                 std::to_string(kMaxWildcardTerms) + " words; searched for the " +
                                 std::to_string(kMaxWildcardTerms) + " most frequent");
    }
    return plan;
}

}  // namespace rapportsok
