// Repairing what PDF extraction broke: double-spaced lines, page breaks and page-number lines,
// words broken at a line end. Produces paragraphs ("blocks") with their source lines and pages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rapportsok {

struct Block {
    std::string text;     // cleaned, one line, NFC
    long first_line = 0;  // 1-based
    long last_line = 0;
    int page = 1;
    int last_page = 1;
    bool markdown_heading = false;  // "# Title", or a setext one (level in heading_level)
    int heading_level = 0;
};

enum class Layout { kDoubleSpaced, kPlain };

struct Cleaned {
    std::vector<Block> blocks;
    int pages = 1;
    Layout layout = Layout::kPlain;
    bool markdown = false;  // headings are the marked ones only (no capitals, no "8. Title")
};

// A paragraph longer than kMaxPassageBytes is split into passages of kMinPassageBytes to
// kMaxPassageBytes, at a sentence end where there is one: a passage stays a readable hit, and a
// file with no line breaks at all cannot make one huge document.
inline constexpr size_t kMinPassageBytes = 4096;
inline constexpr size_t kMaxPassageBytes = 8192;

// Markdown (a .md file, or what pandoc made of HTML, DOCX, ODT): ATX and setext headings, and no
// emphasis, code marks, fences, link targets or table rules left in the text.
Cleaned clean(const std::string& text, bool markdown = false);

// A Markdown line's inline marks taken out: *emphasis*, `code`, [text](url) -> text, \* -> *.
std::string strip_markdown_inline(std::string_view line);

// "8. Yttrande-, press- och informationsfrihet" -> {8, "8", "Yttrande-, ..."}, and sub-sections
// "2.3 Title" or "2.3.1. Title" -> {2, "2.3.1", "Title"}; not a body line that happens to start
// with a number ("2011. I presidentvalet ..." is decided by the caller).
struct NumberedHeading {
    int number;         // the top-level number
    std::string label;  // the whole number, "2.3.1"
    std::string title;
};
std::optional<NumberedHeading> numbered_heading(std::string_view text);

// A chapter heading: capitals only ("EKONOMISKA, SOCIALA OCH KULTURELLA RÄTTIGHETER").
bool is_capitals_heading(std::string_view text);

// A number glued to the Swedish word after it, as PDF extraction leaves a lost space: "totalt
// 98och är" -> "totalt 98 och är". Only before a word of a closed list (conjunctions,
// prepositions, pronouns, auxiliaries: och, att, av, på, som, är, ...) that ends there, and only
// a number not glued to letters before it. What a number with letters after it means is kept:
// ordinals and variants ("1a", "3e", "2:a", "10de", "2dra"), units ("10kr", "5st", "3km"),
// "1990talet", and names and codes ("A4och").
std::string unglue_numbers(std::string_view text);

// Joins two lines of one paragraph, repairing a word broken at the line end:
// "han-" + "del" -> "handel", "Nur-" + "Otan" -> "Nur-Otan", "bomulls- " + "och" -> "bomulls- och".
void join_line(std::string& paragraph, std::string_view raw_line_before, std::string_view line);

}  // namespace rapportsok
