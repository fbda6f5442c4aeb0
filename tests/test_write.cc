// Passages as Xapian documents (terms, positions, values, data) and the sync that changes only
// what changed in a report.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/schema.h"
#include "indexer/structure.h"
#include "indexer/write.h"
#include "tests/support.h"

using namespace rapportsok;
using testing::has_term;

namespace {

Passage sample_passage() {
    Passage p;
    p.id = "0123456789abcdef";
    p.file = "corpus/rapport.txt";
    p.first_line = 171;
    p.last_line = 185;
    p.page = 3;
    p.last_page = 4;
    p.chapter_number = 2;
    p.chapter = "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER";
    p.section_number = 8;
    p.section_label = "8";
    p.section_title = "Yttrande-, press- och informationsfrihet, inklusive på internet";
    p.position = 12;
    p.text = "EU:s dialog om mänskliga rättigheter med Kazakstan fortsätter trots fängelsestraff.";
    p.report_title = "Mänskliga rättigheter i Kazakstan 2011";
    return p;
}

// The passage's document, analysed as the indexer analyses it (no compound parts).
Xapian::Document document_of(const Passage& p, const Analyzer& a) {
    Xapian::TermGenerator tg;
    a.configure(tg);
    return make_document(p, a, tg);
}

Xapian::termcount wdf_of(const Xapian::Document& doc, const std::string& term) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    REQUIRE(it != doc.termlist_end());
    REQUIRE(*it == term);
    return it.get_wdf();
}

std::vector<Xapian::termpos> positions_of(const Xapian::Document& doc, const std::string& term) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    REQUIRE(it != doc.termlist_end());
    REQUIRE(*it == term);
    return std::vector<Xapian::termpos>(it.positionlist_begin(), it.positionlist_end());
}

Xapian::Query phrase(const std::vector<std::string>& words) {
    return Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end());
}

Xapian::doccount matches(const Xapian::Database& db, const Xapian::Query& q) {
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    return enquire.get_mset(0, 100).size();
}

Report report_of(const std::string& text, const std::string& file = "corpus/r.txt") {
    return structure(file, clean(text));
}

// A small report in clean text: a title, a chapter, two sections, five paragraphs.
const char* const kReport =
    "Rapport om Kazakstan\n\n"
    "ALLMÄNT\n\n"
    "1. Första avsnittet\n\n"
    "Alfa handlar om handel och export.\n\n"
    "Beta handlar om mänskliga rättigheter.\n\n"
    "Gamma handlar om fängelser.\n\n"
    "2. Andra avsnittet\n\n"
    "Delta handlar om val och partier.\n\n"
    "Epsilon handlar om pressfrihet.\n";

std::string replace(std::string s, const std::string& from, const std::string& to) {
    size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

// A database in a temporary folder with a writer on it.
struct Index {
    testing::TempDir dir;
    Xapian::WritableDatabase db{dir.file("db"), Xapian::DB_CREATE};
    Analyzer analyzer;
    IndexWriter writer{db, analyzer};

    SyncStats sync(const Report& r) {
        SyncStats stats;
        FileRecord rec;
        rec.size = 1;
        rec.hash = "h";
        writer.sync_file(r, rec, stats);
        db.commit();
        return stats;
    }

    // Passage id -> (docid, passage) for a file.
    std::map<std::string, std::pair<Xapian::docid, Passage>> passages(const std::string& file) {
        std::map<std::string, std::pair<Xapian::docid, Passage>> out;
        const std::string t = file_term(file);
        for (auto it = db.postlist_begin(t); it != db.postlist_end(t); ++it) {
            Passage p = decode_passage(db.get_document(*it).get_data());
            out[p.id] = {*it, p};
        }
        return out;
    }
};

}  // namespace

TEST_CASE("makes the id, file, section, chapter and page filter terms", "[unit]") {
    Analyzer a;
    Passage p = sample_passage();
    Xapian::Document doc = document_of(p, a);
    CHECK(has_term(doc, "Q0123456789abcdef"));
    CHECK(has_term(doc, "XFcorpus/rapport.txt"));
    CHECK(has_term(doc, "XS8"));
    CHECK(has_term(doc, "XC2"));
    CHECK(has_term(doc, "XKmedborgerliga och politiska rättigheter"));
    CHECK(has_term(doc, "XP3"));
    CHECK(has_term(doc, "XP4"));
    CHECK_FALSE(has_term(doc, "XP2"));
    CHECK_FALSE(has_term(doc, "XP5"));
    for (const char* t : {"Q0123456789abcdef", "XS8", "XC2", "XP3", "XP4"}) {
        CAPTURE(t);
        CHECK(wdf_of(doc, t) == 0);
    }
}

