// One SearchEngine, many threads: answers equal the serial ones, a commit by the indexer is seen
// by the next search without a restart (never a mix of two revisions), and a --rebuild's stub
// file is followed. Run under ThreadSanitizer too (the tsan preset).
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "indexer/common/errors.h"
#include "searcher/engine.h"
#include "searcher/print_json.h"
#include "tests/support.h"

namespace {

// A small second report: words the seed report lacks, and some it has.
const char* const kExtraReport =
    "Tilläggsrapport om fängelser 2012\n\n"
    "FÖRHÅLLANDEN I FÄNGELSER\n\n"
    "1. Tortyr i häkten\n\n"
    "Tortyr i häkten och fängelser rapporterades av FN under året. Zebrafinkarna i "
    "fängelsets gård sjöng varje morgon.\n\n"
    "2. Domstolarnas arbete\n\n"
    "Högsta domstolen prövade få klagomål om tortyr. Pressfriheten begränsades.\n";

// Queries of every kind: words, phrases, operators, filters, wildcards, typos, English,
// acronyms, words without accents, and words no report has.
const std::vector<std::string> kQueries = {
    "tortyr",
    "zebrafinkarna",
    "fängelse",
    "\"Högsta domstolen\"",
    "domstol*",
    "avsnitt:2",
    "kapitel:2 pressfrihet",
    "Nasarbajev",
    "prison",
    "FN",
    "hogsta domstolen",
    "budget",
    "tortyr AND fängelse",
    "religiösa samfund registrering",
    "okändaordet",
    "sida:4 domstol",
    "arbetsmiljö",
    "tortyr -fängelse",
};

// A folder with corpus/seed.txt and corpus/extra.txt, and a database of some of them.
struct Workspace {
    testing::TempDir dir;
    Workspace() {
        dir.write("corpus/seed.txt", testing::read_file(testing::seed_report_path()));
        dir.write("corpus/extra.txt", kExtraReport);
    }
    std::string db() const { return dir.file("index"); }
    // Syncs the database to the files given (those not given are removed from it); false when
    // the indexer fails. (No Catch2 assertion here: it is called from a thread of its own.)
    bool index(const std::vector<std::string>& files, bool rebuild = false) const {
        std::vector<std::string> argv = {testing::indexer_bin(), "--quiet", "--db", db()};
        if (rebuild) argv.push_back("--rebuild");
        argv.insert(argv.end(), files.begin(), files.end());
        return testing::run(argv, dir.path()).status == 0;
    }
};

const std::vector<std::string> kSeedOnly = {"corpus/seed.txt"};
const std::vector<std::string> kBoth = {"corpus/seed.txt", "corpus/extra.txt"};

// The whole answer as a program sees it (hits, snippets, facets, expansions, notes), or the
// refusal.
std::string answer(const rapportsok::SearchEngine& engine, const std::string& query) {
    rapportsok::SearchRequest request;
    request.query = query;
    try {
        std::ostringstream out;
        rapportsok::print_json(engine.search(request), out);
        return out.str();
    } catch (const rapportsok::UsageError& e) {
        return std::string("refused: ") + e.what();
    }
}

long total(const rapportsok::SearchEngine& engine, const std::string& query) {
    rapportsok::SearchRequest request;
    request.query = query;
    return engine.search(request).total;
}

}  // namespace

TEST_CASE("one engine answers from many threads at once exactly as one at a time",
          "[engine][concurrency]") {
    Workspace ws;
    REQUIRE(ws.index(kBoth));
    const rapportsok::SearchEngine engine(rapportsok::EngineOptions{{ws.db()}});
    std::vector<std::string> serial;
    for (const std::string& q : kQueries) serial.push_back(answer(engine, q));

    constexpr int kThreads = 8, kPerThread = 100;
    std::vector<std::vector<std::string>> got(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int k = 0; k < kPerThread; ++k)
                got[t].push_back(answer(engine, kQueries[(t * 7 + k) % kQueries.size()]));
        });
    for (std::thread& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t)
        for (int k = 0; k < kPerThread; ++k) {
            const size_t q = (t * 7 + k) % kQueries.size();
            INFO("thread " << t << ", query " << kQueries[q]);
            CHECK(got[t][k] == serial[q]);
        }
}

