#include "searcher/shards.h"

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "indexer/common/errors.h"
#include "indexer/common/schema.h"

namespace rapportsok {

namespace {

bool is_dir(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

// A path of a stub line, relative to the stub's folder as Xapian reads it.
std::string from_stub(const std::string& path, const std::string& stub) {
    if (path.empty() || path[0] == '/') return path;
    const size_t slash = stub.rfind('/');
    return slash == std::string::npos ? path : stub.substr(0, slash + 1) + path;
}

constexpr int kMaxStubDepth = 8;

ShardSpec local_shard(const std::string& path) {
    ShardSpec s;
    s.name = s.path = path;
    return s;
}

void resolve(const std::string& path, bool given, int depth, ShardList& out);

void read_stub(const std::string& stub, int depth, ShardList& out) {
    if (depth > kMaxStubDepth)
        throw UsageError("the stub file " + stub + " lists stubs " + std::to_string(kMaxStubDepth) +
                         " deep: a loop?");
    std::ifstream in(stub);
    if (!in) throw UsageError("cannot read the stub file " + stub);
    out.stubs.push_back(stub);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const size_t space = line.find(' ');
        const std::string type = line.substr(0, space);
        const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
        const std::string where = stub + ":" + std::to_string(n);
        if ((type == "auto" || type == "glass" || type == "chert") && !rest.empty()) {
            resolve(from_stub(rest, stub), false, depth + 1, out);
            continue;
        }
        if (type == "remote" && !rest.empty()) {
            ShardSpec s;
            if (rest[0] == ':') {
                const size_t sp = rest.find(' ');
                s.program = rest.substr(1, sp == std::string::npos ? sp : sp - 1);
                s.args = sp == std::string::npos ? "" : rest.substr(sp + 1);
                s.name = rest;
            } else {
                const size_t colon = rest.rfind(':');
                std::string host = colon == std::string::npos ? "" : rest.substr(0, colon);
                const std::string port = colon == std::string::npos ? "" : rest.substr(colon + 1);
                if (host.size() > 2 && host.front() == '[' && host.back() == ']')
                    host = host.substr(1, host.size() - 2);
                const bool number = !port.empty() && port.size() <= 5 &&
                                    port.find_first_not_of("0123456789") == std::string::npos;
                if (host.empty() || !number || std::stoul(port) == 0 || std::stoul(port) > 65535)
                    throw UsageError(where + ": a remote shard is written remote HOST:PORT");
                s.host = host;
                s.port = static_cast<unsigned>(std::stoul(port));
                s.name = rest;
            }
            out.shards.push_back(s);
            continue;
        }
        // Not the line itself: a stub may be a file the user did not mean to show.
        throw UsageError(where +
                         ": not a line of a Xapian stub file (auto PATH, remote HOST:PORT)");
    }
}

void resolve(const std::string& path, bool given, int depth, ShardList& out) {
    if (!exists(path)) {
        if (given)
            throw UsageError("no database at " + path + " (create it with: indexer --db " + path +
                             " corpus)");
        out.shards.push_back(local_shard(path));
        return;
    }
    if (is_dir(path)) {
        // A database folder, or a folder whose XAPIANDB stub lists its shards.
        if (!exists(path + "/iamglass") && !exists(path + "/iamchert") &&
            exists(path + "/XAPIANDB")) {
            read_stub(path + "/XAPIANDB", depth, out);
            return;
        }
        out.shards.push_back(local_shard(path));
        return;
    }
    if (!given) {
        read_stub(path, depth, out);
        return;
    }
    const size_t before = out.stubs.size();
    try {
        read_stub(path, depth, out);
    } catch (const UsageError& e) {
        // A file given for a database that is none (a stub that lists what is none says so).
        if (out.stubs.size() != before + 1) throw;
        throw UsageError("cannot open the database at " + path +
                         ": neither a database folder nor a stub file (" + e.what() + ")");
    }
}

}  // namespace

ShardList resolve_shards(const std::vector<std::string>& paths) {
    ShardList out;
    for (const std::string& p : paths) resolve(p, true, 0, out);
    return out;
}

namespace {

// A table file with something in it: a database was committed in the folder once.
bool holds_tables(const std::string& dir) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".glass" && e.is_regular_file(ec) && e.file_size(ec) > 0)
            return true;
    return false;
}

// The stub NAME whose generation NAME.d/N path is (what indexer --rebuild leaves); "" for any
// other path.
std::string stub_of_generation(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    const std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
    if (parent.size() <= 2 || parent.compare(parent.size() - 2, 2, ".d") != 0) return "";
    const std::string stub = parent.substr(0, parent.size() - 2);
    return exists(stub) && !is_dir(stub) ? stub : "";
}

}  // namespace