TEST_CASE("indexes section title words with S and chapter words with XT", "[unit]") {
    Analyzer a;
    Xapian::Document doc = document_of(sample_passage(), a);
    CHECK(has_term(doc, "Syttrande"));
    CHECK(has_term(doc, "Spress"));
    CHECK(has_term(doc, "Sinformationsfrihet"));
    CHECK(has_term(doc, "ZS" + a.stem("informationsfrihet")));
    CHECK(has_term(doc, "XTmedborgerliga"));
    CHECK(has_term(doc, "XTpolitiska"));
    CHECK(has_term(doc, "XTrättigheter"));
    // Field words stay in their fields.
    CHECK_FALSE(has_term(doc, "informationsfrihet"));
    CHECK_FALSE(has_term(doc, "medborgerliga"));
}

TEST_CASE("indexes the passage text unprefixed, with positions and stems", "[unit]") {
    Analyzer a;
    Xapian::Document doc = document_of(sample_passage(), a);
    CHECK(has_term(doc, "eu"));
    CHECK_FALSE(has_term(doc, "s"));
    CHECK(has_term(doc, "mänskliga"));
    CHECK(has_term(doc, "rättigheter"));
    CHECK(has_term(doc, "Zrätt"));
    CHECK(has_term(doc, "kazakstan"));
    auto manskliga = positions_of(doc, "mänskliga");
    auto rattigheter = positions_of(doc, "rättigheter");
    REQUIRE(manskliga.size() == 1);
    REQUIRE(rattigheter.size() == 1);
    CHECK(manskliga[0] + 1 == rattigheter[0]);
    CHECK(positions_of(doc, "XP3").empty());

    Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    db.add_document(doc);
    CHECK(matches(db, phrase({"mänskliga", "rättigheter"})) == 1);
    CHECK(matches(db, phrase({"rättigheter", "mänskliga"})) == 0);
    Xapian::QueryParser qp;
    a.configure(qp);
    qp.set_database(db);
    CHECK(matches(db, qp.parse_query(a.prepare("\"EU:s dialog\""))) == 1);
    CHECK(matches(db, qp.parse_query("rättigheterna")) == 1);
    CHECK(matches(db, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query("Zrätt"),
                                    Xapian::Query("XP4"))) == 1);
    CHECK(matches(db, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query("Zrätt"),
                                    Xapian::Query("XS9"))) == 0);
}

TEST_CASE("stores facet values and document data that decodes to the passage", "[unit]") {
    Analyzer a;
    Passage p = sample_passage();
    Xapian::Document doc = document_of(p, a);
    CHECK(doc.get_value(slot::kChapter) == "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER");
    CHECK(doc.get_value(slot::kSection) ==
          "8\tYttrande-, press- och informationsfrihet, inklusive på internet");
    CHECK(Xapian::sortable_unserialise(doc.get_value(slot::kPage)) == 3);
    CHECK(Xapian::sortable_unserialise(doc.get_value(slot::kPosition)) == 12);
    CHECK(doc.get_value(slot::kFile) == "corpus/rapport.txt");
    Passage back = decode_passage(doc.get_data());
    CHECK(back == p);
    CHECK(back.text == p.text);
    CHECK(back.last_page == 4);
}

TEST_CASE("adds every passage of a new report", "[unit]") {
    Index ix;
    Report r = report_of(kReport);
    REQUIRE(r.passages.size() == 5);
    SyncStats s = ix.sync(r);
    CHECK(s.added == 5);
    CHECK(s.updated == 0);
    CHECK(s.removed == 0);
    CHECK(ix.db.get_doccount() == 5);
    CHECK(ix.writer.indexed_files() == std::vector<std::string>{"corpus/r.txt"});
    FileRecord rec =
        decode_file_record(ix.db.get_metadata(meta::kFilePrefix + std::string("corpus/r.txt")));
    CHECK(rec.passages == 5);
    CHECK(rec.title == "Rapport om Kazakstan");
    CHECK(rec.chapters == std::vector<std::string>{"ALLMÄNT"});
    CHECK(ix.writer.up_to_date("corpus/r.txt", 1, 0, nullptr));
    const std::string h = "h", other = "x";
    CHECK(ix.writer.up_to_date("corpus/r.txt", 1, 99, &h));
    CHECK_FALSE(ix.writer.up_to_date("corpus/r.txt", 1, 0, &other));
    CHECK_FALSE(ix.writer.up_to_date("corpus/r.txt", 2, 0, nullptr));
    CHECK_FALSE(ix.writer.up_to_date("corpus/other.txt", 1, 0, nullptr));
}

