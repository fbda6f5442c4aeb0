// Shards: several databases, local and behind xapian-tcpsrv, searched as one and answering
// exactly as one database of the same passages; partial results when a shard is down, hung or
// back; stub files read as Xapian reads them; spelling computed on the client.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/sharded.h"
#include "indexer/write.h"
#include "searcher/engine.h"
#include "searcher/parse.h"
#include "searcher/print_json.h"
#include "searcher/shards.h"
#include "searcher/spelling.h"
#include "searcher/worker.h"
#include "tests/support.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::TempDir;

// ---- A corpus of four reports: the seed report in three parts (by chapter) and a copy of its
// first part under another name, whose passages score exactly as the first part's do (ties).

struct Corpus {
    TempDir dir;
    std::vector<std::string> files;  // relative to dir, as indexed
    Corpus() {
        std::vector<std::string> lines;
        std::istringstream in(testing::read_file(testing::seed_report_path()));
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        auto part = [&](size_t from, size_t to) {  // 1-based, inclusive
            std::string out;
            for (size_t i = from; i <= to && i <= lines.size(); ++i) out += lines[i - 1] + "\n";
            return out;
        };
        const std::string a = part(1, 164), b = part(165, 714), c = part(715, lines.size());
        dir.write("corpus/a-allmant.txt", a);
        dir.write("corpus/b-medborgerliga.txt", b);
        dir.write("corpus/c-grupper.txt", c);
        dir.write("corpus/d-kopia.txt", a);
        files = {"corpus/a-allmant.txt", "corpus/b-medborgerliga.txt", "corpus/c-grupper.txt",
                 "corpus/d-kopia.txt"};
    }
};

const Corpus& corpus() {
    static const Corpus c;
    return c;
}

// One database of every report.
const std::string& whole_db() {
    static const std::string path = [] {
        const Corpus& c = corpus();
        std::vector<std::string> argv = {testing::indexer_bin(), "--quiet", "--db",
                                         c.dir.file("whole")};
        argv.insert(argv.end(), c.files.begin(), c.files.end());
        const testing::Run r = testing::run(argv, c.dir.path());
        if (r.status != 0) throw std::runtime_error("indexing failed: " + r.err);
        return c.dir.file("whole");
    }();
    return path;
}

// Shard databases made from one database: each document copied as it is (terms, positions,
// values, data) to the shard of its file, with its file's record, and each shard's summaries
// written as the indexer writes them. The same passages, split.
std::vector<std::string> split(const std::string& from, const std::string& into, int n,
                               const std::function<int(const std::string&)>& shard_of) {
    Xapian::Database all(from);
    std::vector<std::string> paths;
    std::vector<Xapian::WritableDatabase> shards;
    for (int k = 0; k < n; ++k) {
        paths.push_back(into + "/shard" + std::to_string(k));
        shards.emplace_back(paths.back(), Xapian::DB_CREATE_OR_OVERWRITE);
        for (const char* key : {rapportsok::meta::kAnalysis, rapportsok::meta::kSchema})
            shards.back().set_metadata(key, all.get_metadata(key));
    }
    for (auto it = all.postlist_begin(""); it != all.postlist_end(""); ++it) {
        const Xapian::Document doc = all.get_document(*it);
        shards[shard_of(doc.get_value(rapportsok::slot::kFile))].add_document(doc);
    }
    const std::string pfx = rapportsok::meta::kFilePrefix;
    for (auto k = all.metadata_keys_begin(pfx); k != all.metadata_keys_end(pfx); ++k)
        shards[shard_of((*k).substr(pfx.size()))].set_metadata(*k, all.get_metadata(*k));
    rapportsok::Analyzer analyzer;
    for (auto& s : shards) {
        rapportsok::IndexWriter(s, analyzer).update_summaries();
        s.commit();
    }
    return paths;
}

// The four reports in four shards, one each, made once.
const std::vector<std::string>& four_shards() {
    static const std::vector<std::string> paths = [] {
        const std::string into = corpus().dir.file("four");
        fs::create_directories(into);
        const std::vector<std::string>& files = corpus().files;
        return split(whole_db(), into, 4, [&](const std::string& f) {
            return static_cast<int>(std::find(files.begin(), files.end(), f) - files.begin());
        });
    }();
    return paths;
}

// ---- xapian-tcpsrv, started on 127.0.0.1 and a free port, in a process group of its own (it
// forks a process per connection: a signal to the group reaches them all).

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("no free port");
    ::close(fd);
    return ntohs(a.sin_port);
}

// A program's path, found as a shell finds it.
std::string on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0)
            return dir + "/" + program;
    throw std::runtime_error(program + " is not installed (Debian: xapian-tools)");
}

class ShardServer {
  public:
    // port 0: a free one. script: started as an operator starts it (scripts/shards serve).
    explicit ShardServer(std::string db, int port = 0, std::vector<std::string> options = {},
                         bool script = false)
        : db_(std::move(db)), options_(std::move(options)), script_(script) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            port_ = port ? port : free_port();
            if (start()) return;
            if (port) break;
        }
        throw std::runtime_error("xapian-tcpsrv did not start: " + testing::read_file(out_));
    }
    ~ShardServer() {
        kill();
        ::unlink(out_.c_str());
    }
    ShardServer(const ShardServer&) = delete;
    ShardServer& operator=(const ShardServer&) = delete;

    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    // The server and every connection it serves.
    void kill() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGCONT);
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    void stop() const { ::kill(-pid_, SIGSTOP); }
    void resume() const { ::kill(-pid_, SIGCONT); }
    // The connections it accepted ("Connection from" lines of its output).
    int connections() const {
        const std::string out = testing::read_file(out_);
        int n = 0;
        for (size_t at = out.find("Connection from"); at != std::string::npos;
             at = out.find("Connection from", at + 1))
            ++n;
        return n;
    }

  private:
    bool start() {
        char path[] = "/tmp/rapportsok-tcpsrv-XXXXXX";
        const int fd = ::mkstemp(path);
        if (fd < 0) throw std::runtime_error("mkstemp failed");
        if (!out_.empty()) ::unlink(out_.c_str());
        out_ = path;
        std::vector<std::string> argv = {on_path("xapian-tcpsrv"), "--interface", "127.0.0.1",
                                         "--port", std::to_string(port_)};
        if (script_)
            argv = {testing::source_dir() + "/scripts/shards", "serve", "--listen",
                    "127.0.0.1:" + std::to_string(port_)};
        argv.insert(argv.end(), options_.begin(), options_.end());
        argv.push_back(db_);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            testing::exec_child(argv, "", {});
        }
        ::setpgid(pid_, pid_);
        ::close(fd);
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < end) {
            if (testing::read_file(out_).find("Listening") != std::string::npos) return true;
            int status;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // the port was taken meanwhile
                pid_ = -1;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        kill();
        return false;
    }

    std::string db_;
    std::vector<std::string> options_;
    bool script_ = false;
    int port_ = 0;
    pid_t pid_ = -1;
    std::string out_;
};

