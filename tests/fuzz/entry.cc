#include "tests/fuzz/entry.h"

#include <xapian.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>

#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "indexer/write.h"
#include "searcher/engine.h"
#include "searcher/parse.h"
#include "searcher/print_json.h"
#include "searcher/print_text.h"

namespace rapportsok::fuzz {

namespace {

void require(bool ok, const std::string& what) {
    if (!ok) throw FuzzFailure(what);
}

long count_lines(const std::string& text) {
    long n = 1;
    for (char c : text) n += c == '\n';
    return n;
}

}  // namespace

void read_clean_structure(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    Source src;
    try {
        src = decode_source("fuzz.txt", bytes);
    } catch (const InputError& e) {
        require(std::string(e.what()).rfind("fuzz.txt", 0) == 0, "message names the file");
        return;
    }
    require(find_invalid_utf8(src.text) == std::string::npos, "decoded text is UTF-8");
    require(src.text.find('\r') == std::string::npos, "line ends are LF");
    const long lines = count_lines(src.text);
    Cleaned cleaned = clean(src.text);
    Report report = structure(src.path, cleaned);
    std::set<std::string> ids;
    int position = 0;
    for (const Passage& p : report.passages) {
        require(!p.text.empty(), "a passage has text");
        require(find_invalid_utf8(p.text) == std::string::npos, "passage text is UTF-8");
        require(p.text.size() <= 16 * 1024, "a passage is of bounded size");
        require(1 <= p.first_line && p.first_line <= p.last_line && p.last_line <= lines,
                "lines within the file");
        require(1 <= p.page && p.page <= p.last_page && p.last_page <= cleaned.pages,
                "pages within the report");
        require(p.position == ++position, "positions count from 1");
        require(ids.insert(p.id).second, "ids are unique");
        for (unsigned char c : p.text) require(c >= 0x20, "no control characters in a passage");
    }
}

namespace {

// A tiny database of a few passages, written once per process.
struct TinyIndex {
    std::string dir;
    Analyzer analyzer;
    std::unique_ptr<SearchEngine> engine;

    TinyIndex() {
        std::string templ =
            (std::filesystem::temp_directory_path() / "rapportsok-fuzz-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
        dir = templ;
        const std::string text =
            "Mänskliga rättigheter i Kazakstan 2011\n\n"
            "MEDBORGERLIGA OCH POLITISKA RÄTTIGHETER\n\n"
            "3. Respekt för rätten till liv och förbud mot tortyr\n\n"
            "Tortyr förekommer i fängelser och häkten. Domstolarna prövar sällan klagomål.\n\n"
            "Förenta nationerna (FN) och Organisationen för säkerhet och samarbete i Europa "
            "(OSSE) har kritiserat förhållandena i statsbudgeten.\n\n"
            "8. Yttrande-, press- och informationsfrihet\n\n"
            "Pressfriheten är begränsad. Journalister döms för förtal; \"citat\" och \\ tecken.\n\n"
            "EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER\n\n"
            "12. Rätten till arbete\n\n"
            "Arbetare i oljeindustrin strejkade i Zjanaozen. Abc abd abe abf acg ach.\n";
        Report report = structure("corpus/tiny.txt", clean(text));
        {
            Xapian::WritableDatabase w(dir, Xapian::DB_CREATE_OR_OVERWRITE);
            w.set_metadata(meta::kSchema, std::to_string(kSchemaVersion));
            w.set_metadata(meta::kAnalysis, analyzer.fingerprint());
            IndexWriter writer(w, analyzer);
            SyncStats stats;
            FileRecord rec;
            rec.size = static_cast<long long>(text.size());
            rec.hash = hex64(fnv1a64(text));
            writer.sync_file(report, rec, stats);
            w.commit();
        }
        engine = std::make_unique<SearchEngine>(EngineOptions{{dir}});
    }
    ~TinyIndex() {
        engine.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

TinyIndex& tiny_index() {
    static TinyIndex index;
    return index;
}

}  // namespace

void query(const uint8_t* data, size_t size) {
    const std::string q(reinterpret_cast<const char*>(data), size);
    TinyIndex& t = tiny_index();

    SplitQuery split = split_filters(q);
    std::string normalised = normalise_query(split.text, t.analyzer);
    require(find_invalid_utf8(normalised) == std::string::npos, "a normalised query is UTF-8");
    for (unsigned char c : normalised) require(c >= 0x20, "no control characters left");
    std::string why;
    if (!well_formed(normalised, why)) require(!why.empty(), "an ill-formed query says why");

    SearchRequest req;
    req.query = q;
    req.limit = 5;
    SearchResult r;
    try {
        r = t.engine->search(req);
    } catch (const UsageError& e) {
        require(std::string(e.what()).size() > 0, "a refusal says why");
        return;
    } catch (const Xapian::Error& e) {
        throw FuzzFailure("Xapian error escaped: " + e.get_description());
    }
    require(r.total >= static_cast<long>(r.hits.size()), "total counts the hits");
    for (const Hit& h : r.hits)
        for (auto [b, e] : h.snippet.highlights)
            require(b < e && e <= h.snippet.text.size(), "highlights within the snippet");
    std::ostringstream text, json;
    print_text(r, text, true);
    print_json(r, json);
    // Only our own bold/colour sequences may reach a terminal: ESC '[' digits 'm'.
    const std::string out = text.str();
    for (size_t i = out.find('\x1b'); i != std::string::npos; i = out.find('\x1b', i + 1)) {
        size_t j = i + 1;
        require(j < out.size() && out[j] == '[', "escape sequence from the query or text");
        ++j;
        while (j < out.size() && out[j] >= '0' && out[j] <= '9') ++j;
        require(j < out.size() && out[j] == 'm', "escape sequence from the query or text");
    }
    const std::string js = json.str();
    require(find_invalid_utf8(js) == std::string::npos, "JSON output is UTF-8");
    for (unsigned char c : js.substr(0, js.size() - 1)) require(c >= 0x20, "JSON is escaped");
}

}  // namespace rapportsok::fuzz