TEST_CASE("changes nothing when the same report is synced again", "[unit]") {
    Index ix;
    ix.sync(report_of(kReport));
    auto before = ix.passages("corpus/r.txt");
    SyncStats s = ix.sync(report_of(kReport));
    CHECK(s.unchanged == 5);
    CHECK(s.added == 0);
    CHECK(s.updated == 0);
    CHECK(s.removed == 0);
    CHECK(s.relined == 0);
    auto after = ix.passages("corpus/r.txt");
    REQUIRE(after.size() == before.size());
    for (auto& [id, e] : before) {
        CAPTURE(id);
        CHECK(after.at(id).first == e.first);
        CHECK(after.at(id).second == e.second);
    }
}

TEST_CASE("adds one passage and relines the rest when a paragraph is inserted", "[unit]") {
    Index ix;
    ix.sync(report_of(kReport));
    auto before = ix.passages("corpus/r.txt");
    Report edited =
        report_of(replace(kReport, "Gamma handlar", "Ny text om tortyr.\n\nGamma handlar"));
    REQUIRE(edited.passages.size() == 6);
    SyncStats s = ix.sync(edited);
    CHECK(s.added == 1);
    CHECK(s.updated == 0);
    CHECK(s.removed == 0);
    CHECK(s.relined == 3);  // Gamma, Delta, Epsilon moved down two lines
    CHECK(ix.db.get_doccount() == 6);
    auto after = ix.passages("corpus/r.txt");
    for (auto& [id, e] : before) {
        CAPTURE(e.second.text);
        REQUIRE(after.count(id) == 1);
        CHECK(after.at(id).first == e.first);  // same Xapian document
    }
    for (const Passage& p : edited.passages) {
        CAPTURE(p.text);
        REQUIRE(after.count(p.id) == 1);
        CHECK(after.at(p.id).second == p);  // lines and position as in the edited report
    }
    const Passage& gamma = edited.passages[3];
    REQUIRE(gamma.text == "Gamma handlar om fängelser.");
    CHECK(gamma.first_line == before.at(gamma.id).second.first_line + 2);
    Xapian::Document doc = ix.db.get_document(after.at(gamma.id).first);
    CHECK(Xapian::sortable_unserialise(doc.get_value(slot::kPosition)) == 4);
    CHECK(matches(ix.db, Xapian::Query("tortyr")) == 1);
}

TEST_CASE("removes the passage of a deleted paragraph", "[unit]") {
    Index ix;
    ix.sync(report_of(kReport));
    SyncStats s =
        ix.sync(report_of(replace(kReport, "Beta handlar om mänskliga rättigheter.\n\n", "")));
    CHECK(s.removed == 1);
    CHECK(s.added == 0);
    CHECK(s.updated == 0);
    CHECK(ix.db.get_doccount() == 4);
    CHECK(matches(ix.db, Xapian::Query("beta")) == 0);
    CHECK(matches(ix.db, Xapian::Query("alfa")) == 1);
}

TEST_CASE("updates a section's passages when its title is renamed", "[unit]") {
    Index ix;
    ix.sync(report_of(kReport));
    auto before = ix.passages("corpus/r.txt");
    SyncStats s = ix.sync(report_of(replace(kReport, "2. Andra avsnittet", "2. Val och press")));
    CHECK(s.updated == 2);  // Delta and Epsilon
    CHECK(s.unchanged == 3);
    CHECK(s.added == 0);
    CHECK(s.removed == 0);
    CHECK(ix.db.get_doccount() == 5);
    auto after = ix.passages("corpus/r.txt");
    for (auto& [id, e] : after) {
        CAPTURE(e.second.text);
        CHECK(e.first == before.at(id).first);
        if (e.second.section_number == 2) CHECK(e.second.section_title == "Val och press");
    }
    CHECK(matches(ix.db, Xapian::Query("Sandra")) == 0);
    CHECK(matches(ix.db, Xapian::Query("Spress")) == 2);
    CHECK(matches(ix.db, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query("Sval"),
                                       Xapian::Query("XS2"))) == 2);
}

