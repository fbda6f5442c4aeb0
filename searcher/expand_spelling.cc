// The Expander's corrections of typos that are words of no language the index or hunspell-sv
// knows, chosen by evidence as Elasticsearch's suggest_mode "popular" does: a query word that is
// rare in the index, while a stem an edit or two away is far more frequent, is also searched as
// that word.
#include <algorithm>

#include "indexer/common/text.h"
#include "searcher/english.h"
#include "searcher/expand.h"

namespace rapportsok {

namespace {

// A correction is "far more frequent" when its stem is in this many times the passages of the
// typed word's stem (any number of them when the typed word's stem is in none).
constexpr Xapian::doccount kPopularFactor = 4;
// At most this many words of a stem are looked at for the one to show.
constexpr int kMaxFormsLooked = 200;

bool has_digit(const std::string& w) {
    return std::any_of(w.begin(), w.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Xapian::Query Expander::popular_correction(const std::string& w) {
    if (!options_.spelling || correcting_ || !sources_.nearest_stem || !field_.empty() ||
        excluding_)
        return Xapian::Query();
    const size_t length = code_points(w);
    if (length < 4 || has_digit(w) || !has_stemmed_term(w)) return Xapian::Query();
    if (analyzer_.is_stopword(w) || is_english_stopword(w)) return Xapian::Query();
    // A word typed without its accents has its reading already ("hogsta": "högsta").
    if (options_.diacritics && !accented_forms(w).empty()) return Xapian::Query();
    // Never two edits on a short word: "val" and "vad" are both words.
    const unsigned edits = length >= 8 ? 2 : 1;
    const std::string stem = analyzer_.stem(w);
    const Suggestion s = sources_.nearest_stem(stem, edits);
    if (s.word.empty() || s.freq <= kPopularFactor * s.typed_freq) return Xapian::Query();
    // A real Swedish word is meant as typed ("slut" is no typo of "samt"), and an English word
    // is translated, not corrected. Asked only now that the index has a popular neighbour:
    // reading hunspell-sv takes a cold search from 5 to 160 ms.
    if (sources_.english().swedish().knows(w) || is_english(w)) return Xapian::Query();
    // The word shown (and searched) is the stem's most frequent word in the passages.
    std::string shown;
    Xapian::doccount shown_freq = 0;
    int looked = 0;
    for (auto it = db_.allterms_begin(s.word); it != db_.allterms_end(s.word); ++it) {
        if (++looked > kMaxFormsLooked) break;
        if (analyzer_.stem(*it) != s.word || it.get_termfreq() <= shown_freq) continue;
        shown = *it;
        shown_freq = it.get_termfreq();
    }
    if (shown.empty()) shown = s.word;
    if (shown == w) return Xapian::Query();
    correcting_ = true;
    Xapian::Query q = expand_word(shown);
    correcting_ = false;
    used_.push_back({w, {shown}, "spelling"});
    return q;
}

}  // namespace rapportsok
