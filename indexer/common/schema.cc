#include "indexer/common/schema.h"

#include <zlib.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "indexer/common/text.h"

namespace rapportsok {

using nlohmann::json;

FoundDatabase find_database() {
    const char* env = std::getenv("RAPPORTSOK_DB");
    if (env && *env) return {env, ""};
    namespace fs = std::filesystem;
    std::error_code ec;
    // A folder, or the stub file --rebuild leaves ("auto index.d/N"); a file that happens to be
    // called index is none.
    auto holds_index = [&](const fs::path& dir) {
        const fs::path p = dir / "index";
        if (fs::is_directory(p, ec)) return true;
        if (!fs::is_regular_file(p, ec)) return false;
        std::ifstream f(p);
        std::string first;
        return std::getline(f, first) && first.rfind("auto ", 0) == 0;
    };
    if (holds_index(".")) return {"index", ""};
    const fs::path cwd = fs::current_path(ec);
    if (ec) return {"index", ""};
    for (fs::path dir = cwd.parent_path();; dir = dir.parent_path()) {
        if (holds_index(dir)) return {(dir / "index").string(), dir.string()};
        if (dir == dir.root_path() || dir.empty()) break;
    }
    return {"index", ""};
}

std::string default_db_path() { return find_database().path; }

bool Passage::operator==(const Passage& o) const {
    return id == o.id && file == o.file && first_line == o.first_line && last_line == o.last_line &&
           page == o.page && last_page == o.last_page && chapter_number == o.chapter_number &&
           chapter == o.chapter && section_number == o.section_number &&
           section_label == o.section_label && section_title == o.section_title &&
           section_parents == o.section_parents && position == o.position && text == o.text &&
           report_title == o.report_title;
}

namespace {

// Document data is read for every hit a search prints, so it is compact binary, not JSON: a
// format byte, the numbers as LEB128 varints (zigzag, so that a negative one survives), then the
// strings, each after its length.
// Format 2, and 4: format 2 and then the section's label and parents (a passage in no numbered
// section keeps format 2's bytes, so that format is written where it says all).
constexpr char kDataFormat = 2;
constexpr char kDataFormatSections = 4;
// Data of kXapianSafeTagBytes or more: format byte 3, the plain data's length as a varint, then
// the plain data (format 4) deflated by zlib. Xapian 1.4's glass backend compresses document data
// with zlib itself, and misreads such a tag of 8 KB or more when one 8 KB block of output fills
// just as the compressed input ends (CompressionStream::decompress_chunk then reports the stream
// unfinished: "Too few chunks of compressed data"); a long passage of repeated words is such a
// tag. What Xapian is given is then either shorter than 8 KB or deflated already, which it cannot
// shrink and so stores as it is.
constexpr char kDataFormatDeflated = 3;
// Longer than any plain data a passage of kMaxPassageBytes and a path of PATH_MAX can give.
constexpr unsigned long long kMaxPlainData = 1u << 20;

void put_number(std::string& out, long long v) {
    unsigned long long u =
        (static_cast<unsigned long long>(v) << 1) ^ static_cast<unsigned long long>(v >> 63);
    while (u >= 0x80) {
        out += static_cast<char>((u & 0x7f) | 0x80);
        u >>= 7;
    }
    out += static_cast<char>(u);
}

void put_string(std::string& out, const std::string& s) {
    put_number(out, static_cast<long long>(s.size()));
    out += s;
}

// Reads what put_number and put_string wrote; data that ends early or runs over is corrupt.
class DataReader {
  public:
    DataReader(const std::string& data, size_t from) : data_(data), at_(from) {}

    long long number() {
        unsigned long long u = 0;
        for (int shift = 0;; shift += 7) {
            if (at_ == data_.size() || shift > 63) fail();
            const auto byte = static_cast<unsigned char>(data_[at_++]);
            u |= static_cast<unsigned long long>(byte & 0x7f) << shift;
            if (!(byte & 0x80)) break;
        }
        return static_cast<long long>(u >> 1) ^ -static_cast<long long>(u & 1);
    }
    int small_number() {
        long long v = number();
        if (v < INT_MIN || v > INT_MAX) fail();
        return static_cast<int>(v);
    }
    std::string string() {
        long long n = number();
        if (n < 0 || static_cast<unsigned long long>(n) > data_.size() - at_) fail();
        std::string s = data_.substr(at_, static_cast<size_t>(n));
        at_ += static_cast<size_t>(n);
        return s;
    }
    bool done() const { return at_ == data_.size(); }
    size_t offset() const { return at_; }
    [[noreturn]] static void fail() {
        throw Xapian::DatabaseCorruptError(
            "a passage's document data cannot be read (damaged, or written by another indexer "
            "version)");
    }