std::string write_stub(const TempDir& dir, const std::string& name,
                       const std::vector<std::string>& lines) {
    std::string text = "# shards of the test\n";
    for (const std::string& l : lines) text += l + "\n";
    return dir.write(name, text);
}

// ---- Answers compared exactly

// Queries of every kind: words, phrases, operators, filters, wildcards, typos, English,
// acronyms, words without accents, compounds, words no report has.
const std::vector<std::string> kQueries = {
    "tortyr",
    "fängelse",
    "\"Högsta domstolen\"",
    "domstol*",
    "avsnitt:3",
    "kapitel:2 pressfrihet",
    "Nasarbajev",
    "demokratisring",
    "prison",
    "FN",
    "hogsta domstolen",
    "budget",
    "tortyr AND fängelse",
    "religiösa samfund registrering",
    "okändaordet",
    "sida:4 domstol",
    "tortyr -fängelse",
    "mänskliga rättigheter",
    "fil:kopia rättigheter",
    "kvinnor NEAR våld",
};

rapportsok::SearchRequest request_for(const std::string& query, int variant) {
    rapportsok::SearchRequest r;
    r.query = query;
    switch (variant) {
        case 1:  // a page further on
            r.offset = 5;
            r.limit = 7;
            break;
        case 2:
            r.by_position = true;
            break;
        case 3:  // -l
            r.one_per_file = true;
            r.exact_total = true;
            r.limit = 100;
            break;
        case 4:
            r.context = 1;
            break;
        default:
            break;
    }
    return r;
}

// Scores to 12 significant digits: a shard's weights are summed in another order than one
// database's, which may differ in the last bit (3.7535185978546943 against ...695).
void round_scores(json& j) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (it.key() == "score" && it->is_number_float()) {
                std::ostringstream s;
                s.precision(12);
                s << it->get<double>();
                *it = s.str();
            } else {
                round_scores(*it);
            }
        }
    } else if (j.is_array()) {
        for (json& e : j) round_scores(e);
    }
}

// The JSON a program would see, without what only a search over shards says ("shards"), its
// scores rounded (round_scores).
json answer(const rapportsok::SearchEngine& engine, const rapportsok::SearchRequest& request,
            json* shards = nullptr) {
    try {
        std::ostringstream out;
        rapportsok::print_json(engine.search(request), out);
        json j = json::parse(out.str());
        if (shards) *shards = j.contains("shards") ? j["shards"] : json();
        j.erase("shards");
        round_scores(j);
        return j;
    } catch (const rapportsok::UsageError& e) {
        return json(std::string("refused: ") + e.what());
    }
}

// Where two texts first differ, with a few lines of each from there (for a failure message).
std::string first_difference(const std::string& a, const std::string& b) {
    std::istringstream ia(a), ib(b);
    std::vector<std::string> la, lb;
    for (std::string l; std::getline(ia, l);) la.push_back(l);
    for (std::string l; std::getline(ib, l);) lb.push_back(l);
    size_t i = 0;
    while (i < la.size() && i < lb.size() && la[i] == lb[i]) ++i;
    std::string out = "from line " + std::to_string(i + 1) + ":\n";
    for (size_t k = i; k < i + 6 && k < la.size(); ++k) out += "  one: " + la[k] + "\n";
    for (size_t k = i; k < i + 6 && k < lb.size(); ++k) out += "  shards: " + lb[k] + "\n";
    return out;
}

void require_same_answers(const rapportsok::SearchEngine& one,
                          const rapportsok::SearchEngine& sharded, int expect_total) {
    for (int variant = 0; variant < 5; ++variant)
        for (const std::string& q : kQueries) {
            INFO("query " << q << ", variant " << variant);
            json shards;
            const auto request = request_for(q, variant);
            const json a = answer(one, request), b = answer(sharded, request, &shards);
            INFO(first_difference(a.dump(2), b.dump(2)));
            REQUIRE(a.dump(2) == b.dump(2));
            if (a.is_object()) {
                REQUIRE(shards["total"] == expect_total);
                REQUIRE(shards["ok"] == expect_total);
                REQUIRE(shards["failed"].empty());
            }
        }
}

rapportsok::EngineOptions options_of(std::vector<std::string> dbs, double timeout = 2.0) {
    rapportsok::EngineOptions o;
    o.databases = std::move(dbs);
    o.shard_timeout = timeout;
    return o;
}

}  // namespace

TEST_CASE("four local shards answer exactly as one database of the same passages",
          "[shards][e2e]") {
    const rapportsok::SearchEngine one(options_of({whole_db()}));
    const rapportsok::SearchEngine sharded(options_of(four_shards()));
    require_same_answers(one, sharded, 4);
    // The copy's passages tie with the first part's: ties come in report order, in both.
    rapportsok::SearchRequest r;
    r.query = "Sammanfattning av läget";
    r.limit = 4;
    const rapportsok::SearchResult hits = sharded.search(r);
    REQUIRE(hits.hits.size() == 4);
    CHECK(hits.hits[0].score == hits.hits[1].score);
    CHECK(hits.hits[0].passage.file == "corpus/a-allmant.txt");
    CHECK(hits.hits[1].passage.file == "corpus/d-kopia.txt");
}

TEST_CASE("local and remote shards (xapian-tcpsrv) answer exactly as one database",
          "[shards][remote][e2e]") {
    const auto& shards = four_shards();
    ShardServer b(shards[1]), d(shards[3]);
    TempDir dir;
    // A stub as an operator writes it: local shards by path, remote ones by address.
    const std::string stub = write_stub(dir, "all.stub",
                                        {"auto " + shards[0], "remote " + b.address(),
                                         "auto " + shards[2], "remote " + d.address()});
    const rapportsok::SearchEngine one(options_of({whole_db()}));
    const rapportsok::SearchEngine sharded(options_of({stub}));
    require_same_answers(one, sharded, 4);
}

