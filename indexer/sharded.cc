#include "indexer/sharded.h"

#include <fcntl.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/database.h"
#include "indexer/files.h"
#include "indexer/read.h"
#include "indexer/sync.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rapportsok {

namespace {

constexpr const char* kStub = "XAPIANDB";
constexpr const char* kHeader = "# rapportsök shards (indexer --shards): searcher --db ";

std::string shard_name(int k) { return "shard" + std::to_string(k); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Writes DIR/XAPIANDB listing the n shards, in one rename: a reader sees the old list or the new.
void write_stub(const fs::path& dir, int n) {
    std::string text = std::string(kHeader) + dir.filename().string() + "\n";
    for (int k = 0; k < n; ++k) text += "auto " + shard_name(k) + "\n";
    const fs::path tmp = dir / (std::string(".") + kStub + ".tmp-" + std::to_string(::getpid()));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
        ::fsync(fd) != 0) {
        const std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        throw UsageError("cannot write " + tmp.string() + ": " + why);
    }
    ::close(fd);
    fs::rename(tmp, dir / kStub);
}

// Which shard holds each indexed report, by its name and by its real path, with its record.
struct Holders {
    std::map<std::string, int> by_name;
    std::map<std::string, std::string> by_real;  // real path -> name
    std::map<std::string, FileRecord> records;   // name -> record
};

Holders read_holders(const fs::path& dir, int n) {
    Holders h;
    const std::string pfx = meta::kFilePrefix;
    for (int k = 0; k < n; ++k) {
        std::error_code ec;
        if (!fs::exists(dir / shard_name(k), ec)) continue;
        Xapian::Database db((dir / shard_name(k)).string());
        for (auto it = db.metadata_keys_begin(pfx); it != db.metadata_keys_end(pfx); ++it) {
            const std::string name = (*it).substr(pfx.size());
            FileRecord r = decode_file_record(db.get_metadata(*it));
            h.by_name.emplace(name, k);
            if (!r.real.empty()) h.by_real.emplace(r.real, name);
            h.records.emplace(name, std::move(r));
        }
    }
    return h;
}

// The files of each shard: a report already indexed where it is (the same file, or the same
// name); a report renamed or moved, its content unchanged, where it was, so that the shard's
// sync sees the rename and its passages keep their ids, as in one database; a new one by its
// hash.
std::vector<FileSet> spread(const FileSet& files, const Holders& h, int n) {
    std::vector<FileSet> parts(static_cast<size_t>(n));
    for (FileSet& p : parts) p.unreadable = files.unreadable;
    std::vector<int> shard(files.files.size(), -1);
    std::set<std::string> taken;  // records a file of this run continues
    for (size_t i = 0; i < files.files.size(); ++i) {
        const FileRef& f = files.files[i];
        std::string name;
        if (auto r = h.by_real.find(f.real); r != h.by_real.end() && !taken.count(r->second))
            name = r->second;
        else if (h.by_name.count(target_of(f).name) && !taken.count(target_of(f).name))
            name = target_of(f).name;
        if (name.empty()) continue;
        taken.insert(name);
        shard[i] = h.by_name.at(name);
    }
    std::multimap<long long, std::string> orphans;  // size -> record no file continues
    for (const auto& [name, r] : h.records)
        if (!taken.count(name)) orphans.emplace(r.size, name);
    for (size_t i = 0; i < files.files.size(); ++i) {
        if (shard[i] >= 0) continue;
        const FileRef& f = files.files[i];
        const auto range = orphans.equal_range(file_size(f.path));
        if (range.first != range.second) {
            std::string hash;
            try {
                hash = read_source(f.path).hash;
            } catch (const InputError&) {
                // Reported by the shard's sync.
            }
            for (auto o = range.first; o != range.second && !hash.empty(); ++o) {
                if (h.records.at(o->second).hash != hash) continue;
                shard[i] = h.by_name.at(o->second);
                orphans.erase(o);
                break;
            }
        }
        if (shard[i] < 0) shard[i] = shard_of(target_of(f).name, n);
    }
    for (size_t i = 0; i < files.files.size(); ++i)
        parts[static_cast<size_t>(shard[i])].files.push_back(files.files[i]);
    return parts;
}

// A new sharded folder: its n shards made empty (with the analysis they are indexed by), then
// DIR/XAPIANDB listing them, before any report is written. A run stopped after this leaves a
// sharded folder whose next run goes on; one stopped before it, only empty shards
// (left_unlisted).
void create_shards(const fs::path& dir, int n) {
    fs::create_directories(dir);
    const Analyzer analyzer;
    for (int k = 0; k < n; ++k) {
        Xapian::WritableDatabase db((dir / shard_name(k)).string(), Xapian::DB_CREATE_OR_OPEN);
        db.set_metadata(meta::kSchema, std::to_string(kSchemaVersion));
        db.set_metadata(meta::kAnalysis, analyzer.fingerprint());
        db.commit();
    }
    // Empty shards a stopped run made beyond this count (left_unlisted) go.
    for (int k = n;; ++k) {
        std::error_code ec;
        if (!fs::exists(dir / shard_name(k), ec)) break;
        fs::remove_all(dir / shard_name(k));
    }
    write_stub(dir, n);
}

bool holds_no_report(const fs::path& shard) {
    const Xapian::Database db(shard.string());
    const std::string pfx = meta::kFilePrefix;
    return db.get_doccount() == 0 && db.metadata_keys_begin(pfx) == db.metadata_keys_end(pfx);
}

// A folder that holds only what create_shards leaves when stopped before its stub: shard
// folders holding no report, a stub being written.
bool left_unlisted(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(std::string(".") + kStub + ".tmp-", 0) == 0) continue;
        if (name.rfind("shard", 0) != 0 || name.size() == 5 ||
            name.find_first_not_of("0123456789", 5) != std::string::npos || !e.is_directory())
            return false;
        try {
            if (!holds_no_report(e.path())) return false;
        } catch (const Xapian::Error&) {
            return false;
        }
    }
    return !ec;
}

