#include "indexer/clean.h"

#include <array>
#include <cctype>
#include <deque>
#include <set>
#include <string_view>

#include "indexer/common/text.h"

namespace rapportsok {

namespace {

bool is_space_cp(char32_t c) {
    return c == ' ' || c == '\t' || c == 0xA0 || c == 0x2007 || c == 0x202F || c == 0x200B ||
           c == 0xFEFF || (c >= 0x2000 && c <= 0x200A) || c == 0x3000;
}

// Collapses white space and drops control and invisible characters.
std::string tidy(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    size_t i = 0;
    while (i < s.size()) {
        char32_t c = next_code_point(s, i);
        if (c == 0xAD) continue;  // soft hyphen
        if (is_space_cp(c) || c < 0x20 || (c >= 0x7F && c < 0xA0)) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        append_utf8(out, c);
    }
    return out;
}

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool blank(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        if (!is_space_cp(next_code_point(s, i))) return false;
    }
    return true;
}

char32_t first_cp(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        char32_t c = next_code_point(s, i);
        if (!is_space_cp(c)) return c;
    }
    return 0;
}

char32_t last_cp(std::string_view s) {
    s = rtrim(s);
    if (s.empty()) return 0;
    size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    size_t j = i;
    return next_code_point(s, j);
}

std::string first_word(std::string_view s) {
    std::string w;
    size_t i = 0;
    while (i < s.size()) {
        size_t at = i;
        char32_t c = next_code_point(s, i);
        if (!is_letter(c)) {
            if (w.empty() && is_space_cp(c)) continue;
            break;
        }
        w.append(s.substr(at, i - at));
    }
    return w;
}

bool is_page_number(std::string_view s) {
    std::string t = tidy(s);
    if (t.empty() || t.size() > 4) return false;
    for (char c : t)
        if (c < '0' || c > '9') return false;
    return true;
}

bool starts_list_item(std::string_view line) {
    std::string t = tidy(line);
    return t.rfind("- ", 0) == 0 || t.rfind("• ", 0) == 0 || t.rfind("– ", 0) == 0;
}

// "1. " or "1) ": an item of an ordered list (Markdown).
bool ordered_item(std::string_view t) {
    size_t i = 0;
    while (i < t.size() && i < 9 && t[i] >= '0' && t[i] <= '9') ++i;
    return i > 0 && i + 1 < t.size() && (t[i] == '.' || t[i] == ')') && t[i + 1] == ' ';
}

// "## Title ##" -> 2 (1 to 6 marks, then a space or the end), else 0.
int atx_level(std::string_view t) {
    size_t n = 0;
    while (n < t.size() && t[n] == '#') ++n;
    if (n == 0 || n > 6 || (n < t.size() && t[n] != ' ')) return 0;
    return static_cast<int>(n);
}

// The text of an ATX heading: without its marks and a closing run of them.
std::string atx_text(std::string_view t) {
    t.remove_prefix(static_cast<size_t>(atx_level(t)));
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    size_t end = t.size();
    while (end > 0 && t[end - 1] == '#') --end;
    if (end == 0 || t[end - 1] == ' ') t = t.substr(0, end);
    return tidy(t);
}

bool only_of(std::string_view s, char c, size_t at_least) {
    size_t n = 0;
    for (char x : s) {
        if (x == c)
            ++n;
        else if (x != ' ' && x != '\t')
            return false;
    }
    return n >= at_least;
}

// "```" or "~~~" (three or more) opening or closing a code block: its mark, else 0.
char fence_mark(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.size() < 3 || (s[0] != '`' && s[0] != '~') || s[1] != s[0] || s[2] != s[0]) return 0;
    return s[0];
}

bool is_ascii_punct(char c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

bool ends_sentence(std::string_view paragraph) {
    char32_t c = last_cp(paragraph);
    return c == '.' || c == '!' || c == '?' || c == ':' || c == 0x201D || c == '"' || c == ')';
}

}  // namespace

