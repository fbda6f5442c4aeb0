// The SQLite FTS5 peer of scripts/bench, through SQLite's C API: one row a passage (the text, and
// the file and section number unindexed), the unicode61 tokenizer (no stemming, diacritics
// kept); search ORDER BY rank (BM25), top 10 with snippet() (about as long as rapportsök's), no
// total count. It indexes exactly the passages rapportsök's indexer finds
// (`indexer --dry-run --json`, one JSON object a line).
//
//   fts5_peer index DB PASSAGES.jsonl          prints the seconds it took
//   fts5_peer compact DB OUT                   a copy, merged ('optimize') and vacuumed
//   fts5_peer cold DB WORDS PHRASE SECTION     one search, as a fresh process does it
//   fts5_peer warm DB QUERIES.tsv ITERS        JSON: per query, the seconds of each run
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "query_file.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

class Db {
  public:
    explicit Db(const std::string& path, int flags = SQLITE_OPEN_READONLY) {
        if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK)
            throw std::runtime_error(path + ": " + sqlite3_errmsg(db_));
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    void exec(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = err ? err : "?";
            sqlite3_free(err);
            throw std::runtime_error(sql + ": " + msg);
        }
    }
    sqlite3_stmt* prepare(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
            SQLITE_OK)
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        return st;
    }
    void check(int rc, const char* what) {
        if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
            throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db_));
    }

  private:
    sqlite3* db_ = nullptr;
};

int index(const std::string& path, const std::string& passages) {
    const auto t0 = Clock::now();
    std::filesystem::remove(path);
    Db db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(
        "CREATE VIRTUAL TABLE p USING fts5(text, file UNINDEXED, section UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 0')");
    db.exec("BEGIN");
    sqlite3_stmt* ins = db.prepare("INSERT INTO p(text, file, section) VALUES (?1, ?2, ?3)");
    std::ifstream in(passages);
    if (!in) throw std::runtime_error("cannot read " + passages);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        const nlohmann::json p = nlohmann::json::parse(line);
        const std::string text = p.at("text").get<std::string>();
        const std::string file = p.at("file").get<std::string>();
        int section = 0;
        if (p.contains("section") && p["section"].is_object())
            section = p["section"].value("number", 0);
        sqlite3_bind_text(ins, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, file.data(), static_cast<int>(file.size()), SQLITE_STATIC);
        sqlite3_bind_int(ins, 3, section);
        db.check(sqlite3_step(ins), "insert");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    db.exec("COMMIT");
    std::printf("%.6f\n", seconds_since(t0));
    return 0;
}

int compact(const std::string& path, const std::string& out) {
    std::filesystem::copy_file(path, out, std::filesystem::copy_options::overwrite_existing);
    Db db(out, SQLITE_OPEN_READWRITE);
    db.exec("INSERT INTO p(p) VALUES ('optimize')");
    db.exec("VACUUM");
    return 0;
}

std::string match_expression(const bench::Query& q) {
    auto quoted = [](const std::string& s) {
        std::string out = "\"";
        for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    };
    if (q.phrase) return quoted(q.words);
    std::string out;
    size_t i = 0;
    while (i < q.words.size()) {
        size_t j = q.words.find(' ', i);
        if (j == std::string::npos) j = q.words.size();
        if (j > i) out += (out.empty() ? "" : " OR ") + quoted(q.words.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

// One searcher on an open database, its two statements prepared once.
class Searcher {
  public:
    explicit Searcher(const std::string& path) : db_(path) {
        const std::string select =
            "SELECT rowid, file, section, snippet(p, 0, '<b>', '</b>', '…', 48) FROM p WHERE p "
            "MATCH ?1";
        plain_ = db_.prepare(select + " ORDER BY rank LIMIT 10");
        filtered_ = db_.prepare(select + " AND section = ?2 ORDER BY rank LIMIT 10");
    }
    ~Searcher() {
        sqlite3_finalize(plain_);
        sqlite3_finalize(filtered_);
    }

    // The top 10: (file, snippet).
    long search(const bench::Query& q, std::vector<std::pair<std::string, std::string>>& hits) {
        sqlite3_stmt* st = q.section == "-" ? plain_ : filtered_;
        const std::string m = match_expression(q);
        sqlite3_bind_text(st, 1, m.data(), static_cast<int>(m.size()), SQLITE_TRANSIENT);
        if (q.section != "-") sqlite3_bind_int(st, 2, std::stoi(q.section));
        hits.clear();
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            hits.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                              reinterpret_cast<const char*>(sqlite3_column_text(st, 3)));
        db_.check(rc, "search");
        sqlite3_reset(st);
        return static_cast<long>(hits.size());
    }

  private:
    Db db_;
    sqlite3_stmt* plain_ = nullptr;
    sqlite3_stmt* filtered_ = nullptr;
};

int cold(const std::string& db, const bench::Query& q) {
    Searcher s(db);
    std::vector<std::pair<std::string, std::string>> hits;
    s.search(q, hits);
    std::string out;
    for (const auto& [file, snippet] : hits) out += file + "\n  " + snippet + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return hits.empty() ? 1 : 0;
}

int warm(const std::string& db, const std::string& queries, int iters) {
    Searcher s(db);
    const std::vector<bench::Query> qs = bench::read_queries(queries);
    std::vector<std::vector<double>> times(qs.size());
    std::vector<long> found(qs.size());
    std::vector<std::pair<std::string, std::string>> hits;
    for (int i = 0; i < iters; ++i)
        for (size_t k = 0; k < qs.size(); ++k) {
            const auto t0 = Clock::now();
            found[k] = s.search(qs[k], hits);
            times[k].push_back(seconds_since(t0));
        }
    bench::print_times(qs, times, found);
    return 0;
}

}  // namespace

int main(int argc, char** argv) try {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 3 && a[0] == "index") return index(a[1], a[2]);
    if (a.size() == 3 && a[0] == "compact") return compact(a[1], a[2]);
    if (a.size() == 5 && a[0] == "cold")
        return cold(a[1], bench::Query{"", "", a[2], a[3] == "1", a[4]});
    if (a.size() == 4 && a[0] == "warm") return warm(a[1], a[2], std::stoi(a[3]));
    std::cerr << "usage: fts5_peer index DB PASSAGES.jsonl | compact DB OUT | cold DB WORDS PHRASE "
                 "SECTION | warm DB QUERIES.tsv ITERS\n";
    return 2;
} catch (const std::exception& e) {
    std::cerr << "fts5_peer: " << e.what() << "\n";
    return 2;
}
