// A stateful, randomized test of the indexer against a model of the files (issue 11). Random
// steps change a corpus: paragraphs edited, inserted, deleted, moved and repeated, headings and
// page breaks added, stray bytes, files added, removed, renamed, moved to another folder,
// emptied, refilled and touched, the whole corpus removed, a --rebuild. Each step ends with a
// sync: most as usual, some given a missing path (nothing may change), some given the corpus
// twice (relative and absolute, and through a symbolic link) or from another folder, and some
// killed with kill -9 at a random moment (then the database must hold the old state or the new
// one, whole, and the next sync completes). After every step the database must hold exactly
// what a fresh reading of the files gives (the same passages with the same lines, pages,
// sections, chapters and text, and a record for each file), the passages whose text did not
// change keep their ids (through renames too), an edited paragraph keeps its id, every id is
// unique, and xapian-check passes.
//
//   RAPPORTSOK_MODEL_SEED=S     replay: the seed to start from (else one from the clock)
//   RAPPORTSOK_MODEL_STEPS=N    steps a round (default 150; 50 in a sanitizer build)
//   RAPPORTSOK_MODEL_SECONDS=T  rounds of N steps, each with the next seed, for T seconds
//   RAPPORTSOK_MODEL_KEEP=DIR   the folder (files and database) is copied to DIR after a failure
//                               or the last step, to look at by hand
//   RAPPORTSOK_MODEL_FAILURE=DIR  the same after a failure only (scripts/model-test sets it)
//   RAPPORTSOK_MODEL_KILL_AT=P  every killed sync is killed at kill point P (RAPPORTSOK_KILL_AT,
//                               indexer/sync.h), e.g. exchanged or file:2; else half of them at a
//                               point picked at random, half after a random time
//
// A failure prints the seed, the step and the steps taken; scripts/model-test runs this for as
// long as asked. Every failure it finds becomes a named test in test_data_safety.cc.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "indexer/acronyms.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"
#include "indexer/read.h"
#include "indexer/sync.h"
#include "indexer/write.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using rapportsok::Passage;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr long kDefaultSteps = 50;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr long kDefaultSteps = 50;
#else
constexpr long kDefaultSteps = 150;
#endif
#else
constexpr long kDefaultSteps = 150;
#endif

long env_number(const char* name, long otherwise) {
    const char* v = std::getenv(name);
    return v && *v ? std::atol(v) : otherwise;
}

std::string env_text(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// Words to write with: the seed report's own.
std::vector<std::string> vocabulary() {
    const std::string seed = testing::read_file(testing::seed_report_path());
    std::set<std::string> words;
    std::string w;
    for (size_t i = 0; i < seed.size();) {
        size_t at = i;
        const char32_t c = rapportsok::next_code_point(seed, i);
        if (rapportsok::is_lower(c)) {
            w += seed.substr(at, i - at);
            continue;
        }
        if (w.size() >= 4) words.insert(w);
        w.clear();
    }
    return {words.begin(), words.end()};
}

std::string capitals(std::string s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        size_t at = i;
        const char32_t c = rapportsok::next_code_point(s, i);
        if (c == U'å')
            out += "Å";
        else if (c == U'ä')
            out += "Ä";
        else if (c == U'ö')
            out += "Ö";
        else if (c == U'é')
            out += "É";
        else if (c < 0x80)
            out += static_cast<char>(std::toupper(static_cast<int>(c)));
        else
            out += s.substr(at, i - at);
    }
    return out;
}

// One file as the model knows it: a title line, then blocks (paragraphs and headings) apart by
// blank lines. Its id stays through renames.
struct File {
    int id = 0;
    std::string path;  // relative to the workspace: "corpus/..."
    // Its name in the index: the path a sync first reached it by (relative, or absolute from
    // another folder), kept however later syncs reach it; a new or renamed file gets one when a
    // sync commits.
    std::string name;
    bool named = false;
    std::string title;
    std::vector<std::string> blocks;
    std::string blank;  // the whole text when it has no blocks: "", or white space
    std::string text() const {
        if (blocks.empty()) return blank;
        std::string s = title + "\n\n";
        for (const std::string& b : blocks) s += b + "\n\n";
        return s;
    }
};

