#include "indexer/common/acronym_index.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "indexer/common/english_stopwords.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/common/words.h"

namespace rapportsok {

std::vector<std::string> query_words(const Analyzer& analyzer, const std::string& text) {
    return split_words(fold_case(analyzer.prepare(text)), WordRule::kLettersDigits);
}

std::vector<std::string> name_key(const Analyzer& analyzer, const std::vector<std::string>& words) {
    // A name of several words is known by its words that carry meaning, in either language:
    // "European Court of Human Rights" by "european court human rights", so that "court of
    // human rights" finds it whether or not the query's "of" was left out. A one-word name is
    // its word unless it is a Swedish stopword ("IS" stays).
    std::vector<std::string> key, swedish;
    for (const std::string& w : words) {
        if (analyzer.is_stopword(w)) continue;
        swedish.push_back(w);
        if (!is_english_stopword(w)) key.push_back(w);
    }
    return words.size() == 1 || key.empty() ? swedish : key;
}

namespace {

// "acronym-index 1 GROUPS LIST-ID\n", then a line a member's key, in key order, then list order:
// key \t ordinal \t acronym \t its words \t its key \t definition \t its words \t its key
// with words joined by spaces (a word has none) and the texts escaped (\\ \t \n). LIST-ID is the
// list's length and FNV-1a hash.
constexpr std::string_view kHeader = "acronym-index 1 ";

std::string list_id(const std::string& list) {
    unsigned long long h = 14695981039346656037ULL;
    for (char c : list) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return std::to_string(list.size()) + ":" + std::to_string(h);
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

void escape_to(std::string& out, const std::string& text) {
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

std::string unescaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        const char c = s[++i];
        out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
    }
    return out;
}

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    size_t from = 0;
    while (from < s.size()) {
        size_t space = s.find(' ', from);
        if (space == std::string_view::npos) space = s.size();
        out.emplace_back(s.substr(from, space - from));
        from = space + 1;
    }
    return out;
}

std::runtime_error bad_index() { return std::runtime_error("damaged acronym index"); }

}  // namespace

std::string encode_acronym_index(const std::string& acronym_list, const Analyzer& analyzer) {
    const std::vector<std::pair<std::string, std::string>> acronyms = decode_acronyms(acronym_list);
    std::vector<std::tuple<std::string, size_t, std::string>> lines;  // key, ordinal, the rest
    size_t groups = 0;
    for (size_t n = 0; n < acronyms.size(); ++n) {
        const auto& [acronym, definition] = acronyms[n];
        const std::vector<std::string> aw = query_words(analyzer, acronym);
        const std::vector<std::string> dw = query_words(analyzer, definition);
        const std::string ak = joined(name_key(analyzer, aw)), dk = joined(name_key(analyzer, dw));
        if (ak.empty() || dk.empty()) continue;
        ++groups;
        std::string rest;
        escape_to(rest, acronym);
        rest += '\t' + joined(aw) + '\t' + ak + '\t';
        escape_to(rest, definition);
        rest += '\t' + joined(dw) + '\t' + dk;
        lines.emplace_back(ak, n, rest);
        if (dk != ak) lines.emplace_back(dk, n, rest);
    }
    if (lines.empty()) return "";
    std::sort(lines.begin(), lines.end());
    std::string out =
        std::string(kHeader) + std::to_string(groups) + " " + list_id(acronym_list) + "\n";
    for (const auto& [key, ordinal, rest] : lines)
        out += key + '\t' + std::to_string(ordinal) + '\t' + rest + '\n';
    return out;
}

AcronymIndex::AcronymIndex(std::string data) : data_(std::move(data)) {
    if (data_.empty()) return;
    const size_t end = data_.find('\n');
    const size_t space = data_.find(' ', kHeader.size());
    if (data_.compare(0, kHeader.size(), kHeader) != 0 || end == std::string::npos ||
        space == std::string::npos || space > end)
        throw bad_index();
    try {
        groups_ = std::stoul(data_.substr(kHeader.size(), space - kHeader.size()));
    } catch (const std::exception&) {
        throw bad_index();
    }
    list_id_ = data_.substr(space + 1, end - space - 1);
    for (size_t at = end + 1; at < data_.size();) {
        lines_.push_back(at);
        const size_t nl = data_.find('\n', at);
        const size_t tab = data_.find('\t', at);
        if (nl == std::string::npos || tab > nl) throw bad_index();
        longest_key_ = std::max<size_t>(
            longest_key_,
            1 + static_cast<size_t>(std::count(data_.begin() + static_cast<long>(at),
                                               data_.begin() + static_cast<long>(tab), ' ')));
        at = nl + 1;
    }
}

bool AcronymIndex::indexes(const std::string& acronym_list) const {
    if (data_.empty()) return acronym_list.empty();
    return list_id_ == list_id(acronym_list);
}

std::vector<AcronymGroup> AcronymIndex::find(const std::vector<std::string>& key) const {
    std::vector<AcronymGroup> out;
    const std::string wanted = joined(key);
    const std::string_view all(data_);
    auto key_of = [&](size_t line) { return all.substr(line, all.find('\t', line) - line); };
    auto it = std::lower_bound(lines_.begin(), lines_.end(), std::string_view(wanted),
                               [&](size_t line, std::string_view k) { return key_of(line) < k; });
    for (; it != lines_.end() && key_of(*it) == wanted; ++it) {
        const std::string_view line = all.substr(*it, all.find('\n', *it) - *it);
        std::vector<std::string_view> fields;
        size_t from = 0;
        while (true) {
            const size_t tab = line.find('\t', from);
            fields.push_back(line.substr(from, tab == std::string_view::npos ? tab : tab - from));
            if (tab == std::string_view::npos) break;
            from = tab + 1;
        }
        if (fields.size() != 8) throw bad_index();
        AcronymGroup g;
        try {
            g.ordinal = std::stoul(std::string(fields[1]));
        } catch (const std::exception&) {
            throw bad_index();
        }
        g.acronym = unescaped(fields[2]);
        g.acronym_words = split_words(fields[3]);
        g.acronym_key = split_words(fields[4]);
        g.definition = unescaped(fields[5]);
        g.definition_words = split_words(fields[6]);
        g.definition_key = split_words(fields[7]);
        out.push_back(std::move(g));
    }
    return out;
}

}  // namespace rapportsok
