#include "searcher/print_lines.h"

#include <sys/stat.h>

#include <functional>
#include <map>
#include <ostream>

#include "indexer/common/errors.h"
#include "searcher/print_text.h"

namespace rapportsok {

namespace {

const char* const kBold = "\x1b[1m";
const char* const kReset = "\x1b[0m";

std::string snippet_text(const Snippet& s, bool color) {
    std::string line;
    size_t at = 0;
    for (auto [b, e] : s.highlights) {
        line += terminal_safe(s.text.substr(at, b - at));
        const std::string word = terminal_safe(s.text.substr(b, e - b));
        line += color ? std::string(kBold) + word + kReset : word;
        at = e;
    }
    return line + terminal_safe(s.text.substr(at));
}

using Field = std::function<std::string(const Hit&, bool color)>;

const std::map<std::string, Field>& fields() {
    static const std::map<std::string, Field> kFields = {
        {"rank", [](const Hit& h, bool) { return std::to_string(h.rank); }},
        {"score", [](const Hit& h, bool) { return std::to_string(h.score); }},
        {"id", [](const Hit& h, bool) { return terminal_safe(h.passage.id); }},
        {"file", [](const Hit& h, bool) { return terminal_safe(h.passage.file); }},
        {"line", [](const Hit& h, bool) { return std::to_string(h.passage.first_line); }},
        {"last_line", [](const Hit& h, bool) { return std::to_string(h.passage.last_line); }},
        {"page", [](const Hit& h, bool) { return std::to_string(h.passage.page); }},
        {"last_page", [](const Hit& h, bool) { return std::to_string(h.passage.last_page); }},
        {"position", [](const Hit& h, bool) { return std::to_string(h.passage.position); }},
        {"chapter", [](const Hit& h, bool) { return terminal_safe(h.passage.chapter); }},
        {"section", [](const Hit& h, bool) { return terminal_safe(h.passage.section_label); }},
        {"title", [](const Hit& h, bool) { return terminal_safe(h.passage.section_title); }},
        {"snippet", [](const Hit& h, bool color) { return snippet_text(h.snippet, color); }},
        {"text", [](const Hit& h, bool) { return terminal_safe(h.passage.text); }},
    };
    return kFields;
}

// Walks a template: literal text to lit, each {name} to field (false from field: stop).
template <typename Lit, typename Fld>
void walk(const std::string& f, Lit lit, Fld field) {
    for (size_t i = 0; i < f.size(); ++i) {
        if ((f[i] == '{' || f[i] == '}') && i + 1 < f.size() && f[i + 1] == f[i]) {
            lit(std::string(1, f[i]));
            ++i;
            continue;
        }
        if (f[i] == '}') throw UsageError("--format: a '}' without its '{' (write }} for a brace)");
        if (f[i] != '{') {
            lit(std::string(1, f[i]));
            continue;
        }
        const size_t close = f.find('}', i);
        if (close == std::string::npos)
            throw UsageError("--format: a '{' without its '}' (write {{ for a brace)");
        field(f.substr(i + 1, close - i - 1));
        i = close;
    }
}

}  // namespace

std::string format_fields() {
    std::string out;
    for (const auto& [name, f] : fields()) out += (out.empty() ? "{" : ", {") + name + "}";
    return out;
}

void check_format(const std::string& format) {
    walk(
        format, [](const std::string&) {},
        [](const std::string& name) {
            if (!fields().count(name))
                throw UsageError("--format: no field {" + name + "}; the fields are " +
                                 format_fields());
        });
}

void print_format(const SearchResult& r, const std::string& format, std::ostream& out, bool color) {
    for (const Hit& h : r.hits) {
        std::string line;
        walk(
            format, [&](const std::string& s) { line += terminal_safe(s); },
            [&](const std::string& name) { line += fields().at(name)(h, color); });
        out << line << "\n";
    }
}

void print_count(const SearchResult& r, std::ostream& out) { out << r.total << "\n"; }

void print_files(const SearchResult& r, std::ostream& out) {
    for (const Hit& h : r.hits) out << terminal_safe(h.passage.file) << "\n";
}

namespace {

std::string shell_quote(const std::string& s) {
    bool plain = !s.empty();
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) ||
              std::string("/._-+:,@%").find(c) != std::string::npos))
            plain = false;
    if (plain) return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

bool exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

void print_open(const SearchResult& r, const std::string& editor, const std::string& root,
                std::ostream& out) {
    if (r.hits.empty()) return;
    const Passage& p = r.hits.front().passage;
    std::string file = p.file;
    if (!file.empty() && file[0] != '/' && !exists(file) && !root.empty() &&
        exists(root + "/" + file))
        file = root + "/" + file;
    out << terminal_safe(editor.empty() ? "vi" : editor) << " +" << p.first_line << " "
        << terminal_safe(shell_quote(file)) << "\n";
}

std::string shortened(const std::string& text, size_t max) {
    if (text.size() <= max) return text;
    size_t cut = text.rfind(' ', max);
    if (cut == std::string::npos || cut < max / 2) {
        cut = max;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    }
    return text.substr(0, cut) + " …";
}

}  // namespace rapportsok
