// Finding chapters, numbered sections, the title and passages, and giving passages stable ids.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "indexer/clean.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "tests/support.h"

using rapportsok::Passage;
using rapportsok::Report;

namespace {

Report structure_of(const std::string& text, const std::string& file = "corpus/r.txt") {
    return rapportsok::structure(file, rapportsok::clean(text));
}

Report seed_report() {
    auto src = rapportsok::read_source(testing::seed_report_path());
    return rapportsok::structure("corpus/manskliga-rattigheter-kazakstan-2011.txt",
                                 rapportsok::clean(src.text));
}

const Passage* find_passage(const Report& r, const std::string& start) {
    for (const Passage& p : r.passages)
        if (p.text.rfind(start, 0) == 0) return &p;
    return nullptr;
}

}  // namespace

TEST_CASE("finds the seed report's title, chapters, sections and pages", "[unit]") {
    Report r = seed_report();
    CHECK(r.title == "Mänskliga rättigheter i Kazakstan 2011");
    CHECK(r.passages.size() == 69);
    CHECK(r.pages == 13);
    CHECK(r.chapters == std::vector<std::string>{
                            "ALLMÄNT", "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER",
                            "EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER",
                            "OLIKA GRUPPERS ÅTNJUTANDE AV DE MÄNSKLIGA RÄTTIGHETERNA", "ÖVRIGT"});
    REQUIRE(r.sections.size() == 23);
    for (size_t i = 0; i < r.sections.size(); ++i)
        CHECK(r.sections[i].label == std::to_string(i + 1));
    CHECK(r.warnings.empty());
}

TEST_CASE("finds a chapter heading in capitals over two lines", "[unit]") {
    Report r = seed_report();
    const Passage* p = find_passage(r, "Konstitutionen förbjuder diskriminering på grund av kön");
    REQUIRE(p);
    CHECK(p->chapter == "OLIKA GRUPPERS ÅTNJUTANDE AV DE MÄNSKLIGA RÄTTIGHETERNA");
    CHECK(p->chapter_number == 4);
    CHECK(p->section_number == 16);
    CHECK(p->section_title == "Kvinnors rättigheter");
}

TEST_CASE("joins a section title over two lines, repairing the broken word in it", "[unit]") {
    Report r = seed_report();
    REQUIRE(r.sections.size() >= 2);
    CHECK(r.sections[0].title ==
          "Sammanfattning av läget för de mänskliga rättigheterna och trendanalys");
    CHECK(r.sections[1].title ==
          "Ratifikationsläget beträffande de mest centrala konventionerna om mänskliga "
          "rättigheter samt rapportering till FN:s konventionskommittéer");
}

TEST_CASE("does not take a body paragraph starting with a year for a heading", "[unit]") {
    Report seed = seed_report();
    const Passage* p = find_passage(seed, "President Nazarbajev omvaldes 2005");
    REQUIRE(p);
    CHECK(p->text.find("2011. I presidentvalet") != std::string::npos);
    CHECK(p->section_number == 11);

    Report r = structure_of(
        "Rapport\n\n1. Första avsnittet\n\nText.\n\n"
        "2011. I presidentvalet, som ägde rum den 3 april, fick Nazarbajev 95,5 procent.\n\n"
        "2. Andra avsnittet\n\nMer text.\n");
    REQUIRE(r.sections.size() == 2);
    CHECK(r.sections[1] == rapportsok::Section{"2", "Andra avsnittet", 1});
    const Passage* body = find_passage(r, "2011. I presidentvalet");
    REQUIRE(body);
    CHECK(body->section_number == 1);
}

TEST_CASE("takes numbered sections only in strictly increasing order", "[unit]") {
    Report r = structure_of(
        "Rapport\n\n1. Första\n\nText ett.\n\n2. Andra\n\nText två.\n\n"
        "1. Första igen\n\nText tre.\n\n3. Tredje\n\nText fyra.\n");
    REQUIRE(r.sections.size() == 3);
    CHECK(r.sections[0].label == "1");
    CHECK(r.sections[1].label == "2");
    CHECK(r.sections[2].label == "3");
    const Passage* kept = find_passage(r, "1. Första igen");
    REQUIRE(kept);
    CHECK(kept->section_number == 2);
    REQUIRE(r.warnings.size() == 1);
    CHECK_THAT(r.warnings[0], Catch::Contains("corpus/r.txt"));
    CHECK_THAT(r.warnings[0], Catch::Contains("out of order"));
    const Passage* after = find_passage(r, "Text tre.");
    REQUIRE(after);
    CHECK(after->section_number == 2);
}

TEST_CASE("reads markdown headings as chapters and sections in plain text", "[unit]") {
    Report r = structure_of(
        "# Allmänt\n\nInledning.\n\n## 3. Respekt för rätten till liv\n\nOm liv.\n\n"
        "## Utan nummer\n\nOm annat.\n\n# Övrigt\n\n## 7. Sist\n\nSlut.\n");
    CHECK(r.chapters == std::vector<std::string>{"Allmänt", "Övrigt"});
    REQUIRE(r.sections.size() == 3);
    CHECK(r.sections[0] == rapportsok::Section{"3", "Respekt för rätten till liv", 1});
    // A heading without a number gets none (it had 4 invented for it once).
    CHECK(r.sections[1] == rapportsok::Section{"", "Utan nummer", 1});
    CHECK(r.sections[2] == rapportsok::Section{"7", "Sist", 1});
    REQUIRE(r.passages.size() == 4);
    CHECK(r.passages[0].chapter == "Allmänt");
    CHECK(r.passages[0].section_number == 0);
    CHECK(r.passages[1].section_number == 3);
    CHECK(r.passages[1].section_title == "Respekt för rätten till liv");
    CHECK(r.passages[2].section_title == "Utan nummer");
    CHECK(r.passages[3].chapter == "Övrigt");
    CHECK(r.passages[3].chapter_number == 2);
    CHECK(r.passages[3].section_number == 7);
}

