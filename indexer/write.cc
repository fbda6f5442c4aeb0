#include "indexer/write.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "indexer/acronyms.h"
#include "indexer/align.h"
#include "indexer/common/acronym_index.h"
#include "indexer/common/text.h"
#include "indexer/common/words.h"
#include "indexer/shortened.h"

namespace rapportsok {

std::vector<std::string> lowercase_words(const std::string& text) {
    std::vector<std::string> out;
    for_each_word(text, WordRule::kLetters, [&](const WordSpan& w) {
        size_t first = w.begin;
        if (is_lower(next_code_point(text, first)))
            out.push_back(text.substr(w.begin, w.end - w.begin));
    });
    return out;
}

Xapian::Document make_document(const Passage& p, const Analyzer& analyzer,
                               Xapian::TermGenerator& tg, const Decompounder* parts,
                               const std::vector<std::string>* words) {
    Xapian::Document doc;
    tg.set_document(doc);
    const std::string text = analyzer.prepare(p.text);
    tg.index_text(text);
    if (parts) {
        // "Yttrande- och tryckfrihet": yttrandefrihet where "Yttrande-" stands.
        const std::vector<std::string> completed =
            add_shortened_compounds(doc, text, "", true, analyzer, *parts);
        std::vector<std::string> own;
        if (!words) words = &(own = lowercase_words(p.text));
        for (const auto* list : {words, &completed})
            for (const std::string& w : *list)
                for (const std::string& part : parts->split(w))
                    doc.add_term(compound_part_term(analyzer.stem(part)));
    }
    // Headings are weighed, not searched as phrases: no positions to write for them.
    // The report's title is no passage of its own; a word only it has finds the report.
    for (const auto& [heading, field] :
         {std::pair<const std::string&, const char*>{p.section_title, prefix::kSectionTitle},
          {p.chapter, prefix::kChapterName},
          {p.report_title, prefix::kReportTitle}}) {
        if (heading.empty()) continue;
        const std::string prepared = analyzer.prepare(heading);
        tg.index_text_without_positions(prepared, 1, field);
        if (parts) add_shortened_compounds(doc, prepared, field, false, analyzer, *parts);
    }

    doc.add_boolean_term(id_term(p.id));
    doc.add_boolean_term(file_term(p.file));
    // A passage of 2.3.1 is in 2.3 and in 2 as well: avsnitt:2.3 finds it.
    // XS0: in no numbered section.
    bool numbered = false;
    for (const auto& parent : p.section_parents)
        if (!parent.first.empty())
            doc.add_boolean_term(section_term(parent.first)), numbered = true;
    if (!p.section_label.empty())
        doc.add_boolean_term(section_term(p.section_label)), numbered = true;
    if (!numbered) doc.add_boolean_term(section_term(0));
    doc.add_boolean_term(chapter_term(p.chapter_number));
    if (!p.chapter.empty()) doc.add_boolean_term(chapter_key_term(p.chapter));
    for (int page = p.page; page <= p.last_page; ++page) doc.add_boolean_term(page_term(page));

    doc.add_value(slot::kChapter, p.chapter);
    doc.add_value(slot::kSection, section_facet_value(p.section_label, p.section_title));
    doc.add_value(slot::kPage, Xapian::sortable_serialise(p.page));
    doc.add_value(slot::kPosition, Xapian::sortable_serialise(p.position));
    doc.add_value(slot::kFile, p.file);
    doc.add_value(slot::kOrder, order_key(p.file, p.position));
    doc.set_data(encode_passage(p));
    return doc;
}

namespace {

// Test hook: with RAPPORTSOK_FAIL_WRITE_AFTER=N in the environment, the document written after N
// others fails as a full disk does (Xapian::DatabaseError, ENOSPC), so that tests can check that
// a failed write leaves the database as it was. Unset, it costs one getenv per process.
void before_write() {
    static const long limit = [] {
        const char* v = std::getenv("RAPPORTSOK_FAIL_WRITE_AFTER");
        return v && *v ? std::atol(v) : -1L;
    }();
    static std::atomic<long> written{0};  // a full build writes from several threads
    if (limit >= 0 && written++ >= limit)
        throw Xapian::DatabaseError("injected write failure after " + std::to_string(limit) +
                                        " documents (RAPPORTSOK_FAIL_WRITE_AFTER)",
                                    ENOSPC);
}

// Xapian 1.4 can misread a tag it compressed once the tag is 8 KB or more (schema.cc, format 3):
// document data is kept clear of that, a termlist cannot be. A document whose data or termlist
// is that long is read back as soon as it is written (Xapian writes both to their tables at
// once, and this reads them by the same path a search does), and one that does not read back as
// written fails the run before anything is committed.
constexpr size_t kReadBackBytes = kXapianSafeTagBytes - 64;

void read_back(Xapian::WritableDatabase& db, Xapian::docid did, const Xapian::Document& doc,
               size_t termlist_bytes, const Passage& p) {
    if (doc.get_data().size() < kReadBackBytes && termlist_bytes < kReadBackBytes) return;
    std::string problem;
    try {
        Xapian::Document back = db.get_document(did);
        if (back.get_data() != doc.get_data()) {
            problem = "its data differs";
        } else if (termlist_bytes >= kReadBackBytes) {
            Xapian::termcount terms = 0;
            for (auto t = back.termlist_begin(); t != back.termlist_end(); ++t) ++terms;
            if (terms != doc.termlist_count()) problem = "its terms differ";
        }
    } catch (const Xapian::DatabaseCorruptError& e) {
        problem = e.get_msg();
    }
    if (!problem.empty())
        throw Xapian::DatabaseError("the passage at " + p.file + ":" +
                                    std::to_string(p.first_line) +
                                    " did not read back as written (" + problem + ")");
}

// Same passage, same place in the structure; only where it sits in the file moved.
bool only_moved(const Passage& a, const Passage& b) {
    return a.text == b.text && a.page == b.page && a.last_page == b.last_page &&
           a.chapter_number == b.chapter_number && a.chapter == b.chapter &&
           a.section_number == b.section_number && a.section_label == b.section_label &&
           a.section_title == b.section_title && a.section_parents == b.section_parents &&
           a.report_title == b.report_title;
}

}  // namespace

IndexWriter::IndexWriter(Xapian::WritableDatabase& db, const Analyzer& analyzer)
    : db_(db),
      analyzer_(analyzer),
      fresh_(db.get_doccount() == 0),
      same_analysis_(db.get_metadata(meta::kAnalysis) == analyzer.fingerprint()) {
    analyzer_.configure(tg_);
}

void IndexWriter::add(const Passage& p, const std::vector<std::string>& words,
                      std::optional<Xapian::docid> replace) {
    Xapian::Document doc = make_document(p, analyzer_, tg_, parts_.get(), &words);
    // Spelling data from the text itself: the searcher corrects unknown query words from it.
    // The body's words are the unprefixed terms, their wdf the times they occur: counted here and
    // written once a file, where TermGenerator's FLAG_SPELLING would update Xapian's spelling
    // table once for every word of every passage.
    size_t termlist_bytes = 0;  // more than the termlist's tag takes: a term, a length, its wdf
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        const std::string& term = *t;
        termlist_bytes += term.size() + 4;
        if (is_body_word_term(term)) spelling_[term] += t.get_wdf();
    }
    before_write();
    Xapian::docid did = replace.value_or(0);
    if (replace)
        db_.replace_document(did, doc);
    else
        did = db_.add_document(doc);
    read_back(db_, did, doc, termlist_bytes, p);
}

