// The command line of both programs end to end: every option, the numbers checked at the edge,
// argument errors, --version, the database found as git finds its repository, and what an
// install puts in place (man pages, completion).
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
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

// A program on $PATH, as a shell finds it (testing::run does not search).
std::string which(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        const std::string candidate = dirs.substr(start, end - start) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    FAIL("not on PATH: " << name << " (scripts/setup installs it)");
    return name;
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
    for (const json& h : json::parse(r.out)["hits"]) CHECK(h["score"].is_number());
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
    std::string word;
    for (size_t i = 0; i <= r.out.size(); ++i) {
        const char c = i < r.out.size() ? r.out[i] : ' ';
        if (c == ' ' || c == '\n' || c == ',' || c == '=') {
            if (word.size() > 2 && word.rfind("--", 0) == 0 && word != "--opt") out.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    return out;
}

// A man page as text, without the overstrikes man prints for bold and underline.
std::string man_text(const std::string& page) {
    testing::Run r = testing::run({which("man"), "-P", "cat", "-l", page}, "",
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
    testing::Run r = testing::run({which("bash"), "--norc", "-c",
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
    CHECK(bash_complete(s, "searcher", {"--co"}) == std::vector<std::string>{"--color"});
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
        CHECK(testing::run({which("zsh"), "-n", file}).status == 0);
        for (const std::string& o :
             help_options(name == "indexer" ? testing::indexer_bin() : testing::searcher_bin())) {
            INFO(o);
            CHECK_THAT(text, Catch::Contains(o));
        }
    }
}