Xapian::Database open_database(const std::string& path, const Analyzer& analyzer,
                               bool allow_empty) {
    const std::string create = "create it with: indexer --db " + path + " corpus";
    // The generation NAME.d/N that indexer --rebuild's stub NAME names, gone or empty: NAME is
    // damaged.
    const std::string stub = stub_of_generation(path);
    if (!exists(path)) {
        if (!stub.empty())
            throw DatabaseDamaged(stub, "its stub file names " + path + ", which does not exist",
                                  false);
        throw UsageError("no database at " + path + " (" + create + ")");
    }
    Xapian::Database db;
    try {
        db = Xapian::Database(path);
    } catch (const Xapian::DatabaseVersionError& e) {
        throw DatabaseDamaged(path, e.get_msg(), false);
    } catch (const Xapian::DatabaseOpeningError& e) {
        // A folder whose tables are there, one missing or the version file: damaged. Else it
        // is no database.
        if (is_dir(path) && (exists(path + "/iamglass") || holds_tables(path)))
            throw DatabaseDamaged(path, e.get_msg(), false);
        if (!stub.empty())
            throw DatabaseDamaged(stub, "its stub file names " + path + ": " + e.get_msg(), false);
        throw UsageError("cannot open the database at " + path + ": " + e.get_msg() + " (" +
                         create + ")");
    } catch (const Xapian::DatabaseCorruptError& e) {
        throw DatabaseDamaged(path, e.get_msg(), false);
    } catch (const Xapian::DatabaseError& e) {
        if (std::string(e.get_type()) != "DatabaseError") throw;
        throw DatabaseDamaged(path, e.get_msg(), false);  // a table cut short: EOF reading a block
    }
    std::string fp = db.get_metadata(meta::kAnalysis);
    if (fp.empty() && db.get_doccount() == 0) {
        if (allow_empty) return db;
        throw UsageError("the database at " + path + " is empty (" + create + ")");
    }
    if (fp != analyzer.fingerprint())
        throw UsageError("the database at " + path + " was built with another analysis (" + fp +
                         "; this searcher uses " + analyzer.fingerprint() + "); " +
                         rebuild_advice(path));
    return db;
}

std::string shard_error_message(const Xapian::Error& e, double timeout) {
    std::string msg = e.get_msg();
    if (const char* why = e.get_error_string(); why && *why) msg += " (" + std::string(why) + ")";
    if (std::string(e.get_type()) == "NetworkTimeoutError") {
        char secs[32];
        std::snprintf(secs, sizeof secs, "%g", timeout);
        msg = "no answer within " + std::string(secs) + " s: " + msg;
    }
    return msg;
}

bool error_names_shard(const Xapian::Error& e, const ShardSpec& spec) {
    if (spec.host.empty()) return false;
    return e.get_context() == "remote:tcp(" + spec.host + ":" + std::to_string(spec.port) + ")";
}

void Shard::fail(std::string error) {
    db_ = Xapian::Database();  // the connection goes with the last handle on it
    open_ = false;
    state_.clear();
    error_ = std::move(error);
}

void Shard::open(double timeout, const Analyzer& analyzer, bool allow_empty) {
    if (!spec_.remote()) {
        db_ = open_database(spec_.path, analyzer, allow_empty);
    } else {
        // Xapian takes milliseconds: for connecting, and for each answer after.
        const auto ms = static_cast<useconds_t>(std::ceil(timeout * 1000));
        db_ = spec_.program.empty() ? Xapian::Remote::open(spec_.host, spec_.port, ms, ms)
                                    : Xapian::Remote::open(spec_.program, spec_.args, ms);
        const std::string fp = db_.get_metadata(meta::kAnalysis);
        if (!(fp.empty() && db_.get_doccount() == 0 && allow_empty) && fp != analyzer.fingerprint())
            throw UsageError(fp.empty() && db_.get_doccount() == 0
                                 ? "the database it serves is empty"
                                 : "the database it serves was built with another analysis (" + fp +
                                       "; this searcher uses " + analyzer.fingerprint() + ")");
    }
    open_ = true;
    error_.clear();
}

void Shard::read_state() {
    state_.clear();
    try {
        if (!spec_.remote()) {
            state_ = db_.get_uuid() + ":" + std::to_string(db_.get_revision());
        } else {
            const std::string commit = db_.get_metadata(meta::kCommit);
            if (!commit.empty()) state_ = db_.get_uuid() + ":" + commit;
        }
    } catch (const Xapian::InvalidOperationError&) {
    } catch (const Xapian::UnimplementedError&) {
    }
}

bool Shard::refresh(double timeout, const Analyzer& analyzer, bool allow_empty, bool strict_open) {
    try {
        bool changed = true;
        if (open_) {
            changed = db_.reopen();
        } else {
            open(timeout, analyzer, allow_empty);
        }
        // A local shard's revision is read for nothing; a remote one costs a round trip, taken
        // only when the server says that its database changed.
        if (changed || !spec_.remote()) read_state();
        used();
        return true;
    } catch (const UsageError& e) {
        if (strict_open) throw;
        fail(e.what());
    } catch (const Xapian::DatabaseModifiedError&) {
        throw;  // the engine's to handle: read again
    } catch (const Xapian::Error& e) {
        if (strict_open && !spec_.remote()) throw;
        fail(shard_error_message(e, timeout));
    }
    return false;
}

bool Shard::keep_alive(double timeout) {
    if (!open_ || !spec_.remote()) return open_;
    try {
        db_.keep_alive();
        used();
        return true;
    } catch (const Xapian::Error& e) {
        fail(shard_error_message(e, timeout));
    }
    return false;
}

}  // namespace rapportsok