TEST_CASE("searcher --db takes a stub with remote lines, and --db again", "[shards][remote][e2e]") {
    const auto& shards = four_shards();
    ShardServer c(shards[2]);
    TempDir dir;
    const std::string stub =
        write_stub(dir, "cd.stub", {"remote " + c.address(), "auto " + shards[3]});
    const testing::Run one = testing::run(
        {testing::searcher_bin(), "--json", "--db", whole_db(), "tortyr", "kapitel:1"});
    const testing::Run sharded =
        testing::run({testing::searcher_bin(), "--json", "--db", shards[0], "--db", shards[1],
                      "--db", stub, "tortyr", "kapitel:1"});
    REQUIRE(one.status == 0);
    REQUIRE(sharded.status == 0);
    json a = json::parse(one.out), s = json::parse(sharded.out);
    CHECK(s["shards"] == json({{"total", 4}, {"ok", 4}, {"failed", json::array()}}));
    s.erase("shards");
    CHECK(a == s);
    CHECK_FALSE(a.contains("shards"));  // one database: as before shards
    // Text output too.
    const testing::Run text =
        testing::run({testing::searcher_bin(), "--color=never", "--db", shards[0], "--db", stub,
                      "--db", shards[1], "Nasarbajev"});
    CHECK(text.status == 0);
    CHECK(text.out.find("Nazarbajev") != std::string::npos);
}

TEST_CASE("a remote search plans a query exactly as a local one (expansions, spelling)",
          "[shards][remote][plan]") {
    const auto& shards = four_shards();
    std::vector<std::unique_ptr<ShardServer>> servers;
    std::vector<std::string> lines;
    for (const std::string& s : shards) {
        servers.push_back(std::make_unique<ShardServer>(s));
        lines.push_back("remote " + servers.back()->address());
    }
    TempDir dir;
    const std::string stub = write_stub(dir, "remote.stub", lines);
    rapportsok::EngineCore local(options_of({whole_db()})), remote(options_of({stub}));
    auto lease_local = local.lease(), lease_remote = remote.lease();
    rapportsok::Worker &lw = *lease_local, &rw = *lease_remote;
    lw.begin_search();
    rw.begin_search();
    REQUIRE(rw.has_remote());
    REQUIRE(rw.shard_report().ok == 4);
    for (const std::string& q : kQueries) {
        INFO(q);
        rapportsok::QueryPlan a, b;
        std::string refused_a, refused_b;
        try {
            a = rapportsok::plan_query(lw, q, rapportsok::RankingWeights());
        } catch (const rapportsok::UsageError& e) {
            refused_a = e.what();
        }
        try {
            b = rapportsok::plan_query(rw, q, rapportsok::RankingWeights());
        } catch (const rapportsok::UsageError& e) {
            refused_b = e.what();
        }
        REQUIRE(refused_a == refused_b);
        CHECK(a.query.get_description() == b.query.get_description());
        CHECK(a.filter.get_description() == b.filter.get_description());
        CHECK(a.notes == b.notes);
        CHECK(a.unknown_words == b.unknown_words);
        CHECK(a.highlight.exact == b.highlight.exact);
        CHECK(a.highlight.stems == b.highlight.stems);
        CHECK(a.highlight.prefixes == b.highlight.prefixes);
        CHECK(a.highlight.infixes == b.highlight.infixes);
        REQUIRE(a.expansions.size() == b.expansions.size());
        for (size_t i = 0; i < a.expansions.size(); ++i) {
            CHECK(a.expansions[i].word == b.expansions[i].word);
            CHECK(a.expansions[i].kind == b.expansions[i].kind);
            CHECK(a.expansions[i].alternatives == b.expansions[i].alternatives);
        }
        for (const std::string& u : a.unknown_words)
            CHECK(lw.spelling_suggestion(u, 2) == rw.spelling_suggestion(u, 2));
    }
    // What Xapian's remote backend answers itself: no spelling, the first shard's metadata.
    Xapian::Database over_tcp(stub);
    CHECK(over_tcp.get_spelling_suggestion("nasarbajev", 2).empty());
    CHECK(rw.spelling_suggestion("nasarbajev", 2) == "nazarbajev");
    CHECK(rw.synonyms().size() == lw.synonyms().size());
    CHECK(rw.chapter_order() == lw.chapter_order());
    CHECK(rw.chapter_order().size() > 1);  // from every shard, not the first one's only
}

TEST_CASE("a killed shard server: the others answer, the answer says so; --strict exits 2",
          "[shards][remote][failure]") {
    const auto& shards = four_shards();
    auto server = std::make_unique<ShardServer>(shards[1]);
    const std::string address = server->address();
    TempDir dir;
    const std::string stub = write_stub(
        dir, "all.stub",
        {"auto " + shards[0], "remote " + address, "auto " + shards[2], "auto " + shards[3]});
    const rapportsok::SearchEngine engine(options_of({stub}));
    rapportsok::SearchRequest r;
    r.query = "tortyr";
    REQUIRE(engine.search(r).shards.ok == 4);
    server->kill();  // mid-test: the engine's connection breaks

    const rapportsok::SearchResult partial = engine.search(r);
    CHECK(partial.shards.total == 4);
    CHECK(partial.shards.ok == 3);
    REQUIRE(partial.shards.failed.size() == 1);
    CHECK(partial.shards.failed[0].shard == address);
    CHECK(partial.total > 0);
    // The shards that answered, as one database of them answers.
    const std::vector<std::string> rest = {shards[0], shards[2], shards[3]};
    const rapportsok::SearchEngine three(options_of(rest));
    rapportsok::SearchResult expected = three.search(r);
    REQUIRE(partial.hits.size() == expected.hits.size());
    for (size_t i = 0; i < partial.hits.size(); ++i) {
        CHECK(partial.hits[i].passage.id == expected.hits[i].passage.id);
        CHECK(partial.hits[i].score == expected.hits[i].score);
    }
    CHECK(partial.total == expected.total);

    // The command line: a note in text, "shards" in JSON, exit 0; --strict: exit 2.
    const testing::Run text =
        testing::run({testing::searcher_bin(), "--color=never", "--db", stub, "tortyr"});
    CHECK(text.status == 0);
    CHECK(text.out.find("3 of 4 shards answered") != std::string::npos);
    CHECK(text.out.find(address) != std::string::npos);
    const testing::Run js =
        testing::run({testing::searcher_bin(), "--json", "--db", stub, "tortyr"});
    REQUIRE(js.status == 0);
    const json j = json::parse(js.out);
    CHECK(j["shards"]["total"] == 4);
    CHECK(j["shards"]["ok"] == 3);
    REQUIRE(j["shards"]["failed"].size() == 1);
    CHECK(j["shards"]["failed"][0]["shard"] == address);
    CHECK(j["shards"]["failed"][0]["error"].get<std::string>().find("onnect") != std::string::npos);
    CHECK(js.err.find("3 of 4 shards answered") != std::string::npos);
    const testing::Run strict =
        testing::run({testing::searcher_bin(), "--strict", "--db", stub, "tortyr"});
    CHECK(strict.status == 2);
    CHECK(strict.out.empty());
    CHECK(strict.err.find("--strict") != std::string::npos);
    CHECK(strict.err.find(address) != std::string::npos);
}