  private:
    const std::string& data_;
    size_t at_;
};

}  // namespace

namespace {

std::string encode_plain(const Passage& p) {
    std::string out;
    out.reserve(p.text.size() + p.file.size() + p.chapter.size() + p.section_title.size() +
                p.report_title.size() + p.id.size() + 24);
    const bool sections = !p.section_label.empty() || !p.section_parents.empty();
    out += sections ? kDataFormatSections : kDataFormat;
    for (long long v :
         {static_cast<long long>(p.first_line), static_cast<long long>(p.last_line),
          static_cast<long long>(p.page), static_cast<long long>(p.last_page),
          static_cast<long long>(p.chapter_number), static_cast<long long>(p.section_number),
          static_cast<long long>(p.position)})
        put_number(out, v);
    for (const std::string* s :
         {&p.id, &p.file, &p.chapter, &p.section_title, &p.report_title, &p.text})
        put_string(out, *s);
    if (!sections) return out;
    put_string(out, p.section_label);
    put_number(out, static_cast<long long>(p.section_parents.size()));
    for (const auto& [label, title] : p.section_parents) {
        put_string(out, label);
        put_string(out, title);
    }
    return out;
}

json section_json(const Passage& p) {
    json parents = json::array();
    for (const auto& [label, title] : p.section_parents)
        parents.push_back({{"label", label}, {"title", title}});
    return {{"number", p.section_number},
            {"label", p.section_label},
            {"title", p.section_title},
            {"parents", parents}};
}

std::string deflate_data(const std::string& plain) {
    uLongf size = compressBound(static_cast<uLong>(plain.size()));
    std::string deflated(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(deflated.data()), &size,
                  reinterpret_cast<const Bytef*>(plain.data()), static_cast<uLong>(plain.size()),
                  Z_BEST_COMPRESSION) != Z_OK)
        throw std::bad_alloc();  // the only failure compress2 can have with a bound-sized buffer
    deflated.resize(size);
    std::string out(1, kDataFormatDeflated);
    put_number(out, static_cast<long long>(plain.size()));
    return out + deflated;
}

std::string inflate_data(const std::string& data) {
    DataReader in(data, 1);
    const long long n = in.number();
    if (n <= 0 || static_cast<unsigned long long>(n) > kMaxPlainData) DataReader::fail();
    std::string plain(static_cast<size_t>(n), '\0');
    uLongf size = static_cast<uLongf>(n);
    const size_t at = in.offset();
    if (uncompress(reinterpret_cast<Bytef*>(plain.data()), &size,
                   reinterpret_cast<const Bytef*>(data.data() + at),
                   static_cast<uLong>(data.size() - at)) != Z_OK ||
        size != static_cast<uLongf>(n))
        DataReader::fail();
    return plain;
}

}  // namespace

std::string encode_passage(const Passage& p) {
    // Test hook: with RAPPORTSOK_TEST_PLAIN_DATA=1 long data is left to Xapian's own compression,
    // as before format 3, so that tests can show a build or sync refusing what does not read back.
    static const bool plain_only = [] {
        const char* v = std::getenv("RAPPORTSOK_TEST_PLAIN_DATA");
        return v && *v == '1';
    }();
    std::string plain = encode_plain(p);
    return plain.size() < kXapianSafeTagBytes || plain_only ? plain : deflate_data(plain);
}

json passage_json(const Passage& p) {
    return {{"id", p.id},
            {"file", p.file},
            {"lines", {p.first_line, p.last_line}},
            {"page", p.page},
            {"pages", {p.page, p.last_page}},
            {"chapter", p.chapter},
            {"section", section_json(p)},
            {"position", p.position},
            {"report_title", p.report_title},
            {"text", p.text}};
}

Passage decode_passage(const std::string& stored) {
    if (stored.empty()) DataReader::fail();
    const std::string inflated = stored[0] == kDataFormatDeflated ? inflate_data(stored) : "";
    const std::string& data = inflated.empty() ? stored : inflated;
    if (data[0] != kDataFormat && data[0] != kDataFormatSections) DataReader::fail();
    DataReader in(data, 1);
    Passage p;
    p.first_line = static_cast<long>(in.number());
    p.last_line = static_cast<long>(in.number());
    p.page = in.small_number();
    p.last_page = in.small_number();
    p.chapter_number = in.small_number();
    p.section_number = in.small_number();
    p.position = in.small_number();
    p.id = in.string();
    p.file = in.string();
    p.chapter = in.string();
    p.section_title = in.string();
    p.report_title = in.string();
    p.text = in.string();
    if (data[0] == kDataFormat) {
        if (!in.done()) DataReader::fail();
        if (p.section_number) p.section_label = std::to_string(p.section_number);
        return p;
    }
    p.section_label = in.string();
    const long long parents = in.number();
    if (parents < 0 || parents > 64) DataReader::fail();
    for (long long k = 0; k < parents; ++k) {
        std::string label = in.string();
        p.section_parents.emplace_back(std::move(label), in.string());
    }
    if (!in.done()) DataReader::fail();
    return p;
}

