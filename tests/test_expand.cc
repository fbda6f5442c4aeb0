// The expander, the English dictionary and the spelling correction on their own, on fixture data:
// a small report indexed into a temporary folder, a dictionary in dictd's format written by the
// test, a database of chosen word counts. (End to end they are tested in test_swedish.cc and
// test_understanding.cc.)
#include <xapian.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/common/schema.h"
#include "searcher/english.h"
#include "searcher/expand.h"
#include "searcher/match.h"
#include "searcher/spelling.h"
#include "tests/support.h"

namespace {

using rapportsok::Expander;
using rapportsok::ExpandOptions;
using rapportsok::stemmed_term;

const char* kReport =
    "Rapport om domstolarna 2012\n\n"
    "1. Regler för domstolarna\n\n"
    "Nya regler gäller sedan i år. Ett beslut överklagas till hovrätten.\n\n"
    "Domstolarnas budgetresurser räcker inte, och andra resurser saknas. FN, Förenta nationerna, "
    "granskar fängelset.\n\n"
    "2. Rättssäkerhet\n\n"
    "Fängelse döms ut för grova brott.\n";

// The report indexed once for the file's tests (as the indexer writes it: stems, compound parts,
// section titles).
const std::string& fixture_db() {
    static testing::TempDir dir;
    static const std::string db = [] {
        dir.write("corpus/domstolar.txt", kReport);
        const testing::Run r = testing::run(
            {testing::indexer_bin(), "--quiet", "--db", dir.file("index"), "corpus"}, dir.path());
        INFO(r.err);
        REQUIRE(r.status == 0);
        return dir.file("index");
    }();
    return db;
}

// A dictionary in dictd's format (PREFIX.index, PREFIX.dict.dz) of entries "headword\nbody".
std::string base64(size_t n) {
    static const char* kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[n % 64]);
        n /= 64;
    } while (n);
    return out;
}

std::string write_dictionary(const testing::TempDir& dir,
                             const std::vector<std::pair<std::string, std::string>>& entries) {
    const std::string prefix = dir.file("eng-swe");
    std::string text, index;
    for (const auto& [head, body] : entries) {
        const std::string entry = head + " /pron/\n" + body + "\n";
        index += head + "\t" + base64(text.size()) + "\t" + base64(entry.size()) + "\n";
        text += entry;
    }
    dir.write("eng-swe.index", index);
    gzFile dz = gzopen((prefix + ".dict.dz").c_str(), "wb");
    REQUIRE(dz);
    REQUIRE(gzwrite(dz, text.data(), static_cast<unsigned>(text.size())) ==
            static_cast<int>(text.size()));
    gzclose(dz);
    return prefix;
}

// The same text as dictzip writes it (dictd's random-access gzip): deflated in chunks of
// chunk_length bytes, each flushed in full, their compressed sizes in the header's "RA" field.
void write_dictzip(const std::string& path, const std::string& text, size_t chunk_length) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string data;
    std::vector<size_t> sizes;
    for (size_t at = 0; at < text.size(); at += chunk_length) {
        const size_t n = std::min(chunk_length, text.size() - at);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data() + at));
        zs.avail_in = static_cast<uInt>(n);
        const size_t before = data.size();
        const int flush = at + n == text.size() ? Z_FINISH : Z_FULL_FLUSH;
        do {
            unsigned char out[4096];
            zs.next_out = out;
            zs.avail_out = sizeof out;
            deflate(&zs, flush);
            data.append(reinterpret_cast<char*>(out), sizeof out - zs.avail_out);
        } while (zs.avail_out == 0);
        sizes.push_back(data.size() - before);
    }
    deflateEnd(&zs);
    auto le16 = [](std::string& s, size_t v) {
        s += static_cast<char>(v & 0xff);
        s += static_cast<char>((v >> 8) & 0xff);
    };
    std::string ra;
    le16(ra, 1);
    le16(ra, chunk_length);
    le16(ra, sizes.size());
    for (size_t n : sizes) le16(ra, n);
    std::string extra = "RA";
    le16(extra, ra.size());
    extra += ra;
    // FEXTRA and FNAME, as dictzip sets them.
    std::string file = {'\x1f', '\x8b', 8, 4 | 8, 0, 0, 0, 0, 2, 3};
    le16(file, extra.size());
    file += extra + "eng-swe.dict" + std::string(1, '\0') + data;
    const uLong crc =
        crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size()));
    for (int k = 0; k < 4; ++k) file += static_cast<char>((crc >> (8 * k)) & 0xff);
    for (int k = 0; k < 4; ++k) file += static_cast<char>((text.size() >> (8 * k)) & 0xff);
    std::ofstream(path, std::ios::binary) << file;
}