TEST_CASE("no shard answering is an error naming each", "[shards][remote][failure]") {
    TempDir dir;
    const int p1 = free_port(), p2 = free_port();
    const std::string stub = write_stub(
        dir, "down.stub",
        {"remote 127.0.0.1:" + std::to_string(p1), "remote 127.0.0.1:" + std::to_string(p2)});
    const testing::Run r = testing::run({testing::searcher_bin(), "--db", stub, "tortyr"});
    CHECK(r.status == 2);
    CHECK(r.err.find("no shard could be searched") != std::string::npos);
    CHECK(r.err.find("127.0.0.1:" + std::to_string(p1)) != std::string::npos);
    CHECK(r.err.find("127.0.0.1:" + std::to_string(p2)) != std::string::npos);
}

TEST_CASE("a hung shard server (SIGSTOP) is left out within the shard timeout",
          "[shards][remote][failure][timeout]") {
    const auto& shards = four_shards();
    ShardServer server(shards[2]);
    TempDir dir;
    const std::string stub = write_stub(
        dir, "all.stub", {"auto " + shards[0], "auto " + shards[1], "remote " + server.address()});
    constexpr double kTimeout = 0.5, kMargin = 2.0;
    const rapportsok::SearchEngine engine(options_of({stub}, kTimeout));
    rapportsok::SearchRequest r;
    r.query = "rättigheter";
    REQUIRE(engine.search(r).shards.ok == 3);
    server.stop();  // the server and the process serving the engine's connection
    auto t0 = std::chrono::steady_clock::now();
    const rapportsok::SearchResult partial = engine.search(r);
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(took < kTimeout + kMargin);
    CHECK(partial.shards.ok == 2);
    REQUIRE(partial.shards.failed.size() == 1);
    CHECK(partial.shards.failed[0].error.find("no answer within 0.5 s") != std::string::npos);
    CHECK(partial.total > 0);

    // A new process: the kernel accepts its connection for the stopped server, which never
    // greets it.
    t0 = std::chrono::steady_clock::now();
    const testing::Run cli = testing::run(
        {testing::searcher_bin(), "--json", "--shard-timeout", "0.5", "--db", stub, "rättigheter"});
    took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(took < kTimeout + kMargin);
    REQUIRE(cli.status == 0);
    CHECK(json::parse(cli.out)["shards"]["ok"] == 2);

    // Resumed: used again by the same engine.
    server.resume();
    CHECK(engine.search(r).shards.ok == 3);
}

TEST_CASE("a restarted shard server is used again by the same engine, without a restart",
          "[shards][remote][failure]") {
    const auto& shards = four_shards();
    auto server = std::make_unique<ShardServer>(shards[0]);
    const int port = server->port();
    TempDir dir;
    const std::string stub =
        write_stub(dir, "all.stub", {"remote " + server->address(), "auto " + shards[1]});
    const rapportsok::SearchEngine engine(options_of({stub}));
    rapportsok::SearchRequest r;
    r.query = "tortyr";
    const rapportsok::SearchResult before = engine.search(r);
    REQUIRE(before.shards.ok == 2);
    server->kill();
    CHECK(engine.search(r).shards.ok == 1);
    CHECK(engine.search(r).shards.ok == 1);  // tried again, still down
    server = std::make_unique<ShardServer>(shards[0], port);
    const rapportsok::SearchResult after = engine.search(r);
    CHECK(after.shards.ok == 2);
    CHECK(after.shards.failed.empty());
    CHECK(after.total == before.total);
    REQUIRE(after.hits.size() == before.hits.size());
    for (size_t i = 0; i < after.hits.size(); ++i)
        CHECK(after.hits[i].passage.id == before.hits[i].passage.id);
}

