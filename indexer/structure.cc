#include "indexer/structure.h"

#include <map>

#include "indexer/common/text.h"

namespace rapportsok {

std::string passage_id(const std::string& file, const std::string& text, int occurrence) {
    std::string id = hex64(fnv1a64(text, fnv1a64(file + '\n')));
    if (occurrence > 1) id += "-" + std::to_string(occurrence);
    return id;
}

namespace {

bool ends_like_sentence(const std::string& t) {
    return !t.empty() && (t.back() == '.' || t.back() == '!' || t.back() == '?');
}

}  // namespace

Report structure(const std::string& file, const Cleaned& cleaned) {
    Report r;
    r.file = file;
    r.pages = cleaned.pages;
    int chapter_number = 0, section_number = 0, auto_section = 0;
    std::string chapter, section_title;
    std::map<std::string, int> seen_text;
    bool any_heading = false;

    for (size_t i = 0; i < cleaned.blocks.size(); ++i) {
        const Block& b = cleaned.blocks[i];
        if (b.markdown_heading) {
            any_heading = true;
            if (b.heading_level <= 1) {
                chapter = b.text;
                chapter_number = static_cast<int>(r.chapters.size()) + 1;
                r.chapters.push_back(chapter);
                section_number = 0;
                section_title.clear();
            } else {
                auto h = numbered_heading(b.text);
                if (h && h->number > section_number) {
                    section_number = h->number;
                    section_title = h->title;
                } else {
                    section_number = std::max(section_number, auto_section) + 1;
                    section_title = b.text;
                }
                auto_section = section_number;
                r.sections.emplace_back(section_number, section_title);
            }
            continue;
        }
        if (is_capitals_heading(b.text)) {
            any_heading = true;
            chapter = b.text;
            chapter_number = static_cast<int>(r.chapters.size()) + 1;
            r.chapters.push_back(chapter);
            section_number = 0;
            section_title.clear();
            continue;
        }
        if (auto h = numbered_heading(b.text)) {
            // Strictly increasing, by small steps: "2011. I presidentvalet ..." is body text.
            int last = r.sections.empty() ? 0 : r.sections.back().first;
            bool plausible = h->number > last && h->number <= last + 5 &&
                             !ends_like_sentence(h->title) && h->title.size() <= 200;
            if (plausible) {
                any_heading = true;
                section_number = h->number;
                section_title = h->title;
                r.sections.emplace_back(section_number, section_title);
                continue;
            }
            if (h->number <= last && h->number > 0 && !ends_like_sentence(h->title) &&
                h->title.size() <= 200)
                r.warnings.push_back(file + ":" + std::to_string(b.first_line) +
                                     ": numbered line \"" + std::to_string(h->number) +
                                     ".\" is out of order after section " + std::to_string(last) +
                                     "; kept as text");
        }
        if (i == 0 && !any_heading && r.title.empty() && b.text.size() <= 160 &&
            !ends_like_sentence(b.text) && cleaned.blocks.size() > 1) {
            r.title = b.text;  // the report's title line, not a passage
            continue;
        }
        Passage p;
        p.file = file;
        p.first_line = b.first_line;
        p.last_line = b.last_line;
        p.page = b.page;
        p.last_page = b.last_page;
        p.chapter_number = chapter_number;
        p.chapter = chapter;
        p.section_number = section_number;
        p.section_title = section_title;
        p.position = static_cast<int>(r.passages.size()) + 1;
        p.text = b.text;
        p.id = passage_id(file, p.text, ++seen_text[p.text]);
        r.passages.push_back(std::move(p));
    }
    for (Passage& p : r.passages) p.report_title = r.title;
    return r;
}

}  // namespace rapportsok
