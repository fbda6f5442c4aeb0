#include "searcher/print_text.h"

#include <iomanip>
#include <ostream>
#include <sstream>

#include "indexer/common/text.h"
#include "searcher/print_lines.h"

namespace rapportsok {

namespace {
const char* const kBold = "\x1b[1m";
const char* const kCyan = "\x1b[36m";
const char* const kReset = "\x1b[0m";
}  // namespace

std::string terminal_safe(const std::string& s) { return replace_controls(s, "\xEF\xBF\xBD"); }

namespace {

// A section as a reference line: "§2.3 Title", or the title alone for a heading without a
// number.
std::string section_line(const std::string& label, const std::string& title) {
    return label.empty() ? terminal_safe(title) : "§" + label + " " + terminal_safe(title);
}

// The reference under a hit's first line: the sections it is in from the top (§2, §2.3, then
// its own §2.3.1), the chapter.
void print_reference(const Passage& p, std::ostream& out) {
    for (const auto& [label, title] : p.section_parents)
        out << "   " << section_line(label, title) << "\n";
    if (!p.section_label.empty() || !p.section_title.empty())
        out << "   " << section_line(p.section_label, p.section_title) << "\n";
    if (!p.chapter.empty()) out << "   " << terminal_safe(p.chapter) << "\n";
}

// Context passages (--context), marked "|" beside the hit's ">": their first line, their text.
void print_context(const std::vector<Passage>& passages, std::ostream& out) {
    for (const Passage& c : passages)
        out << "   | " << c.first_line << "  " << terminal_safe(shortened(c.text, 240)) << "\n";
}

}  // namespace

void print_passage_text(const Passage& p, const std::vector<Passage>& before,
                        const std::vector<Passage>& after, std::ostream& out, bool color) {
    std::ostringstream ref;
    ref << p.file << ":" << p.first_line << "-" << p.last_line;
    out << (color ? std::string(kCyan) + terminal_safe(ref.str()) + kReset
                  : terminal_safe(ref.str()))
        << "  page " << p.page;
    if (p.last_page != p.page) out << "–" << p.last_page;
    out << "\n";
    print_reference(p, out);
    out << "   id " << terminal_safe(p.id) << "\n";
    const bool context = !before.empty() || !after.empty();
    print_context(before, out);
    out << (context ? "   > " : "   ") << terminal_safe(p.text) << "\n";
    print_context(after, out);
}

void print_text(const SearchResult& r, std::ostream& out, bool color) {
    auto style = [&](const char* code, const std::string& s) {
        return color ? std::string(code) + s + kReset : s;
    };
    for (const std::string& n : r.notes) out << "note: " << terminal_safe(n) << "\n";
    for (const Expansion& e : r.expansions) {
        if (e.kind == "inflection") continue;  // the stemmer's business; JSON lists them
        if (e.kind == "spelling" && !e.alternatives.empty()) {
            out << "Did you mean " << terminal_safe(e.alternatives.front())
                << "? Also searched for " << terminal_safe(e.alternatives.front()) << " (beside "
                << terminal_safe(e.word) << ")\n";
            continue;
        }
        if (e.kind == "english stopwords") {
            out << "Left out (English stopwords): " << terminal_safe(e.word) << "\n";
            continue;
        }
        out << "Also searched (" << e.kind << "): " << terminal_safe(e.word);
        if (e.alternatives.empty()) out << " as a part of longer words";
        for (size_t k = 0; k < e.alternatives.size(); ++k)
            out << (k ? ", " : " → ") << terminal_safe(e.alternatives[k]);
        out << "\n";
    }
    if (r.corrected)
        out << "Showing results for " << terminal_safe(*r.corrected) << " (searched for "
            << terminal_safe(r.query) << ")\n";
    if (r.total == 0) {
        out << "No passages match: " << terminal_safe(r.query) << ".\n";
        return;
    }
    out << (r.total_exact ? "" : "About ") << r.total << (r.total == 1 ? " passage" : " passages")
        << " match: " << terminal_safe(r.corrected.value_or(r.query));
    if (!r.hits.empty())
        out << "; showing " << r.hits.front().rank << "–" << r.hits.back().rank;
    else if (r.offset > 0)
        out << "; none at offset " << r.offset;  // --limit 0 shows none on purpose
    out << ".\n";
    for (const Hit& h : r.hits) {
        const Passage& p = h.passage;
        std::ostringstream ref;
        ref << p.file << ":" << p.first_line;
        out << "\n"
            << h.rank << ". " << style(kCyan, terminal_safe(ref.str())) << "  page " << p.page;
        if (p.last_page != p.page) out << "–" << p.last_page;
        // No score here: it means nothing to a reader and changes with every ranking tweak
        // (which would churn the golden files); --json carries it.
        out << "\n";
        print_reference(p, out);
        print_context(h.before, out);
        // The snippet with its highlights.
        const Snippet& s = h.snippet;
        std::string line;
        size_t at = 0;
        for (auto [b, e] : s.highlights) {
            line += terminal_safe(s.text.substr(at, b - at));
            line += style(kBold, terminal_safe(s.text.substr(b, e - b)));
            at = e;
        }
        line += terminal_safe(s.text.substr(at));
        out << (r.context > 0 ? "   > " : "   ") << line << "\n";
        print_context(h.after, out);
    }
    // Estimated counts say so, as an estimated total does ("About 6000 passages").
    const char* about = r.facets_exact ? "" : " (estimated)";
    const char* tilde = r.facets_exact ? " " : "~";
    if (!r.chapters.empty()) {
        out << "\nBy chapter" << about << ":\n";
        for (const Facet& f : r.chapters)
            out << " " << tilde << std::setw(4) << f.count << "  " << terminal_safe(f.value)
                << "\n";
    }
    if (!r.sections.empty()) {
        out << "By section" << about << ":\n";
        for (const Facet& f : r.sections)
            out << " " << tilde << std::setw(4) << f.count << "  " << section_line(f.label, f.value)
                << "\n";
    }
}

}  // namespace rapportsok
