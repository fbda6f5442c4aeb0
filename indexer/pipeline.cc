#include "indexer/pipeline.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "indexer/clean.h"
#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/read.h"
#include "indexer/structure.h"
#include "indexer/write.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rapportsok {

namespace {

bool indexable_name(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string name = p.filename().string();
    return !name.empty() && name[0] != '.' && (ext == ".txt" || ext == ".md");
}

Report load_report(const Source& src) { return structure(src.path, clean(src.text)); }

json passage_json(const Passage& p) {
    return {{"id", p.id},
            {"file", p.file},
            {"lines", {p.first_line, p.last_line}},
            {"page", p.page},
            {"pages", {p.page, p.last_page}},
            {"chapter", p.chapter},
            {"section", {{"number", p.section_number}, {"title", p.section_title}}},
            {"position", p.position},
            {"text", p.text}};
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A folder that exists and holds files, but no Xapian database, is not ours to write into.
void check_db_folder(const std::string& db) {
    std::error_code ec;
    if (!fs::exists(db, ec)) return;
    if (!fs::is_directory(db, ec))
        throw UsageError("database path " + db + " exists and is not a folder");
    if (fs::is_empty(db, ec)) return;
    if (fs::exists(fs::path(db) / "iamglass", ec) || fs::exists(fs::path(db) / "iamchert", ec))
        return;
    throw UsageError(db + " is a folder that holds no Xapian database; refusing to write into it "
                     "(give another --db, or remove the folder)");
}

long count_terms(const Xapian::Database& db) {
    long n = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++n;
    return n;
}

int check(const IndexOptions& o, const std::vector<std::string>& files, std::ostream& out,
          std::ostream& err) {
    Xapian::Database db;
    try {
        db = Xapian::Database(o.db);
    } catch (const Xapian::DatabaseOpeningError&) {
        throw UsageError("no database at " + o.db + " (run indexer first)");
    }
    std::set<std::string> indexed;
    const std::string pfx = meta::kFilePrefix;
    for (auto it = db.metadata_keys_begin(pfx); it != db.metadata_keys_end(pfx); ++it)
        indexed.insert((*it).substr(pfx.size()));
    std::vector<std::pair<std::string, std::string>> stale;  // file, why
    for (const std::string& f : files) {
        auto rec = db.get_metadata(pfx + f);
        if (rec.empty()) {
            stale.emplace_back(f, "new");
            continue;
        }
        indexed.erase(f);
        FileRecord r = decode_file_record(rec);
        try {
            Source src = read_source(f);
            if (src.hash != r.hash) stale.emplace_back(f, "changed");
        } catch (const InputError& e) {
            err << "indexer: " << e.what() << "\n";
            stale.emplace_back(f, "unreadable");
        }
    }
    for (const std::string& f : indexed) stale.emplace_back(f, "removed");
    if (o.json) {
        json j = json::array();
        for (auto& [f, why] : stale) j.push_back({{"file", f}, {"state", why}});
        out << dump({{"up_to_date", stale.empty()}, {"out_of_date", j}}) << "\n";
    } else {
        for (auto& [f, why] : stale) out << why << ": " << f << "\n";
        if (stale.empty()) out << "database " << o.db << " is up to date\n";
    }
    return stale.empty() ? 0 : 1;
}

}  // namespace

std::vector<std::string> collect_files(const std::vector<std::string>& paths, std::ostream& err,
                                       bool& failed) {
    std::vector<std::string> files;
    for (const std::string& given : paths) {
        fs::path p = fs::path(given).lexically_normal();
        std::error_code ec;
        fs::file_status st = fs::status(p, ec);
        if (ec || !fs::exists(st)) {
            // A symbolic link loop shows up here too: status() cannot resolve it.
            err << "indexer: " << given << ": "
                << (ec ? ec.message() : std::string("no such file or folder")) << "\n";
            failed = true;
            continue;
        }
        if (!fs::is_directory(st)) {
            files.push_back(p.string());
            continue;
        }
        std::vector<std::string> found;
        fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const fs::directory_entry& e = *it;
            std::error_code ec2;
            if (e.is_directory(ec2) && e.path().filename().string().rfind('.', 0) == 0) {
                it.disable_recursion_pending();
                continue;
            }
            if (!e.is_regular_file(ec2)) {
                if (e.is_symlink(ec2) && !fs::exists(e.path(), ec2) && indexable_name(e.path())) {
                    err << "indexer: " << e.path().string() << ": broken or looping symbolic link\n";
                    failed = true;
                }
                continue;
            }
            if (indexable_name(e.path())) found.push_back(e.path().lexically_normal().string());
        }
        if (ec) {
            err << "indexer: " << given << ": " << ec.message() << "\n";
            failed = true;
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    return files;
}

int run_index(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    const auto t0 = std::chrono::steady_clock::now();
    bool failed = false;
    std::vector<std::string> files = collect_files(o.paths, err, failed);

    if (o.dry_run) {
        for (const std::string& f : files) {
            try {
                Report r = load_report(read_source(f));
                for (const std::string& w : r.warnings) err << "indexer: " << w << "\n";
                for (const Passage& p : r.passages) {
                    if (o.json) {
                        out << dump(passage_json(p)) << "\n";
                    } else {
                        out << p.file << ":" << p.first_line << "-" << p.last_line << " p."
                            << p.page << " §" << p.section_number << " " << p.text << "\n";
                    }
                }
            } catch (const InputError& e) {
                err << "indexer: " << e.what() << "\n";
                failed = true;
            }
        }
        return failed ? 2 : 0;
    }

    if (o.check) {
        int status = check(o, files, out, err);
        return failed ? 2 : status;
    }

    check_db_folder(o.db);
    Xapian::WritableDatabase db;
    try {
        db = Xapian::WritableDatabase(o.db, Xapian::DB_CREATE_OR_OPEN);
    } catch (const Xapian::DatabaseLockError&) {
        throw UsageError("database " + o.db + " is being written by another indexer; try again "
                         "when it has finished");
    }
    Analyzer analyzer;
    const std::string fp = analyzer.fingerprint();
    std::string stored = db.get_metadata(meta::kAnalysis);
    if (!stored.empty() && stored != fp && db.get_doccount() > 0)
        throw UsageError("database " + o.db + " was built with another analysis (" + stored +
                         "); remove it and run indexer again");

    IndexWriter writer(db, analyzer);
    SyncStats stats;
    std::set<std::string> keep;  // files to keep in the database (present, or failed to read)
    db.begin_transaction();
    try {
        db.set_metadata(meta::kSchema, std::to_string(kSchemaVersion));
        db.set_metadata(meta::kAnalysis, fp);
        for (const std::string& f : files) {
            ++stats.files_seen;
            keep.insert(f);
            try {
                std::error_code ec;
                auto size = fs::file_size(f, ec);
                auto mtime = fs::last_write_time(f, ec);
                long long mtime_ns = ec ? -1 : std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   mtime.time_since_epoch()).count();
                if (!ec && writer.up_to_date(f, static_cast<long long>(size), mtime_ns, nullptr)) {
                    ++stats.files_unchanged;
                    continue;
                }
                Source src = read_source(f);
                if (writer.up_to_date(f, src.size, 0, &src.hash)) {
                    // Touched but not changed: remember the new mtime, index nothing.
                    FileRecord r = decode_file_record(db.get_metadata(meta::kFilePrefix + f));
                    r.mtime_ns = src.mtime_ns;
                    db.set_metadata(meta::kFilePrefix + f, encode_file_record(r));
                    ++stats.files_unchanged;
                    continue;
                }
                Report report = load_report(src);
                for (const std::string& w : report.warnings) err << "indexer: " << w << "\n";
                FileRecord rec;
                rec.size = src.size;
                rec.mtime_ns = src.mtime_ns;
                rec.hash = src.hash;
                writer.sync_file(report, rec, stats);
                ++stats.files_changed;
            } catch (const InputError& e) {
                err << "indexer: " << e.what() << " (not indexed; its earlier state is kept)\n";
                ++stats.files_failed;
                failed = true;
            }
        }
        for (const std::string& f : writer.indexed_files())
            if (!keep.count(f)) writer.remove_file(f, stats);
        db.commit_transaction();
    } catch (...) {
        try {
            db.cancel_transaction();
        } catch (...) {
        }
        throw;
    }

    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long passages = static_cast<long>(db.get_doccount());
    const long terms = count_terms(db);
    if (o.json) {
        out << dump({{"db", o.db},
                     {"files", {{"seen", stats.files_seen},
                                {"changed", stats.files_changed},
                                {"unchanged", stats.files_unchanged},
                                {"removed", stats.files_removed},
                                {"failed", stats.files_failed}}},
                     {"passages", {{"added", stats.added},
                                   {"updated", stats.updated},
                                   {"removed", stats.removed},
                                   {"unchanged", stats.unchanged},
                                   {"relined", stats.relined},
                                   {"total", passages}}},
                     {"terms", terms},
                     {"seconds", secs}})
            << "\n";
    } else if (!o.quiet) {
        auto plural = [](long n, const char* one, const char* many) {
            return std::to_string(n) + " " + (n == 1 ? one : many);
        };
        out << plural(stats.files_changed, "file", "files") << " changed, "
            << stats.files_unchanged << " unchanged, " << stats.files_removed << " removed";
        if (stats.files_failed) out << ", " << stats.files_failed << " failed";
        out << ": " << plural(stats.added, "passage", "passages") << " added, " << stats.updated
            << " updated, " << stats.removed << " removed, " << stats.unchanged << " unchanged ("
            << std::fixed << std::setprecision(2) << secs << " s)\n"
            << o.db << ": " << plural(passages, "passage", "passages") << ", "
            << plural(terms, "term", "terms") << ", " << plural(static_cast<long>(keep.size()), "file", "files") << "\n";
    }
    return failed ? 2 : 0;
}

}  // namespace rapportsok