int worst(int a, int b) { return (a == 2 || b == 2) ? 2 : std::max(a, b); }

long count_terms(const Xapian::Database& db) {
    long n = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++n;
    return n;
}

// One summary of every shard's (their JSON lines), as the indexer prints one database's.
void print_summary(const IndexOptions& o, const fs::path& dir, const std::vector<json>& shards,
                   double secs, std::ostream& out) {
    json files = {{"seen", 0},    {"changed", 0}, {"unchanged", 0},
                  {"removed", 0}, {"renamed", 0}, {"failed", 0}};
    json passages = {
        {"added", 0}, {"updated", 0}, {"removed", 0}, {"unchanged", 0}, {"relined", 0}};
    json changed = json::array();
    for (size_t k = 0; k < shards.size(); ++k) {
        if (!shards[k].is_object()) continue;
        const json s = {{"files", shards[k].value("files", json::object())},
                        {"passages", shards[k].value("passages", json::object())}};
        for (auto& [key, v] : files.items()) v = v.get<long>() + s["files"].value(key, 0L);
        for (auto& [key, v] : passages.items()) v = v.get<long>() + s["passages"].value(key, 0L);
        if (s["files"].value("changed", 0L) + s["files"].value("removed", 0L) +
                s["files"].value("renamed", 0L) >
            0)
            changed.push_back(static_cast<int>(k));
    }
    // The whole as a searcher sees it: every shard through the stub.
    const Xapian::Database all(dir.string());
    long nfiles = 0;
    const std::string pfx = meta::kFilePrefix;
    for (size_t k = 0; k < shards.size(); ++k) {
        const Xapian::Database one((dir / shard_name(static_cast<int>(k))).string());
        for (auto it = one.metadata_keys_begin(pfx); it != one.metadata_keys_end(pfx); ++it)
            ++nfiles;
    }
    files["total"] = nfiles;
    passages["total"] = static_cast<long>(all.get_doccount());
    const long terms = count_terms(all);
    if (o.json) {
        out << dump({{"db", o.db},
                     {"shards", shards.size()},
                     {"shards_changed", changed},
                     {"files", files},
                     {"passages", passages},
                     {"terms", terms},
                     {"seconds", secs}})
            << "\n"
            << std::flush;
        return;
    }
    if (o.quiet) return;
    out << plural(files["changed"], "file", "files") << " changed";
    if (files["renamed"] != 0) out << ", " << files["renamed"] << " renamed";
    if (files["removed"] != 0) out << ", " << files["removed"] << " removed";
    if (files["failed"] != 0) out << ", " << files["failed"] << " failed";
    out << ": " << plural(passages["added"], "passage", "passages") << " added, "
        << passages["updated"] << " updated, " << passages["removed"] << " removed, "
        << passages["unchanged"] << " unchanged (" << std::fixed << std::setprecision(2) << secs
        << " s)\n"
        << o.db << ": " << plural(passages["total"], "passage", "passages") << ", "
        << plural(terms, "term", "terms") << ", " << plural(nfiles, "file", "files") << " in "
        << plural(static_cast<long>(shards.size()), "shard", "shards") << " (" << changed.size()
        << " changed)\n"
        << std::flush;
}