TEST_CASE("removes a file's passages and leaves other files alone", "[unit]") {
    Index ix;
    ix.sync(report_of(kReport, "corpus/a.txt"));
    ix.sync(report_of(kReport, "corpus/b.txt"));
    REQUIRE(ix.db.get_doccount() == 10);
    SyncStats s;
    ix.writer.remove_file("corpus/a.txt", s);
    ix.db.commit();
    CHECK(s.removed == 5);
    CHECK(s.files_removed == 1);
    CHECK(ix.db.get_doccount() == 5);
    CHECK(ix.db.get_termfreq(file_term("corpus/a.txt")) == 0);
    CHECK(ix.db.get_termfreq(file_term("corpus/b.txt")) == 5);
    CHECK(ix.db.get_metadata(meta::kFilePrefix + std::string("corpus/a.txt")).empty());
    CHECK(ix.writer.indexed_files() == std::vector<std::string>{"corpus/b.txt"});
}

TEST_CASE("document data keeps every field, however unusual", "[unit]") {
    Passage p = sample_passage();
    CHECK(decode_passage(encode_passage(p)) == p);
    Passage empty;  // every string empty, every number at its default
    CHECK(decode_passage(encode_passage(empty)) == empty);
    Passage odd = p;
    odd.first_line = 2147483647L * 4;  // past 32 bits
    odd.last_line = odd.first_line + 1;
    odd.page = -1;  // nothing makes one, but it survives
    odd.position = 1 << 30;
    const char raw[] = "NUL \0 inside, \"quotes\", \\ and \xc3\xa5\xc3\xa4\xc3\xb6";
    odd.text = std::string(raw, sizeof raw - 1);
    odd.text += std::string(70000, 'x');  // a length that takes three varint bytes
    odd.chapter = "ÖVRIGT";
    Passage back = decode_passage(encode_passage(odd));
    CHECK(back == odd);
    CHECK(back.text.size() == odd.text.size());
}

TEST_CASE("document data that is cut short, too long or of another format is refused", "[unit]") {
    const std::string data = encode_passage(sample_passage());
    for (size_t n = 0; n < data.size(); ++n) {
        CAPTURE(n);
        CHECK_THROWS_AS(decode_passage(data.substr(0, n)), Xapian::DatabaseCorruptError);
    }
    CHECK_THROWS_AS(decode_passage(data + "x"), Xapian::DatabaseCorruptError);
    // Schema 1 stored JSON.
    CHECK_THROWS_AS(decode_passage(R"({"id":"a","file":"f","text":"t"})"),
                    Xapian::DatabaseCorruptError);
    // A length far past the end, and a varint that never ends.
    CHECK_THROWS_AS(
        decode_passage(std::string("\x02\x02\x02\x02\x02\x02\x02\x02\xff\xff\xff\x0f", 12)),
        Xapian::DatabaseCorruptError);
    CHECK_THROWS_AS(decode_passage(std::string(1, '\x02') + std::string(20, '\xff')),
                    Xapian::DatabaseCorruptError);
}

TEST_CASE("spelling data counts each word of the text as often as it occurs", "[unit]") {
    Index ix;
    ix.sync(report_of(kReport));
    std::map<std::string, Xapian::doccount> freq;
    for (auto it = ix.db.spellings_begin(); it != ix.db.spellings_end(); ++it)
        freq[*it] = it.get_termfreq();
    CHECK(freq["handlar"] == 5);  // once in each of the five paragraphs
    CHECK(freq["om"] == 5);
    CHECK(freq["alfa"] == 1);
    CHECK(freq["pressfrihet"] == 1);
    // Headings are no passage text: they are not in the spelling data.
    CHECK(freq.count("avsnittet") == 0);
    CHECK(freq.count("allmänt") == 0);
    // Terms with a prefix (stems, compound parts, filters) are not words people type.
    for (const auto& [word, n] : freq) {
        CAPTURE(word);
        CHECK_FALSE((word[0] >= 'A' && word[0] <= 'Z'));
    }
    // Syncing the same report again adds nothing; a changed paragraph adds its own words.
    ix.sync(report_of(kReport));
    CHECK(ix.db.get_spelling_suggestion("handlat") == "handlar");
    std::map<std::string, Xapian::doccount> again;
    for (auto it = ix.db.spellings_begin(); it != ix.db.spellings_end(); ++it)
        again[*it] = it.get_termfreq();
    CHECK(again == freq);
}

