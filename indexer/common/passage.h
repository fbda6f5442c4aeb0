// A passage (one paragraph of a report) and its reference, as plain data: what the indexer
// stores and the searcher prints. No Xapian here, so that printers and the engine's callers need
// none.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

namespace rapportsok {

// One passage (a paragraph) and its exact reference into the report it came from.
struct Passage {
    std::string id;       // stable: file + text (+ occurrence), not the ordinal
    std::string file;     // path as indexed, e.g. "corpus/report.txt"
    long first_line = 0;  // 1-based source lines
    long last_line = 0;
    int page = 1;            // page where the passage starts
    int last_page = 1;       // page where it ends (a passage can run over a page break)
    int chapter_number = 0;  // ordinal of the chapter heading in its report, 0 = before any
    std::string chapter;     // chapter heading as printed in the report
    // The section the passage is in: its number as printed ("2.3.1"; "8" for a top-level one;
    // "" before any section, or for a heading without a number), its title, and the sections it
    // is part of, from the top ({"2", title}, {"2.3", title}). section_number is the top-level
    // number (2 for 2.3.1), 0 when there is none.
    int section_number = 0;
    std::string section_label;
    std::string section_title;
    std::vector<std::pair<std::string, std::string>> section_parents;
    int position = 0;          // ordinal of the passage in its report, 1-based
    std::string text;          // cleaned: broken words joined, no page artifacts
    std::string report_title;  // the report's title (its first line), may be empty

    bool operator==(const Passage& o) const;
};

// A passage as both programs print it in JSON: its reference and its text (docs/json-output.md).
nlohmann::json passage_json(const Passage& p);

}  // namespace rapportsok
