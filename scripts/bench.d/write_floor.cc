// Where an indexing run's time goes, stage by stage, on one core: reading and cleaning the
// files, analysing the passages into Xapian documents (TermGenerator, stems, compound parts,
// data), and Xapian writing those documents (add_document, then the commit). The last is the
// floor no work of ours can lower: it is what Xapian's glass backend takes for these documents.
//
//   write_floor DB FILE...     (DB must not exist; prints one JSON object of seconds and counts)
//
// With WRITE_FLOOR_STRIP=data,values,filters,fields,parts,stems,positions in the environment the
// documents lose those parts before they are written, to show what each costs Xapian.
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/schema.h"
#include "indexer/compound.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "indexer/write.h"

namespace {

// The document without the parts named in strip (see above).
Xapian::Document stripped(const Xapian::Document& d, const std::string& strip) {
    auto has = [&](const char* what) { return strip.find(what) != std::string::npos; };
    Xapian::Document out;
    if (!has("data")) out.set_data(d.get_data());
    if (!has("values"))
        for (auto v = d.values_begin(); v != d.values_end(); ++v)
            out.add_value(v.get_valueno(), *v);
    for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
        const std::string term = *t;
        namespace prefix = rapportsok::prefix;
        auto starts = [&](const std::string& p) { return term.rfind(p, 0) == 0; };
        const bool filter = starts(prefix::kId) || starts(prefix::kFile) ||
                            starts(prefix::kSection) || starts(prefix::kChapter) ||
                            starts(prefix::kChapterKey) || starts(prefix::kPage);
        // The headings' words, as written and stemmed.
        const bool field = starts(prefix::kSectionTitle) || starts(prefix::kChapterName) ||
                           starts(rapportsok::stemmed_term("", prefix::kSectionTitle)) ||
                           starts(rapportsok::stemmed_term("", prefix::kChapterName));
        if ((filter && has("filters")) || (field && has("fields")) ||
            (starts(prefix::kCompoundPart) && has("parts")) ||
            (rapportsok::is_stemmed_term(term) && !field && has("stems")))
            continue;
        if (filter) {
            out.add_boolean_term(term);
        } else if (has("positions") || t.positionlist_count() == 0) {
            out.add_term(term, t.get_wdf());
        } else {
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                out.add_posting(term, *p, 0);
            out.add_term(term, t.get_wdf());
        }
    }
    return out;
}

double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 3) {
        std::cerr << "usage: write_floor DB FILE...\n";
        return 2;
    }
    using clock = std::chrono::steady_clock;
    rapportsok::Analyzer analyzer;

    auto t0 = clock::now();
    std::vector<rapportsok::Report> reports;
    long long bytes = 0;
    for (int i = 2; i < argc; ++i) {
        rapportsok::Source src = rapportsok::read_source(argv[i]);
        bytes += src.size;
        reports.push_back(rapportsok::structure(src.path, rapportsok::clean(src.text)));
    }
    const double read_s = since(t0);

    t0 = clock::now();
    rapportsok::Decompounder{};  // reads the compiled-in word list, shared by all
    const double dictionary_s = since(t0);

    t0 = clock::now();
    Xapian::TermGenerator tg;
    analyzer.configure(tg);
    std::vector<Xapian::Document> docs;
    for (const rapportsok::Report& r : reports) {
        rapportsok::Decompounder parts;  // a report's own words, as the indexer splits
        for (const rapportsok::Passage& p : r.passages)
            for (const std::string& w : rapportsok::lowercase_words(p.text)) parts.add_word(w);
        for (const rapportsok::Passage& p : r.passages)
            docs.push_back(rapportsok::make_document(p, analyzer, tg, &parts));
    }
    const double analyse_s = since(t0);
    const char* strip = std::getenv("WRITE_FLOOR_STRIP");
    if (strip && *strip)
        for (Xapian::Document& d : docs) d = stripped(d, strip);

    t0 = clock::now();
    Xapian::WritableDatabase db(argv[1], Xapian::DB_CREATE);
    db.begin_transaction();
    for (const Xapian::Document& d : docs) db.add_document(d);
    const double add_s = since(t0);
    t0 = clock::now();
    db.commit_transaction();
    const double commit_s = since(t0);

    std::printf(
        "{\"bytes\": %lld, \"passages\": %zu, \"read_clean_structure_s\": %.3f, "
        "\"dictionary_s\": %.3f, \"analyse_s\": %.3f, \"xapian_add_s\": %.3f, "
        "\"xapian_commit_s\": %.3f, \"us_per_passage_xapian\": %.1f}\n",
        bytes, docs.size(), read_s, dictionary_s, analyse_s, add_s, commit_s,
        1e6 * (add_s + commit_s) / static_cast<double>(docs.empty() ? 1 : docs.size()));
    return 0;
} catch (const Xapian::Error& e) {
    std::cerr << "write_floor: " << e.get_description() << "\n";
    return 2;
} catch (const std::exception& e) {
    std::cerr << "write_floor: " << e.what() << "\n";
    return 2;
}
