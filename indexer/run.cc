#include "indexer/run.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "indexer/common/schema.h"
#include "indexer/common/text.h"

using nlohmann::json;

namespace rapportsok {

namespace {

long long total_size(const FileSet& set) {
    long long n = 0;
    for (const FileRef& f : set.files) n += file_size(f.path);
    return n;
}

long count_terms(const Xapian::Database& db) {
    long n = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++n;
    return n;
}

}  // namespace

Run::Run(const IndexOptions& o, std::ostream& out_, std::ostream& err_)
    : options(o), out(out_), err(err_), started(std::chrono::steady_clock::now()), folder(o.db) {}

double Run::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

FileSet Run::collect() {
    FileSet files = options.files ? *options.files : collect_files(options.paths, err);
    outcome.failed = outcome.failed || files.failed;
    return files;
}

std::unique_ptr<Progress> make_progress(const IndexOptions& o, const FileSet& files,
                                        std::ostream& err) {
    const bool terminal = o.progress != nullptr && !o.quiet;
    return std::make_unique<Progress>(terminal ? *o.progress : err, terminal,
                                      static_cast<long>(files.files.size()),
                                      terminal ? total_size(files) : 0);
}

BuildSettings build_settings(const IndexOptions& o) {
    BuildSettings s;
    s.jobs = o.jobs;
    s.memory_mb = o.memory_mb;
    return s;
}

std::string dump_json(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// "unchanged" counts every passage kept as it was, relined ones included, so that added +
// updated + unchanged is the database's passage count.
void print_summary(const Run& run, Xapian::Database& db, const std::string& rebuilt_as) {
    const IndexOptions& o = run.options;
    const SyncStats& stats = run.outcome.stats;
    std::ostream& out = run.out;
    const double secs = run.seconds();
    const long passages = static_cast<long>(db.get_doccount());
    const long terms = count_terms(db);
    long files = 0;
    const std::string pfx = meta::kFilePrefix;
    for (auto it = db.metadata_keys_begin(pfx); it != db.metadata_keys_end(pfx); ++it) ++files;
    if (o.json) {
        json j = {{"db", o.db},
                  {"files",
                   {{"seen", stats.files_seen},
                    {"changed", stats.files_changed},
                    {"unchanged", stats.files_unchanged},
                    {"removed", stats.files_removed},
                    {"renamed", stats.files_renamed},
                    {"failed", stats.files_failed},
                    {"total", files}}},
                  {"passages",
                   {{"added", stats.added},
                    {"updated", stats.updated},
                    {"removed", stats.removed},
                    {"unchanged", stats.unchanged},
                    {"relined", stats.relined},
                    {"total", passages}}},
                  {"terms", terms},
                  {"seconds", secs}};
        if (!rebuilt_as.empty()) j["rebuilt"] = rebuilt_as;
        out << dump_json(j) << "\n" << std::flush;
        return;
    }
    if (o.quiet) return;
    out << plural(stats.files_changed, "file", "files") << " changed";
    if (stats.files_renamed) out << ", " << stats.files_renamed << " renamed";
    if (stats.files_removed) out << ", " << stats.files_removed << " removed";
    if (stats.files_failed) out << ", " << stats.files_failed << " failed";
    out << ": " << plural(stats.added, "passage", "passages") << " added, " << stats.updated
        << " updated, " << stats.removed << " removed, " << stats.unchanged << " unchanged ("
        << std::fixed << std::setprecision(2) << secs << " s)\n"
        << o.db << ": " << plural(passages, "passage", "passages") << ", "
        << plural(terms, "term", "terms") << ", " << plural(files, "file", "files");
    if (!rebuilt_as.empty()) out << " (rebuilt in " << rebuilt_as << ")";
    out << "\n" << std::flush;
}

}  // namespace rapportsok
