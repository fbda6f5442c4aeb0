// The one word splitter of both programs: the writer, the shortened-compound finder, the query's
// words, the English glossary and the highlighter all find words here, by ICU's letters and digits.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/common/text.h"

namespace rapportsok {

// What makes a word. A word always starts at a letter (or a digit, where digits count); every
// other character (space, punctuation, a combining mark, U+FFFD) ends it. Text is split as given:
// a caller that wants NFC or folded words prepares and folds the text first.
enum class WordRule {
    // Runs of letters; a digit ends a word ("2011-års" has "års", "EU2020" "EU"): the words the
    // decompounder learns and splits (lowercase_words), made of letters alone.
    kLetters,
    // Runs of letters and digits ("EU2020" is one word; a hyphen, a colon or an apostrophe
    // splits): the query's words (query_words, plain_words, a Did you mean's capitals) and the
    // words before and after a shortened compound's hyphen.
    kLettersDigits,
    // Letters and digits with apostrophes (' and U+2019) inside: "women's", "rock'n'roll"; one
    // at either end is no part of the word ("Mats' bok", "'tortyr'"), as in the TermGenerator's
    // terms: the English glossary's words and the words the highlighter marks.
    kApostrophes,
};

// One word of a text: bytes [begin, end); letters: it has no digit.
struct WordSpan {
    size_t begin, end;
    bool letters;
};

namespace words_detail {

inline bool is_word_letter(char32_t c) {
    // ASCII, most of any text, without a call into ICU (u_isalpha and u_isdigit agree on it).
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return is_letter(c);
}

inline bool is_word_digit(char32_t c) {
    if (c < 0x80) return c >= '0' && c <= '9';
    return is_digit(c);
}

// next_code_point, with no call for ASCII.
inline char32_t next_char(std::string_view text, size_t& i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
        ++i;
        return c;
    }
    return next_code_point(text, i);
}

}  // namespace words_detail

// Calls f(WordSpan) for each word of text under rule, in order.
template <typename F>
void for_each_word(std::string_view text, WordRule rule, F&& f) {
    using words_detail::is_word_digit;
    using words_detail::is_word_letter;
    using words_detail::next_char;
    const bool digits = rule != WordRule::kLetters;
    size_t i = 0;
    while (i < text.size()) {
        const size_t at = i;
        const char32_t c = next_char(text, i);
        const bool letter = is_word_letter(c);
        if (!letter && !(digits && is_word_digit(c))) continue;
        bool letters = letter;
        size_t j = i, end = i;  // end: after the last character that stays in the word
        while (j < text.size()) {
            size_t k = j;
            const char32_t d = next_char(text, k);
            if (is_word_letter(d)) {
            } else if (digits && is_word_digit(d)) {
                letters = false;
            } else if (rule == WordRule::kApostrophes && (d == '\'' || d == 0x2019)) {
                j = k;  // in the word if a letter or digit follows
                continue;
            } else {
                break;
            }
            j = end = k;
        }
        f(WordSpan{at, std::min(end, text.size()), letters});
        i = j;
    }
}

// The words of text under rule, as written.
std::vector<std::string> split_words(std::string_view text, WordRule rule);

}  // namespace rapportsok
