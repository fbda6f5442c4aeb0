// Finding a report's structure in its cleaned paragraphs: title, chapters (headings in capitals
// or "# "), numbered sections and sub-sections (1, 2.3, 2.3.1: each in order under its parent),
// Markdown's headings at their level, and the passages under them.
#pragma once

#include <string>
#include <vector>

#include "indexer/clean.h"
#include "indexer/common/schema.h"

namespace rapportsok {

struct Section {
    std::string label;  // "2.3"; "" for a heading without a number
    std::string title;
    int depth = 1;  // 1 for a top-level section, 2 for 2.3, ...
    bool operator==(const Section& o) const {
        return label == o.label && title == o.title && depth == o.depth;
    }
};

struct Report {
    std::string file;
    std::string title;
    std::vector<std::string> chapters;  // in order
    std::vector<Section> sections;      // in order
    std::vector<Passage> passages;
    int pages = 1;
    std::vector<std::string> warnings;  // e.g. a numbered line not taken as a heading
};

Report structure(const std::string& file, const Cleaned& cleaned);

// A passage id that survives edits elsewhere in the report: file + text (+ occurrence).
std::string passage_id(const std::string& file, const std::string& text, int occurrence);

}  // namespace rapportsok