namespace {

// Every document's terms (with wdf and positions) by passage id, as text: two databases hold the
// same terms exactly when these are equal.
std::map<std::string, std::string> terms_by_passage(const Xapian::Database& db) {
    std::map<std::string, std::string> out;
    for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
        const Xapian::Document doc = db.get_document(*d);
        std::string terms;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            terms += *t + " " + std::to_string(t.get_wdf()) + ":";
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                terms += " " + std::to_string(*p);
            terms += "\n";
        }
        out[decode_passage(doc.get_data()).id] = terms;
    }
    return out;
}

}  // namespace

TEST_CASE("a report's compounds are split by its own words, never by another report's",
          "[unit][compound]") {
    // "zorblat" is in no word list: only a report that has it makes it a compound's head.
    const Report later = report_of(
        "Rapport\n\nALLMÄNT\n\n1. Ett\n\nArbetet i fabriken och i zorblatfabriken fortsätter.\n",
        "corpus/later.txt");
    const Report earlier = report_of(
        "Rapport\n\nALLMÄNT\n\n1. Ett\n\nOrdet zorblat finns bara här.\n", "corpus/earlier.txt");
    Index alone, after, own;
    alone.sync(later);
    const std::string head = std::string(prefix::kCompoundPart) + alone.analyzer.stem("zorblat");
    CHECK_FALSE(alone.db.term_exists(head));
    // Indexed after a report that has the word: split as alone, whatever came before.
    after.sync(earlier);
    after.sync(later);
    CHECK_FALSE(after.db.term_exists(head));
    CHECK(after.db.get_doccount() == 2);
    // The word in the same report: a part.
    own.sync(
        report_of("Rapport\n\nALLMÄNT\n\n1. Ett\n\nOrdet zorblat finns här.\n\n"
                  "Arbetet i zorblatfabriken fortsätter.\n"));
    CHECK(own.db.term_exists(head));
}

TEST_CASE(
    "a passage that did not change gets the compound parts its report's new words make, as a "
    "fresh build gives it",
    "[unit][compound][sync]") {
    // "zorblat" only becomes a word of the report, and a part of "zorblatfabriken", when a
    // paragraph that has it is added; the paragraph with the compound is not edited.
    const std::string start =
        "Rapport\n\nALLMÄNT\n\n1. Ett\n\nArbetet i zorblatfabriken "
        "fortsätter.\n\nEtt annat stycke om fabriken.\n";
    const std::string added = start + "\nOrdet zorblat finns här.\n";
    Index synced;
    synced.sync(report_of(start));
    const std::string head = std::string(prefix::kCompoundPart) + synced.analyzer.stem("zorblat");
    REQUIRE_FALSE(synced.db.term_exists(head));
    const SyncStats grew = synced.sync(report_of(added));
    CHECK(grew.added == 1);
    CHECK(grew.updated == 0);
    CHECK(grew.unchanged == 2);
    CHECK(synced.db.get_termfreq(head) == 1);
    Index fresh;
    fresh.sync(report_of(added));
    CHECK(terms_by_passage(synced.db) == terms_by_passage(fresh.db));

    // And back: the word's paragraph removed, the part goes too.
    synced.sync(report_of(start));
    CHECK_FALSE(synced.db.term_exists(head));
    Index fresh_start;
    fresh_start.sync(report_of(start));
    CHECK(terms_by_passage(synced.db) == terms_by_passage(fresh_start.db));
}

