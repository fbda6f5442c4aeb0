// Finding a report's structure in its cleaned paragraphs: title, chapters (headings in capitals
// or "# "), numbered sections (strictly increasing), and the passages under them.
#pragma once

#include <string>
#include <vector>

#include "indexer/clean.h"
#include "indexer/common/schema.h"

namespace rapportsok {

struct Report {
    std::string file;
    std::string title;
    std::vector<std::string> chapters;                  // in order
    std::vector<std::pair<int, std::string>> sections;  // number, title, in order
    std::vector<Passage> passages;
    int pages = 1;
    std::vector<std::string> warnings;  // e.g. a numbered line not taken as a heading
};

Report structure(const std::string& file, const Cleaned& cleaned);

// A passage id that survives edits elsewhere in the report: file + text (+ occurrence).
std::string passage_id(const std::string& file, const std::string& text, int occurrence);

}  // namespace rapportsok
