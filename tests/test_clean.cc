// Repairing PDF-extracted text: broken words, page breaks, the two layouts, paragraphs as blocks.
#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>

#include "indexer/clean.h"
#include "indexer/read.h"
#include "tests/support.h"

using rapportsok::clean;
using rapportsok::Cleaned;
using rapportsok::join_line;
using rapportsok::Layout;

namespace {

// Lays lines out as the seed report does: each text line followed by an empty line, a line with
// only a space between paragraphs, and a trailing space on text lines unless they end in a hyphen.
// "" stands for a paragraph break; a line starting with '\f' follows the previous text line
// directly with a leading space, as a page break shows there.
std::string double_spaced(std::initializer_list<std::string> lines) {
    std::string out;
    for (const std::string& l : lines) {
        if (l.empty()) {
            out += " \n\n";
            continue;
        }
        std::string line = l;
        if (line[0] == '\f') {
            out.pop_back();  // no empty line after the previous text line
            line = " " + line.substr(1);
        }
        if (line.back() != '-' && line.back() != ' ') line += ' ';
        out += line + "\n\n";
    }
    return out;
}

struct JoinCase {
    const char* paragraph;  // the paragraph so far, already cleaned
    const char* raw_line;   // the raw line it ended with
    const char* next;       // the next raw line
    const char* expected;
};

void check_joins(std::initializer_list<JoinCase> cases) {
    for (const JoinCase& c : cases) {
        std::string paragraph = c.paragraph;
        join_line(paragraph, c.raw_line, c.next);
        CAPTURE(c.paragraph, c.next);
        CHECK(paragraph == c.expected);
    }
}

std::string seed_text() { return rapportsok::read_source(testing::seed_report_path()).text; }

}  // namespace

TEST_CASE("joins a word broken at a line end", "[unit]") {
    check_joins({
        {"växer fram i lan-", "växer fram i lan-", "det. Under", "växer fram i landet. Under"},
        {"Ak Zhol, och Kazak-", "Ak Zhol, och Kazak-", "stans Folkliga",
         "Ak Zhol, och Kazakstans Folkliga"},
        {"om han-", "om han-", "del", "om handel"},
        {"de mänskliga rät-", "de mänskliga rät-", "tigheterna.", "de mänskliga rättigheterna."},
        {"övriga Central-", "övriga Central-", "asien, var", "övriga Centralasien, var"},
        {"men respekte-", "men respekte-", "ras inte", "men respekteras inte"},
        {"ändå tabu-", "ändå tabu-", "belagda.  ", "ändå tabubelagda."},
        {"för-", "för-\t", "länga", "förlänga"},
    });
}

TEST_CASE("keeps the hyphen in Nur-Otan and other real compounds at a line end", "[unit]") {
    check_joins({
        {"presidentens Nur-", "presidentens Nur-", "Otan, fick", "presidentens Nur-Otan, fick"},
        {"att OSSE-", "att OSSE-", "ordförandeskapet också", "att OSSE-ordförandeskapet också"},
        {"men HBT-", "men HBT-", "personers rättigheter", "men HBT-personers rättigheter"},
        {"perioden 2007-", "perioden 2007-", "2011 avseende", "perioden 2007-2011 avseende"},
    });
}

TEST_CASE("keeps a hanging hyphen before a conjunction", "[unit]") {
    check_joins({
        {"till främst bomulls-", "till främst bomulls- ", "och tobaksodlingarna.",
         "till främst bomulls- och tobaksodlingarna."},
        {"på inrikes-, utrikes-", "på inrikes-, utrikes-", "och säkerhetspolitiken",
         "på inrikes-, utrikes- och säkerhetspolitiken"},
        {"Yttrande-", "Yttrande-", "och tryckfrihet", "Yttrande- och tryckfrihet"},
        {"av ny-", "av ny-", "eller omregistrering", "av ny- eller omregistrering"},
        {"såväl hälso-", "såväl hälso-", "som säkerhetsförhållandena",
         "såväl hälso- som säkerhetsförhållandena"},
    });
}