// What an expander needs, on the fixture's index; the synonym groups and the dictionary given,
// and counted when fetched (they are fetched only when a word needs them).
struct Sources {
    Xapian::Database db{fixture_db()};
    rapportsok::Analyzer analyzer;
    rapportsok::Synonyms groups;
    rapportsok::EnglishDictionary english{"/nonexistent/dictionary"};
    int synonyms_fetched = 0, english_fetched = 0;

    rapportsok::ExpandSources get() {
        return {db,
                analyzer,
                [this]() -> const rapportsok::Synonyms& {
                    ++synonyms_fetched;
                    return groups;
                },
                [this]() -> const rapportsok::EnglishDictionary& {
                    ++english_fetched;
                    return english;
                },
                nullptr,
                {}};  // no stems to correct to
    }
};

std::set<std::string> terms_of(const Xapian::Query& q) {
    return {q.get_unique_terms_begin(), q.get_unique_terms_end()};
}

const rapportsok::Expansion* find_expansion(const Expander& e, const std::string& kind) {
    for (const rapportsok::Expansion& x : e.used())
        if (x.kind == kind) return &x;
    return nullptr;
}

Xapian::Query words(const std::vector<std::string>& ws) {
    std::vector<Xapian::Query> terms(ws.begin(), ws.end());
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

}  // namespace

// ---- The expander

TEST_CASE("expander: a word is its stem and the stems of the inflections the index has",
          "[unit][expand]") {
    Sources s;
    Expander e(s.get(), ExpandOptions());
    // "regel" and "regler" have different stems; only "regler" is in the report.
    const Xapian::Query q = e.rewrite(Xapian::Query("regel"));
    const std::set<std::string> terms = terms_of(q);
    CHECK(terms.count(stemmed_term(s.analyzer.stem("regel"))));
    CHECK(terms.count(stemmed_term(s.analyzer.stem("regler"))));
    const rapportsok::Expansion* x = find_expansion(e, "inflection");
    REQUIRE(x);
    CHECK(x->word == "regel");
    CHECK(x->alternatives == std::vector<std::string>{"regler"});
    CHECK(e.unknown().empty());

    ExpandOptions no;
    no.inflections = false;
    Expander plain(s.get(), no);
    CHECK(terms_of(plain.rewrite(Xapian::Query("regel"))) ==
          std::set<std::string>{stemmed_term(s.analyzer.stem("regel"))});
}

TEST_CASE("expander: a word typed without accents finds the accented words, weighted down",
          "[unit][expand]") {
    Sources s;
    Expander e(s.get(), ExpandOptions());
    const Xapian::Query q = e.rewrite(Xapian::Query("overklagas"));
    CHECK(terms_of(q).count(stemmed_term(s.analyzer.stem("överklagas"))));
    const rapportsok::Expansion* x = find_expansion(e, "diacritics");
    REQUIRE(x);
    CHECK(x->alternatives == std::vector<std::string>{"överklagas"});
    // Its only reading: found at full weight, and not unknown.
    CHECK(q.get_description().find("0.7") == std::string::npos);
    CHECK(e.unknown().empty());

    ExpandOptions no;
    no.diacritics = false;
    Expander plain(s.get(), no);
    plain.rewrite(Xapian::Query("overklagas"));
    CHECK(plain.unknown() == std::vector<std::string>{"overklagas"});
    // Typed with an accent, a word is meant as typed.
    Expander typed(s.get(), ExpandOptions());
    typed.rewrite(Xapian::Query("fängelse"));
    CHECK_FALSE(find_expansion(typed, "diacritics"));
}

