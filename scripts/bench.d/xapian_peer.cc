// The plain Xapian peer of scripts/bench, in C++ as a user of Xapian would write it: one document
// a passage, a TermGenerator with the Swedish stemmer (positions on), the section number as a
// boolean term, the file and the text as data; search with a QueryParser (OR by default, phrases,
// the Swedish stemmer, STEM_SOME), top 10 with MSet::snippet(). It indexes exactly the passages
// rapportsök's indexer finds (`indexer --dry-run --json`, one JSON object a line).
//
//   xapian_peer index DB PASSAGES.jsonl          prints the seconds it took
//   xapian_peer cold DB WORDS PHRASE SECTION     one search, as a fresh process does it
//   xapian_peer warm DB QUERIES.tsv ITERS        JSON: per query, the seconds of each run
//
// A query is (words, phrase 0/1, section or "-"), the columns 3-5 of the benchmark's queries-*.tsv.
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "query_file.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

int index(const std::string& db_path, const std::string& passages) {
    const auto t0 = Clock::now();
    Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("swedish"));
    std::ifstream in(passages);
    if (!in) throw std::runtime_error("cannot read " + passages);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        const nlohmann::json p = nlohmann::json::parse(line);
        const std::string text = p.at("text").get<std::string>();
        int section = 0;
        if (p.contains("section") && p["section"].is_object())
            section = p["section"].value("number", 0);
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(text);
        doc.add_boolean_term("XS" + std::to_string(section));
        doc.set_data(p.at("file").get<std::string>() + "\n" + text);
        db.add_document(doc);
    }
    db.commit();
    db.close();
    std::printf("%.6f\n", seconds_since(t0));
    return 0;
}

// One searcher on an open database: a configured parser, reused query after query.
class Searcher {
  public:
    explicit Searcher(const std::string& path) : db_(path), enquire_(db_), stem_("swedish") {
        qp_.set_stemmer(stem_);
        qp_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp_.set_database(db_);
        qp_.set_default_op(Xapian::Query::OP_OR);
    }

    // The top 10: (file, snippet), and the estimated number of matches.
    Xapian::doccount search(const bench::Query& q,
                            std::vector<std::pair<std::string, std::string>>& hits) {
        Xapian::Query query =
            qp_.parse_query(q.phrase ? "\"" + q.words + "\"" : q.words,
                            Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PHRASE);
        if (q.section != "-")
            query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query("XS" + q.section));
        enquire_.set_query(query);
        const Xapian::MSet mset = enquire_.get_mset(0, 10);
        hits.clear();
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            const std::string data = it.get_document().get_data();
            const size_t nl = data.find('\n');
            hits.emplace_back(data.substr(0, nl),
                              mset.snippet(data.substr(nl + 1), 320, stem_,
                                           Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                                               Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                           "<b>", "</b>", "…"));
        }
        return mset.get_matches_estimated();
    }

  private:
    Xapian::Database db_;
    Xapian::Enquire enquire_;
    Xapian::Stem stem_;
    Xapian::QueryParser qp_;
};

int cold(const std::string& db, const bench::Query& q) {
    Searcher s(db);
    std::vector<std::pair<std::string, std::string>> hits;
    const Xapian::doccount total = s.search(q, hits);
    std::string out = std::to_string(total) + " matches\n";
    for (const auto& [file, snippet] : hits) out += file + "\n  " + snippet + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return total ? 0 : 1;
}

int warm(const std::string& db, const std::string& queries, int iters) {
    Searcher s(db);
    const std::vector<bench::Query> qs = bench::read_queries(queries);
    std::vector<std::vector<double>> times(qs.size());
    std::vector<Xapian::doccount> totals(qs.size());
    std::vector<std::pair<std::string, std::string>> hits;
    for (int i = 0; i < iters; ++i)
        for (size_t k = 0; k < qs.size(); ++k) {
            const auto t0 = Clock::now();
            totals[k] = s.search(qs[k], hits);
            times[k].push_back(seconds_since(t0));
        }
    bench::print_times(qs, times, std::vector<long>(totals.begin(), totals.end()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) try {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 3 && a[0] == "index") return index(a[1], a[2]);
    if (a.size() == 5 && a[0] == "cold")
        return cold(a[1], bench::Query{"", "", a[2], a[3] == "1", a[4]});
    if (a.size() == 4 && a[0] == "warm") return warm(a[1], a[2], std::stoi(a[3]));
    std::cerr << "usage: xapian_peer index DB PASSAGES.jsonl | cold DB WORDS PHRASE SECTION | "
                 "warm DB QUERIES.tsv ITERS\n";
    return 2;
} catch (const Xapian::Error& e) {
    std::cerr << "xapian_peer: " << e.get_description() << "\n";
    return 2;
} catch (const std::exception& e) {
    std::cerr << "xapian_peer: " << e.what() << "\n";
    return 2;
}