TEST_CASE("idle connections are kept with keep_alive() past the server's idle timeout",
          "[shards][remote][keepalive]") {
    const auto& shards = four_shards();
    // The server closes a connection idle for 1 s.
    ShardServer server(shards[0], 0, {"--idle-timeout", "1000"});
    TempDir dir;
    const std::string stub = write_stub(dir, "all.stub", {"remote " + server.address()});
    rapportsok::SearchRequest r;
    r.query = "tortyr";
    {
        rapportsok::EngineOptions o = options_of({stub});
        o.keep_alive = 0.4;  // pinged when idle for 0.2 s
        const rapportsok::SearchEngine engine(o);
        REQUIRE(engine.search(r).shards.ok == 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        CHECK(engine.search(r).shards.ok == 1);
        CHECK(server.connections() == 1);  // the same connection all along
    }
    {
        rapportsok::EngineOptions o = options_of({stub});
        o.keep_alive = 0;
        const rapportsok::SearchEngine engine(o);
        REQUIRE(engine.search(r).shards.ok == 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        // Closed by the server meanwhile: opened anew, and the search is whole.
        CHECK(engine.search(r).shards.ok == 1);
        CHECK(server.connections() == 3);
    }
}

TEST_CASE("a replaced stub file is read again: other shards, without a restart", "[shards][e2e]") {
    const auto& shards = four_shards();
    TempDir dir;
    const std::string stub = write_stub(dir, "all.stub", {"auto " + shards[0]});
    const rapportsok::SearchEngine engine(options_of({stub}));
    rapportsok::SearchRequest r;
    r.query = "rättigheter";
    const long first = engine.search(r).total;
    write_stub(dir, "next.stub", {"auto " + shards[0], "auto " + shards[2]});
    fs::rename(dir.file("next.stub"), stub);
    const rapportsok::SearchResult both = engine.search(r);
    CHECK(both.shards.total == 2);
    CHECK(both.total > first);
}

TEST_CASE(
    "a stub file replaced between the engine's start and its first search: the new shards are "
    "searched (regression: 'cannot search db.d/2: ' with no reason, under --rebuild)",
    "[shards][e2e]") {
    const auto& shards = four_shards();
    TempDir dir;
    const std::string stub = write_stub(dir, "all.stub", {"auto " + shards[0]});
    const rapportsok::SearchEngine engine(options_of({stub}));  // opens the shards it lists
    write_stub(dir, "next.stub", {"auto " + shards[2]});
    fs::rename(dir.file("next.stub"), stub);
    rapportsok::SearchRequest r;
    r.query = "rättigheter";
    const rapportsok::SearchEngine fresh(options_of({shards[2]}));
    CHECK(answer(engine, r) == answer(fresh, r));
    write_stub(dir, "next.stub", {"auto " + shards[0], "auto " + shards[2]});
    fs::rename(dir.file("next.stub"), stub);
    const rapportsok::SearchEngine other(options_of({stub}));
    write_stub(dir, "next.stub", {"auto " + shards[1], "auto " + shards[3]});
    fs::rename(dir.file("next.stub"), stub);
    const rapportsok::SearchResult two = other.search(r);
    CHECK(two.shards.total == 2);
    CHECK(two.shards.ok == 2);
}

// ---- Units

TEST_CASE("stub files are read as Xapian reads them", "[shards][unit]") {
    TempDir dir;
    dir.write("db1/iamglass", "");
    dir.write("sharded/XAPIANDB", "auto s0\nauto /abs/s1\n");
    const std::string stub =
        dir.write("list.stub",
                  "# comment\n\nauto db1\nglass sharded\nremote 10.0.0.1:5000\nremote [::1]:6000\n"
                  "remote :xapian-progsrv /srv/db\n");
    const rapportsok::ShardList l = rapportsok::resolve_shards({stub});
    REQUIRE(l.shards.size() == 6);
    CHECK(l.shards[0].path == dir.file("db1"));
    CHECK(l.shards[1].path == dir.file("sharded/s0"));  // relative to the stub it is in
    CHECK(l.shards[2].path == "/abs/s1");
    CHECK(l.shards[3].host == "10.0.0.1");
    CHECK(l.shards[3].port == 5000);
    CHECK(l.shards[3].name == "10.0.0.1:5000");
    CHECK(l.shards[4].host == "::1");
    CHECK(l.shards[4].port == 6000);
    CHECK(l.shards[5].program == "xapian-progsrv");
    CHECK(l.shards[5].args == "/srv/db");
    CHECK(l.stubs == std::vector<std::string>{stub, dir.file("sharded/XAPIANDB")});
    // A database folder is one shard, however it is given.
    CHECK(rapportsok::resolve_shards({dir.file("db1")}).shards.size() == 1);
}

TEST_CASE("a stub file that cannot be read is an error with its line", "[shards][unit]") {
    TempDir dir;
    // {stub, the message, what the line holds (never shown: a stub may be any file)}
    const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
        {"auto db\nflint olddatabase\n", "bad.stub:2:", "olddatabase"},
        {"remote nohost\n", "bad.stub:1: a remote shard is written remote HOST:PORT", "nohost"},
        {"remote h:99999\n", "bad.stub:1: a remote shard is written remote HOST:PORT", "99999"},
        {"secret=hunter2\n", "bad.stub:1:", "hunter2"},
    };
    for (const auto& [text, message, content] : cases) {
        INFO(text);
        const std::string stub = dir.write("bad.stub", text);
        try {
            rapportsok::resolve_shards({stub});
            FAIL("no error");
        } catch (const rapportsok::UsageError& e) {
            CHECK(std::string(e.what()).find(message) != std::string::npos);
            CHECK(std::string(e.what()).find(content) == std::string::npos);
        }
    }
    dir.write("loop/XAPIANDB", "auto ../loop\n");
    CHECK_THROWS_WITH(rapportsok::resolve_shards({dir.file("loop")}),
                      Catch::Contains("deep: a loop?"));
    CHECK_THROWS_WITH(rapportsok::resolve_shards({dir.file("nothing")}),
                      Catch::Contains("no database at"));
}

TEST_CASE("a shard a stub lists that is missing is left out, the others searched",
          "[shards][failure]") {
    const auto& shards = four_shards();
    TempDir dir;
    const std::string stub =
        write_stub(dir, "all.stub", {"auto " + shards[0], "auto " + dir.file("gone")});
    const rapportsok::SearchEngine engine(options_of({stub}));
    rapportsok::SearchRequest r;
    r.query = "tortyr";
    const rapportsok::SearchResult res = engine.search(r);
    CHECK(res.shards.ok == 1);
    REQUIRE(res.shards.failed.size() == 1);
    CHECK(res.shards.failed[0].shard == dir.file("gone"));
    CHECK(res.shards.failed[0].error.find("no database at") != std::string::npos);
}

TEST_CASE("edit distance counts insertions, deletions, substitutions and transpositions",
          "[shards][spelling][unit]") {
    const std::vector<std::tuple<std::u32string, std::u32string, unsigned>> cases = {
        {U"", U"", 0},
        {U"abc", U"abc", 0},
        {U"abc", U"abd", 1},
        {U"abc", U"ab", 1},
        {U"abc", U"abcd", 1},
        {U"abc", U"acb", 1},
        {U"nasarbajev", U"nazarbajev", 1},
        {U"demokratisring", U"demokratisering", 1},
        {U"kitten", U"sitting", 3},
        {U"räddning", U"raddning", 1},
        {U"ca", U"abc", 3},
    };
    for (const auto& [a, b, d] : cases) {
        INFO(std::string(a.begin(), a.end()) << " / " << std::string(b.begin(), b.end()));
        CHECK(rapportsok::edit_distance(a.data(), a.size(), b.data(), b.size(), 10) == d);
        CHECK(rapportsok::edit_distance(b.data(), b.size(), a.data(), a.size(), 10) == d);
        if (d > 0)
            CHECK(rapportsok::edit_distance(a.data(), a.size(), b.data(), b.size(), d - 1) > d - 1);
    }
}

TEST_CASE("the code points one word has and another lacks never count more than their edits",
          "[shards][spelling][unit]") {
    // Vocabulary::nearest skips a word when letter_mask says the distance is past the bound: a
    // word it skipped must be one edit_distance also puts past it. Letters whose bits collide
    // (a and !, e and å: 64 apart) and repeated letters included.
    const std::u32string alphabet = U"ae!åäöbc";
    std::mt19937 random(14);
    for (int n = 0; n < 20000; ++n) {
        std::u32string a, b;
        for (size_t k = random() % 7; k > 0; --k) a += alphabet[random() % alphabet.size()];
        b = a;
        for (int e = static_cast<int>(random() % 4); e > 0; --e) {
            const size_t at = b.empty() ? 0 : random() % b.size();
            switch (random() % 3) {
                case 0:
                    b.insert(b.begin() + static_cast<long>(at), alphabet[random() % 8]);
                    break;
                case 1:
                    if (!b.empty()) b.erase(at, 1);
                    break;
                default:
                    if (!b.empty()) b[at] = alphabet[random() % alphabet.size()];
            }
        }
        const uint64_t ma = rapportsok::letter_mask(a.data(), a.size()),
                       mb = rapportsok::letter_mask(b.data(), b.size());
        const unsigned d = rapportsok::edit_distance(a.data(), a.size(), b.data(), b.size(), 10);
        INFO("words of " << a.size() << " and " << b.size() << " code points, distance " << d);
        REQUIRE(static_cast<unsigned>(__builtin_popcountll(ma & ~mb)) <= d);
        REQUIRE(static_cast<unsigned>(__builtin_popcountll(mb & ~ma)) <= d);
    }
    // And it does tell words apart: three letters of one that the other lacks.
    const std::u32string x = U"domstol", y = U"fängelse";
    CHECK(__builtin_popcountll(rapportsok::letter_mask(x.data(), x.size()) &
                               ~rapportsok::letter_mask(y.data(), y.size())) >= 3);
}

TEST_CASE("spelling suggestions: the nearest word, then the most frequent, from every shard",
          "[shards][spelling][unit]") {
    TempDir dir;
    Xapian::WritableDatabase a(dir.file("a"), Xapian::DB_CREATE),
        b(dir.file("b"), Xapian::DB_CREATE);
    auto add = [](Xapian::WritableDatabase& db, const std::vector<std::string>& terms) {
        Xapian::Document d;
        for (const std::string& t : terms) d.add_term(t);
        db.add_document(d);
    };
    add(a, {"hund", "hunden", "Zhund", "XFfil"});
    add(a, {"katt", "kött", "XFfil"});
    add(b, {"katt", "kurt"});
    add(b, {"kott", "bord"});
    add(b, {"kott"});
    a.commit();
    b.commit();
    Xapian::Database both(dir.file("a"));
    both.add_database(Xapian::Database(dir.file("b")));
    const rapportsok::Vocabulary v(both);
    // Unprefixed terms only (hund hunden katt kött kurt kott bord), their passages summed over
    // the shards: katt 2, kott 2, the others 1.
    CHECK(v.size() == 7);
    const std::vector<std::tuple<std::string, unsigned, std::string>> cases = {
        {"hundn", 2, "hund"},  // hund and hunden 1 edit away, as frequent: the first in order
        {"katx", 2, "katt"},   // 1 edit; kott, kurt, kött 2
        {"kutt", 1, "katt"},   // katt, kott (2 passages) and kurt (1) 1 edit away
        {"kurt", 1, ""},       // known, nothing within 1 edit
        {"kurt", 2, "katt"},   // known, but katt and kott, 2 edits away, are more frequent
        {"katt", 2, "kott"},   // as frequent: suggested (Xapian's rule: not when less)
        {"bord", 2, ""},       // nothing within 2 edits
        {"x", 2, ""},          // one letter: nothing
        {"kott", 0, ""},       // no edits allowed
        {"zzzzzz", 2, ""},
    };
    for (const auto& [word, edits, expected] : cases) {
        INFO(word);
        CHECK(v.suggest(word, edits) == expected);
    }
}

// ---- The operator's scripts (scripts/shards)

namespace {

std::string shards_script() { return testing::source_dir() + "/scripts/shards"; }

// A program in the background in a process group of its own, killed with it at the end.
class Daemon {
  public:
    explicit Daemon(const std::vector<std::string>& argv) {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            const int null = ::open("/dev/null", O_RDWR);
            ::dup2(null, 0);
            ::dup2(null, 1);
            testing::exec_child(argv, "", {});
        }
        ::setpgid(pid_, pid_);
    }
    ~Daemon() {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

  private:
    pid_t pid_ = -1;
};

// Waits until something accepts connections on 127.0.0.1:port.
bool accepting(int port) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

long count_of(const rapportsok::SearchEngine& engine, const std::string& query) {
    rapportsok::SearchRequest r;
    r.query = query;
    r.exact_total = true;
    r.limit = 0;
    return engine.search(r).total;
}

}  // namespace

TEST_CASE("scripts/shards serve and stub: a shard server and a stub an operator makes",
          "[shards][remote][scripts]") {
    const auto& shards = four_shards();
    ShardServer served(shards[1], 0, {}, true);
    TempDir dir;
    const std::string stub = dir.file("all.stub");
    const testing::Run made = testing::run(
        {shards_script(), "stub", stub, shards[0], served.address(), shards[2], shards[3]});
    REQUIRE(made.status == 0);
    const std::string text = testing::read_file(stub);
    CHECK_THAT(text, Catch::Contains("auto " + shards[0] + "\n"));
    CHECK_THAT(text, Catch::Contains("remote " + served.address() + "\n"));
    const rapportsok::SearchEngine one(options_of({whole_db()}));
    const rapportsok::SearchEngine sharded(options_of({stub}));
    rapportsok::SearchRequest r;
    r.query = "tortyr fängelse";
    CHECK(answer(one, r) == answer(sharded, r));
    CHECK(sharded.search(r).shards.ok == 4);
    // What is no shard is refused, and the stub is left as it was.
    const testing::Run bad = testing::run({shards_script(), "stub", stub, dir.file("nothing")});
    CHECK(bad.status == 2);
    CHECK_THAT(bad.err, Catch::Contains("neither HOST:PORT nor a database"));
    CHECK(testing::read_file(stub) == text);
    const testing::Run no_port = testing::run({shards_script(), "serve", shards[0]});
    CHECK(no_port.status == 2);
    CHECK_THAT(no_port.err, Catch::Contains("--listen"));
}

TEST_CASE(
    "a replica follows its master (scripts/shards master, follow), searched without a "
    "restart",
    "[shards][replication][scripts]") {
    const Corpus& c = corpus();
    TempDir dir;
    const std::string master = dir.file("master/s0"), replica = dir.file("replica");
    auto index = [&](std::vector<std::string> files) {
        std::vector<std::string> argv = {testing::indexer_bin(), "--quiet", "--db", master};
        argv.insert(argv.end(), files.begin(), files.end());
        // Changesets, which a replica is kept in step by.
        return testing::run(argv, c.dir.path(), {"XAPIAN_MAX_CHANGESETS=10"}).status;
    };
    fs::create_directories(dir.file("master"));
    REQUIRE(index({c.files[0]}) == 0);
    const int port = free_port();
    Daemon server({shards_script(), "master", "--listen", "127.0.0.1:" + std::to_string(port),
                   dir.file("master")});
    REQUIRE(accepting(port));
    auto follow = [&] {
        return testing::run({shards_script(), "follow", "--once",
                             "127.0.0.1:" + std::to_string(port), "s0", replica})
            .status;
    };
    REQUIRE(follow() == 0);
    const rapportsok::SearchEngine of_master(options_of({master}));
    const rapportsok::SearchEngine of_replica(options_of({replica}));
    const long first = count_of(of_master, "rättigheter");
    CHECK(count_of(of_replica, "rättigheter") == first);

    // A sync on the master: its changeset is applied to the replica's copy in place.
    REQUIRE(index({c.files[0], c.files[1]}) == 0);
    const std::string stub_before = testing::read_file(replica + "/XAPIANDB");
    REQUIRE(follow() == 0);
    CHECK(testing::read_file(replica + "/XAPIANDB") == stub_before);
    const long second = count_of(of_master, "rättigheter");
    REQUIRE(second > first);
    CHECK(count_of(of_replica, "rättigheter") == second);

    // A new database on the master: the replica gets a whole new copy, its stub names it, and
    // the searcher opens it afresh (reopen() would go on reading the old, deleted copy).
    fs::remove_all(master);
    REQUIRE(index({c.files[2]}) == 0);
    REQUIRE(follow() == 0);
    CHECK(testing::read_file(replica + "/XAPIANDB") != stub_before);
    const long third = count_of(of_master, "rättigheter");
    REQUIRE(third != second);
    CHECK(count_of(of_replica, "rättigheter") == third);
    rapportsok::SearchRequest r;
    r.query = "rättigheter";
    CHECK(answer(of_master, r) == answer(of_replica, r));
}

// ---- indexer --shards N: a sharded folder the indexer keeps

namespace {

// Each shard's revision, and the shard holding each report (by its file record).
struct ShardState {
    std::vector<std::string> revisions;  // UUID:revision: a database built anew has another UUID
    std::map<std::string, int> holder;
};

ShardState state_of(const std::string& dir, int n) {
    ShardState s;
    const std::string pfx = rapportsok::meta::kFilePrefix;
    for (int k = 0; k < n; ++k) {
        const Xapian::Database db(dir + "/shard" + std::to_string(k));
        s.revisions.push_back(db.get_uuid() + ":" + std::to_string(db.get_revision()));
        for (auto it = db.metadata_keys_begin(pfx); it != db.metadata_keys_end(pfx); ++it) {
            INFO("report " << *it << " in more than one shard");
            REQUIRE(s.holder.emplace((*it).substr(pfx.size()), k).second);
        }
    }
    return s;
}

testing::Run index_into(const TempDir& dir, std::vector<std::string> options,
                        const std::vector<std::string>& files) {
    std::vector<std::string> argv = {testing::indexer_bin()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), files.begin(), files.end());
    return testing::run(argv, dir.path());
}

}  // namespace