TEST_CASE("expander: a word finds the compounds it is a part of, ranked below the word itself",
          "[unit][expand]") {
    Sources s;
    Expander e(s.get(), ExpandOptions());
    const Xapian::Query q = e.rewrite(Xapian::Query("budget"));
    CHECK(terms_of(q).count(rapportsok::compound_part_term(s.analyzer.stem("budget"))));
    REQUIRE(find_expansion(e, "compound"));
    // "budget" alone is in no passage: the part is all there is, at full weight.
    CHECK(q.get_description().find("0.5 *") == std::string::npos);
    // "resurser" is a word of the text too: its compounds weigh less.
    Expander both(s.get(), ExpandOptions());
    const Xapian::Query r = both.rewrite(Xapian::Query("resurser"));
    INFO(r.get_description());
    CHECK(terms_of(r).count(rapportsok::compound_part_term(s.analyzer.stem("resurser"))));
    CHECK(r.get_description().find("0.5 * " + rapportsok::compound_part_term(s.analyzer.stem(
                                                  "resurser"))) != std::string::npos);

    ExpandOptions no;
    no.compounds = false;
    Expander plain(s.get(), no);
    plain.rewrite(Xapian::Query("budget"));
    CHECK_FALSE(find_expansion(plain, "compound"));
    CHECK(plain.unknown() == std::vector<std::string>{"budget"});
}

TEST_CASE("expander: a synonym group's other names are added, a name of two words as a phrase",
          "[unit][expand]") {
    Sources s;
    s.groups = rapportsok::parse_synonyms("FN = Förenta nationerna = UN\n", s.analyzer);
    REQUIRE(s.groups.size() == 1);
    Expander e(s.get(), ExpandOptions());
    const Xapian::Query q = e.rewrite(Xapian::Query("fn"));
    const rapportsok::Expansion* x = find_expansion(e, "synonym");
    REQUIRE(x);
    CHECK(x->alternatives == std::vector<std::string>{"Förenta nationerna", "UN"});
    CHECK(q.get_description().find("PHRASE 2") != std::string::npos);
    CHECK(terms_of(q).count("förenta"));
    CHECK(terms_of(q).count("nationerna"));

    // Both words of a name in the query: the group's other names once.
    Expander two(s.get(), ExpandOptions());
    const Xapian::Query both = two.rewrite(words({"förenta", "nationerna"}));
    CHECK(terms_of(both).count(stemmed_term(s.analyzer.stem("fn"))));

    ExpandOptions no;
    no.synonyms = false;
    Expander plain(s.get(), no);
    plain.rewrite(Xapian::Query("fn"));
    CHECK_FALSE(find_expansion(plain, "synonym"));
    // A word the index has is looked up too (an English word is translated whether or not the
    // index has it); "fn" is none.
    CHECK_FALSE(find_expansion(plain, "english"));
}

TEST_CASE("expander: a word the index knows in no form is translated from English, if it can be",
          "[unit][expand][english]") {
    testing::TempDir dir;
    Sources s;
    s.english = rapportsok::EnglishDictionary(
        write_dictionary(dir, {{"prison", "fängelse, anstalt"}, {"court", "domstol"}}));
    REQUIRE(s.english.available());
    Expander e(s.get(), ExpandOptions());
    const Xapian::Query q = e.rewrite(Xapian::Query("prison"));
    CHECK(s.english_fetched == 1);
    const rapportsok::Expansion* x = find_expansion(e, "english");
    REQUIRE(x);
    // "anstalt" is in no passage: left out.
    CHECK(x->alternatives == std::vector<std::string>{"fängelse"});
    CHECK(terms_of(q) == std::set<std::string>{stemmed_term(s.analyzer.stem("fängelse"))});
    CHECK(e.unknown().empty());

    // A known Swedish word is not translated; a word in neither language is unknown.
    Expander known(s.get(), ExpandOptions());
    known.rewrite(Xapian::Query("regler"));
    CHECK_FALSE(find_expansion(known, "english"));
    Expander neither(s.get(), ExpandOptions());
    neither.rewrite(Xapian::Query("zorblatt"));
    CHECK(neither.unknown() == std::vector<std::string>{"zorblatt"});

    ExpandOptions no;
    no.english = false;
    Expander plain(s.get(), no);
    plain.rewrite(Xapian::Query("prison"));
    CHECK(plain.unknown() == std::vector<std::string>{"prison"});
}