TEST_CASE(
    "splits a number from a Swedish word glued to it (totalt 98och är), and keeps ordinals, "
    "units and codes whole",
    "[unit][regression]") {
    // The seed report's line 569 reads "dat av totalt 98och är inte beroende": the PDF
    // extraction lost the space, and the index had the word 98och.
    struct Case {
        const char* text;
        const char* expected;
    };
    const Case splits[] = {
        {"dat av totalt 98och är inte beroende", "dat av totalt 98 och är inte beroende"},
        {"98och", "98 och"},
        {"i januari 2012och året efter", "i januari 2012 och året efter"},
        {"fick 83 mandat av totalt 98och.", "fick 83 mandat av totalt 98 och."},
        {"95,5procent och 2,5och", "95,5procent och 2,5 och"},
        {"(12av 20)", "(12 av 20)"},
        {"15att", "15 att"},
        {"artikel 19på grund av", "artikel 19 på grund av"},
        {"COVID-19och", "COVID-19 och"},
        {"98som är", "98 som är"},
        {"3är", "3 är"},
        {"1och 2och 3", "1 och 2 och 3"},
    };
    const char* const kept[] = {"1a",       "3e",        "2:a",         "10kr",        "5st",
                                "3km",      "100kg",     "10de",        "2dra",        "1sta",
                                "21a",      "1990talet", "5år",         "A4och",       "SFS2010och",
                                "98Och",    "98ocharna", "98ochså",     "1990och2000", "och98",
                                "98 och",   "totalt 98", "H2o",         "den 3e maj",  "15:e",
                                "90-talet", "12mån",     "2000-talets", "x1och",       "a2att"};
    for (const Case& c : splits) {
        CAPTURE(c.text);
        CHECK(rapportsok::unglue_numbers(c.text) == c.expected);
    }
    for (const char* text : kept) {
        CAPTURE(text);
        CHECK(rapportsok::unglue_numbers(text) == text);
    }
    // In the seed report's paragraph, and so in the index's passage.
    bool found = false;
    for (const auto& b : clean(seed_text()).blocks) {
        CHECK(b.text.find("98och") == std::string::npos);
        found = found || b.text.find("Nur-Otan fick 83 mandat av totalt 98 och är inte beroende") !=
                             std::string::npos;
    }
    CHECK(found);
}

TEST_CASE("joins ordinary lines with one space and tidies white space", "[unit]") {
    check_joins({
        {"", "", "Första raden ", "Första raden"},
        {"ett land", "ett land ", "där situationen", "ett land där situationen"},
        {"a", "a", "  b\t c  ", "a b c"},
        {"a", "a",
         "b\xC2\xA0"
         "c",
         "a b c"},
        {"oförändrad", "oförändrad", "   ", "oförändrad"},
    });
}

TEST_CASE("detects the double-spaced layout of the seed report", "[unit]") {
    Cleaned c = clean(seed_text());
    CHECK(c.layout == Layout::kDoubleSpaced);
    CHECK(c.pages == 13);
}

TEST_CASE("detects plain text with paragraphs separated by blank lines", "[unit]") {
    Cleaned c =
        clean("Första stycket, rad ett\nrad två.\n\nAndra stycket.\n\n\nTredje\nstycket.\n");
    CHECK(c.layout == Layout::kPlain);
    REQUIRE(c.blocks.size() == 3);
    CHECK(c.blocks[0].text == "Första stycket, rad ett rad två.");
    CHECK(c.blocks[0].first_line == 1);
    CHECK(c.blocks[0].last_line == 2);
    CHECK(c.blocks[1].text == "Andra stycket.");
    CHECK(c.blocks[1].first_line == 4);
    CHECK(c.blocks[2].text == "Tredje stycket.");
    CHECK(c.blocks[2].first_line == 7);
    CHECK(c.blocks[2].last_line == 8);
    CHECK(c.pages == 1);
}

TEST_CASE("reads one-line paragraphs separated by blank lines as plain text", "[unit]") {
    Cleaned c = clean(
        "Mänskliga rättigheter i Kazakstan\n\nFörsta stycket är en enda rad.\n\n"
        "Andra stycket är också en rad.\n\nTredje stycket.\n\nFjärde stycket.\n");
    CHECK(c.layout == Layout::kPlain);
    REQUIRE(c.blocks.size() == 5);
    CHECK(c.blocks[0].text == "Mänskliga rättigheter i Kazakstan");
    CHECK(c.blocks[2].text == "Andra stycket är också en rad.");
    CHECK(c.blocks[2].first_line == 5);
    CHECK(c.blocks[4].first_line == 9);
}

