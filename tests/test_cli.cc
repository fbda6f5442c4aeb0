// The command line of both programs end to end: every option, the numbers checked at the edge,
// argument errors, --version, the database found as git finds its repository, and what an
// install puts in place (man pages, completion).
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support.h"

using nlohmann::json;

namespace {

testing::Run searcher(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {testing::searcher_bin(), "--db", testing::seed_db()});
    return testing::run(args, testing::source_dir(), env);
}

bool has_control(const std::string& s) {
    for (unsigned char c : s)
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Issue 11, the searcher's edge: each case a regression test named for it.

TEST_CASE("regression: RAPPORTSOK_DB holding an escape sequence does not reach the terminal",
          "[e2e][cli][regression]") {
    const std::vector<std::string> env = {"RAPPORTSOK_DB=\x1b]0;OWNED\a"};
    testing::Run s = testing::run({testing::searcher_bin(), "tortyr"}, testing::source_dir(), env);
    CHECK(s.status == 2);
    CHECK(s.err.rfind("searcher: ", 0) == 0);
    CHECK_THAT(s.err, Catch::Contains("OWNED"));  // said, made harmless
    CHECK_FALSE(has_control(s.err));
    CHECK_FALSE(has_control(s.out));
    testing::Run i = testing::run({testing::indexer_bin(), "--check"}, testing::source_dir(), env);
    CHECK(i.status == 2);
    CHECK(i.err.rfind("indexer: ", 0) == 0);
    CHECK_FALSE(has_control(i.err));
}

TEST_CASE("regression: a query holding an escape sequence reaches no message raw",
          "[e2e][cli][regression]") {
    // Stopwords only: the query comes back in an error message.
    testing::Run r = searcher({"och\x1b]0;OWNED\a", "att"});
    CHECK_FALSE(has_control(r.err));
    CHECK_FALSE(has_control(r.out));
}

TEST_CASE("regression: --limit and --offset past 2^32 are usage errors, not a wrapped count",
          "[e2e][cli][regression]") {
    const std::vector<std::vector<std::string>> cases = {{"-n", "4294967297"},
                                                         {"--limit", "4294967296"},
                                                         {"--offset", "4294967296"},
                                                         {"-n", "-1"},
                                                         {"--offset", "-3"},
                                                         {"-n", "1e3"},
                                                         {"-n", "ten"},
                                                         {"--limit", "99999999999999999999999"}};
    for (const auto& args : cases) {
        std::vector<std::string> a = args;
        a.push_back("tortyr");
        testing::Run r = searcher(a);
        INFO(args[0] << " " << args[1] << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("searcher: ", 0) == 0);
    }
    // The largest accepted values still work.
    CHECK(searcher({"-n", "1000000000", "--json", "tortyr"}).status == 0);
    testing::Run far = searcher({"--offset", "1000000000", "--json", "tortyr"});
    CHECK(far.status == 0);
    CHECK(json::parse(far.out)["hits"].empty());
}

TEST_CASE("regression: -n 0 prints the total and the facets, not \"No passages match\"",
          "[e2e][cli][regression]") {
    testing::Run text = searcher({"-n", "0", "tortyr"});
    CHECK(text.status == 0);
    CHECK_THAT(text.out, !Catch::Contains("No passages match"));
    CHECK_THAT(text.out, Catch::Contains("passages match: tortyr."));
    CHECK_THAT(text.out, Catch::Contains("By chapter:"));
    CHECK_THAT(text.out, Catch::Contains("By section:"));
    testing::Run j = searcher({"-n", "0", "--json", "tortyr"});
    CHECK(j.status == 0);
    json out = json::parse(j.out);
    CHECK(out["hits"].empty());
    CHECK(out["total"].get<long>() > 0);
    CHECK_FALSE(out["facets"]["section"].empty());
    // Nothing found is still said so.
    CHECK_THAT(searcher({"-n", "0", "xyzzyord"}).out, Catch::Contains("No passages match"));
}

TEST_CASE("regression: --k1 nan, --k1 -5, --b 7, --w-title -100 are usage errors",
          "[e2e][cli][regression]") {
    const std::vector<std::vector<std::string>> cases = {
        {"--k1", "nan"},        {"--k1", "-5"},      {"--k1", "inf"},
        {"--b", "7"},           {"--b", "-0.1"},     {"--b", "nan"},
        {"--w-title", "-100"},  {"--w-exact", "-1"}, {"--w-chapter", "nan"},
        {"--w-title", "1e400"}, {"--k1", "1.2x"},    {"--w-chapter", "-inf"}};
    for (const auto& args : cases) {
        testing::Run r = searcher({args[0], args[1], "--json", "tortyr"});
        INFO(args[0] << " " << args[1] << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("searcher: ", 0) == 0);
        CHECK_THAT(r.err, Catch::Contains(args[0]));
    }
    // The bounds themselves are fine, and every score is a number.
    testing::Run r = searcher(
        {"--k1", "0", "--b", "1", "--w-title", "0", "--w-exact", "1000", "--json", "tortyr"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, !Catch::Contains("null,\"section\""));
    const json answer = json::parse(r.out);  // a range-for over a temporary's member dangles
    for (const json& h : answer["hits"]) CHECK(h["score"].is_number());
}

// ---------------------------------------------------------------------------------------------
// Argument errors and --version

TEST_CASE("argument errors carry the program's name and exit 2", "[e2e][cli]") {
    for (const std::string& bin : {testing::searcher_bin(), testing::indexer_bin()}) {
        const std::string name = bin.substr(bin.rfind('/') + 1);
        testing::Run r = testing::run({bin, "--no-such-option"}, testing::source_dir());
        INFO(bin << ": " << r.err);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err.rfind(name + ": ", 0) == 0);
        CHECK_THAT(r.err, Catch::Contains("--no-such-option"));
        CHECK_THAT(r.err, Catch::Contains(name + " --help"));
    }
}

TEST_CASE("a bare -word taken as an option gets a hint to put the query after --", "[e2e][cli]") {
    testing::Run r = searcher({"tortyr", "-militär"});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("'-militär' was read as options"));
    CHECK_THAT(r.err, Catch::Contains("-- QUERY"));
    // After --, it is the query's NOT.
    CHECK(searcher({"--", "tortyr", "-militär"}).status == 0);
    // An option with its number attached is no word.
    testing::Run n = searcher({"-n5", "--k1", "nan", "tortyr"});
    CHECK(n.status == 2);
    CHECK_THAT(n.err, !Catch::Contains("was read as options"));
}

