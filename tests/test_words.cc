// The one word splitter (indexer/common/words.h) and the one home of the Swedish endings
// (indexer/common/endings.h): each rule on the text that tells it from the others.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "indexer/common/endings.h"
#include "indexer/common/words.h"

using rapportsok::split_words;
using rapportsok::WordRule;
using Words = std::vector<std::string>;

namespace {

struct Case {
    const char* what;
    const char* text;
    Words letters, letters_digits, apostrophes;
};

}  // namespace

TEST_CASE("each word rule splits text as its declaration says", "[unit]") {
    const Case cases[] = {
        {"Swedish letters are letters",
         "Hälsa och sjukvård på Åland",
         {"Hälsa", "och", "sjukvård", "på", "Åland"},
         {"Hälsa", "och", "sjukvård", "på", "Åland"},
         {"Hälsa", "och", "sjukvård", "på", "Åland"}},
        {"digits end a word of letters only",
         "EU2020 och 2011-års budget",
         {"EU", "och", "års", "budget"},
         {"EU2020", "och", "2011", "års", "budget"},
         {"EU2020", "och", "2011", "års", "budget"}},
        {"digits of other scripts are digits, a superscript is not",
         "\u0662\u0660\u0661\u0661 m\u00b2",
         {"m"},
         {"\u0662\u0660\u0661\u0661", "m"},
         {"\u0662\u0660\u0661\u0661", "m"}},
        {"an apostrophe inside a word",
         "women's rights, rock'n'roll, 1990's",
         {"women", "s", "rights", "rock", "n", "roll", "s"},
         {"women", "s", "rights", "rock", "n", "roll", "1990", "s"},
         {"women's", "rights", "rock'n'roll", "1990's"}},
        {"an apostrophe at a word's ends",
         "Mats' bok och 'tortyr''",
         {"Mats", "bok", "och", "tortyr"},
         {"Mats", "bok", "och", "tortyr"},
         {"Mats", "bok", "och", "tortyr"}},
        {"the typographic apostrophe U+2019",
         "women\u2019s \u2019tortyr\u2019",
         {"women", "s", "tortyr"},
         {"women", "s", "tortyr"},
         {"women\u2019s", "tortyr"}},
        {"hyphens and colons split",
         "Nur-Otan, yttrande- och tryckfrihet, EU:s",
         {"Nur", "Otan", "yttrande", "och", "tryckfrihet", "EU", "s"},
         {"Nur", "Otan", "yttrande", "och", "tryckfrihet", "EU", "s"},
         {"Nur", "Otan", "yttrande", "och", "tryckfrihet", "EU", "s"}},
        {"U+FFFD, what replaced invalid bytes, splits",
         "ord\ufffdlista \ufffd",
         {"ord", "lista"},
         {"ord", "lista"},
         {"ord", "lista"}},
        {"a combining accent is no letter: text is made NFC first, where é is one",
         "cafe\u0301 caf\u00e9",
         {"cafe", "caf\u00e9"},
         {"cafe", "caf\u00e9"},
         {"cafe", "caf\u00e9"}},
        {"mixed scripts",
         "Москва2020 Αθήνα 東京 İstanbul",
         {"Москва", "Αθήνα", "東京", "İstanbul"},
         {"Москва2020", "Αθήνα", "東京", "İstanbul"},
         {"Москва2020", "Αθήνα", "東京", "İstanbul"}},
        {"no words", " -- ' \u2019 \n", {}, {}, {}},
        {"nothing", "", {}, {}, {}},
    };
    for (const Case& c : cases) {
        INFO(c.what << ": " << c.text);
        CHECK(split_words(c.text, WordRule::kLetters) == c.letters);
        CHECK(split_words(c.text, WordRule::kLettersDigits) == c.letters_digits);
        CHECK(split_words(c.text, WordRule::kApostrophes) == c.apostrophes);
    }
}

TEST_CASE("a word's span is its bytes, and says whether it has a digit", "[unit]") {
    struct Span {
        size_t begin, end;
        bool letters;
        bool operator==(const Span& o) const {
            return begin == o.begin && end == o.end && letters == o.letters;
        }
    };
    std::vector<Span> got;
    rapportsok::for_each_word("få 3x Åland's", WordRule::kApostrophes,
                              [&](const rapportsok::WordSpan& w) {
                                  got.push_back({w.begin, w.end, w.letters});
                              });
    // "få" is 3 bytes, "Å" 2.
    CHECK(got == std::vector<Span>{{0, 3, true}, {4, 6, false}, {7, 15, true}});
}

TEST_CASE("a text cut inside a character ends its last word at the text's end", "[unit]") {
    const std::string cut = std::string("ord på").substr(0, 6);  // "å" is 2 bytes: half of it
    for (WordRule rule : {WordRule::kLetters, WordRule::kLettersDigits, WordRule::kApostrophes}) {
        size_t words = 0;
        rapportsok::for_each_word(cut, rule, [&](const rapportsok::WordSpan& w) {
            ++words;
            CHECK(w.end <= cut.size());
        });
        CHECK(words == 2);
    }
}

TEST_CASE("every list of endings is made of Swedish inflection endings, none twice", "[unit]") {
    namespace e = rapportsok::endings;
    const std::set<std::string> inflected(std::begin(e::kInflected), std::end(e::kInflected));
    CHECK(inflected.size() == std::size(e::kInflected));
    auto check = [&](const char* name, const auto& list, std::set<std::string> outside) {
        INFO(name);
        std::set<std::string> seen;
        for (const char* ending : list) {
            CHECK(seen.insert(ending).second);
            if (!outside.count(ending)) CHECK(inflected.count(ending));
        }
    };
    check("kAfterColon", e::kAfterColon, {});
    check("kDefiniteGenitive", e::kDefiniteGenitive, {});
    // -as and -es are in the expander's forms after a dropped e only; the decompounder's tails
    // do not take them.
    check("kAfterDroppedE", e::kAfterDroppedE, {"as", "es"});
}
