// indexer --check: what a sync would change, by file; nothing is written.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "indexer/common/schema.h"
#include "indexer/modes.h"
#include "indexer/run.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace rapportsok {

// Unreadable files are reported on err too, and make the status 2 (as a sync's is).
int run_check(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    Run run(o, out, err);
    const FileSet set = run.collect();
    const DatabaseFolder& folder = run.folder;
    std::error_code ec;
    if (!folder.exists() ||
        (fs::is_directory(folder.stub(), ec) && fs::is_empty(folder.stub(), ec)))
        throw UsageError("no database at " + o.db + " (run indexer first)");
    // Damaged, it is said so, in the words of a sync.
    Xapian::Database db;
    SyncPlan plan;
    try {
        folder.check_openable();
        db = Xapian::Database(folder.current().string());
        if (folder.holds_database()) folder.check_intact();
        plan = plan_sync(db, set);
    } catch (const Xapian::DatabaseOpeningError& e) {
        if (!folder.holds_database())
            throw UsageError("no database at " + o.db + " (run indexer first)");
        folder.throw_corrupt(e.get_msg());
    } catch (const Xapian::DatabaseCorruptError& e) {
        folder.throw_corrupt(e.get_msg());
    } catch (const Xapian::DatabaseError& e) {
        // A table cut short fails as a plain DatabaseError ("EOF reading block"); the other
        // subclasses (a lock, a revision discarded) keep their messages.
        if (std::string(e.get_type()) != "DatabaseError") throw;
        folder.throw_corrupt(e.get_msg());
    }
    struct Stale {
        std::string file, state, from;
    };
    std::vector<Stale> stale;
    for (size_t i = 0; i < plan.targets.size(); ++i) {
        const SyncTarget& t = plan.targets[i];
        const std::string& from = plan.continues[i];
        if (from.empty()) {
            stale.push_back({t.name, "new", ""});
            continue;
        }
        if (from != t.name) {
            stale.push_back({t.name, "renamed", from});
            continue;
        }
        const FileRecord r = decode_file_record(db.get_metadata(meta::kFilePrefix + t.name));
        try {
            if (read_source(t.path).hash != r.hash) stale.push_back({t.name, "changed", ""});
        } catch (const InputError& e) {
            err << "indexer: " << e.what() << "\n";
            stale.push_back({t.name, "unreadable", ""});
            run.outcome.failed = true;
        }
    }
    for (const std::string& f : plan.removed) stale.push_back({f, "removed", ""});
    if (o.json) {
        json j = json::array();
        for (const Stale& s : stale) {
            j.push_back({{"file", s.file}, {"state", s.state}});
            if (!s.from.empty()) j.back()["from"] = s.from;
        }
        out << dump_json({{"up_to_date", stale.empty()}, {"out_of_date", j}}) << "\n";
    } else {
        for (const Stale& s : stale)
            out << s.state << ": " << (s.from.empty() ? "" : s.from + " -> ") << s.file << "\n";
        if (stale.empty()) out << "database " << o.db << " is up to date\n";
    }
    return run.outcome.failed ? 2 : stale.empty() ? 0 : 1;
}

}  // namespace rapportsok
