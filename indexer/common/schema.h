// The index contract: term prefixes, value slots, document data and metadata keys, spelled once.
// The indexer writes by it and the searcher reads by it; docs/index-schema.md explains it.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "indexer/common/passage.h"

namespace rapportsok {

// Bumped whenever a change makes older databases unreadable or wrongly analysed.
// 2: document data in binary, not JSON; 3: sub-sections (section labels, parents), the report's
// title indexed; 4: the report-order key (slot::kOrder), which a sort over remote shards needs.
inline constexpr int kSchemaVersion = 4;

namespace prefix {
// Free-text fields (stemmed forms carry a leading Z, as Xapian's TermGenerator writes them).
inline constexpr const char* kBody = "";            // the passage text
inline constexpr const char* kSectionTitle = "S";   // words of the section title
inline constexpr const char* kChapterName = "XT";   // words of the chapter heading
inline constexpr const char* kCompoundPart = "XW";  // stems of compound parts ("XWbudget")
inline constexpr const char* kReportTitle = "XR";   // words of the report's title
// Before a field's prefix: the stemmed form of a word ("Zrätt", "ZSrätt"); TermGenerator writes
// it with STEM_SOME for words that start with a letter.
inline constexpr const char* kStemmed = "Z";
// Boolean filter terms (one per value, no positions, wdf 0).
inline constexpr const char* kId = "Q";           // unique passage id
inline constexpr const char* kFile = "XF";        // file path as indexed
inline constexpr const char* kSection = "XS";     // section label and its parents' ("XS2.3", "XS2")
inline constexpr const char* kChapter = "XC";     // chapter ordinal in its report ("XC2")
inline constexpr const char* kChapterKey = "XK";  // folded chapter heading ("XKallmänt")
inline constexpr const char* kPage = "XP";        // every page the passage touches ("XP3")
}  // namespace prefix

namespace slot {
inline constexpr Xapian::valueno kChapter = 0;   // chapter heading, for facets
inline constexpr Xapian::valueno kSection = 1;   // "2.3\tTitle", for facets
inline constexpr Xapian::valueno kPage = 2;      // sortable_serialise(first page)
inline constexpr Xapian::valueno kPosition = 3;  // sortable_serialise(ordinal in its report)
inline constexpr Xapian::valueno kFile = 4;      // file path
// order_key(file, position): report order in one value, which Xapian's remote backend can sort
// by (a KeyMaker over kFile and kPosition cannot cross it), and ties of relevance are broken by.
inline constexpr Xapian::valueno kOrder = 5;
}  // namespace slot

namespace meta {
inline constexpr const char* kSchema = "rapportsok:schema";
inline constexpr const char* kAnalysis = "rapportsok:analysis";  // Analyzer::fingerprint()
inline constexpr const char* kFilePrefix = "rapportsok:file:";   // + path -> FileRecord JSON
// Summaries of all file records, so that a search reads one key, not one per file:
inline constexpr const char* kChapters = "rapportsok:chapters";  // JSON array, report order
inline constexpr const char* kAcronyms =
    "rapportsok:acronyms";  // JSON array of [acronym, definition]
// The same analysed, sorted by key, for look-ups (indexer/common/acronym_index.h).
inline constexpr const char* kAcronymIndex = "rapportsok:acronym-index";
// The same per file ({"file": [[chapters], [[acronym, definition]...]]}): a search over shards
// merges them in file order, as one database's summaries are made.
inline constexpr const char* kFileSummaries = "rapportsok:file-summaries";
// Changed at every commit that changes the database: what a remote shard's revision is known by
// (Xapian's remote protocol tells a database's UUID, not its revision).
inline constexpr const char* kCommit = "rapportsok:commit";
}  // namespace meta

// Where both programs find the database when --db is not given: $RAPPORTSOK_DB, else index/ in
// the working folder or, as git finds its repository, in the nearest folder above that has one;
// else "index" (a new one, in the working folder).
struct FoundDatabase {
    std::string path;  // "index", the variable's value, or the absolute path of the one above
    std::string root;  // the absolute folder it was found in, when above the working folder
};
FoundDatabase find_database();
std::string default_db_path();  // find_database().path

// What the database remembers about an indexed file, to skip it when it has not changed.
struct FileRecord {
    long long size = 0;
    long long mtime_ns = 0;
    std::string hash;  // content hash of the raw bytes
    // What the file is, whatever path a run reaches it by: its absolute path with symbolic links
    // resolved; and the absolute path its name in the index stands for (the name is relative
    // to the folder the indexer ran in when it first indexed the file). Empty in records
    // written before they were kept.
    std::string real;
    std::string path;
    // When the file was read (ns since the Unix epoch, as mtime_ns). A file modified less than
    // a timestamp's coarsest tick before it was read may change again within that tick, size and
    // mtime unchanged: it is read again (its hash compared) rather than trusted by them. 0 in
    // records written before it was kept.
    long long read_ns = 0;
    long passages = 0;
    std::string title;                  // the report's title
    std::vector<std::string> chapters;  // its chapter headings, in order
    std::vector<std::pair<std::string, std::string>>
        acronyms;  // defined in it: {RSF, Reportrar ...}
};

// Document data (compact binary, docs/index-schema.md; deflated from kXapianSafeTagBytes on, as
// Xapian 1.4 misreads some tags it compresses itself past 8 KB). decode_passage throws
// Xapian::DatabaseCorruptError for data it cannot read.
inline constexpr size_t kXapianSafeTagBytes = 8192;
std::string encode_passage(const Passage& p);

Passage decode_passage(const std::string& data);
std::string encode_file_record(const FileRecord& r);
FileRecord decode_file_record(const std::string& data);
std::vector<std::string> decode_chapters(const std::string& data);
std::vector<std::pair<std::string, std::string>> decode_acronyms(const std::string& data);

std::string section_facet_value(const std::string& label, const std::string& title);
// The slot::kOrder value: sorts as (file, position) do.
std::string order_key(const std::string& file, int position);

// "2.3.1" -> {2, 3, 1}; empty for "" or anything but numbers between dots.
std::vector<int> section_parts(const std::string& label);
// The top-level number of a label ("2.3.1" -> 2), 0 for none.
int section_top(const std::string& label);
// Labels in document order: 2 < 2.1 < 2.10 < 3; "" last.
bool section_label_less(const std::string& a, const std::string& b);

// Free-text terms. A word's stemmed term in a field ("Z" + field prefix + stem).
std::string stemmed_term(const std::string& stem, const char* field = prefix::kBody);
bool is_stemmed_term(const std::string& term);
// The stem of a stemmed term of the passage text ("Zrätt" -> "rätt").
std::string stem_of_term(const std::string& stemmed_body_term);
// Whether a term is a word of the passage text as written: no prefix (prefixes are capitals).
bool is_body_word_term(const std::string& term);
std::string compound_part_term(const std::string& stem);

// Boolean terms.
std::string id_term(const std::string& id);
std::string file_term(const std::string& file);
std::string section_term(int number);
std::string section_term(const std::string& label);  // "XS2.3"
std::string chapter_term(int number);
std::string chapter_key_term(const std::string& chapter);  // folds the heading
std::string page_term(int page);

}  // namespace rapportsok
