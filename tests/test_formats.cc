// Reports beyond the seed's plain text: numbered sub-sections, Markdown, and PDF, DOCX, ODT and
// HTML through their converters (poppler's pdftotext, pandoc). Every fixture is made here: the
// PDF from text by groff (-Tpdf), the DOCX and ODT from Markdown by pandoc.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "indexer/clean.h"
#include "indexer/common/schema.h"
#include "indexer/convert.h"
#include "indexer/structure.h"
#include "tests/support.h"

using nlohmann::json;
using rapportsok::Passage;
using rapportsok::Report;

namespace {

Report structure_of(const std::string& text, bool markdown = false) {
    return rapportsok::structure("r.txt", rapportsok::clean(text, markdown));
}

const Passage* find_passage(const Report& r, const std::string& start) {
    for (const Passage& p : r.passages)
        if (p.text.rfind(start, 0) == 0) return &p;
    return nullptr;
}

using Parents = std::vector<std::pair<std::string, std::string>>;

// indexer --dry-run --json on one file: its passages as JSON.
std::vector<json> dry_run(const std::string& file, int expect = 0) {
    testing::Run r = testing::run({testing::indexer_bin(), "--dry-run", "--json", file});
    INFO(file << ": " << r.err);
    REQUIRE(r.status == expect);
    std::vector<json> out;
    size_t start = 0;
    while (start < r.out.size()) {
        size_t end = r.out.find('\n', start);
        out.push_back(json::parse(r.out.substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

// What must agree between two readings of one report: text, pages and structure (not lines:
// a converter's lines are its own).
json shape(const std::vector<json>& passages) {
    json out = json::array();
    for (const json& p : passages)
        out.push_back(
            {p["text"], p["pages"], p["section"], p["chapter"], p["report_title"], p["position"]});
    return out;
}

const char* const kSubsections =
    "Rapport om fängelser\n\n"
    "1. Inledning\n\nText om inledningen.\n\n"
    "1.1 Bakgrund\n\nText om bakgrunden.\n\n"
    "1.2. Syfte\n\nText om syftet.\n\n"
    "1.2.1 Delsyfte\n\nText om delsyftet och tortyr.\n\n"
    "1.3 Metod\n\nText om metoden.\n\n"
    "2. Resultat\n\nText om resultaten och tortyr.\n\n"
    "2.1 Första fyndet\n\nText om första fyndet.\n";

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sub-sections

TEST_CASE("numbered sub-sections are sections of their own, with their parents", "[unit]") {
    Report r = structure_of(kSubsections);
    REQUIRE(r.sections.size() == 7);
    const std::vector<std::string> labels = {"1", "1.1", "1.2", "1.2.1", "1.3", "2", "2.1"};
    const std::vector<int> depths = {1, 2, 2, 3, 2, 1, 2};
    for (size_t i = 0; i < labels.size(); ++i) {
        CHECK(r.sections[i].label == labels[i]);
        CHECK(r.sections[i].depth == depths[i]);
    }
    const Passage* p = find_passage(r, "Text om delsyftet");
    REQUIRE(p);
    CHECK(p->section_label == "1.2.1");
    CHECK(p->section_title == "Delsyfte");
    CHECK(p->section_number == 1);
    CHECK(p->section_parents == Parents{{"1", "Inledning"}, {"1.2", "Syfte"}});
    const Passage* m = find_passage(r, "Text om metoden");
    REQUIRE(m);
    CHECK(m->section_label == "1.3");
    CHECK(m->section_parents == Parents{{"1", "Inledning"}});
    const Passage* top = find_passage(r, "Text om resultaten");
    REQUIRE(top);
    CHECK(top->section_label == "2");
    CHECK(top->section_parents.empty());
}

TEST_CASE("a line starting with a decimal number is a sub-section only where one can stand",
          "[unit]") {
    Report r = structure_of(
        "1. Inledning\n\nText.\n\n"
        "2.5 Miljoner människor bor i landet.\n\n"  // a sentence
        "3.7 Procent av budgeten\n\n"               // 3.7 without 3, under 1: no
        "1.1 Bakgrund\n\nMer text.\n\n"
        "1.3 Metod\n\nText om metoden.\n\n"
        "1.2 Bakåt\n\nText efter.\n");  // out of order
    std::vector<std::string> labels;
    for (const auto& s : r.sections) labels.push_back(s.label);
    CHECK(labels == std::vector<std::string>{"1", "1.1", "1.3"});
    const Passage* p = find_passage(r, "3.7 Procent");
    REQUIRE(p);
    CHECK(p->section_label == "1");
    // 3.1 may open section 3 that has no heading of its own.
    Report s = structure_of("1. Ett\n\nText.\n\n3.1 Tre ett\n\nText tre.\n");
    REQUIRE(s.sections.size() == 2);
    CHECK(s.sections[1].label == "3.1");
    CHECK(find_passage(s, "Text tre")->section_number == 3);
}

TEST_CASE("avsnitt:2.3 finds 2.3 and its sub-sections; the reference prints them from the top",
          "[e2e]") {
    testing::TempDir dir;
    dir.write("r/rapport.txt", kSubsections);
    const std::string db = dir.file("index");
    REQUIRE(testing::run({testing::indexer_bin(), "-q", "--db", db, "r"}, dir.path()).status == 0);
    auto search = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {testing::searcher_bin(), "--db", db});
        return testing::run(args, dir.path());
    };
    auto texts = [&](const std::string& query) {
        testing::Run r = search({"--json", "--limit", "100", query});
        INFO(query << ": " << r.err);
        REQUIRE(r.status == 0);
        std::vector<std::string> out;
        const json j = json::parse(r.out);
        for (const json& h : j["hits"]) out.push_back(h["text"]);
        std::sort(out.begin(), out.end());
        return out;
    };
    CHECK(texts("avsnitt:1.2") ==
          std::vector<std::string>{"Text om delsyftet och tortyr.", "Text om syftet."});
    CHECK(texts("avsnitt:1.2.1") == std::vector<std::string>{"Text om delsyftet och tortyr."});
    CHECK(texts("section:1.1,2.1") ==
          std::vector<std::string>{"Text om bakgrunden.", "Text om första fyndet."});
    CHECK(texts("avsnitt:1").size() == 5);  // 1 and all of 1.x
    CHECK(texts("avsnitt:2").size() == 2);
    CHECK(texts("avsnitt:1.2.").size() == 2);    // a trailing dot, as in a heading
    CHECK(search({"avsnitt:1.x"}).status == 2);  // no filter, so no query: said so

    testing::Run j = search({"--json", "tortyr avsnitt:1"});
    REQUIRE(j.status == 0);
    const json hit = json::parse(j.out)["hits"][0];
    CHECK(hit["section"]["number"] == 1);
    CHECK(hit["section"]["label"] == "1.2.1");
    CHECK(hit["section"]["title"] == "Delsyfte");
    CHECK(hit["section"]["parents"] ==
          json::parse(R"([{"label":"1","title":"Inledning"},{"label":"1.2","title":"Syfte"}])"));
    testing::Run t = search({"tortyr", "avsnitt:1"});
    CHECK_THAT(t.out, Catch::Contains("   §1 Inledning\n   §1.2 Syfte\n   §1.2.1 Delsyfte\n"));

    // Facets per section, sub-sections after their parent, labelled.
    testing::Run f = search({"--json", "text"});
    std::vector<std::string> facet_labels;
    const json facets = json::parse(f.out)["facets"];
    for (const json& s : facets["section"]) {
        facet_labels.push_back(s["label"]);
        CHECK(s["number"] == std::stoi(s["label"].get<std::string>()));
    }
    CHECK(facet_labels == std::vector<std::string>{"1", "1.1", "1.2", "1.2.1", "1.3", "2", "2.1"});
    CHECK_THAT(search({"text"}).out, Catch::Contains("  §1.2.1 Delsyfte\n"));
    // --format's {section} is the label.
    CHECK(search({"--format", "{section}", "tortyr", "avsnitt:1"}).out == "1.2.1\n");
}

// ---------------------------------------------------------------------------------------------
// Markdown

TEST_CASE("Markdown: ATX and setext headings give chapters and sections at their level",
          "[unit][markdown]") {
    Report r = structure_of(
        "Årsrapport\n\n"
        "Kapitel ett\n===========\n\nInledande text.\n\n"
        "## 2.3 Numrerat avsnitt ##\n\nText i 2.3.\n\n"
        "### Utan nummer\n\nText under 2.3.\n\n"
        "Setext-avsnitt\n--------------\n\nText i setext.\n\n"
        "# Kapitel två\n\n#### Djupt\n\nText djupt.\n\n#hashtag är ingen rubrik\n",
        true);
    CHECK(r.title == "Årsrapport");
    CHECK(r.chapters == std::vector<std::string>{"Kapitel ett", "Kapitel två"});
    REQUIRE(r.sections.size() == 4);
    CHECK(r.sections[0] == rapportsok::Section{"2.3", "Numrerat avsnitt", 1});
    CHECK(r.sections[1] == rapportsok::Section{"", "Utan nummer", 2});
    CHECK(r.sections[2] == rapportsok::Section{"", "Setext-avsnitt", 1});
    CHECK(r.sections[3] == rapportsok::Section{"", "Djupt", 3});
    const Passage* under = find_passage(r, "Text under 2.3");
    REQUIRE(under);
    CHECK(under->section_label.empty());  // no invented number
    CHECK(under->section_number == 2);    // in 2.3, so in 2
    CHECK(under->section_parents == Parents{{"2.3", "Numrerat avsnitt"}});
    const Passage* setext = find_passage(r, "Text i setext");
    REQUIRE(setext);
    CHECK(setext->section_number == 0);
    CHECK(setext->section_title == "Setext-avsnitt");
    CHECK(setext->chapter == "Kapitel ett");
    CHECK(find_passage(r, "Text djupt")->chapter == "Kapitel två");
    CHECK(find_passage(r, "#hashtag är ingen rubrik"));
    // Capitals and "1. " lines are text in Markdown: its headings are marked.
    Report m = structure_of("# Kapitel\n\nALLMÄNT OM SAKEN\n\n1. Första punkten\n2. Andra\n", true);
    CHECK(m.chapters == std::vector<std::string>{"Kapitel"});
    CHECK(m.sections.empty());
    CHECK(m.passages.size() == 3);
}

TEST_CASE(
    "Markdown: emphasis, code marks, link targets, fences and table rules are not in the text",
    "[unit][markdown]") {
    const std::vector<std::pair<std::string, std::string>> inline_cases = {
        {"Med *betoning*, **fetstil** och _kursiv_.", "Med betoning, fetstil och kursiv."},
        {"Kod `x = 1` och ~~struken~~ text.", "Kod x = 1 och struken text."},
        {"En [länk](https://example.org \"titel\") och ![bild](b.png).", "En länk och bild."},
        {"snake_case och 3 * 4 stannar.", "snake_case och 3 * 4 stannar."},
        {"Escapad \\*stjärna\\* och <b>tagg</b> och <https://rsf.org>.",
         "Escapad *stjärna* och tagg och https://rsf.org."},
    };
    for (const auto& [in, out] : inline_cases) CHECK(rapportsok::strip_markdown_inline(in) == out);

    Report r = structure_of(
        "# Kapitel\n\nFörsta **stycket**.\n\n```cpp\nint *x = 0; // *kod*\n```\n\n"
        "    indragen kod *så*\n\n> Ett citat med `kod`.\n\n| a | b |\n|---|---|\n| cell | "
        "värde |\n\n---\n\n* punkt\n+ punkt två\n",
        true);
    std::vector<std::string> texts;
    for (const Passage& p : r.passages) texts.push_back(p.text);
    CHECK(texts == std::vector<std::string>{"Första stycket.", "int *x = 0; // *kod*",
                                            "indragen kod *så*", "Ett citat med kod.", "a b",
                                            "cell värde", "- punkt", "- punkt två"});
}

TEST_CASE("Markdown: a word only in the report's title finds that report", "[e2e][markdown]") {
    testing::TempDir dir;
    dir.write("r/ett.md", "Xylofoniarapporten\n\n# Inledning\n\nOm fängelserna i landet.\n");
    dir.write("r/två.md", "Annan rapport\n\n# Inledning\n\nOm skolorna i landet.\n");
    const std::string db = dir.file("index");
    REQUIRE(testing::run({testing::indexer_bin(), "-q", "--db", db, "r"}, dir.path()).status == 0);
    testing::Run r = testing::run(
        {testing::searcher_bin(), "--db", db, "--json", "xylofoniarapporten"}, dir.path());
    REQUIRE(r.status == 0);
    const json j = json::parse(r.out);
    REQUIRE(j["hits"].size() == 1);
    CHECK(j["hits"][0]["file"] == "r/ett.md");
    CHECK(j["hits"][0]["report_title"] == "Xylofoniarapporten");
    // The title is no passage of its own.
    CHECK(dry_run(dir.file("r/ett.md")).size() == 1);
}

// ---------------------------------------------------------------------------------------------
// Other formats, through their converters

TEST_CASE("the format of a file is told by its content, not by its name", "[unit]") {
    using rapportsok::sniff_format;
    CHECK(sniff_format("r.txt", "%PDF-1.4\n...") == "pdf");
    CHECK(sniff_format("r.pdf", "Bara text.\n") == "text");
    CHECK(sniff_format("r.bin", "junk\n%PDF-1.7") == "pdf");
    CHECK(sniff_format("r.txt", std::string("PK\x03\x04....word/document.xml....", 30)) == "docx");
    CHECK(sniff_format("r", std::string("PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.text",
                                        51)) == "odt");
    CHECK(sniff_format("r.docx", std::string("PK\x03\x04 other", 10)) == "zip");
    CHECK(sniff_format("r.txt", "\xEF\xBB\xBF  <!DOCTYPE html><html>") == "html");
    CHECK(sniff_format("r.txt", "<HTML><body>") == "html");
    CHECK(sniff_format("r.html", "<p>Ett stycke</p>") == "html");
    CHECK(sniff_format("r.HTM", "Rubrik\n\n<script>x</script><p>Text</p>") == "html");
    CHECK(sniff_format("r.html", "Bara text, 3 < 4.\n") == "text");
    CHECK(sniff_format("r.txt", "<p>Ett stycke</p>") == "text");
    CHECK(sniff_format("r.md", "# Rubrik\n") == "text");
}

namespace {

// A report as paragraphs, "\f" marking a page break before the next one: the text file, and
// the same as a PDF made by groff (no hyphenation, left-aligned, a page break where "\f" is).
struct Model {
    std::vector<std::string> paragraphs;

    std::string text() const {
        std::string out;
        for (const std::string& p : paragraphs) out += p == "\f" ? "\f" : p + "\n\n";
        return out;
    }
    std::string roff() const {
        std::string out = ".pl 11i\n.ll 6i\n.nh\n.ad l\n";
        for (const std::string& p : paragraphs) {
            if (p == "\f") {
                out += ".bp\n";
                continue;
            }
            out += "\\&" + p + "\n.sp\n";  // \& : a line starting with '.' stays text
        }
        return out;
    }
};

Model sample_model() {
    return {{"Rapport om fängelser 2024", "ALLMÄNT", "1. Inledning",
             "Detta är första stycket i rapporten. Det handlar om förhållandena i fängelserna och "
             "om hur fångarna behandlas av personalen under året som gått, i alla regioner.",
             "Andra stycket är kortare.", "\f", "1.1 Bakgrund",
             "Bakgrunden till rapporten är de många klagomålen från fångarnas anhöriga, som "
             "skrivit till ombudsmannen i flera år utan att få svar på sina frågor om tortyr.",
             "2. Resultat", "\f", "Resultaten visar att tortyr förekommer.",
             "MEDBORGERLIGA RÄTTIGHETER", "3. Yttrandefrihet", "Pressfriheten är begränsad."}};
}

}  // namespace

TEST_CASE(
    "the same report as PDF (made by groff) and as text gives the same passages, pages "
    "and sections",
    "[e2e][pdf]") {
    testing::TempDir dir;
    const Model model = sample_model();
    const std::string txt = dir.write("rapport.txt", model.text());
    const std::string roff = dir.write("rapport.roff", model.roff());
    const std::string pdf = dir.file("rapport.pdf");
    testing::Run g =
        testing::run({testing::which("sh"), "-c", "\"$0\" -Kutf8 -Tpdf \"$1\" > \"$2\"",
                      testing::which("groff"), roff, pdf});
    INFO(g.err);
    REQUIRE(g.status == 0);
    const std::vector<json> from_text = dry_run(txt), from_pdf = dry_run(pdf);
    REQUIRE(from_text.size() == 5);
    CHECK(shape(from_pdf) == shape(from_text));
    // The pages are the PDF's: three, where the text's form feeds are.
    CHECK(from_pdf.front()["pages"] == json::parse("[1,1]"));
    CHECK(from_pdf.back()["pages"] == json::parse("[3,3]"));
    CHECK(from_pdf[2]["section"]["label"] == "1.1");
    CHECK(from_pdf[2]["pages"] == json::parse("[2,2]"));
    // Found by the searcher with its page, like any report.
    const std::string db = dir.file("index");
    REQUIRE(testing::run({testing::indexer_bin(), "-q", "--db", db, pdf}).status == 0);
    testing::Run s = testing::run({testing::searcher_bin(), "--db", db, "--json", "sida:3 tortyr"});
    REQUIRE(s.status == 0);
    CHECK(json::parse(s.out)["hits"][0]["text"] == "Resultaten visar att tortyr förekommer.");
}

TEST_CASE("DOCX, ODT and HTML reports (made by pandoc) give the Markdown report's passages",
          "[e2e][docx]") {
    testing::TempDir dir;
    const std::string md = dir.write(
        "rapport.md",
        "Årsrapport om fängelser\n\n# Inledning\n\nFörsta stycket med *betoning* och en "
        "[länk](https://example.org).\n\n## 2.3 Bakgrund\n\nOm bakgrunden till **tortyr**.\n\n"
        "### Utan nummer\n\nText under 2.3.\n\n- punkt ett\n- punkt två\n");
    // (No table: pandoc's ODT reader drops a table's head row; tables are the Markdown test's.)
    const std::vector<json> expected = dry_run(md);
    REQUIRE(expected.size() == 5);
    CHECK(expected[1]["section"]["label"] == "2.3");
    CHECK(expected[1]["text"] == "Om bakgrunden till tortyr.");
    CHECK(expected[2]["section"]["parents"][0]["label"] == "2.3");
    for (const std::string format : {"docx", "odt", "html"}) {
        // Named .txt on purpose: the content says what it is.
        const std::string file = dir.file("konverterad-" + format + ".txt");
        // HTML whole (<!DOCTYPE html>, as a saved page is), its <title> only in its head.
        std::vector<std::string> argv = {
            testing::which("pandoc"), "-f", "markdown", "-t", format, "-o", file, md};
        if (format == "html") argv.insert(argv.end(), {"-s", "--metadata", "pagetitle=Rapport"});
        testing::Run p = testing::run(argv);
        INFO(format << ": " << p.err);
        REQUIRE(p.status == 0);
        CHECK(shape(dry_run(file)) == shape(expected));
    }
}

TEST_CASE("a file a converter fails on is named, exit 2, and its earlier passages are kept",
          "[e2e][pdf]") {
    testing::TempDir dir;
    const Model model = sample_model();
    const std::string roff = dir.write("rapport.roff", model.roff());
    const std::string pdf = dir.file("r/rapport.pdf");
    dir.write("r/annan.txt", "Annan rapport\n\nEtt stycke om tortyr.\n");
    testing::Run g =
        testing::run({testing::which("sh"), "-c", "\"$0\" -Kutf8 -Tpdf \"$1\" > \"$2\"",
                      testing::which("groff"), roff, pdf});
    REQUIRE(g.status == 0);
    const std::string db = dir.file("index");
    REQUIRE(testing::run({testing::indexer_bin(), "-q", "--db", db, "r"}, dir.path()).status == 0);
    auto count = [&] {
        return testing::run({testing::searcher_bin(), "--db", db, "-c", "tortyr"}).out;
    };
    CHECK(count() == "3\n");
    // Damaged: a PDF header and nothing a PDF needs.
    dir.write("r/rapport.pdf", "%PDF-1.4\nthis is no PDF at all\n");
    testing::Run r = testing::run({testing::indexer_bin(), "--db", db, "r"}, dir.path());
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("indexer: r/rapport.pdf: a pdf document; pdftotext could "
                                      "not read it"));
    CHECK_THAT(r.err, Catch::Contains("its earlier state is kept"));
    CHECK(count() == "3\n");
    // The dry run says the same, and prints the other file's passages.
    testing::Run d = testing::run({testing::indexer_bin(), "--dry-run", "r"}, dir.path());
    CHECK(d.status == 2);
    CHECK_THAT(d.out, Catch::Contains("r/annan.txt"));
    // A ZIP archive that is no document is refused by name too.
    dir.write("r/arkiv.docx", std::string("PK\x03\x04 nothing else", 17));
    testing::Run z =
        testing::run({testing::indexer_bin(), "--dry-run", "r/arkiv.docx"}, dir.path());
    CHECK(z.status == 2);
    CHECK_THAT(z.err, Catch::Contains("r/arkiv.docx: a ZIP archive"));
}

TEST_CASE("a converter that is not installed is named with the package to install", "[e2e]") {
    testing::TempDir dir;
    const std::string pdf = dir.write("r.pdf", "%PDF-1.4\n");
    testing::Run r =
        testing::run({testing::indexer_bin(), "--dry-run", pdf}, "", {"PATH=" + dir.path()});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("pdftotext could not be started"));
    CHECK_THAT(r.err, Catch::Contains("apt-get install poppler-utils"));
}

TEST_CASE("folders are walked for PDF, DOCX, ODT, HTML and Markdown reports", "[e2e]") {
    testing::TempDir dir;
    dir.write("r/a.md", "# Rubrik\n\nMarkdown om tortyr.\n");
    dir.write("r/b.html", "<html><body><h1>Rubrik</h1><p>HTML om tortyr.</p></body></html>\n");
    dir.write("r/c.htm", "<p>Kort HTML om tortyr.</p>\n");
    dir.write("r/d.txt", "Text om tortyr.\n");
    dir.write("r/e.jpg", "\xFF\xD8\xFF\xE0 not taken");
    const std::string db = dir.file("index");
    testing::Run i = testing::run({testing::indexer_bin(), "--json", "--db", db, "r"}, dir.path());
    INFO(i.err);
    REQUIRE(i.status == 0);
    CHECK(json::parse(i.out)["files"]["seen"] == 4);
    testing::Run l = testing::run(
        {testing::searcher_bin(), "--db", db, "-l", "--sort", "position", "tortyr"}, dir.path());
    CHECK(l.out == "r/a.md\nr/b.html\nr/c.htm\nr/d.txt\n");
}

TEST_CASE("document data keeps a passage's sub-section, its parents and its report's title",
          "[unit]") {
    Passage p;
    p.id = "abc";
    p.file = "r.txt";
    p.section_number = 2;
    p.section_label = "2.3.1";
    p.section_title = "Delsyfte";
    p.section_parents = {{"2", "Inledning"}, {"2.3", "Syfte"}};
    p.report_title = "Rapport";
    p.text = "Text.";
    const std::string data = rapportsok::encode_passage(p);
    CHECK(data[0] == 4);
    CHECK(rapportsok::decode_passage(data) == p);
    // In no numbered section: format 2's bytes, as before sub-sections.
    Passage q = p;
    q.section_number = 0;
    q.section_label.clear();
    q.section_parents.clear();
    const std::string plain = rapportsok::encode_passage(q);
    CHECK(plain[0] == 2);
    CHECK(rapportsok::decode_passage(plain) == q);
    // Cut short, the parents are missing: damaged, said so.
    CHECK_THROWS_AS(rapportsok::decode_passage(data.substr(0, data.size() - 3)),
                    Xapian::DatabaseCorruptError);
}