namespace {

// "ord ord ord ...", n bytes: text zlib shrinks a hundredfold.
std::string repeated_word(size_t n) {
    std::string s;
    while (s.size() < n) s += "ord ";
    s.resize(n);
    return s;
}

// Writes one document per data, commits, and returns the data that do not read back.
std::vector<size_t> unreadable_data(const std::string& path, const std::vector<std::string>& data) {
    {
        Xapian::WritableDatabase w(path, Xapian::DB_CREATE);
        for (const std::string& d : data) {
            Xapian::Document doc;
            doc.set_data(d);
            w.add_document(doc);
        }
        w.commit();
    }
    Xapian::Database db(path);
    std::vector<size_t> bad;
    for (Xapian::docid id = 1; id <= data.size(); ++id) {
        try {
            if (db.get_document(id).get_data() != data[id - 1]) bad.push_back(id - 1);
        } catch (const Xapian::DatabaseCorruptError&) {
            bad.push_back(id - 1);
        }
    }
    return bad;
}

// True when xapian-check finds the database in order (it throws for some damage).
bool xapian_check_passes(const std::string& path) {
    try {
        return Xapian::Database::check(path, 0, nullptr) == 0;
    } catch (const Xapian::DatabaseCorruptError&) {
        return false;
    }
}

}  // namespace

TEST_CASE(
    "Xapian 1.4 misreads a compressed tag just past 8 KB: why long document data is "
    "deflated (if this fails, Xapian is fixed and format 3 can go)",
    "[unit][regression][xapian]") {
    // The cause of a 10 MB file without line breaks giving a corrupt database: glass compresses
    // document data with zlib, and its CompressionStream::decompress_chunk stops reading when an
    // 8 KB output block fills just as the compressed input ends ("Too few chunks of compressed
    // data"). 8,230 to 8,260 bytes of a repeated word is such a tag, data a passage of
    // kMaxPassageBytes of the word makes.
    testing::TempDir dir;
    std::vector<std::string> data;
    for (size_t n = 8192; n < 8320; ++n) data.push_back(repeated_word(n));
    const auto bad = unreadable_data(dir.file("db"), data);
    CHECK(bad.size() > 10);
    CHECK_FALSE(xapian_check_passes(dir.file("db")));
}

TEST_CASE(
    "document data of a long passage of one repeated word reads back from a glass "
    "database, and xapian-check passes",
    "[unit][regression]") {
    testing::TempDir dir;
    std::vector<std::string> data;
    std::vector<Passage> passages;
    // Every length a passage's data takes around the first three multiples of 8 KB, and the
    // passages a 10 MB file of "ord " gives.
    for (size_t base : {8192u, 16384u, 24576u})
        for (size_t n = base - 200; n < base + 400; n += 3) {
            Passage p = sample_passage();
            p.text = repeated_word(n);
            passages.push_back(p);
        }
    for (const Passage& p : report_of(repeated_word(1u << 20)).passages) passages.push_back(p);
    for (const Passage& p : passages) data.push_back(encode_passage(p));
    CHECK(unreadable_data(dir.file("db"), data).empty());
    CHECK(xapian_check_passes(dir.file("db")));
    Xapian::Database db(dir.file("db"));
    for (Xapian::docid id = 1; id <= passages.size(); ++id)
        REQUIRE(decode_passage(db.get_document(id).get_data()) == passages[id - 1]);
}

TEST_CASE("deflated document data cut short, garbled or of a wrong length is refused", "[unit]") {
    Passage p = sample_passage();
    p.text = repeated_word(9000);
    const std::string data = encode_passage(p);
    REQUIRE(data[0] == '\x03');
    REQUIRE(data.size() < 400);  // 9 KB of text deflated
    for (size_t n = 0; n < data.size(); ++n) {
        CAPTURE(n);
        CHECK_THROWS_AS(decode_passage(data.substr(0, n)), Xapian::DatabaseCorruptError);
    }
    std::string garbled = data;
    garbled[garbled.size() / 2] ^= 0x55;
    CHECK_THROWS_AS(decode_passage(garbled), Xapian::DatabaseCorruptError);
    // The recorded length (a zigzag LEB128 varint after the format byte) one more, one less,
    // and absurd.
    auto varint = [](unsigned long long u) {
        std::string out;
        for (; u >= 0x80; u >>= 7) out += static_cast<char>((u & 0x7f) | 0x80);
        return out + static_cast<char>(u);
    };
    size_t end = 1;
    unsigned long long length = 0;
    for (int shift = 0;; shift += 7) {
        const auto byte = static_cast<unsigned char>(data[end++]);
        length |= static_cast<unsigned long long>(byte & 0x7f) << shift;
        if (!(byte & 0x80)) break;
    }
    const std::string deflated = data.substr(end);
    CHECK(decode_passage("\x03" + varint(length) + deflated) == p);
    for (unsigned long long wrong : {length + 2, length - 2, 1ULL << 40})
        CHECK_THROWS_AS(decode_passage("\x03" + varint(wrong) + deflated),
                        Xapian::DatabaseCorruptError);
}

