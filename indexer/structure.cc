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

// The sections open at a point of the report, from the top: {label, title} at each depth ("" for
// a depth a heading skipped).
class SectionStack {
  public:
    // Opens a section at depth (1 = top level), closing those at that depth and below.
    void open(int depth, const std::string& label, const std::string& title) {
        stack_.resize(static_cast<size_t>(depth - 1));
        stack_.emplace_back(label, title);
    }
    // Opens a numbered section of plain text: its parents are the sections its number names
    // ("2.3.1": 2 and 2.3), kept where they are open, else without a title (no heading).
    void open_numbered(const std::string& label, const std::string& title) {
        const std::vector<int> parts = section_parts(label);
        std::string prefix;
        for (size_t k = 0; k + 1 < parts.size(); ++k) {
            prefix += (k ? "." : "") + std::to_string(parts[k]);
            if (stack_.size() <= k || stack_[k].first != prefix) {
                stack_.resize(k);
                stack_.emplace_back(prefix, "");
            }
        }
        open(static_cast<int>(parts.size()), label, title);
    }
    void clear() { stack_.clear(); }
    bool empty() const { return stack_.empty(); }

    // The passage's section fields from the innermost open section.
    void apply(Passage& p) const {
        p.section_label.clear();
        p.section_title.clear();
        p.section_parents.clear();
        p.section_number = 0;
        if (stack_.empty()) return;
        p.section_label = stack_.back().first;
        p.section_title = stack_.back().second;
        for (size_t k = 0; k + 1 < stack_.size(); ++k)
            if (!stack_[k].first.empty() || !stack_[k].second.empty())
                p.section_parents.push_back(stack_[k]);
        for (const auto& [label, title] : stack_) {
            if (!label.empty()) {
                p.section_number = section_top(label);
                break;
            }
        }
    }

  private:
    std::vector<std::pair<std::string, std::string>> stack_;
};

// Whether a numbered line is a heading where it stands: after the last numbered heading `last`
// ({} before any), the next top-level number (by a small step), or the next sub-section of a
// section it is in ("2.4" after 2.3 or 2.3.1, "2.3.1" after 2.3); "3.1" may also open a new
// top-level section 3 that had no heading of its own.
bool plausible_next(const std::vector<int>& last, const std::vector<int>& next) {
    const size_t k = next.size();
    const int top = last.empty() ? 0 : last[0];
    if (k == 1) return next[0] > top && next[0] <= top + 5;
    bool firsts = true;  // 3.1, 3.1.1
    for (size_t i = 1; i < k; ++i) firsts = firsts && next[i] == 1;
    if (firsts && next[0] > top && next[0] <= top + 5) return true;
    // The parent (next without its last part) must be what last is in, or last itself.
    if (last.size() < k - 1) return false;
    for (size_t i = 0; i + 1 < k; ++i)
        if (last[i] != next[i]) return false;
    const int before = last.size() >= k ? last[k - 1] : 0;
    return next[k - 1] > before && next[k - 1] <= before + 5;
}

}  // namespace

Report structure(const std::string& file, const Cleaned& cleaned) {
    Report r;
    r.file = file;
    r.pages = cleaned.pages;
    int chapter_number = 0;
    std::string chapter;
    SectionStack sections;
    std::vector<int> last_numbered;  // the parts of the last numbered heading taken
    std::map<std::string, int> seen_text;
    bool any_heading = false;
    // Numbered lines out of order: the first is named, the rest counted (a 3 MB file of
    // numbered lists gave 2,277 warnings).
    long out_of_order = 0;
    std::string first_out_of_order;

    auto open_section = [&](int depth, const std::string& label, const std::string& title) {
        any_heading = true;
        sections.open(depth, label, title);
        r.sections.push_back({label, title, depth});
    };
    auto open_chapter = [&](const std::string& heading) {
        any_heading = true;
        chapter = heading;
        chapter_number = static_cast<int>(r.chapters.size()) + 1;
        r.chapters.push_back(chapter);
        sections.clear();
    };

    for (size_t i = 0; i < cleaned.blocks.size(); ++i) {
        const Block& b = cleaned.blocks[i];
        if (b.markdown_heading) {
            // At its level, its number as written (none invented): # a chapter, ## a section,
            // ### a sub-section of it, ...
            if (b.heading_level <= 1) {
                open_chapter(b.text);
            } else {
                auto h = numbered_heading(b.text);
                if (!h) {
                    // "## 2 Title", "## 2.3 Title": a number is certain in a heading.
                    auto bare = numbered_heading(b.text.substr(0, b.text.find(' ')) + ". " +
                                                 (b.text.find(' ') == std::string::npos
                                                      ? ""
                                                      : b.text.substr(b.text.find(' ') + 1)));
                    if (bare && bare->label.find('.') == std::string::npos) h = bare;
                }
                if (h) last_numbered = section_parts(h->label);
                open_section(b.heading_level - 1, h ? h->label : "", h ? h->title : b.text);
            }
            continue;
        }
        if (!cleaned.markdown && is_capitals_heading(b.text)) {
            open_chapter(b.text);
            continue;
        }
        if (auto h = cleaned.markdown ? std::nullopt : numbered_heading(b.text)) {
            // In order, by small steps: "2011. I presidentvalet ..." is body text.
            const std::vector<int> parts = section_parts(h->label);
            const bool heading_like = !ends_like_sentence(h->title) && h->title.size() <= 200;
            if (heading_like && plausible_next(last_numbered, parts)) {
                last_numbered = parts;
                any_heading = true;
                sections.open_numbered(h->label, h->title);
                r.sections.push_back({h->label, h->title, static_cast<int>(parts.size())});
                continue;
            }
            if (heading_like && parts.size() == 1 && h->number > 0 && !last_numbered.empty() &&
                h->number <= last_numbered[0] && out_of_order++ == 0)
                first_out_of_order = file + ":" + std::to_string(b.first_line) +
                                     ": numbered line \"" + h->label +
                                     ".\" is out of order after section " +
                                     std::to_string(last_numbered[0]) + "; kept as text";
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
        sections.apply(p);
        p.position = static_cast<int>(r.passages.size()) + 1;
        p.text = b.text;
        p.id = passage_id(file, p.text, ++seen_text[p.text]);
        r.passages.push_back(std::move(p));
    }
    for (Passage& p : r.passages) p.report_title = r.title;
    if (out_of_order > 1)
        first_out_of_order += " (and " + std::to_string(out_of_order - 1) + " more such line" +
                              (out_of_order > 2 ? "s" : "") + " in this file)";
    if (out_of_order) r.warnings.push_back(first_out_of_order);
    return r;
}

}  // namespace rapportsok