TEST_CASE("expander: a word kept exact, phrases and excluded words", "[unit][expand]") {
    Sources s;
    Expander e(s.get(), ExpandOptions());
    e.keep_exact("regler");
    CHECK(terms_of(e.rewrite(Xapian::Query("regler"))) == std::set<std::string>{"regler"});
    CHECK(e.used().empty());

    // A phrase stays as parsed.
    const std::vector<Xapian::Query> pair = {Xapian::Query("nya"), Xapian::Query("regler")};
    const Xapian::Query phrase(Xapian::Query::OP_PHRASE, pair.begin(), pair.end(), 2);
    CHECK(e.rewrite(phrase).get_description() == phrase.get_description());

    // What AND_NOT excludes is looked for in the text only, even with the titles matched.
    Expander titles(s.get(), ExpandOptions());
    titles.match_titles(0.6);
    const Xapian::Query q = titles.rewrite(Xapian::Query(
        Xapian::Query::OP_AND_NOT, Xapian::Query("fängelse"), Xapian::Query("rättssäkerhet")));
    const std::string title_stem =
        stemmed_term(s.analyzer.stem("rättssäkerhet"), rapportsok::prefix::kSectionTitle);
    CHECK_FALSE(terms_of(q.get_subquery(1)).count(title_stem));
}

TEST_CASE("expander: with the titles matched, a word only a section title has is known",
          "[unit][expand]") {
    Sources s;
    const std::string title_stem =
        stemmed_term(s.analyzer.stem("rättssäkerhet"), rapportsok::prefix::kSectionTitle);
    Expander e(s.get(), ExpandOptions());
    e.match_titles(0.6);
    const Xapian::Query q = e.rewrite(Xapian::Query("rättssäkerhet"));
    INFO(q.get_description());
    CHECK(terms_of(q).count(title_stem));
    // The text's readings, or the title's, weighted.
    REQUIRE(q.get_type() == Xapian::Query::OP_OR);
    CHECK(q.get_subquery(1).get_type() == Xapian::Query::OP_SCALE_WEIGHT);
    CHECK(terms_of(q.get_subquery(1)).count(title_stem));
    CHECK(e.unknown().empty());

    // A heading's expander makes the heading's terms only.
    Expander chapter(s.get(), ExpandOptions(), rapportsok::prefix::kChapterName);
    const std::set<std::string> in_chapter = terms_of(chapter.rewrite(Xapian::Query("regler")));
    CHECK(in_chapter.count(
        stemmed_term(s.analyzer.stem("regler"), rapportsok::prefix::kChapterName)));
    for (const std::string& t : in_chapter)
        CHECK(t.rfind(stemmed_term("", rapportsok::prefix::kChapterName), 0) == 0);
}

// ---- The English dictionary

// FreeDict's part (freedict()); translate() reads the compiled-in glossary first.
TEST_CASE("English dictionary: senses, base forms and parentheses", "[unit][english]") {
    testing::TempDir dir;
    const rapportsok::EnglishDictionary d(
        write_dictionary(dir, {{"child", "1. barn (litet)\n2. avkomma; telning"},
                               {"election", "val"},
                               {"policy", "politik, policy"},
                               {"woman", "kvinna"}}));
    REQUIRE(d.available());
    CHECK(d.freedict("child") == std::vector<std::string>{"barn", "avkomma", "telning"});
    CHECK(d.freedict("children") == std::vector<std::string>{"barn", "avkomma", "telning"});
    CHECK(d.freedict("elections") == std::vector<std::string>{"val"});
    CHECK(d.freedict("policies") == std::vector<std::string>{"politik", "policy"});
    CHECK(d.freedict("women's") == std::vector<std::string>{"kvinna"});
    CHECK(d.freedict("court").empty());
}