TEST_CASE("keeps clean text plain despite a stray line of spaces", "[unit]") {
    Cleaned c = clean("Ett stycke.\n  \nTvå stycken.\n\nTre stycken.\n\nFyra stycken.\n\nFem.\n");
    CHECK(c.layout == Layout::kPlain);
    CHECK(c.blocks.size() == 5);
}

TEST_CASE("joins words broken at a line end in plain text", "[unit]") {
    Cleaned c = clean("Oppositionen växer fram i lan-\ndet och handeln med Kazak-\nstan ökar.\n");
    REQUIRE(c.blocks.size() == 1);
    CHECK(c.blocks[0].text == "Oppositionen växer fram i landet och handeln med Kazakstan ökar.");
}

TEST_CASE("reads paragraphs and their source lines in the double-spaced layout", "[unit]") {
    Cleaned c = clean(double_spaced({"Rubrik", "", "Första stycket, som växer fram i lan-",
                                     "det. Slut.", "", "Andra stycket.", "Rad två."}));
    CHECK(c.layout == Layout::kDoubleSpaced);
    REQUIRE(c.blocks.size() == 3);
    CHECK(c.blocks[0].text == "Rubrik");
    CHECK(c.blocks[1].text == "Första stycket, som växer fram i landet. Slut.");
    CHECK(c.blocks[1].first_line == 5);
    CHECK(c.blocks[1].last_line == 7);
    CHECK(c.blocks[2].text == "Andra stycket. Rad två.");
    CHECK(c.blocks[2].first_line == 11);
    CHECK(c.pages == 1);
}

TEST_CASE("counts a text line starting with a space after a text line as a page break", "[unit]") {
    Cleaned c = clean(
        double_spaced({"Rubrik", "", "Första sidan börjar här.", "Den slutar med de mänskliga rät-",
                       "tigheterna.", "\fNoteras bör dock att sidan två", "börjar här."}));
    CHECK(c.layout == Layout::kDoubleSpaced);
    REQUIRE(c.blocks.size() == 3);
    CHECK(c.blocks[1].text ==
          "Första sidan börjar här. Den slutar med de mänskliga rättigheterna.");
    CHECK(c.blocks[1].page == 1);
    CHECK(c.blocks[1].last_page == 1);
    CHECK(c.blocks[1].last_line == 9);
    CHECK(c.blocks[2].text == "Noteras bör dock att sidan två börjar här.");
    CHECK(c.blocks[2].page == 2);
    CHECK(c.blocks[2].first_line == 10);
    CHECK(c.pages == 2);
}

TEST_CASE("keeps a paragraph running over a page break as one block", "[unit]") {
    Cleaned c = clean(double_spaced({"Straffrihet, det vill säga underlåtenhet att beivra och",
                                     "bestraffa brott, är", "\fvanligt förekommande i landet.", "",
                                     "Nästa stycke.", "Slut."}));
    REQUIRE(c.blocks.size() == 2);
    CHECK(c.blocks[0].text ==
          "Straffrihet, det vill säga underlåtenhet att beivra och bestraffa brott, är vanligt "
          "förekommande i landet.");
    CHECK(c.blocks[0].page == 1);
    CHECK(c.blocks[0].last_page == 2);
    CHECK(c.blocks[0].first_line == 1);
    CHECK(c.blocks[0].last_line == 4);
    CHECK(c.blocks[1].page == 2);
}

TEST_CASE("joins a word broken over a page break", "[unit]") {
    Cleaned c = clean(double_spaced({"Ett stycke om de mänskliga", "rättigheterna och om kränk-",
                                     "\fningar av dem.", "", "Nästa."}));
    REQUIRE(c.blocks.size() == 2);
    CHECK(c.blocks[0].text ==
          "Ett stycke om de mänskliga rättigheterna och om kränkningar av dem.");
    CHECK(c.blocks[0].last_page == 2);
}

TEST_CASE("drops a line holding only a page number and counts the page", "[unit]") {
    Cleaned c = clean(
        double_spaced({"Konventionerna efterlevs.", "Numera mindre än tidigare.", "", "", "3",
                       "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER", "", "Det har förekommit mord."}));
    REQUIRE(c.blocks.size() == 3);
    CHECK(c.blocks[0].text == "Konventionerna efterlevs. Numera mindre än tidigare.");
    CHECK(c.blocks[1].text == "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER");
    CHECK(c.blocks[1].page == 2);
    CHECK(c.blocks[2].text == "Det har förekommit mord.");
    CHECK(c.pages == 2);
}