TEST_CASE(
    "8 threads x 500 queries on one engine while syncs commit: each answer is the serial one of "
    "a revision, never a mix",
    "[engine][concurrency]") {
    Workspace ws;
    // The serial answers on each of the two states the syncs switch between.
    REQUIRE(ws.index(kSeedOnly));
    const rapportsok::SearchEngine engine(rapportsok::EngineOptions{{ws.db()}});
    std::vector<std::string> seed_only, both;
    for (const std::string& q : kQueries) seed_only.push_back(answer(engine, q));
    REQUIRE(ws.index(kBoth));
    for (const std::string& q : kQueries) both.push_back(answer(engine, q));
    size_t differ = 0;
    for (size_t q = 0; q < kQueries.size(); ++q) differ += seed_only[q] != both[q];
    REQUIRE(differ >= kQueries.size() / 2);  // the two states tell most answers apart

    constexpr int kThreads = 8, kPerThread = 500;
    constexpr long kMinSyncs = 4;
    std::atomic<long> syncs{0}, failed_syncs{0};
    std::atomic<int> searching{kThreads};
    std::thread indexer([&] {
        // Commits, state after state, until every search thread is done (and a few at least).
        for (bool with_extra = false; searching.load() > 0 || syncs.load() < kMinSyncs;
             with_extra = !with_extra) {
            if (!ws.index(with_extra ? kBoth : kSeedOnly)) ++failed_syncs;
            ++syncs;
        }
    });
    struct Mismatch {
        std::string query, got;
    };
    std::vector<std::vector<Mismatch>> wrong(kThreads);
    std::vector<std::map<int, long>> seen(kThreads);  // 0: seed only, 1: both
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            // At least kPerThread queries, and on until the syncs have switched states a few
            // times: a loaded machine may run the searches faster than the indexer.
            for (int k = 0; k < kPerThread || syncs.load() < kMinSyncs; ++k) {
                const size_t q = (t * 11 + k) % kQueries.size();
                const std::string a = answer(engine, kQueries[q]);
                if (seed_only[q] != both[q]) {
                    if (a == seed_only[q])
                        ++seen[t][0];
                    else if (a == both[q])
                        ++seen[t][1];
                }
                if (a != seed_only[q] && a != both[q]) wrong[t].push_back({kQueries[q], a});
            }
            --searching;
        });
    for (std::thread& th : threads) th.join();
    indexer.join();
    CHECK(syncs.load() >= kMinSyncs);
    CHECK(failed_syncs.load() == 0);
    long on_seed_only = 0, on_both = 0;
    for (int t = 0; t < kThreads; ++t) {
        on_seed_only += seen[t][0];
        on_both += seen[t][1];
        for (const Mismatch& m : wrong[t]) {
            INFO("query " << m.query << " answered " << m.got);
            CHECK(false);
        }
    }
    // Both states were searched while the syncs went on.
    CHECK(on_seed_only > 0);
    CHECK(on_both > 0);
}

TEST_CASE("a search after the indexer commits sees the new revision, with no new engine",
          "[engine]") {
    Workspace ws;
    REQUIRE(ws.index(kSeedOnly));
    const rapportsok::SearchEngine engine(rapportsok::EngineOptions{{ws.db()}});
    CHECK(engine.revision().empty());  // no search yet
    CHECK(total(engine, "zebrafinkarna") == 0);
    const std::string before = engine.revision();
    CHECK_FALSE(before.empty());
    REQUIRE(ws.index(kBoth));
    CHECK(total(engine, "zebrafinkarna") == 1);
    CHECK(engine.revision() != before);
    REQUIRE(ws.index(kSeedOnly));
    CHECK(total(engine, "zebrafinkarna") == 0);
}

TEST_CASE(
    "a passage edited in place (its document kept) is shown with its new text and snippet at the "
    "next search, the same query asked again",
    "[engine]") {
    // A worker keeps a query's plan, its hits' passages (by docid) and their snippets for as
    // long as the revision lasts; an edit between unchanged neighbours keeps the passage's id
    // and document, so only the new revision tells the old text from the new.
    Workspace ws;
    REQUIRE(ws.index(kBoth));
    const rapportsok::SearchEngine engine(rapportsok::EngineOptions{{ws.db()}});
    rapportsok::SearchRequest request;
    request.query = "zebrafinkarna";
    const rapportsok::SearchResult first = engine.search(request);
    REQUIRE(first.hits.size() == 1);
    CHECK(answer(engine, "zebrafinkarna") == answer(engine, "zebrafinkarna"));  // kept, the same
    const std::string old_text = first.hits[0].passage.text;
    REQUIRE(old_text.find("sjöng varje morgon") != std::string::npos);
    std::string report = kExtraReport;
    const std::string old_words = "sjöng varje morgon";
    report.replace(report.find(old_words), old_words.size(), "tystnade varje kväll");
    ws.dir.write("corpus/extra.txt", report);
    REQUIRE(ws.index(kBoth));
    const rapportsok::SearchResult second = engine.search(request);
    REQUIRE(second.hits.size() == 1);
    CHECK(second.hits[0].passage.id == first.hits[0].passage.id);
    CHECK(second.revision != first.revision);
    CHECK(second.hits[0].passage.text.find("tystnade varje kväll") != std::string::npos);
    CHECK(second.hits[0].snippet.text.find("tystnade varje kväll") != std::string::npos);
    CHECK(second.hits[0].passage.text.find("sjöng") == std::string::npos);
}

TEST_CASE("an engine follows indexer --rebuild: the stub file and each one put over it",
          "[engine]") {
    Workspace ws;
    REQUIRE(ws.index(kSeedOnly));
    const rapportsok::SearchEngine engine(rapportsok::EngineOptions{{ws.db()}});
    CHECK(total(engine, "zebrafinkarna") == 0);
    REQUIRE(ws.index(kBoth, true));  // the folder becomes a stub file naming a new database
    CHECK(total(engine, "zebrafinkarna") == 1);
    REQUIRE(ws.index(kSeedOnly, true));  // a new stub file renamed over that one
    CHECK(total(engine, "zebrafinkarna") == 0);
}

TEST_CASE("an engine refuses a missing database at once, naming it", "[engine]") {
    testing::TempDir dir;
    try {
        rapportsok::SearchEngine engine(rapportsok::EngineOptions{{dir.file("none")}});
        FAIL("no error");
    } catch (const rapportsok::UsageError& e) {
        CHECK_THAT(e.what(), Catch::Contains("no database at " + dir.file("none")));
    }
}