TEST_CASE("English dictionary: missing or damaged files translate nothing", "[unit][english]") {
    testing::TempDir dir;
    const rapportsok::EnglishDictionary missing(dir.file("none"));
    CHECK_FALSE(missing.available());
    CHECK(missing.freedict("prison").empty());
    // An index whose offsets point past the text is ignored, entry by entry.
    const std::string prefix = write_dictionary(dir, {{"prison", "fängelse"}});
    const std::string entry = "prison /pron/\nfängelse\n";
    dir.write("eng-swe.index",
              "prison\tA\t" + base64(entry.size()) + "\nbogus\tZZZZ\tB\nnot a line\n");
    const rapportsok::EnglishDictionary partial(prefix);
    CHECK(partial.freedict("prison") == std::vector<std::string>{"fängelse"});
    CHECK(partial.freedict("bogus").empty());
}

TEST_CASE("English dictionary: a dictzip text is read chunk by chunk, entries across chunks",
          "[unit][english]") {
    testing::TempDir dir;
    const std::vector<std::pair<std::string, std::string>> entries = {
        {"child", "1. barn (litet)\n2. avkomma; telning"},
        {"court", "domstol, rätt"},
        {"court", "gård"},  // a second entry for the same headword, read after the first
        {"election", "val"},
        {"prison", "fängelse"}};
    const std::string prefix = write_dictionary(dir, entries);
    std::string text;
    for (const auto& [head, body] : entries) text += head + " /pron/\n" + body + "\n";
    const std::vector<std::string> words = {"child",  "court",     "election",
                                            "prison", "elections", "bogus"};
    std::vector<std::vector<std::string>> from_gzip;
    {
        const rapportsok::EnglishDictionary gzipped(prefix);
        for (const std::string& w : words) from_gzip.push_back(gzipped.freedict(w));
    }
    // Chunks of 16 bytes: no entry starts and ends in one chunk.
    write_dictzip(prefix + ".dict.dz", text, 16);
    const rapportsok::EnglishDictionary chunked(prefix);
    REQUIRE(chunked.available());
    for (size_t k = 0; k < words.size(); ++k) CHECK(chunked.freedict(words[k]) == from_gzip[k]);
    CHECK(chunked.freedict("court") == std::vector<std::string>{"domstol", "rätt", "gård"});
    const rapportsok::DictdFile file(prefix);
    CHECK(file.entries("prison") == std::vector<std::string>{"prison /pron/\nfängelse\n"});
    CHECK(file.entries("court").size() == 2);
    CHECK(file.entries("cour").empty());
    CHECK(file.entries("").empty());
    // An entry said to reach past the text's end is left out, whichever chunk it starts in.
    dir.write("eng-swe.index", "child\tA\t" + base64(text.size() + 1) + "\nprison\t" +
                                   base64(text.size() - 9) + "\tK\n");
    const rapportsok::DictdFile past(prefix);
    CHECK(past.entries("child").empty());
    CHECK(past.entries("prison").empty());
}

TEST_CASE("English dictionary: an index in dictfmt's order, not bytewise, is still searched",
          "[unit][english]") {
    testing::TempDir dir;
    // dictfmt sorts ignoring case: "Zebra" after "apple", though 'Z' comes before 'a'.
    const std::string prefix =
        write_dictionary(dir, {{"apple", "äpple"}, {"mango", "mango"}, {"Zebra", "zebra"}});
    const rapportsok::DictdFile file(prefix);
    CHECK(file.entries("Zebra") == std::vector<std::string>{"Zebra /pron/\nzebra\n"});
    CHECK(file.entries("apple") == std::vector<std::string>{"apple /pron/\näpple\n"});
    CHECK(file.entries("mango").size() == 1);
    CHECK(file.entries("zebra").empty());
}

