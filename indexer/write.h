// Writing passages to the Xapian database: one document per passage, and a sync that changes
// only what changed, in one transaction.
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/common/schema.h"
#include "indexer/compound.h"
#include "indexer/structure.h"

namespace rapportsok {

// The Xapian document for a passage: text, section-title and chapter fields, filter terms,
// facet values, and the passage as document data.
// With a decompounder, the stems of compound parts are added as XW terms; words, when given,
// are lowercase_words(p.text), already found by the caller.
Xapian::Document make_document(const Passage& p, const Analyzer& analyzer,
                               Xapian::TermGenerator& tg, const Decompounder* parts = nullptr,
                               const std::vector<std::string>* words = nullptr);

// The lowercase words of a text that start with a lowercase letter (names are no compounds).
std::vector<std::string> lowercase_words(const std::string& text);

// Sets meta::kCommit to a new random value: a commit after it is a new revision to a searcher
// that knows a remote shard only by it.
void mark_commit(Xapian::WritableDatabase& db);

struct SyncStats {
    long files_seen = 0, files_changed = 0, files_unchanged = 0, files_removed = 0,
         files_failed = 0, files_renamed = 0;
    long added = 0, updated = 0, removed = 0, unchanged = 0, relined = 0;
    long records_updated = 0;  // file records rewritten with no passage changed (touched, moved)
    // Records of files read again as racy (sync.cc) and found unchanged: written only by a run
    // that commits anyway.
    std::vector<std::pair<std::string, FileRecord>> settled;
};

class IndexWriter {
  public:
    IndexWriter(Xapian::WritableDatabase& db, const Analyzer& analyzer);

    // True when the database's record of the file matches size, mtime and hash.
    bool up_to_date(const std::string& file, long long size, long long mtime_ns,
                    const std::string* hash) const;
    std::vector<std::string> indexed_files() const;

    // Brings the file's passages in step with the report. A passage that continues one indexed
    // (the same text, moved or not, or one edited in place: align.h) keeps its id and document;
    // a new one gets an id no other passage has.
    void sync_file(const Report& report, const FileRecord& record, SyncStats& stats);
    // Moves a file's passages, ids kept, to another name (a file renamed or moved), with its
    // record.
    void rename_file(const std::string& from, const std::string& to, const FileRecord& record);
    void remove_file(const std::string& file, SyncStats& stats);
    // Ids that new passages of the same text take before any made afresh (passages of files
    // removed in this run, their documents deleted): text -> ids.
    void lend_ids(const std::map<std::string, std::vector<std::string>>& ids) { lent_ = ids; }
    // Rewrites the summaries of all file records (chapters, acronyms) that searches read, and
    // marks the commit (mark_commit). After files changed by this writer that kept their
    // chapters and acronyms (a paragraph edited), the summaries stay as they are: they would be
    // written the same.
    void update_summaries();

  private:
    // Writes the passage's document, as a new one or in place of replace.
    void add(const Passage& p, const std::vector<std::string>& words,
             std::optional<Xapian::docid> replace);
    // Rewrites the document of a passage that did not change when its terms are not those it
    // would get now (its report's words changed, and so its compound parts): true if so.
    bool reanalyse(const Passage& p, const std::vector<std::string>& words, Xapian::docid did);

    // The id, or one made from it that no passage in the database has.
    std::string unused_id(const std::string& id) const;
    // Keeps the file's record as it was before this writer first changes it (none: nullopt).
    void remember_record(const std::string& file);
    // Whether every file this writer changed has the chapters and acronyms it had.
    bool summaries_kept() const;

    Xapian::WritableDatabase& db_;
    const Analyzer& analyzer_;
    bool fresh_;  // the database held nothing when this writer began
    // The database was analysed as analyzer_ analyses when this writer began: the acronym
    // index made from an unchanged list is the one stored.
    bool same_analysis_;
    std::map<std::string, std::optional<FileRecord>> records_before_;  // remember_record
    std::map<std::string, std::vector<std::string>> lent_;
    Xapian::TermGenerator tg_;
    std::unique_ptr<Decompounder> parts_;  // the lexicon and the words of the report being synced
    std::unordered_map<std::string, Xapian::termcount> spelling_;  // words of the file being synced
};

}  // namespace rapportsok