bool IndexWriter::up_to_date(const std::string& file, long long size, long long mtime_ns,
                             const std::string* hash) const {
    std::string data = db_.get_metadata(meta::kFilePrefix + file);
    if (data.empty()) return false;
    FileRecord r = decode_file_record(data);
    if (r.size != size) return false;
    if (hash) return r.hash == *hash;
    return r.mtime_ns == mtime_ns;
}

std::vector<std::string> IndexWriter::indexed_files() const {
    std::vector<std::string> files;
    const std::string pfx = meta::kFilePrefix;
    for (auto it = db_.metadata_keys_begin(pfx); it != db_.metadata_keys_end(pfx); ++it)
        files.push_back((*it).substr(pfx.size()));
    return files;
}

namespace {

// Same terms, each with the same wdf and positions.
bool same_terms(const Xapian::Document& a, const Xapian::Document& b) {
    auto i = a.termlist_begin(), j = b.termlist_begin();
    for (; i != a.termlist_end() && j != b.termlist_end(); ++i, ++j) {
        if (*i != *j || i.get_wdf() != j.get_wdf() ||
            i.positionlist_count() != j.positionlist_count())
            return false;
        if (!std::equal(i.positionlist_begin(), i.positionlist_end(), j.positionlist_begin()))
            return false;
    }
    return i == a.termlist_end() && j == b.termlist_end();
}

}  // namespace

bool IndexWriter::reanalyse(const Passage& p, const std::vector<std::string>& words,
                            Xapian::docid did) {
    Xapian::Document doc = make_document(p, analyzer_, tg_, parts_.get(), &words);
    if (same_terms(doc, db_.get_document(did))) return false;
    before_write();
    db_.replace_document(did, doc);
    read_back(db_, did, doc, 0, p);
    return true;
}