// ---- Spelling correction

TEST_CASE("edit_distance counts insertions, deletions, substitutions and transpositions",
          "[unit][spelling]") {
    auto distance = [](const std::u32string& a, const std::u32string& b, unsigned bound) {
        return rapportsok::edit_distance(a.data(), a.size(), b.data(), b.size(), bound);
    };
    CHECK(distance(U"fängelse", U"fängelse", 2) == 0);
    CHECK(distance(U"fängelse", U"fangelse", 2) == 1);  // a substitution, one code point
    CHECK(distance(U"fängelse", U"fägnelse", 2) == 1);  // a transposition
    CHECK(distance(U"fängelse", U"fängelser", 2) == 1);
    CHECK(distance(U"kitten", U"sitting", 3) == 3);
    // Past the bound: some number above it, whatever the distance.
    CHECK(distance(U"kitten", U"sitting", 2) > 2);
    CHECK(distance(U"a", U"abcdef", 2) > 2);
}

TEST_CASE("Vocabulary suggests the nearest word, the most frequent among the nearest",
          "[unit][spelling]") {
    testing::TempDir dir;
    {
        Xapian::WritableDatabase w(dir.file("db"), Xapian::DB_CREATE);
        auto add = [&](const std::vector<std::string>& terms, int times) {
            for (int k = 0; k < times; ++k) {
                Xapian::Document d;
                for (const std::string& t : terms) d.add_term(t);
                w.add_document(d);
            }
        };
        add({"fängelse", "Zfängels", "XFa"}, 3);
        add({"fängelset"}, 1);
        add({"hängelse"}, 1);
        add({"domstol", "domstolar"}, 2);
        add({"domstolen"}, 5);
        w.commit();
    }
    const rapportsok::Vocabulary v{Xapian::Database(dir.file("db"))};
    CHECK(v.size() == 6);                           // the words only, not the prefixed terms
    CHECK(v.suggest("fängelsr", 2) == "fängelse");  // one edit; fängelset is two
    // As near: fängelse and hängelse, domstolen and domstolar; the one in more passages.
    CHECK(v.suggest("pängelse", 2) == "fängelse");
    CHECK(v.suggest("domstolan", 2) == "domstolen");
    CHECK(v.suggest("xyzxyz", 2).empty());
    // A word of the index more frequent than its neighbours is not corrected.
    CHECK(v.suggest("fängelse", 2).empty());
    // The edits are bounded by the word's length less one.
    CHECK(v.suggest("xa", 5).empty());
}

TEST_CASE(
    "corrected_query replaces the unknown words only, keeping filters, operators and capitals",
    "[unit][spelling]") {
    const rapportsok::Analyzer analyzer;
    const rapportsok::SpellingSuggester suggest = [](const std::string& w, unsigned) {
        if (w == "fangelse") return std::string("fängelse");
        if (w == "nasarbajev") return std::string("nazarbajev");
        return std::string();
    };
    CHECK(rapportsok::corrected_query(suggest, analyzer, "avsnitt:3 fangelse AND tortyr",
                                      {"fangelse"}) == "avsnitt:3 fängelse AND tortyr");
    CHECK(rapportsok::corrected_query(suggest, analyzer, "Nasarbajev", {"nasarbajev"}) ==
          "Nazarbajev");
    CHECK(rapportsok::corrected_query(suggest, analyzer, "(fangelse)", {"fangelse"}) ==
          "(fängelse)");
    // A word the search knew stays as typed, whatever the suggester says.
    CHECK(rapportsok::corrected_query(suggest, analyzer, "fangelse Nasarbajev", {"nasarbajev"}) ==
          "fangelse Nazarbajev");
    // Nothing to correct to: no corrected query.
    CHECK(rapportsok::corrected_query(suggest, analyzer, "zorblatt", {"zorblatt"}).empty());
}