TEST_CASE("version: --version prints the project's version and Xapian's, ICU's and Snowball's",
          "[e2e][cli]") {
    for (const std::string& bin : {testing::searcher_bin(), testing::indexer_bin()}) {
        const std::string name = bin.substr(bin.rfind('/') + 1);
        testing::Run r = testing::run({bin, "--version"});
        INFO(r.out);
        CHECK(r.status == 0);
        CHECK(r.out.rfind(name + " (rapportsök) " RAPPORTSOK_VERSION "\n", 0) == 0);
        CHECK_THAT(r.out, Catch::Contains("Xapian 1."));
        CHECK_THAT(r.out, Catch::Contains("ICU "));
        CHECK_THAT(r.out, Catch::Contains("Snowball (libstemmer) "));
        CHECK_THAT(r.out, !Catch::Contains("unknown"));
    }
}

// ---------------------------------------------------------------------------------------------
// Install: cmake --install into a temporary prefix, then the man pages and completion checked.

namespace {

// "--db", "-n", "--limit" ...: the options --help lists (the hidden --completion is none).
std::vector<std::string> help_options(const std::string& bin) {
    testing::Run r = testing::run({bin, "--help"});
    REQUIRE(r.status == 0);
    std::vector<std::string> out;
    size_t start = 0;
    while (start < r.out.size()) {
        size_t end = r.out.find('\n', start);
        if (end == std::string::npos) end = r.out.size();
        std::string line = r.out.substr(start, end - start);
        start = end + 1;
        // "  -n,--limit INT ...   help": the names, before the first double space.
        const size_t first = line.find_first_not_of(' ');
        if (first == std::string::npos || first == 0 || line[first] != '-') continue;
        line = line.substr(first, line.find("  ", first) - first);
        std::string word;
        for (size_t i = 0; i <= line.size(); ++i) {
            const char c = i < line.size() ? line[i] : ' ';
            if (c == ' ' || c == ',') {
                if (word.rfind("--", 0) == 0) out.push_back(word);
                word.clear();
            } else {
                word += c;
            }
        }
    }
    return out;
}

// A man page as text, without the overstrikes man prints for bold and underline.
std::string man_text(const std::string& page) {
    testing::Run r = testing::run({testing::which("man"), "-P", "cat", "-l", page}, "",
                                  {"MANWIDTH=200", "LC_ALL=C.UTF-8", "MAN_KEEP_FORMATTING="});
    REQUIRE(r.status == 0);
    std::string out;
    for (char c : r.out) {
        if (c == '\b') {
            if (!out.empty()) out.pop_back();
            continue;
        }
        out += c;
    }
    // man hyphenates "--" as the Unicode hyphen in some locales: back to ASCII.
    for (const std::string& dash : {std::string("\xE2\x80\x90"), std::string("\xE2\x88\x92")}) {
        size_t at;
        while ((at = out.find(dash)) != std::string::npos) out.replace(at, dash.size(), "-");
    }
    return out;
}

const std::string& installed_prefix() {
    static testing::TempDir dir;
    static const std::string prefix = [] {
        testing::Run r = testing::run(
            {CMAKE_COMMAND, "--install", RAPPORTSOK_BINARY_DIR, "--prefix", dir.file("prefix")});
        if (r.status != 0) throw std::runtime_error("cmake --install failed: " + r.out + r.err);
        return dir.file("prefix");
    }();
    return prefix;
}

// The words bash completion offers for a command line (the last word is the one completed).
std::vector<std::string> bash_complete(const std::string& script, const std::string& program,
                                       const std::vector<std::string>& words) {
    std::string array;
    for (const std::string& w : words) array += " '" + w + "'";
    const std::string fn = "_rapportsok_" + program;
    testing::Run r = testing::run({testing::which("bash"), "--norc", "-c",
                                   "source '" + script + "' && COMP_WORDS=(" + program + array +
                                       ") && COMP_CWORD=" + std::to_string(words.size()) + " && " +
                                       fn + " && printf '%s\\n' \"${COMPREPLY[@]}\""},
                                  testing::source_dir());
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::vector<std::string> out;
    std::string line;
    for (char c : r.out) {
        if (c == '\n') {
            if (!line.empty()) out.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("cmake --install puts the programs in PREFIX/bin", "[e2e][cli][install]") {
    const std::string prefix = installed_prefix();
    for (const std::string name : {"indexer", "searcher"}) {
        testing::Run r = testing::run({prefix + "/bin/" + name, "--version"});
        CHECK(r.status == 0);
        CHECK(r.out.rfind(name + " (rapportsök) ", 0) == 0);
    }
}

TEST_CASE("the installed man pages list every option of --help and the exit statuses",
          "[e2e][cli][install]") {
    const std::string prefix = installed_prefix();
    for (const std::string name : {"indexer", "searcher"}) {
        const std::string page = prefix + "/share/man/man1/" + name + ".1";
        const std::string text = man_text(page);
        INFO(page << "\n" << text);
        CHECK_THAT(text, Catch::Contains("NAME"));
        CHECK_THAT(text, Catch::Contains(name + " - "));
        CHECK_THAT(text, Catch::Contains("SYNOPSIS"));
        CHECK_THAT(text, Catch::Contains("EXIT STATUS"));
        CHECK_THAT(text, Catch::Contains("RAPPORTSOK_DB"));
        CHECK_THAT(text, Catch::Contains("rapportsök"));  // UTF-8 kept, not "rapports??k"
        CHECK_THAT(text, !Catch::Contains("??"));
        const std::vector<std::string> options = help_options(prefix + "/bin/" + name);
        CHECK(options.size() > 5);
        for (const std::string& o : options) {
            INFO("option " << o);
            CHECK_THAT(text, Catch::Contains(o));
        }
        CHECK_THAT(text, !Catch::Contains("--completion"));
    }
}

TEST_CASE("the installed bash completion offers the options and their values",
          "[e2e][cli][install]") {
    const std::string dir = installed_prefix() + "/share/bash-completion/completions/";
    const std::string s = dir + "searcher";
    for (const std::string& o : help_options(testing::searcher_bin())) {
        INFO(o);
        CHECK(has(bash_complete(s, "searcher", {"--"}), o));
    }
    CHECK(bash_complete(s, "searcher", {"--col"}) == std::vector<std::string>{"--color"});
    CHECK(bash_complete(s, "searcher", {"--color", ""}) ==
          std::vector<std::string>{"auto", "always", "never"});
    CHECK(bash_complete(s, "searcher", {"--color", "=", "al"}) ==
          std::vector<std::string>{"always"});
    CHECK(has(bash_complete(s, "searcher", {"tortyr", "avs"}), "avsnitt:"));
    CHECK(bash_complete(s, "searcher", {"-n", ""}).empty());  // a number: nothing to offer
    // The indexer's paths and --db are files and folders.
    const std::string i = dir + "indexer";
    CHECK(has(bash_complete(i, "indexer", {"--dr"}), "--dry-run"));
    CHECK(has(bash_complete(i, "indexer", {"cor"}), "corpus"));
    CHECK(has(bash_complete(i, "indexer", {"--db", "cor"}), "corpus"));
}

TEST_CASE("the installed zsh completion is valid zsh and names every option",
          "[e2e][cli][install]") {
    for (const std::string name : {"indexer", "searcher"}) {
        const std::string file = installed_prefix() + "/share/zsh/site-functions/_" + name;
        const std::string text = testing::read_file(file);
        CHECK(text.rfind("#compdef " + name + "\n", 0) == 0);
        CHECK(testing::run({testing::which("zsh"), "-n", file}).status == 0);
        for (const std::string& o :
             help_options(name == "indexer" ? testing::indexer_bin() : testing::searcher_bin())) {
            INFO(o);
            CHECK_THAT(text, Catch::Contains(o));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Every option of both programs, one row each: what it does, shown end to end. A new option
// without a row here fails "every option of --help has a row".

namespace {

struct Row {
    std::string option;             // as --help names it
    std::vector<std::string> args;  // after the program (and the searcher's --db)
    int status;
    std::function<void(const testing::Run&)> check;
};

json parsed(const testing::Run& r) {
    INFO(r.out << r.err);
    return json::parse(r.out);
}

std::vector<long> positions(const json& j) {
    std::vector<long> out;
    for (const json& h : j["hits"]) out.push_back(h["position"].get<long>());
    return out;
}

size_t lines(const std::string& s) {
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

const std::string kSeedFile = "corpus/manskliga-rattigheter-kazakstan-2011.txt";

std::string first_id(const std::string& query) {
    testing::Run r = searcher({"--json", "-n", "1", query});
    REQUIRE(r.status == 0);
    return parsed(r)["hits"][0]["id"];
}

// A stub file listing one remote shard that is down.
std::string down_shard_stub() {
    static const testing::TempDir dir;
    static const std::string stub = dir.write("down.stub", "remote 127.0.0.1:1\n");
    return stub;
}

std::vector<Row> searcher_rows() {
    const std::string id = first_id("tortyr");
    return {
        {"--help",
         {"--help"},
         0,
         [](const testing::Run& r) { CHECK_THAT(r.out, Catch::Contains("Usage: searcher")); }},
        {"--version",
         {"--version"},
         0,
         [](const testing::Run& r) { CHECK(r.out.rfind("searcher (rapportsök)", 0) == 0); }},
        {"--db",
         {"tortyr"},
         0,
         [](const testing::Run& r) { CHECK_THAT(r.out, Catch::Contains("passages match")); }},
        // A second --db: a stub listing a shard server that is not running (port 1).
        {"--shard-timeout",
         {"--db", down_shard_stub(), "--shard-timeout", "0.5", "--json", "tortyr"},
         0,
         [](const testing::Run& r) {
             CHECK(parsed(r)["shards"]["ok"] == 1);
             CHECK(parsed(r)["shards"]["failed"][0]["shard"] == "127.0.0.1:1");
         }},
        {"--strict",
         {"--db", down_shard_stub(), "--strict", "tortyr"},
         2,
         [](const testing::Run& r) {
             CHECK(r.out.empty());
             CHECK_THAT(r.err, Catch::Contains("--strict: 1 of 2 shards answered"));
         }},
        {"--limit",
         {"--limit", "2", "--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["hits"].size() == 2); }},
        {"--offset",
         {"--offset", "2", "--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["hits"][0]["rank"] == 3); }},
        {"--json",
         {"--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["total"].get<long>() > 0); }},
        {"--color",
         {"--color", "always", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK_THAT(r.out, Catch::Contains("\x1b[1m")); }},
        {"--k1",
         {"--k1", "0", "--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["hits"][0]["score"].is_number()); }},
        {"--b",
         {"--b", "1", "--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["hits"][0]["score"].is_number()); }},
        {"--w-exact",
         {"--w-exact", "0", "--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["total"].get<long>() > 0); }},
        {"--w-title",
         {"--w-title", "0", "--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["total"].get<long>() > 0); }},
        {"--w-chapter",
         {"--w-chapter", "5", "--json", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["total"].get<long>() > 0); }},
        {"--exact",
         {"--exact", "--json", "hogsta"},
         1,
         [](const testing::Run& r) { CHECK(parsed(r)["expansions"].empty()); }},
        {"--no-inflections",
         {"--no-inflections", "--json", "arbetsmiljö"},
         0,
         [](const testing::Run& r) {
             const json j = parsed(r);
             for (const json& e : j["expansions"]) CHECK(e["kind"] != "inflection");
         }},
        {"--no-diacritics",
         {"--no-diacritics", "--no-spelling", "--json", "hogsta"},
         1,
         [](const testing::Run& r) {
             CHECK(parsed(r)["total"] == 0);
             CHECK(parsed(searcher({"--json", "hogsta"}))["total"] > 0);
         }},
        {"--no-compounds",
         {"--no-compounds", "--json", "budget"},
         1,
         [](const testing::Run& r) {
             const json j = parsed(r);
             for (const json& e : j["expansions"]) CHECK(e["kind"] != "compound");
         }},
        {"--no-synonyms",
         {"--no-synonyms", "--json", "Förenta nationerna"},
         0,
         [](const testing::Run& r) {
             CHECK(parsed(r)["expansions"].empty());
             CHECK(parsed(r)["total"] <
                   parsed(searcher({"--json", "Förenta nationerna"}))["total"]);
         }},
        {"--no-english",
         {"--no-english", "--json", "prison"},
         1,
         [](const testing::Run& r) { CHECK(parsed(r)["total"] == 0); }},
        {"--no-spelling",
         {"--no-spelling", "--json", "Nasarbajev"},
         1,
         [](const testing::Run& r) { CHECK(parsed(r)["corrected"].is_null()); }},
        {"--count",
         {"--count", "tortyr"},
         0,
         [](const testing::Run& r) {
             const long total = parsed(searcher({"--json", "tortyr"}))["total"];
             CHECK(r.out == std::to_string(total) + "\n");
         }},
        {"--files-with-matches",
         {"-l", "tortyr"},
         0,
         [](const testing::Run& r) { CHECK(r.out == kSeedFile + "\n"); }},
        {"--context",
         {"-C", "1", "--json", "-n", "3", "tortyr"},
         0,
         [](const testing::Run& r) {
             const json j = parsed(r);
             for (const json& h : j["hits"]) {
                 const long pos = h["position"];
                 REQUIRE(h["context"]["before"].size() == 1);
                 REQUIRE(h["context"]["after"].size() == 1);
                 CHECK(h["context"]["before"][0]["position"] == pos - 1);
                 CHECK(h["context"]["after"][0]["position"] == pos + 1);
                 CHECK(h["context"]["after"][0]["file"] == h["file"]);
             }
             testing::Run text = searcher({"-C", "1", "-n", "1", "tortyr"});
             CHECK_THAT(text.out, Catch::Contains("\n   > "));
             CHECK_THAT(text.out, Catch::Contains("\n   | "));
         }},
        {"--sort",
         {"--sort", "position", "--json", "tortyr fängelse"},
         0,
         [](const testing::Run& r) {
             std::vector<long> p = positions(parsed(r));
             CHECK(p.size() > 2);
             CHECK(std::is_sorted(p.begin(), p.end()));
             std::vector<long> ranked = positions(parsed(searcher({"--json", "tortyr fängelse"})));
             CHECK_FALSE(std::is_sorted(ranked.begin(), ranked.end()));
         }},
        {"--show",
         {"--show", id, "-C", "1"},
         0,
         [id](const testing::Run& r) {
             CHECK(r.out.rfind(kSeedFile + ":", 0) == 0);
             CHECK_THAT(r.out, Catch::Contains("   id " + id + "\n"));
             CHECK(lines(r.out) >= 6);  // reference, id, before, the passage, after
             json j = parsed(searcher({"--show", id, "--json"}));
             CHECK(j["id"] == id);
             CHECK(j["text"].get<std::string>().find("tortyr") != std::string::npos);
         }},
        {"--format",
         {"--format", "{file}:{line}: {snippet}", "-n", "2", "tortyr"},
         0,
         [](const testing::Run& r) {
             CHECK(lines(r.out) == 2);
             CHECK(r.out.rfind(kSeedFile + ":", 0) == 0);
             CHECK_THAT(r.out, Catch::Contains(": "));
             CHECK_THAT(r.out, Catch::Contains("tortyr"));
         }},
        {"--open",
         {"--open", "tortyr"},
         0,
         [](const testing::Run& r) {
             const long line =
                 parsed(searcher({"--json", "-n", "1", "tortyr"}))["hits"][0]["lines"][0];
             CHECK(r.out == "nano -w +" + std::to_string(line) + " " + kSeedFile + "\n");
         }},
        // --serve runs until stopped: tests/test_serve.cc serves for real; here, its refusals.
        {"--serve",
         {"--serve", "tortyr"},
         2,
         [](const testing::Run& r) { CHECK_THAT(r.err, Catch::Contains("takes no query words")); }},
        {"--listen",
         {"--serve", "--listen", "nowhere:1"},
         2,
         [](const testing::Run& r) { CHECK_THAT(r.err, Catch::Contains("--listen nowhere:1")); }},
        {"--log-queries",
         {"--serve", "--log-queries", "--listen", "127.0.0.1:99999"},
         2,
         [](const testing::Run& r) { CHECK_THAT(r.err, Catch::Contains("port is a number")); }},
    };
}

std::vector<Row> indexer_rows(const std::string& dir) {
    const std::string db = dir + "/db";
    auto summary = [](const testing::Run& r) { CHECK_THAT(r.out, Catch::Contains("passages")); };
    return {
        {"--help",
         {"--help"},
         0,
         [](const testing::Run& r) { CHECK_THAT(r.out, Catch::Contains("Usage: indexer")); }},
        {"--version",
         {"--version"},
         0,
         [](const testing::Run& r) { CHECK(r.out.rfind("indexer (rapportsök)", 0) == 0); }},
        {"--db", {"--db", db, kSeedFile}, 0, summary},
        {"--dry-run",
         {"--dry-run", kSeedFile},
         0,
         [](const testing::Run& r) { CHECK(lines(r.out) == 69); }},
        {"--json",
         {"--json", "--db", db, kSeedFile},
         0,
         [](const testing::Run& r) { CHECK(parsed(r)["passages"]["total"] == 69); }},
        {"--check",
         {"--check", "--db", db, kSeedFile},
         0,
         [](const testing::Run& r) { CHECK_THAT(r.out, Catch::Contains("is up to date")); }},
        {"--rebuild",
         {"--rebuild", "--db", db, kSeedFile},
         0,
         [](const testing::Run& r) { CHECK_THAT(r.out, Catch::Contains("rebuilt in")); }},
        {"--wait", {"--wait", "--db", db, kSeedFile}, 0, summary},
        {"--quiet",
         {"--quiet", "--db", db, kSeedFile},
         0,
         [](const testing::Run& r) { CHECK(r.out.empty()); }},
        {"--jobs", {"--jobs", "2", "--db", dir + "/db2", kSeedFile}, 0, summary},
        {"--memory", {"--memory", "64", "--db", dir + "/db3", kSeedFile}, 0, summary},
        {"--shards",
         {"--shards", "2", "--db", dir + "/db4", kSeedFile},
         0,
         [dir](const testing::Run& r) {
             CHECK_THAT(r.out, Catch::Contains("in 2 shards"));
             CHECK_THAT(testing::read_file(dir + "/db4/XAPIANDB"), Catch::Contains("auto shard1"));
         }},
        // --watch runs until a signal: tests/test_sync.cc starts and stops it; here, that it
        // refuses what it cannot do.
        {"--watch",
         {"--watch", "--dry-run"},
         2,
         [](const testing::Run& r) { CHECK(r.err.rfind("indexer: ", 0) == 0); }},
    };
}

std::vector<std::string> covered(const std::vector<Row>& rows) {
    std::vector<std::string> out;
    for (const Row& r : rows) out.push_back(r.option);
    return out;
}

// Long names of the options --help lists, a short one mapped to its long one.
std::vector<std::string> long_options(const std::string& bin) {
    std::vector<std::string> out;
    for (const std::string& o : help_options(bin))
        if (!has(out, o)) out.push_back(o);
    return out;
}

}  // namespace

TEST_CASE("every option of the searcher, one row each, does what --help says",
          "[e2e][cli][options]") {
    for (const Row& row : searcher_rows()) {
        SECTION(row.option) {
            testing::Run r = searcher(row.args, {"EDITOR=nano -w"});
            INFO(row.option << "\nstdout: " << r.out << "\nstderr: " << r.err);
            CHECK(r.status == row.status);
            row.check(r);
        }
    }
}

TEST_CASE("every option of the indexer, one row each, does what --help says",
          "[e2e][cli][options]") {
    testing::TempDir dir;
    // In order: the database the first rows make, the later ones sync, check and rebuild.
    for (const Row& row : indexer_rows(dir.path())) {
        testing::Run r = testing::run(
            [&] {
                std::vector<std::string> a = row.args;
                a.insert(a.begin(), testing::indexer_bin());
                return a;
            }(),
            testing::source_dir());
        INFO(row.option << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.status == row.status);
        row.check(r);
    }
}

TEST_CASE("every option of --help has a row in the option tables", "[e2e][cli][options]") {
    testing::TempDir dir;
    const std::vector<std::string> s = covered(searcher_rows()),
                                   i = covered(indexer_rows(dir.path()));
    for (const std::string& o : long_options(testing::searcher_bin())) {
        INFO("searcher " << o << ": add a row to searcher_rows() in tests/test_cli.cc");
        CHECK(has(s, o));
    }
    for (const std::string& o : long_options(testing::indexer_bin())) {
        INFO("indexer " << o << ": add a row to indexer_rows() in tests/test_cli.cc");
        CHECK(has(i, o));
    }
}

// ---------------------------------------------------------------------------------------------
// The database found as git finds its repository; hints; the lines for pipes and editors.

TEST_CASE("without --db, index/ in the nearest folder above is used, and the message says so",
          "[e2e][cli][discovery]") {
    testing::TempDir dir;
    dir.write("corpus/report.txt", testing::read_file(testing::seed_report_path()));
    dir.write("a/b/.keep", "");
    const std::vector<std::string> no_env = {"RAPPORTSOK_DB="};
    testing::Run made = testing::run({testing::indexer_bin()}, dir.path(), no_env);
    REQUIRE(made.status == 0);
    CHECK(made.err.empty());  // the obvious one: here

    const std::string deep = dir.file("a/b");
    testing::Run s = testing::run({testing::searcher_bin(), "tortyr"}, deep, no_env);
    CHECK(s.status == 0);
    CHECK_THAT(s.err, Catch::Contains("searcher: using the database " + dir.file("index") +
                                      " (the nearest index/ above the current folder)"));
    CHECK_THAT(s.out, Catch::Contains("corpus/report.txt:"));
    // From there, the indexer syncs that database with its own corpus/, under the same names.
    testing::Run i = testing::run({testing::indexer_bin(), "--json"}, deep, no_env);
    CHECK(i.status == 0);
    CHECK_THAT(i.err, Catch::Contains("indexer: using the database " + dir.file("index")));
    CHECK(json::parse(i.out)["files"]["unchanged"] == 1);
    CHECK(json::parse(i.out)["passages"]["total"] == 69);
    // A file that happens to be called index is no database; a --rebuild stub is one.
    dir.write("a/index", "not a database\n");
    // 5 passages: three have the word, two more are in §3, whose title has it.
    testing::Run f = testing::run({testing::searcher_bin(), "-c", "tortyr"}, deep, no_env);
    CHECK(f.out == "5\n");
    REQUIRE(testing::run({testing::indexer_bin(), "-q", "--rebuild"}, dir.path(), no_env).status ==
            0);
    testing::Run g = testing::run({testing::searcher_bin(), "-c", "tortyr"}, deep, no_env);
    CHECK(g.out == "5\n");
    CHECK_THAT(g.err, Catch::Contains("using the database " + dir.file("index")));
    // $RAPPORTSOK_DB is used as it is, without a word.
    testing::Run e = testing::run({testing::searcher_bin(), "tortyr"}, deep,
                                  {"RAPPORTSOK_DB=" + dir.file("index")});
    CHECK(e.status == 0);
    CHECK(e.err.empty());
    // Paths given from below get a database of their own, here, and the message says why: a
    // sync keeps a database in step with the paths given, and would drop the rest above.
    const std::string notes = dir.write("a/b/notes.txt", "Anteckningar om tortyr.\n");
    testing::Run o = testing::run({testing::indexer_bin(), "notes.txt"}, deep, no_env);
    CHECK(o.status == 0);
    CHECK_THAT(o.err, Catch::Contains("a database of their own here"));
    // 5: three passages have the word, two more are in §3, whose title has it.
    CHECK(testing::run({testing::searcher_bin(), "--db", dir.file("index"), "-c", "tortyr"}).out ==
          "5\n");
    CHECK(testing::run({testing::searcher_bin(), "--db", dir.file("a/b/index"), "-c", "tortyr"})
              .out == "1\n");
}

TEST_CASE("§8 and avsnitt 8 get a hint to write avsnitt:8", "[e2e][cli]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"§8", "for section 8, write avsnitt:8"},
        {"§ 8", "for section 8, write avsnitt:8"},
        {"avsnitt 8 pressfrihet",
         "\"avsnitt 8\" is searched as words; for section 8, write avsnitt:8"},
        {"section 3-5 tortyr", "for section 3-5, write section:3-5"},
        {"kapitel 2 tortyr", "write kapitel:2"},
        {"sidan 4 domstol", "write sida:4"}};
    for (const auto& [query, hint] : cases) {
        testing::Run text = searcher({"--", query});
        INFO(query << "\n" << text.out << text.err);
        CHECK_THAT(text.out, Catch::Contains("note: ") && Catch::Contains(hint));
        testing::Run j = searcher({"--json", "--", query});
        CHECK_THAT(j.err, Catch::Contains(hint));
        bool noted = false;
        const json out = parsed(j);
        for (const json& n : out["notes"])
            noted = noted || n.get<std::string>().find(hint) != std::string::npos;
        CHECK(noted);
    }
    // The filter itself, or a number alone, gets none.
    CHECK_THAT(searcher({"avsnitt:8"}).out, !Catch::Contains("note: "));
    CHECK_THAT(searcher({"2011 tortyr"}).out, !Catch::Contains("note: "));
}

TEST_CASE("regression: a filter value that cannot be read is a usage error naming it, not dropped",
          "[e2e][cli]") {
    // sida:abc was a note and the filter dropped: exit 0 with the unfiltered hits.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"sida:abc tortyr", "filter sida:abc: a page is a number"},
        {"tortyr page:3-x", "filter page:3-x: a page is a number"},
        {"avsnitt:åtta tortyr", "filter avsnitt:åtta: a section is a number"},
        {"section:1.x tortyr", "filter section:1.x: a section is a number"},
        {"sida: tortyr", "filter sida: has no value"}};
    for (const auto& [query, says] : cases) {
        for (const char* json_flag : {"--json", "--count"}) {
            testing::Run r = searcher({json_flag, "--", query});
            INFO(query << " " << json_flag << "\n" << r.out << r.err);
            CHECK(r.status == 2);
            CHECK(r.out.empty());
            CHECK_THAT(r.err, Catch::StartsWith("searcher: " + says));
        }
    }
    // A good one still filters.
    CHECK(searcher({"-c", "sida:3 tortyr"}).status == 0);
}

TEST_CASE(
    "the format option: --format names its fields, and a wrong one is a usage error listing them",
    "[e2e][cli]") {
    testing::Run all = searcher({"--format",
                                 "{rank}|{id}|{file}|{line}|{last_line}|{page}|{last_page}|"
                                 "{position}|{section}|{title}|{chapter}|{{x}}",
                                 "-n", "1", "\"Högsta domstolen\""});
    REQUIRE(all.status == 0);
    json hit = parsed(searcher({"--json", "-n", "1", "\"Högsta domstolen\""}))["hits"][0];
    const std::string expected = "1|" + hit["id"].get<std::string>() + "|" + kSeedFile + "|" +
                                 std::to_string(hit["lines"][0].get<long>()) + "|" +
                                 std::to_string(hit["lines"][1].get<long>()) + "|" +
                                 std::to_string(hit["page"].get<int>()) + "|" +
                                 std::to_string(hit["pages"][1].get<int>()) + "|" +
                                 std::to_string(hit["position"].get<int>()) + "|" +
                                 std::to_string(hit["section"]["number"].get<int>()) + "|" +
                                 hit["section"]["title"].get<std::string>() + "|" +
                                 hit["chapter"].get<std::string>() + "|{x}\n";
    CHECK(all.out == expected);
    for (const std::string bad : {"{nosuch}", "{file", "file}"}) {
        testing::Run r = searcher({"--format", bad, "tortyr"});
        INFO(bad << ": " << r.err);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("searcher: --format: ", 0) == 0);
    }
    CHECK_THAT(searcher({"--format", "{nosuch}", "tortyr"}).err, Catch::Contains("{snippet}"));
    // With --color=always the snippet's matches are bold, the rest plain.
    testing::Run c =
        searcher({"--format", "{file}: {snippet}", "--color", "always", "-n", "1", "tortyr"});
    CHECK_THAT(c.out, Catch::Contains("\x1b[1mtortyr\x1b[0m"));
    CHECK(c.out.rfind(kSeedFile, 0) == 0);
}

TEST_CASE(
    "the open option: --open with no hit prints nothing and exits 1; a file with a space is quoted",
    "[e2e][cli]") {
    testing::Run none = searcher({"--open", "xyzzyord"}, {"EDITOR=vim"});
    CHECK(none.status == 1);
    CHECK(none.out.empty());
    CHECK_THAT(none.err, Catch::Contains("nothing to open"));
    testing::TempDir dir;
    dir.write("my reports/it's.txt", "Rapport\n\nFångarna utsattes för tortyr i häktet.\n");
    const std::string db = dir.file("index");
    REQUIRE(
        testing::run({testing::indexer_bin(), "-q", "--db", db, "my reports"}, dir.path()).status ==
        0);
    testing::Run r = testing::run({testing::searcher_bin(), "--db", db, "--open", "tortyr"},
                                  dir.path(), {"EDITOR="});
    CHECK(r.status == 0);
    CHECK(r.out == "vi +3 'my reports/it'\\''s.txt'\n");
}

TEST_CASE("the files option: -l lists each file once, the file with the best passage first",
          "[e2e][cli]") {
    testing::TempDir dir;
    dir.write("c/a-mentions.txt",
              "Om fängelser\n\nDet talas om tortyr en gång här.\n\nInget "
              "annat om saken.\n");
    dir.write("c/b-about.txt",
              "Tortyr\n\nTortyr, tortyr och åter tortyr i fängelset.\n\n"
              "Tortyr förekommer.\n\nMer om tortyr och tortyr.\n");
    dir.write("c/c-none.txt", "Annat\n\nHär står inget om saken.\n");
    const std::string db = dir.file("index");
    REQUIRE(testing::run({testing::indexer_bin(), "-q", "--db", db, "c"}, dir.path()).status == 0);
    testing::Run r =
        testing::run({testing::searcher_bin(), "--db", db, "-l", "tortyr"}, dir.path());
    CHECK(r.status == 0);
    CHECK(r.out == "c/b-about.txt\nc/a-mentions.txt\n");
    testing::Run c =
        testing::run({testing::searcher_bin(), "--db", db, "-c", "tortyr"}, dir.path());
    CHECK(c.out == "4\n");
    testing::Run n = testing::run({testing::searcher_bin(), "--db", db, "-l", "xyzzy"}, dir.path());
    CHECK(n.status == 1);
    CHECK(n.out.empty());
}