std::string strip_markdown_inline(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '\\' && i + 1 < in.size() && is_ascii_punct(in[i + 1])) {
            out += in[++i];  // an escaped mark is the character itself
            continue;
        }
        if (c == '`') continue;  // code marks; the code stays
        if (c == '!' && i + 1 < in.size() && in[i + 1] == '[') continue;  // an image: its text
        if (c == '[') {
            // [text](target) and [text][ref]: the text only.
            const size_t close = in.find(']', i + 1);
            if (close != std::string_view::npos && close + 1 < in.size() &&
                (in[close + 1] == '(' || in[close + 1] == '[')) {
                const size_t end = in.find(in[close + 1] == '(' ? ')' : ']', close + 2);
                if (end != std::string_view::npos) {
                    out += strip_markdown_inline(in.substr(i + 1, close - i - 1));
                    i = end;
                    continue;
                }
            }
        }
        if (c == '<') {
            // <https://...> keeps its address; an HTML tag goes.
            const size_t close = in.find('>', i + 1);
            if (close != std::string_view::npos && close > i + 1) {
                std::string_view inner = in.substr(i + 1, close - i - 1);
                const bool tag = std::isalpha(static_cast<unsigned char>(inner[0])) ||
                                 inner[0] == '/' || inner[0] == '!';
                if (inner.find("://") != std::string_view::npos ||
                    (inner.find('@') != std::string_view::npos &&
                     inner.find(' ') == std::string_view::npos)) {
                    out += inner;
                    i = close;
                    continue;
                }
                if (tag) {
                    i = close;
                    continue;
                }
            }
        }
        if (c == '*' || c == '_' || c == '~') {
            // A run of emphasis marks goes, unless it stands between spaces ("3 * 4") or, for
            // '_', inside a word (snake_case); '~' only doubled (~~struck~~).
            size_t j = i;
            while (j < in.size() && in[j] == c) ++j;
            const bool before = i > 0 && is_word_byte(static_cast<unsigned char>(in[i - 1]));
            const bool after = j < in.size() && is_word_byte(static_cast<unsigned char>(in[j]));
            const bool spaced = (i == 0 || in[i - 1] == ' ') && (j == in.size() || in[j] == ' ');
            const bool keep = spaced || (c == '_' && before && after) || (c == '~' && j - i < 2);
            if (keep) out.append(in.substr(i, j - i));
            i = j - 1;
            continue;
        }
        out += c;
    }
    return out;
}

std::optional<NumberedHeading> numbered_heading(std::string_view text) {
    // Up to six parts of up to three digits, between dots: "8.", "2.3", "2.3.1."
    size_t i = 0;
    int parts = 0, top = 0;
    while (true) {
        size_t start = i;
        int n = 0;
        while (i < text.size() && i - start < 4 && text[i] >= '0' && text[i] <= '9')
            n = n * 10 + (text[i++] - '0');
        if (i == start || i - start > 3) return std::nullopt;
        if (parts++ == 0) top = n;
        if (i < text.size() && text[i] == '.' && i + 1 < text.size() && text[i + 1] >= '0' &&
            text[i + 1] <= '9' && parts < 6) {
            ++i;
            continue;
        }
        break;
    }
    const std::string label(text.substr(0, i));
    const bool dot = i < text.size() && text[i] == '.';
    if (dot) ++i;
    if (!dot && parts == 1) return std::nullopt;  // "2011 I presidentvalet": no heading
    if (i >= text.size() || text[i] != ' ') return std::nullopt;
    while (i < text.size() && text[i] == ' ') ++i;
    std::string_view title = text.substr(i);
    char32_t c = first_cp(title);
    if (!c || !is_upper(c)) return std::nullopt;
    if (title.size() > 250) return std::nullopt;
    return NumberedHeading{top, label, std::string(title)};
}

bool is_capitals_heading(std::string_view text) {
    if (text.size() > 200) return false;
    size_t i = 0, letters = 0, run = 0, longest = 0;
    while (i < text.size()) {
        char32_t c = next_code_point(text, i);
        if (is_letter(c)) {
            if (!is_upper(c)) return false;
            ++letters;
            longest = std::max(longest, ++run);
        } else {
            if (is_digit(c)) return false;
            run = 0;
        }
    }
    return letters >= 4 && longest >= 4;
}