TEST_CASE("counts form feeds in plain text as page breaks and leaves no trace", "[unit]") {
    Cleaned c = clean("Sida ett.\n\n\fSida två.\n\f\fSida fyra,\nrad två.\n");
    CHECK(c.layout == Layout::kPlain);
    CHECK(c.pages == 4);
    REQUIRE(c.blocks.size() == 3);
    CHECK(c.blocks[0].page == 1);
    CHECK(c.blocks[1].text == "Sida två.");
    CHECK(c.blocks[1].page == 2);
    CHECK(c.blocks[2].text == "Sida fyra, rad två.");
    CHECK(c.blocks[2].page == 4);
    CHECK(c.blocks[2].first_line == 4);
    for (const auto& b : c.blocks) CHECK(b.text.find('\f') == std::string::npos);
}

TEST_CASE("takes a line starting with # as a markdown heading in plain text", "[unit]") {
    Cleaned c = clean("# Allmänt\n\n## 3. Respekt för rätten till liv\nText under.\n");
    REQUIRE(c.blocks.size() == 3);
    CHECK(c.blocks[0].markdown_heading);
    CHECK(c.blocks[0].heading_level == 1);
    CHECK(c.blocks[0].text == "Allmänt");
    CHECK(c.blocks[1].markdown_heading);
    CHECK(c.blocks[1].heading_level == 2);
    CHECK(c.blocks[1].text == "3. Respekt för rätten till liv");
    CHECK_FALSE(c.blocks[2].markdown_heading);
    CHECK(c.blocks[2].text == "Text under.");
    CHECK(c.blocks[2].first_line == 4);
}

TEST_CASE("starts a new block at each list item", "[unit]") {
    Cleaned c = clean(
        "Kazakstan har tillträtt:\n- Konventionen mot tortyr\n- Konventionen om "
        "barnets\nrättigheter\n");
    REQUIRE(c.blocks.size() == 3);
    CHECK(c.blocks[1].text == "- Konventionen mot tortyr");
    CHECK(c.blocks[2].text == "- Konventionen om barnets rättigheter");
}

TEST_CASE("leaves no page artifacts or double spaces in the seed report's blocks", "[unit]") {
    Cleaned c = clean(seed_text());
    REQUIRE_FALSE(c.blocks.empty());
    for (const auto& b : c.blocks) {
        CAPTURE(b.first_line, b.text);
        CHECK(b.text.find("  ") == std::string::npos);
        CHECK(b.text.front() != ' ');
        CHECK(b.text.back() != ' ');
        CHECK(b.text.find('\n') == std::string::npos);
        CHECK(b.text != "3");
        CHECK(b.first_line <= b.last_line);
        CHECK(b.page <= b.last_page);
    }
}

TEST_CASE("tells a numbered heading from a line that starts with a number", "[unit]") {
    struct Case {
        const char* text;
        int number;  // 0: not a heading
        const char* title;
    };
    const Case cases[] = {
        {"8. Yttrande-, press- och informationsfrihet", 8,
         "Yttrande-, press- och informationsfrihet"},
        {"23. Internationella och svenska insatser", 23, "Internationella och svenska insatser"},
        {"4. Dödsstraff", 4, "Dödsstraff"},
        {"2011. I presidentvalet, som ägde rum den 3 april", 0, ""},
        {"3 april fick Nazarbajev 95,5 procent", 0, ""},
        {"1.5 miljoner", 0, ""},
        {"12. och därefter", 0, ""},
        {"Dödsstraff", 0, ""},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        auto h = rapportsok::numbered_heading(c.text);
        if (c.number == 0) {
            CHECK_FALSE(h.has_value());
        } else {
            REQUIRE(h.has_value());
            CHECK(h->number == c.number);
            CHECK(h->title == c.title);
        }
    }
}

TEST_CASE("tells a chapter heading in capitals from other text", "[unit]") {
    struct Case {
        const char* text;
        bool heading;
    };
    const Case cases[] = {
        {"ALLMÄNT", true},
        {"ÖVRIGT", true},
        {"EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER", true},
        {"OLIKA GRUPPERS ÅTNJUTANDE AV DE MÄNSKLIGA RÄTTIGHETERNA", true},
        {"Allmänt", false},
        {"EU", false},
        {"ICCPR 2011", false},
        {"Konventionen mot tortyr (CAT)", false},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        CHECK(rapportsok::is_capitals_heading(c.text) == c.heading);
    }
}
