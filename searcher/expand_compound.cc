// The Expander's compound query words: a word the index lacks in every form ("valfusk",
// "kvinnojourer") is split into two parts the index or hunspell-sv knows and searched as those
// parts, the passages with all of them first.
#include <algorithm>
#include <optional>

#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "searcher/english.h"
#include "searcher/expand.h"

namespace rapportsok {

namespace {

// Parts shorter than this split too much ("kon|troll").
constexpr size_t kMinPart = 3;

std::string utf8_of(const std::u32string& s, size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to; ++i) append_utf8(out, s[i]);
    return out;
}

}  // namespace

// Whether the index has a part of a compound: as a word of the text or a title (by its stem,
// or an inflection), or as a part of the index's own compounds.
bool Expander::part_in_index(const std::string& part) const {
    const std::string stem = analyzer_.stem(part);
    return in_index(part) || in_index("Z" + stem) ||
           db_.term_exists(std::string(prefix::kCompoundPart) + stem) ||
           !inflected_forms(part).empty();
}

Xapian::Query Expander::compound_parts(const std::string& w) {
    if (!options_.compounds || !field_.empty() || correcting_) return Xapian::Query();
    std::u32string cps;
    for (size_t i = 0; i < w.size();) cps.push_back(next_code_point(w, i));
    if (cps.size() < 2 * kMinPart || cps.size() > 60) return Xapian::Query();
    const SwedishLexicon& swedish = sources_.english().swedish();
    // A split cuts the word's dictionary entry, not its ending: the entry's own last part must
    // be a word too ("kvinno|jourer" is "kvinno|jour", but "fängs|lade" is "fängs|la" of
    // "fängsla", a verb of its own).
    // Asked of hunspell-sv only for a split the index has a part of (reading hunspell-sv takes
    // a cold search from 5 to 160 ms), as is every question to it below.
    std::optional<std::string> root;
    const auto splits_entry = [&](const std::string& head, size_t link) {
        if (!root) root = swedish.root(w);
        const std::string& entry = *root;
        if (entry.size() <= head.size() + link || entry.compare(0, head.size(), head) != 0)
            return true;  // an entry that does not begin with the part says nothing of it
        const std::string rest = entry.substr(head.size() + link);
        return code_points(rest) >= kMinPart && (part_in_index(rest) || swedish.knows(rest));
    };
    // The split whose parts the index has (the most of them, then the longest last part), a
    // linking s or e after the first part allowed ("människorätts|organisationer").
    std::vector<std::string> best_parts;
    std::vector<bool> best_known;
    size_t best_found = 0;
    for (size_t at = kMinPart; at + kMinPart <= cps.size(); ++at) {
        const std::string tail = utf8_of(cps, at, cps.size());
        for (size_t link = 0; link <= 1; ++link) {
            if (link && !(cps[at - 1] == U's' || cps[at - 1] == U'e')) continue;
            if (at - link < kMinPart) continue;
            const std::string head = utf8_of(cps, 0, at - link);
            const bool head_in = part_in_index(head), tail_in = part_in_index(tail);
            const size_t found = (head_in ? 1 : 0) + (tail_in ? 1 : 0);
            if (found == 0 || found < best_found) continue;
            if (found == best_found && !best_parts.empty() &&
                code_points(tail) <= code_points(best_parts.back()))
                continue;
            // Without hunspell-sv, only the index's words say what a word is.
            if (!swedish.available() && !(head_in && tail_in)) continue;
            // Both parts are words: of the index, or known to hunspell-sv.
            if (!(head_in || swedish.knows(head)) || !(tail_in || swedish.knows(tail))) continue;
            if (!splits_entry(head, link)) continue;
            best_found = found;
            best_parts = {head, tail};
            best_known = {head_in, tail_in};
        }
    }
    if (best_found == 0) return Xapian::Query();
    // Each part the index has, with its readings (inflections, compounds it is a part of).
    std::vector<Xapian::Query> parts;
    correcting_ = splitting_ = true;  // a part is not corrected, translated or split again
    for (size_t k = 0; k < best_parts.size(); ++k)
        if (best_known[k]) parts.push_back(expand_word(best_parts[k]));
    correcting_ = splitting_ = false;
    used_.push_back({w, best_parts, "compound parts"});
    // All the parts in one passage first; one of them weighs as a part of a compound does.
    Xapian::Query any(Xapian::Query::OP_OR, parts.begin(), parts.end());
    Xapian::Query weak(Xapian::Query::OP_SCALE_WEIGHT, any, options_.compound_weight);
    if (parts.size() < 2) return weak;
    return Xapian::Query(Xapian::Query::OP_OR,
                         Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end()), weak);
}

}  // namespace rapportsok