std::string unglue_numbers(std::string_view text) {
    // Words no number is written together with: none is a unit, an ordinal ending ("de" of
    // "10de" is left out) or a letter of its own ("1a", "3e").
    static const std::set<std::string_view> kWords = {
        "och",   "att",  "av",    "på",   "som",    "är",      "för",   "med",   "till",
        "om",    "men",  "eller", "samt", "den",    "det",     "ett",   "en",    "var",
        "har",   "hade", "från",  "vid",  "efter",  "under",   "mot",   "inom",  "utan",
        "när",   "där",  "också", "inte", "enligt", "mellan",  "genom", "sedan", "varav",
        "varit", "blev", "kan",   "ska",  "skulle", "personer"};
    std::string out;
    out.reserve(text.size() + 8);
    size_t i = 0;
    bool after_letter = false;  // the code point before is a letter (or a digit glued to one)
    while (i < text.size()) {
        const size_t at = i;
        const char32_t c = next_code_point(text, i);
        out.append(text.substr(at, i - at));
        const bool digit = c >= '0' && c <= '9';
        if (digit && !after_letter && i < text.size() && !(text[i] >= '0' && text[i] <= '9')) {
            // The letters after the number, up to the first code point that is not one.
            size_t end = i;
            while (end < text.size()) {
                size_t k = end;
                const char32_t n = next_code_point(text, k);
                if (!is_letter(n)) break;
                end = k;
            }
            size_t k = end;
            const bool word_ends = end == text.size() || !is_digit(next_code_point(text, k));
            if (end > i && word_ends && kWords.count(text.substr(i, end - i))) out += ' ';
        }
        after_letter = is_letter(c) || (digit && after_letter);
    }
    return out;
}

void join_line(std::string& paragraph, std::string_view raw_before, std::string_view line) {
    std::string next = unglue_numbers(tidy(line));
    if (next.empty()) return;
    if (paragraph.empty()) {
        paragraph = next;
        return;
    }
    std::string_view before = raw_before;
    while (!before.empty() && (before.back() == '\t')) before.remove_suffix(1);
    bool hyphen_at_end =
        !before.empty() && before.back() == '-' && !paragraph.empty() && paragraph.back() == '-';
    if (hyphen_at_end) {
        // The word before the hyphen, to tell "Kazak-" (broken) from "HBT-" (a real compound).
        std::string_view p(paragraph);
        p.remove_suffix(1);
        size_t start = p.size();
        while (start > 0 && p[start - 1] != ' ') --start;
        std::string_view stem = p.substr(start);
        bool stem_has_letter = false, stem_has_lower = false;
        for (size_t i = 0; i < stem.size();) {
            char32_t c = next_code_point(stem, i);
            if (is_letter(c)) stem_has_letter = true;
            if (is_lower(c)) stem_has_lower = true;
        }
        char32_t c = first_cp(next);
        static const std::array<const char*, 6> kConjunctions = {"och",        "eller", "samt",
                                                                 "respektive", "som",   "till"};
        std::string w = first_word(next);
        bool conjunction = false;
        for (const char* k : kConjunctions) conjunction = conjunction || w == k;
        if (conjunction) {
            paragraph += ' ';  // "bomulls-" + "och" -> "bomulls- och"
        } else if (stem_has_letter && stem_has_lower && is_lower(c)) {
            paragraph.pop_back();  // "Kazak-" + "stans" -> "Kazakstans"
        }
        // Otherwise a real hyphen: "Nur-" + "Otan" -> "Nur-Otan", "HBT-" + "personer".
        paragraph += next;
        return;
    }
    paragraph += ' ';
    paragraph += next;
}

