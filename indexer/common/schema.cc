#include "indexer/common/schema.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "indexer/common/text.h"

namespace rapportsok {

using nlohmann::json;

std::string default_db_path() {
    const char* env = std::getenv("RAPPORTSOK_DB");
    return env && *env ? env : "index";
}

bool Passage::operator==(const Passage& o) const {
    return id == o.id && file == o.file && first_line == o.first_line &&
           last_line == o.last_line && page == o.page && last_page == o.last_page &&
           chapter_number == o.chapter_number && chapter == o.chapter &&
           section_number == o.section_number && section_title == o.section_title &&
           position == o.position && text == o.text && report_title == o.report_title;
}

std::string encode_passage(const Passage& p) {
    json j = {{"id", p.id},
              {"file", p.file},
              {"lines", {p.first_line, p.last_line}},
              {"pages", {p.page, p.last_page}},
              {"chapter", {p.chapter_number, p.chapter}},
              {"section", {p.section_number, p.section_title}},
              {"position", p.position},
              {"title", p.report_title},
              {"text", p.text}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

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

Passage decode_passage(const std::string& data) {
    json j = json::parse(data);
    Passage p;
    p.id = j.at("id").get<std::string>();
    p.file = j.at("file").get<std::string>();
    p.first_line = j.at("lines").at(0).get<long>();
    p.last_line = j.at("lines").at(1).get<long>();
    p.page = j.at("pages").at(0).get<int>();
    p.last_page = j.at("pages").at(1).get<int>();
    p.chapter_number = j.at("chapter").at(0).get<int>();
    p.chapter = j.at("chapter").at(1).get<std::string>();
    p.section_number = j.at("section").at(0).get<int>();
    p.section_title = j.at("section").at(1).get<std::string>();
    p.position = j.at("position").get<int>();
    p.report_title = j.value("title", std::string());
    p.text = j.at("text").get<std::string>();
    return p;
}

std::string encode_file_record(const FileRecord& r) {
    json j = {{"size", r.size},         {"mtime_ns", r.mtime_ns}, {"hash", r.hash},
              {"passages", r.passages}, {"title", r.title},       {"chapters", r.chapters},
              {"acronyms", r.acronyms}};
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

std::string section_facet_value(int number, const std::string& title) {
    return std::to_string(number) + "\t" + title;
}

std::string id_term(const std::string& id) { return prefix::kId + id; }
std::string file_term(const std::string& file) {
    std::string term = prefix::kFile + file;
    if (term.size() > 200) term = prefix::kFile + hex64(fnv1a64(file));
    return term;
}
std::string section_term(int number) { return prefix::kSection + std::to_string(number); }
std::string chapter_term(int number) { return prefix::kChapter + std::to_string(number); }
std::string chapter_key_term(const std::string& chapter) {
    // Xapian terms are at most 245 bytes; headings are short, but keep any long one usable.
    std::string key = prefix::kChapterKey + fold_case(chapter);
    if (key.size() > 200) key = prefix::kChapterKey + hex64(fnv1a64(key));
    return key;
}
std::string page_term(int page) { return prefix::kPage + std::to_string(page); }

}  // namespace rapportsok