// What the database holds of a file: its passages by position, and whether it has a record.
struct Stored {
    std::map<std::string, std::vector<Passage>> passages;  // file -> by position
    std::set<std::string> records;
    std::map<std::string, long> id_count;            // id -> documents with it
    std::map<std::string, std::string> terms;        // id -> the document's terms (terms_of)
    std::map<std::string, std::string> record_data;  // file -> its record, as stored
    std::string summaries, chapters, acronyms;       // meta::kFileSummaries, kChapters, kAcronyms
    std::string revision;
    std::string uuid;  // another database put in place (a full build, --rebuild) has another
};

// A document's terms with their wdf and positions, as text.
std::string terms_of(const Xapian::Document& doc) {
    std::string out;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        out += *t + " " + std::to_string(t.get_wdf()) + ":";
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
            out += " " + std::to_string(*p);
        out += "\n";
    }
    return out;
}

Stored read_db(const std::string& path) {
    Stored s;
    Xapian::Database db(path);
    s.revision = std::to_string(db.get_revision());
    s.uuid = db.get_uuid();
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        const Xapian::Document doc = db.get_document(*it);
        Passage p = rapportsok::decode_passage(doc.get_data());
        ++s.id_count[p.id];
        s.terms[p.id] = terms_of(doc);
        s.passages[p.file].push_back(p);
    }
    for (auto& [f, ps] : s.passages)
        std::sort(ps.begin(), ps.end(),
                  [](const Passage& a, const Passage& b) { return a.position < b.position; });
    const std::string pfx = rapportsok::meta::kFilePrefix;
    for (auto it = db.metadata_keys_begin(pfx); it != db.metadata_keys_end(pfx); ++it)
        if (!db.get_metadata(*it).empty()) {
            s.records.insert((*it).substr(pfx.size()));
            s.record_data[(*it).substr(pfx.size())] = db.get_metadata(*it);
        }
    s.summaries = db.get_metadata(rapportsok::meta::kFileSummaries);
    s.chapters = db.get_metadata(rapportsok::meta::kChapters);
    s.acronyms = db.get_metadata(rapportsok::meta::kAcronyms);
    return s;
}

std::string describe(const Passage& p) {
    std::ostringstream o;
    o << p.file << ":" << p.first_line << "-" << p.last_line << " p." << p.page << "-"
      << p.last_page << " ch." << p.chapter_number << " '" << p.chapter << "' §" << p.section_number
      << " '" << p.section_title << "' #" << p.position << " '" << p.report_title << "' "
      << p.text.substr(0, 60);
    return o.str();
}

bool same_reference(const Passage& a, const Passage& b) {
    Passage x = a;
    x.id = b.id;
    return x == b;
}

class Model {
  public:
    // kill_at: every killed sync is killed at this kill point (RAPPORTSOK_KILL_AT) rather than
    // at one picked at random or after a random time; kill_every: every sync after the first
    // is (first) killed.
    explicit Model(uint64_t seed, std::string kill_at = "", bool kill_every = false)
        : rng_(seed), words_(vocabulary()), kill_at_(std::move(kill_at)), kill_every_(kill_every) {
        dir_.write("corpus/.keep", "");  // hidden: never indexed; keeps the folder
        fs::create_directory_symlink("corpus", dir_.file("alias"));
    }