std::string encode_file_record(const FileRecord& r) {
    json j = {{"size", r.size},         {"mtime_ns", r.mtime_ns}, {"hash", r.hash},
              {"passages", r.passages}, {"title", r.title},       {"chapters", r.chapters},
              {"acronyms", r.acronyms}, {"real", r.real},         {"path", r.path},
              {"read_ns", r.read_ns}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

FileRecord decode_file_record(const std::string& data) {
    json j = json::parse(data);
    FileRecord r;
    r.size = j.at("size").get<long long>();
    r.mtime_ns = j.at("mtime_ns").get<long long>();
    r.hash = j.at("hash").get<std::string>();
    r.passages = j.at("passages").get<long>();
    r.title = j.value("title", std::string());
    r.chapters = j.value("chapters", std::vector<std::string>());
    r.acronyms = j.value("acronyms", std::vector<std::pair<std::string, std::string>>());
    r.real = j.value("real", std::string());
    r.path = j.value("path", std::string());
    r.read_ns = j.value("read_ns", 0LL);
    return r;
}

std::vector<std::string> decode_chapters(const std::string& data) {
    if (data.empty()) return {};
    return json::parse(data).get<std::vector<std::string>>();
}

std::vector<std::pair<std::string, std::string>> decode_acronyms(const std::string& data) {
    if (data.empty()) return {};
    return json::parse(data).get<std::vector<std::pair<std::string, std::string>>>();
}

std::string section_facet_value(const std::string& label, const std::string& title) {
    return label + "\t" + title;
}

std::vector<int> section_parts(const std::string& label) {
    std::vector<int> parts;
    size_t i = 0;
    while (i < label.size()) {
        size_t j = i;
        int n = 0;
        while (j < label.size() && label[j] >= '0' && label[j] <= '9' && j - i < 6)
            n = n * 10 + (label[j++] - '0');
        if (j == i || (j < label.size() && label[j] != '.')) return {};
        parts.push_back(n);
        i = j + 1;
        if (j + 1 == label.size()) return {};  // "2." is no label
    }
    return parts;
}

int section_top(const std::string& label) {
    std::vector<int> parts = section_parts(label);
    return parts.empty() ? 0 : parts.front();
}

bool section_label_less(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return !a.empty() && b.empty();
    return section_parts(a) < section_parts(b);
}

std::string order_key(const std::string& file, int position) {
    // The file's bytes with NUL escaped, then NUL NUL (less than any escaped byte), then the
    // position: byte order is (file, position) order, as Xapian's MultiValueKeyMaker makes it.
    std::string key;
    key.reserve(file.size() + 12);
    for (char c : file) {
        key += c;
        if (c == '\0') key += '\xff';
    }
    key.append("\0\0", 2);
    key += Xapian::sortable_serialise(position);
    return key;
}

std::string stemmed_term(const std::string& stem, const char* field) {
    return std::string(prefix::kStemmed) + field + stem;
}
bool is_stemmed_term(const std::string& term) { return term.rfind(prefix::kStemmed, 0) == 0; }
std::string stem_of_term(const std::string& term) {
    return term.substr(std::char_traits<char>::length(prefix::kStemmed));
}
bool is_body_word_term(const std::string& term) {
    return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
}
std::string compound_part_term(const std::string& stem) { return prefix::kCompoundPart + stem; }

std::string id_term(const std::string& id) { return prefix::kId + id; }
std::string file_term(const std::string& file) {
    std::string term = prefix::kFile + file;
    if (term.size() > 200) term = prefix::kFile + hex64(fnv1a64(file));
    return term;
}
std::string section_term(int number) { return prefix::kSection + std::to_string(number); }
std::string section_term(const std::string& label) { return prefix::kSection + label; }
std::string chapter_term(int number) { return prefix::kChapter + std::to_string(number); }
std::string chapter_key_term(const std::string& chapter) {
    // Xapian terms are at most 245 bytes; headings are short, but keep any long one usable.
    std::string key = prefix::kChapterKey + fold_case(chapter);
    if (key.size() > 200) key = prefix::kChapterKey + hex64(fnv1a64(key));
    return key;
}
std::string page_term(int page) { return prefix::kPage + std::to_string(page); }

}  // namespace rapportsok