namespace {

// Where each source line's text starts in a paragraph, to give the pieces of a split paragraph
// their own lines and pages.
struct LineMark {
    size_t offset;
    long line;
    int page;
};

// A cut point in text for a piece that starts at `from`: the last sentence end between
// kMinPassageBytes and kMaxPassageBytes on, else the last space there, else a code point
// boundary at kMaxPassageBytes.
size_t cut_point(const std::string& text, size_t from) {
    const size_t lo = from + kMinPassageBytes, hi = from + kMaxPassageBytes;
    size_t space = std::string::npos;
    for (size_t i = hi; i > lo; --i) {
        if (text[i] != ' ') continue;
        char before = text[i - 1];
        if (before == '.' || before == '!' || before == '?') return i;
        if (space == std::string::npos) space = i;
    }
    if (space != std::string::npos) return space;
    size_t i = hi;
    while (i > from && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    return i;
}

// A paragraph longer than kMaxPassageBytes (a file with no line breaks, say) as pieces of
// bounded size, each with the lines and pages its text came from.
void split_long(Block&& block, const std::vector<LineMark>& marks, std::vector<Block>& out) {
    if (block.text.size() <= kMaxPassageBytes || block.markdown_heading || marks.empty()) {
        out.push_back(std::move(block));
        return;
    }
    auto mark_at = [&](size_t offset) {
        const LineMark* m = &marks.front();
        for (const LineMark& k : marks) {
            if (k.offset > offset) break;
            m = &k;
        }
        return *m;
    };
    size_t from = 0;
    while (from < block.text.size()) {
        size_t to = block.text.size() - from <= kMaxPassageBytes ? block.text.size()
                                                                 : cut_point(block.text, from);
        Block piece;
        piece.text = block.text.substr(from, to - from);
        while (!piece.text.empty() && piece.text.back() == ' ') piece.text.pop_back();
        LineMark first = mark_at(from), last = mark_at(to - 1);
        piece.first_line = first.line;
        piece.page = first.page;
        piece.last_line = last.line;
        piece.last_page = last.page;
        if (!piece.text.empty()) out.push_back(std::move(piece));
        from = to;
        while (from < block.text.size() && block.text[from] == ' ') ++from;
    }
}

}  // namespace

Cleaned clean(const std::string& text, bool markdown) {
    // Lines, with form feeds split off as page-break marks.
    struct Line {
        std::string_view s;
        long number;
        int page_breaks_before;
        int setext = 0;         // Markdown: "===" (1) or "---" (2) under a paragraph
        bool verbatim = false;  // Markdown: inside a code block
    };
    std::vector<Line> lines;
    {
        long number = 0;
        size_t pos = 0;
        int pending_ff = 0;
        while (pos <= text.size()) {
            size_t end = text.find('\n', pos);
            if (end == std::string::npos) end = text.size();
            ++number;
            std::string_view l(text.data() + pos, end - pos);
            size_t ff;
            while ((ff = l.find('\f')) != std::string_view::npos) {
                if (!blank(l.substr(0, ff)))
                    lines.push_back({l.substr(0, ff), number, pending_ff}), pending_ff = 0;
                ++pending_ff;
                l = l.substr(ff + 1);
            }
            lines.push_back({l, number, pending_ff});
            pending_ff = 0;
            if (end == text.size()) break;
            pos = end + 1;
        }
    }

    Cleaned out;
    out.markdown = markdown;
    std::deque<std::string> owned;  // Markdown lines as rewritten (the views point here)
    if (markdown) {
        char fence = 0;
        bool indented_code = false;  // four spaces in, after an empty line: a code block
        for (size_t k = 0; k < lines.size(); ++k) {
            Line& l = lines[k];
            std::string_view s = l.s;
            const bool indented = s.rfind("    ", 0) == 0 || s.rfind("\t", 0) == 0;
            indented_code = !fence && indented && !blank(s) &&
                            (indented_code || k == 0 || blank(lines[k - 1].s));
            if (indented_code) {
                l.verbatim = true;
                continue;
            }
            if (const char m = fence_mark(s); m && (!fence || m == fence)) {
                fence = fence ? 0 : m;
                l.s = {};  // the fence itself is no text; it ends a paragraph
                continue;
            }
            if (fence) {
                l.verbatim = true;
                continue;
            }
            std::string t = tidy(s);
            if (only_of(t, '=', 1)) {
                l.setext = 1;
                continue;
            }
            if (only_of(t, '-', 2)) {
                l.setext = 2;
                continue;
            }
            if (only_of(t, '*', 3) || only_of(t, '_', 3)) {  // a thematic break
                l.s = {};
                continue;
            }
            while (t.rfind("> ", 0) == 0 || t == ">") t = tidy(std::string_view(t).substr(1));
            if (t.rfind('|', 0) == 0) {
                // A table row: its cells as text; the rule under its head goes.
                if (t.find_first_not_of("|-: ") == std::string::npos) {
                    l.s = {};
                    continue;
                }
                for (char& c : t)
                    if (c == '|') c = ' ';
            }
            if (t.rfind("* ", 0) == 0 || t.rfind("+ ", 0) == 0) t[0] = '-';  // bullets alike
            if (atx_level(t) > 0)
                t = std::string(static_cast<size_t>(atx_level(t)), '#') + " " +
                    strip_markdown_inline(atx_text(t));
            else
                t = strip_markdown_inline(t);
            owned.push_back(t.empty() && !s.empty() ? std::string(" ") : t);
            l.s = owned.back();
        }
    }
    // A double-spaced layout: nearly every text line is followed by an empty line, and paragraphs
    // are separated by a line holding only spaces between two empty lines. Without such
    // separators, clean text with one-line paragraphs between blank lines would look the same.
    size_t text_lines = 0, followed_by_empty = 0, separators = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (blank(lines[i].s)) {
            if (!lines[i].s.empty() && i > 0 && lines[i - 1].s.empty() && i + 1 < lines.size() &&
                lines[i + 1].s.empty())
                ++separators;
            continue;
        }
        ++text_lines;
        if (i + 1 < lines.size() && lines[i + 1].s.empty()) ++followed_by_empty;
    }
    out.layout =
        !markdown && text_lines >= 4 && separators > 0 && followed_by_empty * 10 >= text_lines * 7
            ? Layout::kDoubleSpaced
            : Layout::kPlain;
    const bool dbl = out.layout == Layout::kDoubleSpaced;

