// indexer: keeps a Xapian database of report passages in step with the report files.
#include <unistd.h>
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "indexer/common/cli.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/pipeline.h"

// Whatever a report or a file name holds, the indexer's output never carries escape sequences.
// The progress bar, numbers of our own with a "\r" that the filter would take, goes to stderr
// as it was.
static std::streambuf* const kRawStderr = rapportsok::cli::install_safe_streams(true);

// No --db: $RAPPORTSOK_DB, else index/ here or in the nearest folder above. One found above is
// used for a run without paths (then on its own corpus/), from its folder, so that the files keep
// the names they were indexed under there. Paths given mean a database of their own here: a sync
// keeps its database in step with the paths given, and would drop every other file above.
static void use_found_database(rapportsok::IndexOptions& o) {
    const rapportsok::FoundDatabase found = rapportsok::find_database();
    o.db = found.path;
    if (found.root.empty()) return;
    if (!o.paths.empty()) {
        o.db = "index";
        if (!o.quiet && !o.dry_run)
            std::cerr << "indexer: the paths given get a database of their own here (index/); "
                      << found.path << " above is synced by indexer without paths, or --db\n";
        return;
    }
    if (::chdir(found.root.c_str()) != 0)
        throw rapportsok::UsageError("cannot work from " + found.root + ": " +
                                     std::strerror(errno));
    o.db = "index";
    if (!o.quiet)
        std::cerr << "indexer: using the database " << found.path
                  << " (the nearest index/ above the current folder), from its folder\n";
}

int main(int argc, char** argv) try {
    rapportsok::IndexOptions o;
    CLI::App app{"indexer: index Swedish reports into a Xapian database of passages"};
    rapportsok::cli::add_common_options(app, "indexer");
    app.add_option("--db", o.db, "database folder (default: $RAPPORTSOK_DB, else index)")
        ->type_name("DIR");
    app.add_flag("--dry-run", o.dry_run, "print the passages found; touch no database");
    app.add_flag("--json", o.json, "JSON output (one line per passage with --dry-run)");
    auto* check =
        app.add_flag("--check", o.check, "write nothing; exit 1 listing what is out of date");
    auto* rebuild = app.add_flag("--rebuild", o.rebuild,
                                 "build a new database from scratch and swap it in atomically");
    auto* watch = app.add_flag("--watch", o.watch,
                               "keep the database in step as files change, until interrupted");
    app.add_flag("--wait", o.wait, "wait while another indexer writes the database");
    auto* dry = app.get_option("--dry-run");
    check->excludes(rebuild)->excludes(watch)->excludes(dry);
    rebuild->excludes(watch)->excludes(dry);
    watch->excludes(dry);
    app.add_flag("-q,--quiet", o.quiet, "no summary, no progress bar");
    app.add_option("--shards", o.shards,
                   "spread the reports over N shard databases under --db DIR, searched as one "
                   "(a new DIR; a sharded DIR keeps its count)")
        ->type_name("N")
        ->check(CLI::Range(1, 1024));
    app.add_option("-j,--jobs", o.jobs,
                   "threads for a full build (a new or empty database, --rebuild); "
                   "default: one a core")
        ->check(CLI::Range(1, 256));
    app.add_option("--memory", o.memory_mb,
                   "bound on the indexer's memory in MB (what it buffers before writing, "
                   "and how many threads it runs)")
        ->default_val(o.memory_mb)
        ->check(CLI::Range(64L, 1L << 20));
    app.add_option("paths", o.paths, "report files or folders (default: corpus)")
        ->type_name("PATH");
    if (int rc = rapportsok::cli::parse(app, argc, argv, std::cout, std::cerr); rc >= 0) return rc;
    if (o.db.empty()) use_found_database(o);
    if (o.paths.empty()) o.paths.push_back("corpus");
    // A bar on a terminal only; elsewhere the summary line is all there is.
    static std::ostream raw_stderr(kRawStderr);
    if (::isatty(STDERR_FILENO)) o.progress = &raw_stderr;
    return rapportsok::run_index(o, std::cout, std::cerr);
} catch (const rapportsok::InputError& e) {
    std::cerr << "indexer: " << e.what() << "\n";
    return 2;
} catch (const rapportsok::UsageError& e) {
    std::cerr << "indexer: " << e.what() << "\n";
    return 2;
} catch (const Xapian::Error& e) {
    std::cerr << "indexer: " << e.get_description() << "\n";
    return 2;
} catch (const std::exception& e) {
    std::cerr << "indexer: " << e.what() << "\n";
    return 2;
}