    // One step: a change to the files, then a sync; "" when all is well, else what is wrong.
    std::string step(long n) {
        const Stored before = stored_;
        const std::map<std::string, int> before_ids = identities();
        edited_.clear();
        const std::string what = n == 0 ? "first sync" : change();
        history_ += "  " + std::to_string(n) + ": " + what + "\n";
        bool ids_kept = what.rfind("rebuild", 0) != 0;

        const int variant = n == 0 ? 0 : pick({70, 8, 8, 6, 8});
        std::vector<std::string> args = {"corpus"};
        std::string cwd = dir_.path();
        bool expect_refused = false;
        if (variant == 1) {
            args.push_back(pick_of({"korpus", "corpus/saknas.txt", "alias/borta"}));
            expect_refused = true;
            history_ += "     sync with a missing path\n";
        } else if (variant == 2) {
            args = {"corpus", dir_.file("corpus"), "alias", "./corpus/"};
            history_ += "     sync with the corpus given four ways\n";
        } else if (variant == 3) {
            cwd = other_.path();
            args = {dir_.file("corpus")};
            history_ += "     sync from another folder by an absolute path\n";
        } else if (variant == 4) {
            args = {"corpus", "alias", dir_.file("alias")};
            history_ += "     sync with the corpus and a link to it\n";
        }
        // How this sync names a file it meets for the first time.
        const std::string prefix = variant == 3 ? dir_.path() + "/" : "";
        if (what.rfind("rebuild", 0) == 0) args.insert(args.begin(), "--rebuild");
        const bool kill = n > 0 && !expect_refused && (kill_every_ || chance(25));

        std::string problem;
        if (kill) {
            problem = killed_sync(args, cwd, before, prefix);
            if (!problem.empty()) return problem;
            args.erase(std::remove(args.begin(), args.end(), "--rebuild"), args.end());
            if (what.rfind("rebuild", 0) == 0) {
                // The rebuild killed, and a sync then: the ids it made afresh, or kept.
                ids_kept = false;
            }
        }
        if (!problem.empty()) return problem;
        const auto t0 = std::chrono::steady_clock::now();
        testing::Run r = testing::run(index_argv(args), cwd);
        sync_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                       .count();
        if (expect_refused) {
            if (r.status != 2)
                return "a sync given a missing path exited " + std::to_string(r.status);
            if (!fs::exists(db())) return "";
            const Stored now = read_db(db());
            if (now.revision != before.revision)
                return "a sync given a missing path wrote to the database";
            // The change waits for the next sync.
            return xapian_check();
        }
        if (r.status != 0)
            return "the sync exited " + std::to_string(r.status) + ": " + r.err + r.out;
        if (r.err.find("corrupt") != std::string::npos) return "the sync said: " + r.err;
        name_new_files(prefix);
        problem = check_all(before_ids, before, ids_kept);
        if (!problem.empty() && !r.err.empty()) problem += "\n     the sync said: " + r.err;
        return problem;
    }

