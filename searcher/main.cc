// searcher: ranked passages of Swedish reports for a query, with snippets and references.
#include <unistd.h>
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <map>

#include "indexer/common/cli.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "searcher/pipeline.h"
#include "searcher/server.h"

namespace cli = rapportsok::cli;

// Every message on stderr goes through the terminal filter (a path or a query can hold escape
// sequences); stdout is printed safe by the printers themselves, which add their own colours.
static std::streambuf* const kRawStderr = cli::install_safe_streams(false);

// A query word with a '-' in front ("-militär": without it) reads as options: say how to
// search for it. "-n5" and the like are options with their value, not words.
static std::string bare_minus_hint(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--") break;
        if (a.size() <= 2 || a[0] != '-' || a[1] == '-') continue;
        const CLI::Option* o = app.get_option_no_throw(a.substr(0, 2));
        const bool number = a.find_first_not_of("0123456789.", 2) == std::string::npos;
        if (o && !o->get_type_name().empty() && number) continue;
        return "'" + a +
               "' was read as options; to search without a word, put the query after --: "
               "searcher [OPTIONS] -- QUERY";
    }
    return "";
}

int main(int argc, char** argv) try {
    (void)kRawStderr;
    rapportsok::SearchOptions o;
    std::vector<std::string> words;
    std::string color = "auto";
    CLI::App app{"searcher: search a rapportsök database of report passages"};
    cli::add_common_options(
        app, "searcher",
        {"avsnitt:", "kapitel:", "sida:", "fil:", "section:", "chapter:", "page:", "file:"});
    std::vector<std::string> dbs;
    app.add_option("--db", dbs,
                   "database folder, sharded folder, or stub file of auto PATH and remote "
                   "HOST:PORT lines; again to search several as one (default: $RAPPORTSOK_DB, "
                   "else index)")
        ->type_name("DB")
        ->allow_extra_args(false);  // one path each time: the words after it are the query
    // Shards: partial results, as Elasticsearch gives them.
    app.add_option("--shard-timeout", o.shard_timeout,
                   "seconds a remote shard has to connect and answer before it is left out "
                   "(default 2)")
        ->type_name("SECONDS")
        ->check(cli::finite_range(0.001, 3600));
    app.add_flag("--strict", o.strict, "a shard left out is an error (exit 2), not a note");
    // Counts are bounded where Xapian's 32-bit counts still hold offset + limit.
    app.add_option("-n,--limit", o.limit, "hits to show (default 10; 0: only the total and facets)")
        ->check(CLI::Range(0L, rapportsok::kMaxHits));
    app.add_option("--offset", o.offset, "hits to skip (default 0)")
        ->check(CLI::Range(0L, rapportsok::kMaxHits));
    app.add_flag("--json", o.json, "print one JSON object (docs/json-output.md)");
    app.add_option("--color", color, "highlight with bold: auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    app.add_option("--k1", o.weights.k1, "BM25 k1 (ranking tuning)")
        ->check(cli::finite_range(0, 1000));
    app.add_option("--b", o.weights.b, "BM25 b (ranking tuning)")->check(cli::finite_range(0, 1));
    app.add_option("--w-exact", o.weights.exact, "weight of exact word matches (ranking tuning)")
        ->check(cli::finite_range(0, 1000));
    app.add_option("--w-title", o.weights.title, "weight of section-title matches (tuning)")
        ->check(cli::finite_range(0, 1000));
    app.add_option("--w-chapter", o.weights.chapter, "weight of chapter-heading matches (tuning)")
        ->check(cli::finite_range(0, 1000));
    // grep's, ripgrep's and Recoll's habits.
    auto* count = app.add_flag("-c,--count", o.count, "print only the number of matching passages");
    auto* files = app.add_flag("-l,--files-with-matches", o.files_only,
                               "print only the files with a match, by their best passage");
    app.add_option("-C,--context", o.context,
                   "show N passages before and after each hit (marked |; the hit >)")
        ->type_name("N")
        ->check(CLI::Range(0, 100));
    std::string sort = "relevance";
    app.add_option("--sort", sort, "order of the hits: by relevance, or report order (position)")
        ->check(CLI::IsMember({"relevance", "position"}));
    auto* show = app.add_option("--show", o.show,
                                "print the passage with this id (from --json or --format {id}), "
                                "with its reference; with -C, its neighbours too")
                     ->type_name("ID");
    auto* format = app.add_option("--format", o.format,
                                  "print each hit as this line: {file}:{line}: {snippet}; fields "
                                  "{rank} {score} {id} {file} {line} {last_line} {page} "
                                  "{last_page} {position} {chapter} {section} {title} {snippet} "
                                  "{text}; {{ and }} for braces")
                       ->type_name("TEMPLATE");
    auto* open = app.add_flag("--open", o.open,
                              "print an editor command for the first hit: $EDITOR +LINE FILE");
    auto* json = app.get_option("--json");
    count->excludes(files)->excludes(format)->excludes(open)->excludes(show);
    files->excludes(format)->excludes(open)->excludes(show);
    format->excludes(open)->excludes(json)->excludes(show);
    open->excludes(json)->excludes(show);
    bool exact = false, no_infl = false, no_diacritics = false, no_compounds = false,
         no_synonyms = false, no_english = false, no_spelling = false;
    app.add_flag("--exact", exact, "no expansion or correction: the words as typed (and stemmed)");
    app.add_flag("--no-inflections", no_infl, "no inflected forms beyond the stemmer's");
    app.add_flag("--no-diacritics", no_diacritics, "a, o, e do not also find å, ä, ö, é");
    app.add_flag("--no-compounds", no_compounds, "a word does not find compounds it is part of");
    app.add_flag("--no-synonyms", no_synonyms, "no synonyms or acronyms (FN = UN)");
    app.add_flag("--no-english", no_english, "no English-Swedish translation");
    app.add_flag("--no-spelling", no_spelling, "no spelling correction");
    // --serve: the search page and the HTTP API (docs/http-api.md).
    bool serve = false, log_queries = false;
    std::string listen = "127.0.0.1:8080";
    app.add_flag("--serve", serve, "serve the search page and the HTTP API (docs/http-api.md)");
    app.add_option("--listen", listen,
                   "HOST:PORT to serve on, for --serve (default 127.0.0.1:8080, loopback only)")
        ->type_name("HOST:PORT");
    app.add_flag("--log-queries", log_queries, "the access log of --serve shows query strings");
    app.add_option("query", words, "query words, filters (avsnitt:8 kapitel:2 sida:3 fil:name)")
        ->type_name("QUERY");
    app.footer(
        "Query syntax: words (ranked, any may match), AND OR NOT, +word -word, \"a phrase\",\n"
        "a NEAR b, prefix*; filters avsnitt:/section:, kapitel:/chapter:, sida:/page:, "
        "fil:/file:.\nExit status: 0 found, 1 nothing found, 2 error.");
    auto hint = [&app](const CLI::ParseError&, int n, char** args) {
        return bare_minus_hint(app, n, args);
    };
    if (int rc = cli::parse(app, argc, argv, std::cout, std::cerr, hint); rc >= 0) return rc;
    static const std::map<std::string, rapportsok::Color> kColors = {
        {"auto", rapportsok::Color::kAuto},
        {"always", rapportsok::Color::kAlways},
        {"never", rapportsok::Color::kNever}};
    o.color = kColors.at(color);
    o.sort = sort == "position" ? rapportsok::Sort::kPosition : rapportsok::Sort::kRelevance;
    if (const char* editor = std::getenv("EDITOR")) o.editor = editor;
    if (!o.show.empty() && !words.empty()) {
        std::cerr << "searcher: --show takes a passage id and no query\n";
        return 2;
    }
    o.expand.inflections = !(exact || no_infl);
    o.expand.diacritics = !(exact || no_diacritics);
    o.expand.compounds = !(exact || no_compounds);
    o.expand.synonyms = !(exact || no_synonyms);
    o.expand.english = !(exact || no_english);
    o.spelling = !(exact || no_spelling);
    if (!dbs.empty()) {
        o.db = dbs.front();
        o.more_dbs.assign(dbs.begin() + 1, dbs.end());
    }
    if (o.db.empty()) {
        const rapportsok::FoundDatabase found = rapportsok::find_database();
        o.db = found.path;
        o.files_root = found.root;
        if (!found.root.empty())
            std::cerr << "searcher: using the database " << found.path
                      << " (the nearest index/ above the current folder)\n";
    }
    if (serve) {
        if (!words.empty()) throw rapportsok::UsageError("--serve takes no query words");
        rapportsok::ServeOptions so;
        so.db = o.db;
        so.more_dbs = o.more_dbs;
        so.shard_timeout = o.shard_timeout;
        so.listen = listen;
        so.log_queries = log_queries;
        return rapportsok::run_server(so, std::cerr);
    }
    for (const std::string& w : words) o.query += (o.query.empty() ? "" : " ") + w;
    try {
        return rapportsok::run_search(o, std::cout, std::cerr, ::isatty(1));
    } catch (const Xapian::DatabaseError& e) {
        // Reading a damaged block or passage: say so, with the database's path, in the
        // indexer's words. A bare read error could be the disk, not the database: said to be
        // corrupt once xapian-check's own check agrees. Of one database: which of several a
        // shard's error came from is not known.
        if (!o.more_dbs.empty()) throw;
        bool corrupt = std::string(e.get_type()) == "DatabaseCorruptError";
        try {
            if (!corrupt) corrupt = Xapian::Database::check(o.db, 0, nullptr) != 0;
        } catch (const Xapian::UnimplementedError&) {
            corrupt = false;  // remote shards in a stub: xapian-check reads none
        } catch (const Xapian::Error&) {
            corrupt = true;  // xapian-check cannot read it either
        }
        if (!corrupt) throw;
        std::cerr << "searcher: "
                  << rapportsok::DatabaseDamaged(o.db, e.get_description(), false).what() << "\n";
        return 2;
    }
} catch (const rapportsok::UsageError& e) {
    std::cerr << "searcher: " << e.what() << "\n";
    return 2;
} catch (const Xapian::Error& e) {
    std::cerr << "searcher: " << e.get_description() << "\n";
    return 2;
} catch (const std::exception& e) {
    std::cerr << "searcher: " << e.what() << "\n";
    return 2;
}
