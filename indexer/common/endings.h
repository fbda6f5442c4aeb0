// The Swedish endings both programs know, in one place: each rule that adds or removes endings
// takes its own list from here. The lists differ on purpose (each is its rule's set, and the
// expander's order is the order its alternatives are shown in); tests/test_words.cc checks
// that no ending repeats within a list and that every list is made of Swedish inflection endings.
#pragma once

namespace rapportsok::endings {

// Endings written after a colon on abbreviations and numbers, dropped with the colon by
// Analyzer::prepare: EU:s, FN:s, OSSE:s, 1800-talet:s.
inline constexpr const char* kAfterColon[] = {"s",   "n",  "en", "ns", "ens", "et", "ets", "na",
                                              "nas", "ar", "er", "or", "e",   "a",  "t"};

// Endings of inflected forms the stemmer leaves apart from their base ("språket", "resurser"):
// a compound's last part may be a word with one of them (Decompounder::is_tail).
inline constexpr const char* kInflected[] = {
    "arnas", "ernas", "ornas", "arna", "erna", "orna", "ens", "ets", "nas",
    "ars",   "ers",   "ors",   "na",   "en",   "et",   "er",  "ar",  "or",
    "ns",    "ts",    "n",     "t",    "s",    "e",    "a"};

// Endings Snowball's stemmer does not always remove: the definite -n/-t after a vowel
// ("miljön", "studiot"), the genitive -s, and their combinations; the expander adds them to a
// word and takes them off (inflection_candidates), in this order.
inline constexpr const char* kDefiniteGenitive[] = {"n",  "t",  "s",   "ns",  "ts", "en",
                                                    "et", "na", "nas", "ens", "ets"};

// Endings after which a noun, adjective or participle in -el, -er, -en has dropped its e
// ("regl-er", "exempl-en", "vattn-et", "förbjudn-a"), in the expander's order.
inline constexpr const char* kAfterDroppedE[] = {"ar",  "er",    "or",    "a",     "e",    "et",
                                                 "en",  "na",    "arna",  "erna",  "orna", "ets",
                                                 "ens", "arnas", "ernas", "ornas", "as",   "es"};

}  // namespace rapportsok::endings