    const std::string& history() const { return history_; }
    // Copies the folder (the files and the database, times kept) to look at by hand.
    void keep(const std::string& to) const {
        fs::remove_all(to);
        fs::copy(dir_.path(), to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    }

  private:
    // --- random choices
    bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
    size_t below(size_t n) { return n ? static_cast<size_t>(rng_() % n) : 0; }
    int pick(const std::vector<int>& weights) {
        int total = 0;
        for (int w : weights) total += w;
        int x = static_cast<int>(rng_() % static_cast<uint64_t>(total));
        for (size_t i = 0; i < weights.size(); ++i) {
            if (x < weights[i]) return static_cast<int>(i);
            x -= weights[i];
        }
        return 0;
    }
    std::string pick_of(const std::vector<std::string>& v) { return v[below(v.size())]; }
    std::string word() { return words_[below(words_.size())]; }

    std::string sentence(size_t min_words, size_t max_words) {
        const size_t n = min_words + below(max_words - min_words + 1);
        std::string s;
        for (size_t i = 0; i < n; ++i) s += (i ? " " : "") + word();
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
        return s + ".";
    }
    std::string paragraph() {
        std::string p = sentence(4, 30);
        if (chance(30)) p += " " + sentence(3, 15);
        return p;
    }
    std::string heading(File& f) {
        if (chance(25)) return capitals(word() + " " + word());
        return std::to_string(++sections_[f.id]) + ". " + capitals(word().substr(0, 1)) +
               word().substr(1) + " " + word();
    }
    // A path no file has now: a file added or renamed onto one the model still has would
    // replace it on disk while the model kept both. A path a file had before is fair game.
    std::string new_name(const std::string& folder) {
        for (;;) {
            const std::string path =
                folder + "/" + word() + "-" + std::to_string(next_id_) + ".txt";
            if (std::none_of(files_.begin(), files_.end(),
                             [&](const File& f) { return f.path == path; }))
                return path;
        }
    }

    File& some_file() {
        std::vector<File*> full;
        for (File& f : files_)
            if (!f.blocks.empty()) full.push_back(&f);
        return full.empty() ? files_[below(files_.size())] : *full[below(full.size())];
    }

    void write(const File& f) { dir_.write(f.path, f.text()); }

    File make_file(const std::string& path) {
        File f;
        f.id = next_id_++;
        f.path = path;
        f.title = "Rapport om " + word() + " " + std::to_string(f.id);
        const size_t n = 2 + below(25);
        for (size_t i = 0; i < n; ++i) f.blocks.push_back(chance(12) ? heading(f) : paragraph());
        return f;
    }

    // Changes the files and says how.
    std::string change() {
        if (files_.empty()) {
            files_.push_back(make_file(new_name("corpus")));
            write(files_.back());
            return "add " + files_.back().path;
        }
        switch (pick({20, 12, 10, 6, 4, 4, 3, 2, 7, 4, 5, 3, 4, 3, 5, 1, 2})) {
            case 0: {  // edit a word of a paragraph
                File& f = some_file();
                if (f.blocks.empty()) break;
                const size_t b = below(f.blocks.size());
                std::string& text = f.blocks[b];
                const size_t space = text.find(' ', below(text.size()));
                const std::string before = text;
                if (space == std::string::npos)
                    text += " " + word() + ".";
                else
                    text.insert(space + 1, word() + " ");
                // Its id is checked when the block's old text was its own: a heading of the
                // same text as a passage elsewhere is no passage edited (seed 5012, step 116).
                if (std::count(f.blocks.begin(), f.blocks.end(), before) == 0)
                    edited_.push_back({f.id, before, text});
                write(f);
                return "edit " + f.path + " block " + std::to_string(b);
            }
            case 1: {  // insert a paragraph
                File& f = some_file();
                const size_t at = below(f.blocks.size() + 1);
                f.blocks.insert(f.blocks.begin() + static_cast<long>(at), paragraph());
                write(f);
                return "insert into " + f.path + " at " + std::to_string(at);
            }
            case 2: {  // delete a block
                File& f = some_file();
                if (f.blocks.size() < 2) break;
                const size_t at = below(f.blocks.size());
                f.blocks.erase(f.blocks.begin() + static_cast<long>(at));
                write(f);
                return "delete block " + std::to_string(at) + " of " + f.path;
            }
            case 3: {  // move a block
                File& f = some_file();
                if (f.blocks.size() < 2) break;
                const size_t from = below(f.blocks.size());
                std::string b = f.blocks[from];
                f.blocks.erase(f.blocks.begin() + static_cast<long>(from));
                const size_t to = below(f.blocks.size() + 1);
                f.blocks.insert(f.blocks.begin() + static_cast<long>(to), b);
                write(f);
                return "move block " + std::to_string(from) + " to " + std::to_string(to) + " in " +
                       f.path;
            }
            case 4: {  // repeat a paragraph elsewhere
                File& f = some_file();
                if (f.blocks.empty()) break;
                const std::string b = f.blocks[below(f.blocks.size())];
                f.blocks.insert(f.blocks.begin() + static_cast<long>(below(f.blocks.size() + 1)),
                                b);
                write(f);
                return "repeat a block in " + f.path;
            }
            case 5: {  // a heading
                File& f = some_file();
                const size_t at = below(f.blocks.size() + 1);
                f.blocks.insert(f.blocks.begin() + static_cast<long>(at), heading(f));
                write(f);
                return "heading into " + f.path + " at " + std::to_string(at);
            }
            case 6: {  // a page break before a block
                File& f = some_file();
                if (f.blocks.empty()) break;
                const size_t at = below(f.blocks.size());
                if (f.blocks[at][0] != '\f') f.blocks[at] = "\f" + f.blocks[at];
                write(f);
                return "page break before block " + std::to_string(at) + " of " + f.path;
            }
            case 7: {  // a stray byte that is not UTF-8
                File& f = some_file();
                if (f.blocks.empty()) break;
                const size_t at = below(f.blocks.size());
                f.blocks[at].insert(f.blocks[at].size() / 2, "\xff");
                write(f);
                return "stray byte in block " + std::to_string(at) + " of " + f.path;
            }
            case 8: {  // a new file, maybe in a subfolder
                files_.push_back(make_file(new_name(chance(30) ? "corpus/del" : "corpus")));
                write(files_.back());
                return "add " + files_.back().path;
            }
            case 9: {  // remove a file
                const size_t at = below(files_.size());
                const std::string path = files_[at].path;
                fs::remove(dir_.file(path));
                files_.erase(files_.begin() + static_cast<long>(at));
                return "remove " + path;
            }
            case 10:
            case 11: {  // rename, or move to another folder
                File& f = files_[below(files_.size())];
                const std::string from = f.path;
                f.path = new_name(chance(50) ? "corpus" : "corpus/flyttat");
                f.named = false;
                fs::create_directories(fs::path(dir_.file(f.path)).parent_path());
                fs::rename(dir_.file(from), dir_.file(f.path));
                return "rename " + from + " to " + f.path;
            }
            case 12: {  // empty a file
                File& f = some_file();
                f.blocks.clear();
                f.blank = pick_of({"", "   \n", "\n\n\t\n"});
                write(f);
                return "empty " + f.path;
            }
            case 13: {  // fill an empty file, or a new empty one
                for (File& f : files_) {
                    if (!f.blocks.empty()) continue;
                    f.blocks.push_back(paragraph());
                    write(f);
                    return "refill " + f.path;
                }
                File f = make_file(new_name("corpus"));
                f.blocks.clear();
                files_.push_back(f);
                write(f);
                return "add empty " + f.path;
            }
            case 14: {  // touch: a new mtime, the same bytes
                File& f = files_[below(files_.size())];
                write(f);
                return "touch " + f.path;
            }
            case 15: {  // every file gone
                for (const File& f : files_) fs::remove(dir_.file(f.path));
                files_.clear();
                return "remove every file";
            }
            case 16:
                return "rebuild";
        }
        return "nothing (no file to change)";
    }

    void name_new_files(const std::string& prefix) {
        for (File& f : files_) {
            if (f.named) continue;
            f.name = prefix + f.path;
            f.named = true;
        }
    }

    std::vector<std::string> index_argv(const std::vector<std::string>& args) const {
        std::vector<std::string> argv = {testing::indexer_bin(), "--db", db(), "--quiet"};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
    std::string db() const { return dir_.file("db"); }

    // A sync killed at a random moment: then the database holds the old state or the new one.
    std::string killed_sync(const std::vector<std::string>& args, const std::string& cwd,
                            const Stored& before, const std::string& prefix) {
        const long ms = static_cast<long>(below(static_cast<size_t>(sync_ms_ * 1.2) + 2));
        // Half the kills at a kill point on the run's way (the indexer kills itself there), so
        // that every moment between two steps of a run is met in every kind of state, the
        // short ones too (a full build's database put in place, the summary after a commit).
        std::string point = kill_at_;
        if (point.empty() && chance(50)) {
            point = pick_of({"opened", "checked", "file", "commit", "synced", "summary",
                             "build-file", "built", "exchanged", "rebuilt", "swap", "swapped"});
            if (point == "file" || point == "build-file")
                point += ":" + std::to_string(1 + below(files_.size() + 1));
        }
        int status;
        if (!point.empty()) {
            history_ += "     kill -9 at " + point + "\n";
            const testing::Run r =
                testing::run(index_argv(args), cwd, {"RAPPORTSOK_KILL_AT=" + point});
            status = r.status;
            if (status != 0 && status != 128 + SIGKILL)
                return "the sync to be killed exited " + std::to_string(status) + ": " + r.err;
            if (status == 0) history_ += "     (not on its way: it ended)\n";
        } else {
            history_ += "     kill -9 after " + std::to_string(ms) + " ms\n";
            testing::Process p(index_argv(args), cwd);
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            p.signal(SIGKILL);
            status = p.wait();
            if (status != 0 && status != 128 + SIGKILL)
                return "the sync to be killed exited " + std::to_string(status) + ": " + p.err();
            if (status == 0) history_ += "     (it had ended before)\n";
        }
        if (!fs::exists(db())) return before.revision.empty() ? "" : "the database is gone";
        std::string report = xapian_check();
        if (!report.empty()) return "after kill -9: " + report;
        const Stored now = read_db(db());
        // The same database at the same revision: nothing was committed. A full build or a
        // --rebuild puts another database in place, whose revision can be the old one's
        // (both 1: a full build after the first sync of no files).
        if (now.uuid == before.uuid && now.revision == before.revision) {
            if (!passages_equal(now, before) || now.records != before.records)
                return "after kill -9 the database has the old revision but not its passages "
                       "and records";
            return "";
        }
        // A commit happened, or a new database is in place: the new state, whole (with names
        // as this sync gave them).
        std::vector<File> unnamed = files_;
        name_new_files(prefix);
        const std::string fresh = compare_with_files(now);
        files_ = unnamed;
        return fresh.empty() ? "" : "after kill -9 the database is neither old nor new: " + fresh;
    }

    static bool passages_equal(const Stored& a, const Stored& b) {
        if (a.passages.size() != b.passages.size()) return false;
        for (const auto& [f, ps] : a.passages) {
            auto it = b.passages.find(f);
            if (it == b.passages.end() || it->second.size() != ps.size()) return false;
            for (size_t i = 0; i < ps.size(); ++i)
                if (!(ps[i] == it->second[i])) return false;
        }
        return true;
    }

    std::string xapian_check() const {
        try {
            if (Xapian::Database::check(db(), 0, nullptr) != 0) return "xapian-check finds errors";
        } catch (const Xapian::Error& e) {
            return "xapian-check: " + e.get_description();
        }
        return "";
    }

    // The database against a fresh reading of the files.
    std::string compare_with_files(const Stored& now) const {
        std::set<std::string> expected_files;
        for (const File& f : files_) {
            expected_files.insert(f.name);
            const rapportsok::Source src = rapportsok::read_source(dir_.file(f.path));
            const rapportsok::Report fresh = rapportsok::load_report(src, f.name);
            auto it = now.passages.find(f.name);
            const std::vector<Passage> none;
            const std::vector<Passage>& have = it == now.passages.end() ? none : it->second;
            if (have.size() != fresh.passages.size())
                return f.name + ": " + std::to_string(have.size()) + " passages indexed, " +
                       std::to_string(fresh.passages.size()) + " in the file";
            for (size_t i = 0; i < have.size(); ++i)
                if (!same_reference(have[i], fresh.passages[i]))
                    return "indexed " + describe(have[i]) + "\n     in the file " +
                           describe(fresh.passages[i]);
            // Its record: what the file is (size, time, content) and says (title, chapters,
            // acronyms), which a sync trusts and searches read.
            auto rec = now.record_data.find(f.name);
            if (rec == now.record_data.end()) return f.name + ": no record";
            const rapportsok::FileRecord r = rapportsok::decode_file_record(rec->second);
            struct stat st;
            ::stat(dir_.file(f.path).c_str(), &st);
            const long long mtime =
                static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
            if (r.size != src.size || r.hash != src.hash || r.mtime_ns != mtime)
                return f.name + ": its record has another size, time or content than the file";
            std::vector<std::pair<std::string, std::string>> acronyms;
            for (const Passage& p : fresh.passages)
                for (auto& a : rapportsok::find_acronyms(p.text))
                    if (std::none_of(acronyms.begin(), acronyms.end(),
                                     [&](const auto& x) { return x.first == a.first; }))
                        acronyms.push_back(a);
            if (r.passages != static_cast<long>(fresh.passages.size()) || r.title != fresh.title ||
                r.chapters != fresh.chapters || r.acronyms != acronyms)
                return f.name +
                       ": its record's passages, title, chapters or acronyms are not "
                       "the file's";
            // And the terms a fresh build writes, compound parts and all: they depend on the
            // report's own words, and a sync must bring them in step when those change.
            rapportsok::Decompounder parts;
            for (const Passage& p : fresh.passages)
                for (const std::string& w : rapportsok::lowercase_words(p.text)) parts.add_word(w);
            for (size_t i = 0; i < have.size(); ++i) {
                Passage p = fresh.passages[i];
                p.id = have[i].id;
                const std::string expected =
                    terms_of(rapportsok::make_document(p, analyzer_, tg_, &parts));
                if (now.terms.at(p.id) != expected)
                    return "the terms of " + describe(have[i]) + " are not a fresh build's";
            }
        }
        for (const auto& [f, ps] : now.passages)
            if (!expected_files.count(f)) return f + ": indexed, but no such file";
        if (now.records != expected_files) {
            std::string names;
            for (const std::string& r : now.records) names += " " + r;
            return "the records are" + names;
        }
        for (const auto& [id, n] : now.id_count)
            if (n != 1) return "id " + id + " is had by " + std::to_string(n) + " passages";
        return summaries_problem(now);
    }

    // The summaries searches read (chapters and acronyms, each file's and all of them) are
    // those of the records.
    static std::string summaries_problem(const Stored& now) {
        using nlohmann::json;
        json by_file = json::object();
        std::set<std::string> chapters;
        std::set<std::pair<std::string, std::string>> acronyms;
        for (const auto& [name, data] : now.record_data) {
            const rapportsok::FileRecord r = rapportsok::decode_file_record(data);
            by_file[name] = {r.chapters, r.acronyms};
            chapters.insert(r.chapters.begin(), r.chapters.end());
            acronyms.insert(r.acronyms.begin(), r.acronyms.end());
        }
        auto parsed = [](const std::string& s) { return s.empty() ? json() : json::parse(s); };
        const json stored = parsed(now.summaries);
        if ((by_file.empty() ? json() : by_file) != stored)
            return "the file summaries are not the records': " + now.summaries.substr(0, 200);
        const json c = parsed(now.chapters), a = parsed(now.acronyms);
        if ((c.is_null() ? std::set<std::string>() : c.get<std::set<std::string>>()) != chapters)
            return "the chapters summary is not the records': " + now.chapters.substr(0, 200);
        if ((a.is_null() ? std::set<std::pair<std::string, std::string>>()
                         : a.get<std::set<std::pair<std::string, std::string>>>()) != acronyms)
            return "the acronyms summary is not the records': " + now.acronyms.substr(0, 200);
        return "";
    }

    std::map<std::string, int> identities() const {
        std::map<std::string, int> out;
        for (const File& f : files_)
            if (f.named) out[f.name] = f.id;
        return out;
    }

    // Passages whose text did not change keep their ids: for each file (by its id, through
    // renames) and text, the ids before are all kept when the text is as frequent now, else the
    // ids now are among those before.
    std::string check_ids(const std::map<std::string, int>& before_ids, const Stored& before,
                          const Stored& now) const {
        using Ids = std::map<std::pair<int, std::string>, std::multiset<std::string>>;
        auto by_text = [](const std::map<std::string, int>& who, const Stored& s) {
            Ids out;
            for (const auto& [f, ps] : s.passages) {
                auto w = who.find(f);
                if (w == who.end()) continue;
                for (const Passage& p : ps) out[{w->second, p.text}].insert(p.id);
            }
            return out;
        };
        const Ids was = by_text(before_ids, before), is = by_text(identities(), now);
        for (const auto& [key, ids] : was) {
            auto it = is.find(key);
            if (it == is.end()) continue;
            const auto& small = ids.size() <= it->second.size() ? ids : it->second;
            const auto& large = ids.size() <= it->second.size() ? it->second : ids;
            for (const std::string& id : small)
                if (!large.count(id))
                    return "a passage kept its text but not its id (" + id +
                           "): " + key.second.substr(0, 60);
        }
        // An edited paragraph keeps its id (when its text, old and new, is its own).
        for (const Edit& e : edited_) {
            auto old_ids = was.find({e.file, e.before});
            auto new_ids = is.find({e.file, e.after});
            if (old_ids == was.end() || new_ids == is.end() || old_ids->second.size() != 1 ||
                new_ids->second.size() != 1 || is.count({e.file, e.before}))
                continue;
            if (*old_ids->second.begin() != *new_ids->second.begin())
                return "the paragraph edited got a new id: " + e.after.substr(0, 60);
        }
        return "";
    }

    std::string check_all(const std::map<std::string, int>& before_ids, const Stored& before,
                          bool ids_kept) {
        std::string report = xapian_check();
        if (!report.empty()) return report;
        Stored now = read_db(db());
        report = compare_with_files(now);
        if (!report.empty()) return report;
        if (ids_kept) report = check_ids(before_ids, before, now);
        if (!report.empty()) return report;
        for (const auto& e : fs::directory_iterator(dir_.path()))
            if (e.path().filename().string().find(".build") != std::string::npos)
                return "a build's work folder is left: " + e.path().string();
        stored_ = std::move(now);
        return "";
    }

    struct Edit {
        int file;
        std::string before, after;
    };

    std::mt19937_64 rng_;
    rapportsok::Analyzer analyzer_;
    mutable Xapian::TermGenerator tg_ = [this] {
        Xapian::TermGenerator tg;
        analyzer_.configure(tg);
        return tg;
    }();
    std::vector<std::string> words_;
    testing::TempDir dir_, other_;
    std::vector<File> files_;
    std::map<int, int> sections_;  // file id -> its last section number
    std::vector<Edit> edited_;
    Stored stored_;
    int next_id_ = 1;
    std::string kill_at_;
    bool kill_every_ = false;
    double sync_ms_ = 80;
    std::string history_;
};

}  // namespace

TEST_CASE(
    "random steps, each followed by a sync, leave the database holding exactly what the files "
    "say, with ids kept and xapian-check passing",
    "[model]") {
    const uint64_t first_seed = static_cast<uint64_t>(
        env_number("RAPPORTSOK_MODEL_SEED",
                   std::chrono::system_clock::now().time_since_epoch().count() % 1000000007));
    const long steps = env_number("RAPPORTSOK_MODEL_STEPS", kDefaultSteps);
    const long seconds = env_number("RAPPORTSOK_MODEL_SECONDS", 0);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    long rounds = 0, total_steps = 0;
    for (uint64_t seed = first_seed;; ++seed) {
        std::cerr << "model test: seed " << seed << ", " << steps << " steps (replay: "
                  << "RAPPORTSOK_MODEL_SEED=" << seed << " RAPPORTSOK_MODEL_STEPS=" << steps
                  << ")\n";
        Model model(seed, env_text("RAPPORTSOK_MODEL_KILL_AT"));
        for (long n = 0; n < steps; ++n) {
            const std::string problem = model.step(n);
            ++total_steps;
            const std::string keep = env_text("RAPPORTSOK_MODEL_KEEP");
            const std::string failure = env_text("RAPPORTSOK_MODEL_FAILURE");
            if (!keep.empty() && (!problem.empty() || n + 1 == steps)) model.keep(keep);
            if (!failure.empty() && !problem.empty()) model.keep(failure);
            if (!problem.empty()) {
                INFO("seed " << seed << ", step " << n << " (replay: RAPPORTSOK_MODEL_SEED=" << seed
                             << " RAPPORTSOK_MODEL_STEPS=" << n + 1 << ")\nsteps:\n"
                             << model.history());
                FAIL(problem);
            }
        }
        ++rounds;
        if (std::chrono::steady_clock::now() >= end) break;
    }
    std::cerr << "model test: " << rounds << " rounds, " << total_steps << " steps, all well\n";
    CHECK(total_steps >= steps);
}

TEST_CASE(
    "a full build killed once its database is in place leaves the new state, which the model "
    "takes for new though its revision is the old one's",
    "[model][regression]") {
    // The model took "the same revision" for "nothing committed": a full build after the first
    // sync of no files puts in place a database of revision 1, as the empty one was, and a kill
    // after the exchange was reported as "the old revision but not its passages".
    for (const char* point : {"exchanged", "summary"}) {
        Model model(1, point, true);
        for (long n = 0; n < 4; ++n) {
            const std::string problem = model.step(n);
            INFO(point << ", step " << n << "\nsteps:\n" << model.history());
            REQUIRE(problem == "");
        }
    }
}