void IndexWriter::sync_file(const Report& report, const FileRecord& record, SyncStats& stats) {
    struct Existing {
        Xapian::docid docid;
        Passage passage;
    };
    std::vector<Existing> existing;  // the file's passages as indexed, in report order
    const std::string fterm = file_term(report.file);
    for (auto it = db_.postlist_begin(fterm); it != db_.postlist_end(fterm); ++it)
        existing.push_back({*it, decode_passage(db_.get_document(*it).get_data())});
    std::sort(existing.begin(), existing.end(), [](const Existing& a, const Existing& b) {
        return a.passage.position < b.passage.position;
    });
    // Which indexed passage each of the report's continues: its id stays, so that links and
    // bookmarks to a passage survive edits to it and around it.
    std::vector<long> continues(report.passages.size(), -1);
    if (!existing.empty()) {
        std::vector<std::string> before, after;
        for (const Existing& e : existing) before.push_back(e.passage.text);
        for (const Passage& p : report.passages) after.push_back(p.text);
        continues = align_passages(before, after);
    }
    spelling_.clear();
    // Every word of the report is known to the decompounder before any is split, and no word of
    // another report: a passage's terms are those of its own report, however it is indexed.
    parts_ = std::make_unique<Decompounder>();
    std::vector<std::vector<std::string>> words;
    words.reserve(report.passages.size());
    for (const Passage& p : report.passages) {
        words.push_back(lowercase_words(p.text));
        for (const std::string& w : words.back()) parts_->add_word(w);
    }
    // When the words the decompounder learns from the report changed, a passage that did not
    // change may split otherwise now: each kept one is analysed again and rewritten if its terms
    // differ, so that the database holds what a fresh build of the files would.
    bool relearned = false;
    if (!existing.empty()) {
        std::set<std::string> before, after;
        for (const Existing& e : existing)
            for (std::string& w : lowercase_words(e.passage.text))
                if (parts_->learns(w)) before.insert(std::move(w));
        for (const auto& list : words)
            for (const std::string& w : list)
                if (parts_->learns(w)) after.insert(w);
        relearned = before != after;
    }
    std::vector<bool> kept(existing.size(), false);
    for (size_t i = 0; i < report.passages.size(); ++i) {
        Passage p = report.passages[i];
        if (continues[i] < 0) {
            auto lent = lent_.find(p.text);
            if (lent != lent_.end() && !lent->second.empty() &&
                !db_.term_exists(id_term(lent->second.back()))) {
                p.id = lent->second.back();
                lent->second.pop_back();
            } else {
                p.id = unused_id(p.id);
            }
            add(p, words[i], std::nullopt);
            ++stats.added;
            continue;
        }
        const Existing& e = existing[static_cast<size_t>(continues[i])];
        kept[static_cast<size_t>(continues[i])] = true;
        p.id = e.passage.id;
        if (e.passage == p) {
            if (relearned) reanalyse(p, words[i], e.docid);
            ++stats.unchanged;
        } else if (relearned && only_moved(e.passage, p) && reanalyse(p, words[i], e.docid)) {
            ++stats.relined;
            ++stats.unchanged;
        } else if (only_moved(e.passage, p)) {
            // Terms stay as they are: only the data and the position value change, which
            // Xapian writes without touching the postings.
            Xapian::Document doc = db_.get_document(e.docid);
            doc.set_data(encode_passage(p));
            doc.add_value(slot::kPosition, Xapian::sortable_serialise(p.position));
            doc.add_value(slot::kOrder, order_key(p.file, p.position));
            before_write();
            db_.replace_document(e.docid, doc);
            read_back(db_, e.docid, doc, 0, p);
            ++stats.relined;
            ++stats.unchanged;
        } else {
            add(p, words[i], e.docid);
            ++stats.updated;
        }
    }
    for (const auto& [word, freq] : spelling_) db_.add_spelling(word, freq);
    spelling_.clear();
    for (size_t k = 0; k < existing.size(); ++k) {
        if (kept[k]) continue;
        db_.delete_document(existing[k].docid);
        ++stats.removed;
    }
    FileRecord r = record;
    r.passages = static_cast<long>(report.passages.size());
    r.title = report.title;
    r.chapters = report.chapters;
    std::unordered_set<std::string> defined;  // each acronym once, its first definition
    for (const Passage& p : report.passages)
        for (auto& a : find_acronyms(p.text))
            if (defined.insert(a.first).second) r.acronyms.push_back(a);
    remember_record(report.file);
    db_.set_metadata(meta::kFilePrefix + report.file, encode_file_record(r));
}

std::string IndexWriter::unused_id(const std::string& id) const {
    // A new database holds only ids made from the names of this run's files, which differ.
    // Elsewhere an id can be taken by a passage that kept it through a rename (its file once had
    // this one's name), or by a passage of this file that continues another.
    if (fresh_) return id;
    std::string out = id;
    for (int k = 2; db_.term_exists(id_term(out)); ++k)
        out = hex64(fnv1a64(id + "#" + std::to_string(k)));
    return out;
}