    int page = 1;
    Block cur;
    std::vector<LineMark> marks;  // of cur
    std::string_view prev_raw;    // the paragraph's last raw line, for broken words
    bool prev_was_text = false;   // the line just before was a text line (no empty line between)
    bool page_break = false;      // a page break since the paragraph's last line
    auto flush = [&]() {
        if (!cur.text.empty()) split_long(std::move(cur), marks, out.blocks);
        cur = Block();
        marks.clear();
        page_break = false;
    };
    auto is_heading_text = [](const std::string& t) {
        return numbered_heading(t).has_value() || is_capitals_heading(t);
    };

    for (const Line& line : lines) {
        if (line.setext) {
            // Markdown's underlined heading: the paragraph above it is the heading.
            if (!cur.text.empty() && !cur.markdown_heading && !starts_list_item(cur.text)) {
                cur.markdown_heading = true;
                cur.heading_level = line.setext;
                cur.last_line = line.number;
                cur.last_page = page;
            }
            flush();
            prev_was_text = false;
            continue;
        }
        if (line.page_breaks_before) {
            page += line.page_breaks_before;
            page_break = true;
            if (!dbl) flush();
        }
        std::string_view s = line.s;
        if (s.empty()) {
            prev_was_text = false;
            if (!dbl) flush();
            continue;
        }
        if (blank(s)) {  // paragraph separator (in either layout)
            prev_was_text = false;
            flush();
            continue;
        }
        if (dbl && is_page_number(s)) {
            ++page;
            page_break = true;
            prev_was_text = false;
            continue;
        }
        if (dbl && prev_was_text) {  // a text line directly after a text line: a new page
            ++page;
            page_break = true;
        }
        prev_was_text = true;
        std::string t = tidy(s);
        const bool md = !dbl && !line.verbatim && atx_level(t) > 0;
        if (md || starts_list_item(s) || (markdown && ordered_item(t))) flush();
        if (!cur.text.empty() && page_break) {
            char32_t c = first_cp(t);
            bool next_starts = is_upper(c) || is_digit(c);
            if ((next_starts && (ends_sentence(cur.text) || is_heading_text(cur.text))) ||
                is_heading_text(t))
                flush();
        }
        page_break = false;
        if (cur.text.empty()) {
            cur.first_line = line.number;
            cur.page = page;
        }
        if (md) {
            cur.markdown_heading = true;
            cur.heading_level = atx_level(t);
            cur.text = atx_text(t);
            cur.last_line = line.number;
            cur.last_page = page;
            flush();
            continue;
        }
        marks.push_back({cur.text.size(), line.number, page});
        join_line(cur.text, prev_raw, s);
        prev_raw = s;
        cur.last_line = line.number;
        cur.last_page = page;
    }
    flush();
    out.pages = page;
    return out;
}

}  // namespace rapportsok