// --check over the shards: what each would change, as one list.
int check_all(const IndexOptions& o, const std::vector<json>& answers, int status,
              std::ostream& out) {
    json stale = json::array();
    for (const json& a : answers)
        if (a.is_object())
            for (const json& s : a.value("out_of_date", json::array())) stale.push_back(s);
    std::sort(stale.begin(), stale.end(),
              [](const json& a, const json& b) { return a["file"] < b["file"]; });
    if (o.json) {
        out << dump({{"up_to_date", stale.empty()}, {"out_of_date", stale}}) << "\n";
    } else {
        for (const json& s : stale)
            out << s["state"].get<std::string>() << ": "
                << (s.contains("from") ? s["from"].get<std::string>() + " -> " : "")
                << s["file"].get<std::string>() << "\n";
        if (stale.empty()) out << "database " << o.db << " is up to date\n";
    }
    return status;
}

}  // namespace

int shard_of(const std::string& name, int n) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : name) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return static_cast<int>(h % static_cast<std::uint64_t>(n));
}

bool runs_sharded(const IndexOptions& o) {
    return !o.files && !o.dry_run && (o.shards > 0 || shard_count(o.db) > 0);
}

int shard_count(const std::string& dir) {
    std::ifstream in(fs::path(dir) / kStub);
    std::string first;
    if (!in || !std::getline(in, first) || first.rfind(kHeader, 0) != 0) return 0;
    int n = 0;
    for (std::string line; std::getline(in, line);)
        if (line == "auto " + shard_name(n)) ++n;
    return n;
}

int run_sharded(const IndexOptions& options, std::ostream& out, std::ostream& err) {
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path dir = fs::absolute(options.db).lexically_normal();
    std::error_code ec;
    const int had = shard_count(options.db);
    int n = had ? had : options.shards;
    if (options.shards && had && options.shards != had)
        throw UsageError(options.db + " holds " + plural(had, "shard", "shards") + ", not " +
                         std::to_string(options.shards) +
                         "; to spread the reports anew, index them into a new --db with --shards " +
                         std::to_string(options.shards));
    if (!had && fs::exists(fs::symlink_status(dir, ec)) &&
        !(fs::is_directory(dir, ec) && (fs::is_empty(dir, ec) || left_unlisted(dir))))
        throw UsageError(options.db +
                         " is a database of one shard, or not a database; --shards N makes a "
                         "sharded database in a new folder (give another --db)");
    if (n < 1) throw UsageError("--shards takes 1 or more");
    if (options.check && !had)
        throw UsageError("no database at " + options.db + " (run indexer first)");

    // Replicas (xapian-replicate) are sent the changesets of each commit, not a whole copy.
    ::setenv("XAPIAN_MAX_CHANGESETS", "10", 0);

    const FileSet files = collect_files(options.paths, err);
    if (!had && !options.check) {
        make_folders(dir, options.db);
        create_shards(dir, n);
    }
    const std::vector<FileSet> parts = spread(files, read_holders(dir, had), n);
    int status = files.failed ? 2 : 0;
    std::vector<json> answers;
    for (int k = 0; k < n; ++k) {
        const fs::path shard = dir / shard_name(k);
        if (parts[static_cast<size_t>(k)].files.empty() && !options.rebuild &&
            fs::exists(shard, ec) && holds_no_report(shard)) {
            answers.push_back({{"files", json::object()},
                               {"passages", json::object()},
                               {"out_of_date", json::array()}});
            continue;  // an empty shard with nothing to add is not written to
        }
        IndexOptions o = options;
        o.db = (dir / shard_name(k)).string();
        o.shards = 0;
        o.files = &parts[static_cast<size_t>(k)];
        o.json = true;
        o.quiet = false;
        o.watch = false;
        std::ostringstream shard_out;
        const int rc = run_index(o, shard_out, err);
        status = worst(status, rc);
        std::istringstream lines(shard_out.str());
        json last;
        for (std::string line; std::getline(lines, line);)
            if (!line.empty()) last = json::parse(line);
        answers.push_back(last);
    }
    if (options.check) return check_all(options, answers, status, out);
    print_summary(options, dir, answers,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  out);
    return status;
}

}  // namespace rapportsok