void IndexWriter::rename_file(const std::string& from, const std::string& to,
                              const FileRecord& record) {
    fresh_ = false;  // the passages keep ids made from another name
    const std::string old_term = file_term(from), new_term = file_term(to);
    std::vector<Xapian::docid> ids(db_.postlist_begin(old_term), db_.postlist_end(old_term));
    for (Xapian::docid did : ids) {
        // Only the file changes: its term, its value and the data; the analysis stays.
        Xapian::Document doc = db_.get_document(did);
        Passage p = decode_passage(doc.get_data());
        p.file = to;
        doc.remove_term(old_term);
        doc.add_boolean_term(new_term);
        doc.add_value(slot::kFile, to);
        doc.add_value(slot::kOrder, order_key(to, p.position));
        doc.set_data(encode_passage(p));
        before_write();
        db_.replace_document(did, doc);
        read_back(db_, did, doc, 0, p);
    }
    remember_record(from);
    remember_record(to);
    db_.set_metadata(meta::kFilePrefix + from, "");
    db_.set_metadata(meta::kFilePrefix + to, encode_file_record(record));
}

void IndexWriter::remember_record(const std::string& file) {
    if (records_before_.count(file)) return;
    const std::string data = db_.get_metadata(meta::kFilePrefix + file);
    records_before_.emplace(
        file, data.empty() ? std::nullopt : std::optional<FileRecord>(decode_file_record(data)));
}

bool IndexWriter::summaries_kept() const {
    for (const auto& [file, before] : records_before_) {
        const std::string data = db_.get_metadata(meta::kFilePrefix + file);
        if (data.empty() != !before) return false;
        if (data.empty()) continue;
        const FileRecord now = decode_file_record(data);
        if (now.chapters != before->chapters || now.acronyms != before->acronyms) return false;
    }
    return true;
}

void IndexWriter::update_summaries() {
    // Only the files this writer changed can have changed them (the others' records are as
    // the summaries were made from); a writer that changed none (after a full build) makes them.
    if (same_analysis_ && !records_before_.empty() &&
        !db_.get_metadata(meta::kFileSummaries).empty() && summaries_kept()) {
        records_before_.clear();
        mark_commit(db_);
        return;
    }
    records_before_.clear();
    std::vector<std::string> chapters;
    std::vector<std::pair<std::string, std::string>> acronyms;
    std::unordered_set<std::string> seen_chapters;
    std::set<std::pair<std::string, std::string>> seen_acronyms;
    nlohmann::json by_file = nlohmann::json::object();
    for (const std::string& f : indexed_files()) {
        FileRecord r = decode_file_record(db_.get_metadata(meta::kFilePrefix + f));
        by_file[f] = {r.chapters, r.acronyms};
        for (const std::string& c : r.chapters)
            if (seen_chapters.insert(c).second) chapters.push_back(c);
        for (const auto& a : r.acronyms)
            if (seen_acronyms.insert(a).second) acronyms.push_back(a);
    }
    auto dump = [](const nlohmann::json& j) {
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    db_.set_metadata(meta::kChapters, chapters.empty() ? "" : dump(chapters));
    const std::string acronym_list = acronyms.empty() ? "" : dump(acronyms);
    // The acronym index (the most of this work) is made again only from another list.
    bool index_kept = false;
    if (same_analysis_ && db_.get_metadata(meta::kAcronyms) == acronym_list) {
        try {
            index_kept = AcronymIndex(db_.get_metadata(meta::kAcronymIndex)).indexes(acronym_list);
        } catch (const std::runtime_error&) {
            index_kept = false;  // damaged: made again
        }
    }
    db_.set_metadata(meta::kAcronyms, acronym_list);
    if (!index_kept)
        db_.set_metadata(meta::kAcronymIndex, encode_acronym_index(acronym_list, analyzer_));
    db_.set_metadata(meta::kFileSummaries, by_file.empty() ? "" : dump(by_file));
    mark_commit(db_);
}

void mark_commit(Xapian::WritableDatabase& db) {
    std::random_device random;
    std::string token;
    for (int i = 0; i < 4; ++i) token += hex64(random()).substr(8);
    db.set_metadata(meta::kCommit, token);
}

void IndexWriter::remove_file(const std::string& file, SyncStats& stats) {
    const std::string fterm = file_term(file);
    std::vector<Xapian::docid> ids(db_.postlist_begin(fterm), db_.postlist_end(fterm));
    for (Xapian::docid id : ids) db_.delete_document(id);
    stats.removed += static_cast<long>(ids.size());
    remember_record(file);
    db_.set_metadata(meta::kFilePrefix + file, "");
    ++stats.files_removed;
}

}  // namespace rapportsok