TEST_CASE(
    "indexer --shards: a sync that adds and removes reports on a sharded folder answers exactly "
    "as one database synced alike",
    "[shards][indexer][e2e]") {
    const Corpus& c = corpus();
    TempDir dir;
    for (const std::string& f : c.files) dir.write(f, testing::read_file(c.dir.file(f)));
    const std::string one = dir.file("one"), sharded = dir.file("sharded");
    auto sync_both = [&](const std::vector<std::string>& files) {
        const testing::Run a = index_into(dir, {"--quiet", "--db", one}, files);
        REQUIRE(a.status == 0);
        const testing::Run b = index_into(dir, {"--json", "--shards", "3", "--db", sharded}, files);
        INFO(b.err);
        REQUIRE(b.status == 0);
        return json::parse(b.out);
    };
    auto same = [&] {
        const rapportsok::SearchEngine a(options_of({one}));
        const rapportsok::SearchEngine b(options_of({sharded}));
        require_same_answers(a, b, 3);
    };

    const json first = sync_both({c.files[0], c.files[1], c.files[2]});
    CHECK(first["shards"] == 3);
    CHECK(first["files"]["total"] == 3);
    const std::string stub = testing::read_file(sharded + "/XAPIANDB");
    CHECK_THAT(stub, Catch::Contains("auto shard0\nauto shard1\nauto shard2\n"));
    const ShardState before = state_of(sharded, 3);
    REQUIRE(before.holder.size() == 3);
    same();

    // A report removed and one added: only their shards are written, each report stays put.
    const json second = sync_both({c.files[0], c.files[1], c.files[3]});
    CHECK(second["files"]["removed"] == 1);
    CHECK(second["files"]["total"] == 3);
    const ShardState after = state_of(sharded, 3);
    const int gone = before.holder.at(c.files[2]), added = after.holder.at(c.files[3]);
    for (int k = 0; k < 3; ++k) {
        INFO("shard " << k);
        CHECK((after.revisions[k] != before.revisions[k]) == (k == gone || k == added));
    }
    CHECK(second["shards_changed"].size() == (gone == added ? 1u : 2u));
    CHECK(after.holder.at(c.files[0]) == before.holder.at(c.files[0]));
    CHECK(after.holder.at(c.files[1]) == before.holder.at(c.files[1]));
    CHECK(after.holder.count(c.files[2]) == 0);
    same();

    // Replicas get changesets: the indexer keeps them in a shard it wrote to.
    bool changesets = false;
    for (const auto& e : fs::directory_iterator(sharded + "/shard" + std::to_string(gone)))
        if (e.path().filename().string().rfind("changes", 0) == 0) changesets = true;
    CHECK(changesets);

    // Nothing changed: no shard written, and --check agrees over all shards.
    sync_both({c.files[0], c.files[1], c.files[3]});
    CHECK(state_of(sharded, 3).revisions == after.revisions);
    const std::vector<std::string> now = {c.files[0], c.files[1], c.files[3]};
    const testing::Run up = index_into(dir, {"--check", "--db", sharded}, now);
    CHECK(up.status == 0);
    CHECK_THAT(up.out, Catch::Contains("is up to date"));
    dir.write(c.files[1],
              testing::read_file(c.dir.file(c.files[1])) + "\nEtt nytt stycke om tortyr.\n");
    const testing::Run stale =
        index_into(dir, {"--check", "--db", sharded}, {c.files[0], c.files[1]});
    CHECK(stale.status == 1);
    CHECK_THAT(stale.out, Catch::Contains("changed: " + c.files[1]));
    CHECK_THAT(stale.out, Catch::Contains("removed: " + c.files[3]));
    sync_both(now);
    same();

    // --rebuild: every shard built afresh, the reports where they were, the same answers.
    const ShardState pre = state_of(sharded, 3);
    const testing::Run rebuilt = index_into(dir, {"--quiet", "--rebuild", "--db", sharded}, now);
    INFO(rebuilt.err);
    REQUIRE(rebuilt.status == 0);
    const ShardState post = state_of(sharded, 3);
    CHECK(post.holder == pre.holder);
    for (int k = 0; k < 3; ++k) CHECK(post.revisions[k] != pre.revisions[k]);
    same();

    // Another count is refused, and so is --shards on a database of one shard.
    const testing::Run other = index_into(dir, {"--shards", "2", "--db", sharded}, now);
    CHECK(other.status == 2);
    CHECK_THAT(other.err, Catch::Contains("holds 3 shards, not 2"));
    const testing::Run plain = index_into(dir, {"--shards", "2", "--db", one}, now);
    CHECK(plain.status == 2);
    CHECK_THAT(plain.err, Catch::Contains("a database of one shard"));
    // --dry-run reads the reports as ever.
    const testing::Run dry = index_into(dir, {"--dry-run", "--shards", "3", "--db", sharded}, now);
    CHECK(dry.status == 0);
    CHECK_THAT(dry.out, Catch::Contains(c.files[0] + ":"));
}