TEST_CASE("indexes a report with no headings as passages outside any section", "[unit]") {
    Report r = structure_of("Första stycket.\n\nAndra stycket,\nsom fortsätter.\n");
    CHECK(r.title.empty());
    CHECK(r.chapters.empty());
    CHECK(r.sections.empty());
    REQUIRE(r.passages.size() == 2);
    for (const Passage& p : r.passages) {
        CHECK(p.chapter_number == 0);
        CHECK(p.chapter.empty());
        CHECK(p.section_number == 0);
        CHECK(p.section_title.empty());
    }
    CHECK(r.passages[1].text == "Andra stycket, som fortsätter.");
    CHECK(r.passages[1].position == 2);
    CHECK(r.passages[1].first_line == 3);
    CHECK(r.passages[1].last_line == 4);
}

TEST_CASE("takes a short first line as the report's title, not a passage", "[unit]") {
    Report r = structure_of("Mänskliga rättigheter i Kazakstan 2011\n\nFörsta stycket.\n");
    CHECK(r.title == "Mänskliga rättigheter i Kazakstan 2011");
    REQUIRE(r.passages.size() == 1);
    CHECK(r.passages[0].report_title == r.title);
    CHECK(r.passages[0].position == 1);
}

TEST_CASE("keeps passage ids when a paragraph is inserted before them", "[unit]") {
    const std::string before = "Rapport\n\n1. Ett\n\nAlfa.\n\nBeta.\n\n2. Två\n\nGamma.\n";
    const std::string after =
        "Rapport\n\n1. Ett\n\nAlfa.\n\nNytt stycke.\n\nBeta.\n\n2. Två\n\nGamma.\n";
    Report a = structure_of(before), b = structure_of(after);
    REQUIRE(a.passages.size() == 3);
    REQUIRE(b.passages.size() == 4);
    CHECK(a.passages[0].id == b.passages[0].id);
    CHECK(a.passages[1].id == b.passages[2].id);
    CHECK(a.passages[2].id == b.passages[3].id);
    CHECK(a.passages[1].position == 2);
    CHECK(b.passages[2].position == 3);
    CHECK(b.passages[2].first_line == a.passages[1].first_line + 2);
}

TEST_CASE("gives duplicate paragraphs distinct ids", "[unit]") {
    Report r = structure_of("Samma text.\n\nAnnan text.\n\nSamma text.\n\nSamma text.\n");
    REQUIRE(r.passages.size() == 4);
    std::set<std::string> ids;
    for (const Passage& p : r.passages) ids.insert(p.id);
    CHECK(ids.size() == 4);
    CHECK(r.passages[0].id != r.passages[2].id);
}

TEST_CASE("makes passage ids from file and text", "[unit]") {
    using rapportsok::passage_id;
    CHECK(passage_id("a.txt", "Text.", 1) == passage_id("a.txt", "Text.", 1));
    CHECK(passage_id("a.txt", "Text.", 1) != passage_id("b.txt", "Text.", 1));
    CHECK(passage_id("a.txt", "Text.", 1) != passage_id("a.txt", "Text!", 1));
    CHECK(passage_id("a.txt", "Text.", 1) != passage_id("a.txt", "Text.", 2));
}

TEST_CASE("gives each passage its lines, pages, chapter and section", "[unit]") {
    Report r = seed_report();
    const Passage* p = find_passage(r, "Det har förekommit mord på oppositionspolitiker");
    REQUIRE(p);
    CHECK(p->first_line == 173);
    CHECK(p->page == 3);
    CHECK(p->chapter == "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER");
    CHECK(p->chapter_number == 2);
    CHECK(p->section_number == 3);
    CHECK(p->section_title ==
          "Respekt för rätten till liv, kroppslig integritet och förbud mot tortyr");
    CHECK(p->file == "corpus/manskliga-rattigheter-kazakstan-2011.txt");

    const Passage* spanning = find_passage(r, "Straffrihet, det vill säga underlåtenhet");
    REQUIRE(spanning);
    CHECK(spanning->page == 4);
    CHECK(spanning->last_page == 5);

    for (size_t i = 0; i < r.passages.size(); ++i) CHECK(r.passages[i].position == int(i) + 1);
}

TEST_CASE(
    "numbered lines out of order give one warning for the file: the first named, the rest "
    "counted",
    "[unit][regression]") {
    // Found by hand: a 3 MB file printed the "out of order" warning 2,277 times.
    std::string text = "Rapport\n\n5. Femte avsnittet\n\n";
    for (int i = 0; i < 2277; ++i) text += "3. Punkt i en lista\n\nText om punkten.\n\n";
    Report r = structure_of(text);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0] ==
          "corpus/r.txt:5: numbered line \"3.\" is out of order after section 5; kept as text "
          "(and 2276 more such lines in this file)");
}
