// The shared analysis: genitive colons, the libstemmer stemmer, stopwords and the fingerprint
// the searcher checks. Index and query side must agree, so both configurations are exercised.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <string>

#include "indexer/common/analysis.h"
#include "tests/support.h"

using rapportsok::Analyzer;
using testing::has_term;

namespace {

std::vector<std::string> terms_of(const Xapian::Document& doc) {
    return std::vector<std::string>(doc.termlist_begin(), doc.termlist_end());
}

}  // namespace

TEST_CASE("prepare drops the Swedish genitive colon but keeps other colons", "[unit]") {
    struct Case {
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        {"EU:s", "EU"},
        {"FN:s konventionskommittéer", "FN konventionskommittéer"},
        {"OSSE:s ordförandeskap", "OSSE ordförandeskap"},
        {"(ODIHR:s)", "(ODIHR)"},
        {"UNHCR:s och FN:s", "UNHCR och FN"},
        {"avsnitt:8", "avsnitt:8"},
        {"section:8 sida:3", "section:8 sida:3"},
        {"följande: x", "följande: x"},
        {"Kazakstan har tillträtt: konventionen", "Kazakstan har tillträtt: konventionen"},
        {"kapitel:ekonomiska", "kapitel:ekonomiska"},
        {"klockan 10:30", "klockan 10:30"},
        {"", ""},
    };
    Analyzer a;
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(a.prepare(c.in) == c.out);
    }
}

TEST_CASE("prepare normalises to NFC and drops soft hyphens", "[unit]") {
    Analyzer a;
    CHECK(a.prepare("ra\xCC\x88ttigheter") == "rättigheter");
    CHECK(a.prepare("fäng\xC2\xAD"
                    "else") == "fängelse");
}

TEST_CASE("the libstemmer Swedish stemmer stems inflected forms to one stem", "[unit]") {
    struct Case {
        const char* word;
        const char* stem;
    };
    // Outputs of Snowball's Swedish algorithm, checked by running it; it over-stems rättigheter.
    const Case cases[] = {
        {"rättigheter", "rätt"},
        {"rättigheterna", "rätt"},
        {"fängelse", "fäng"},
        {"fängelser", "fäng"},
        {"organisationer", "organisation"},
        {"organisationerna", "organisation"},
        {"presidenten", "president"},
        {"presidentens", "president"},
        {"kvinnornas", "kvinn"},
        {"dödsstraff", "dödsstraff"},
    };
    Analyzer a;
    for (const Case& c : cases) {
        CAPTURE(c.word);
        CHECK(a.stem(c.word) == c.stem);
    }
}

TEST_CASE("recognises Swedish stopwords and not content words", "[unit]") {
    Analyzer a;
    for (const char* w : {"och", "att", "i", "det", "som", "för", "på", "är"}) {
        CAPTURE(w);
        CHECK(a.is_stopword(w));
    }
    for (const char* w : {"rättigheter", "kazakstan", "tortyr", "president"}) {
        CAPTURE(w);
        CHECK_FALSE(a.is_stopword(w));
    }
}

TEST_CASE("the fingerprint is stable and names the stemmer and schema", "[unit]") {
    Analyzer a, b;
    CHECK(a.fingerprint() == b.fingerprint());
    CHECK(a.fingerprint() == a.fingerprint());
    CHECK_THAT(a.fingerprint(), Catch::Contains("libstemmer-swedish"));
    CHECK_THAT(a.fingerprint(), Catch::Contains("schema="));
    CHECK_THAT(a.fingerprint(), Catch::Contains("stopwords="));
    CHECK(a.stemmer().get_description().find("libstemmer-swedish") != std::string::npos);
}

TEST_CASE("the configured TermGenerator writes unstemmed terms and Z stems", "[unit]") {
    Analyzer a;
    Xapian::TermGenerator tg;
    a.configure(tg);
    Xapian::Document doc;
    tg.set_document(doc);
    tg.index_text(a.prepare("EU:s dialog om mänskliga rättigheterna och fängelser"));
    INFO(Catch::Detail::stringify(terms_of(doc)));
    CHECK(has_term(doc, "eu"));
    CHECK_FALSE(has_term(doc, "s"));
    CHECK(has_term(doc, "rättigheterna"));
    CHECK(has_term(doc, "Zrätt"));
    CHECK(has_term(doc, "Zfäng"));
    // Stopwords keep their positional term but get no stem.
    CHECK(has_term(doc, "och"));
    CHECK_FALSE(has_term(doc, "Zoch"));
}

TEST_CASE("the configured QueryParser stems a query word to the index's stem", "[unit]") {
    Analyzer a;
    Xapian::QueryParser qp;
    a.configure(qp);
    Xapian::Query q = qp.parse_query(a.prepare("rättigheter"));
    CHECK_THAT(q.get_description(), Catch::Contains("Zrätt"));
    Xapian::Query g = qp.parse_query(a.prepare("FN:s"));
    CHECK_THAT(g.get_description(), Catch::Contains("fn"));
    CHECK_THAT(g.get_description(), !Catch::Contains("@2"));
}