namespace {

// Passage ids of a report, in a sharded folder's shard k.
std::vector<std::string> ids_of(const std::string& dir, int k, const std::string& file) {
    const Xapian::Database db(dir + "/shard" + std::to_string(k));
    std::vector<std::string> ids;
    const std::string term = rapportsok::file_term(file);
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
        ids.push_back(rapportsok::decode_passage(db.get_document(*it).get_data()).id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

TEST_CASE(
    "indexer --shards: a report renamed to a name that hashes to another shard stays in its "
    "shard, its passages' ids kept, as in one database",
    "[shards][indexer][e2e]") {
    const Corpus& c = corpus();
    TempDir dir;
    for (const std::string& f : c.files) dir.write(f, testing::read_file(c.dir.file(f)));
    const std::string sharded = dir.file("sharded");
    const std::vector<std::string> first = {c.files[0], c.files[1], c.files[2]};
    REQUIRE(index_into(dir, {"--quiet", "--shards", "3", "--db", sharded}, first).status == 0);
    const ShardState before = state_of(sharded, 3);
    const int home = before.holder.at(c.files[2]);
    std::string renamed;
    for (int i = 0; renamed.empty(); ++i) {
        const std::string name = "corpus/flyttad-" + std::to_string(i) + ".txt";
        if (rapportsok::shard_of(name, 3) != home) renamed = name;
    }
    const std::vector<std::string> ids = ids_of(sharded, home, c.files[2]);
    REQUIRE(!ids.empty());
    fs::rename(dir.file(c.files[2]), dir.file(renamed));

    const testing::Run r =
        index_into(dir, {"--json", "--db", sharded}, {c.files[0], c.files[1], renamed});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const json j = json::parse(r.out);
    CHECK(j["files"]["renamed"] == 1);
    CHECK(j["passages"]["added"] == 0);
    CHECK(j["shards_changed"] == json::array({home}));
    const ShardState after = state_of(sharded, 3);
    CHECK(after.holder.at(renamed) == home);
    CHECK(after.holder.count(c.files[2]) == 0);
    CHECK(ids_of(sharded, home, renamed) == ids);
}

TEST_CASE(
    "indexer --shards: a count out of 1..1024 is refused; a folder a stopped first run left "
    "(empty shards, no stub) is made anew, any other folder refused",
    "[shards][indexer][e2e]") {
    const Corpus& c = corpus();
    TempDir dir;
    for (const std::string& f : c.files) dir.write(f, testing::read_file(c.dir.file(f)));
    for (const char* n : {"0", "-1", "1025", "tre"}) {
        CAPTURE(n);
        const testing::Run r =
            index_into(dir, {"--shards", n, "--db", dir.file("s")}, {c.files[0]});
        CHECK(r.status == 2);
        CHECK_FALSE(fs::exists(dir.file("s")));
    }
    // Empty shards and a half-written stub, as a first run stopped before its stub leaves them.
    const std::string left = dir.file("left");
    fs::create_directories(left);
    for (int k = 0; k < 4; ++k)
        Xapian::WritableDatabase(left + "/shard" + std::to_string(k), Xapian::DB_CREATE_OR_OPEN);
    dir.write("left/.XAPIANDB.tmp-12345", "# rapportsök shards");
    const testing::Run r = index_into(dir, {"--quiet", "--shards", "2", "--db", left}, c.files);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(testing::read_file(left + "/XAPIANDB").find("auto shard0\nauto shard1\n") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(left + "/shard2"));
    CHECK(state_of(left, 2).holder.size() == c.files.size());
    // A folder holding anything else is no sharded database.
    dir.write("other/notes.txt", "mine");
    const testing::Run other =
        index_into(dir, {"--shards", "2", "--db", dir.file("other")}, {c.files[0]});
    CHECK(other.status == 2);
    CHECK_THAT(other.err, Catch::Contains("not a database"));
    CHECK(testing::read_file(dir.file("other/notes.txt")) == "mine");
}

TEST_CASE("regression: indexer --rebuild with XAPIAN_MAX_CHANGESETS set swaps and exits 0",
          "[shards][indexer][e2e]") {
    // It aborted (terminate, exit 134) once the new generation was in place: the old one, open
    // for writing with changesets, looked for its changeset file under a path the swap had made
    // a stub file.
    const Corpus& c = corpus();
    TempDir dir;
    dir.write(c.files[0], testing::read_file(c.dir.file(c.files[0])));
    const std::vector<std::string> env = {"XAPIAN_MAX_CHANGESETS=10"};
    for (int run = 0; run < 2; ++run) {
        const testing::Run r = testing::run(
            {testing::indexer_bin(), "--quiet", "--rebuild", "--db", dir.file("db"), c.files[0]},
            dir.path(), env);
        INFO(r.err);
        CHECK(r.status == 0);
    }
    CHECK(testing::read_file(dir.file("db")) == "auto db.d/1\n");
}