TEST_CASE(
    "the summaries after a sync are a fresh build's, whether the files' chapters and acronyms "
    "changed or not",
    "[unit][sync]") {
    testing::TempDir dir;
    Analyzer analyzer;
    // A run as the indexer's sync makes it: a writer, the removals, renames and files, the
    // summaries, one commit.
    struct Run {
        std::vector<std::string> removed;
        std::vector<std::pair<std::string, std::string>> renamed;
        std::vector<Report> reports;
    };
    auto sync = [&](const std::string& path, const Run& run) {
        Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
        IndexWriter writer(db, analyzer);
        db.set_metadata(meta::kAnalysis, analyzer.fingerprint());
        SyncStats stats;
        for (const std::string& f : run.removed) writer.remove_file(f, stats);
        for (const auto& [from, to] : run.renamed)
            writer.rename_file(from, to,
                               decode_file_record(db.get_metadata(meta::kFilePrefix + from)));
        for (const Report& r : run.reports) {
            FileRecord rec;
            rec.size = 1;
            rec.hash = "h";
            writer.sync_file(r, rec, stats);
        }
        writer.update_summaries();
        db.commit();
    };
    auto summaries = [](const std::string& path) {
        Xapian::Database db(path);
        std::vector<std::string> out;
        for (const char* key :
             {meta::kChapters, meta::kAcronyms, meta::kAcronymIndex, meta::kFileSummaries})
            out.push_back(db.get_metadata(key));
        return out;
    };
    int builds = 0;
    auto fresh = [&](const std::vector<Report>& reports) {
        const std::string path = dir.file("fresh" + std::to_string(++builds));
        sync(path, Run{{}, {}, reports});
        return summaries(path);
    };
    const std::string db = dir.file("db");
    const std::string a =
        "Rapport A\n\nPRESSEN\n\n1. Ett\n\nReportrar utan gränser (RSF) granskar pressen.\n";
    const std::string a_ilo =
        a + "\nInternationella arbetsorganisationen (ILO) granskar arbetet.\n";

    sync(db, Run{{}, {}, {report_of(kReport), report_of(a, "corpus/a.txt")}});
    const std::vector<std::string> first = summaries(db);
    CHECK(first == fresh({report_of(kReport), report_of(a, "corpus/a.txt")}));
    CHECK(first[1].find("RSF") != std::string::npos);

    // A paragraph edited: the same chapters and acronyms, the same summaries.
    const std::string edited = replace(kReport, "handel och export", "handel och import");
    sync(db, Run{{}, {}, {report_of(edited)}});
    CHECK(summaries(db) == first);
    CHECK(summaries(db) == fresh({report_of(edited), report_of(a, "corpus/a.txt")}));

    // An acronym defined, then a chapter renamed (the acronyms as they were).
    sync(db, Run{{}, {}, {report_of(a_ilo, "corpus/a.txt")}});
    CHECK(summaries(db) == fresh({report_of(edited), report_of(a_ilo, "corpus/a.txt")}));
    CHECK(summaries(db)[1].find("ILO") != std::string::npos);
    const std::string renamed_chapter = replace(edited, "ALLMÄNT", "INLEDNING");
    sync(db, Run{{}, {}, {report_of(renamed_chapter)}});
    CHECK(summaries(db) == fresh({report_of(renamed_chapter), report_of(a_ilo, "corpus/a.txt")}));
    CHECK(summaries(db)[0].find("INLEDNING") != std::string::npos);

    // A file renamed, then one removed.
    sync(db, Run{{}, {{"corpus/a.txt", "corpus/b.txt"}}, {}});
    CHECK(summaries(db) == fresh({report_of(renamed_chapter), report_of(a_ilo, "corpus/b.txt")}));
    sync(db, Run{{"corpus/b.txt"}, {}, {}});
    CHECK(summaries(db) == fresh({report_of(renamed_chapter)}));
    CHECK(summaries(db)[1].empty());
}
