// Aligning a file's passages before and after an edit, as diff aligns lines: which passage each
// new one continues (and so whose id it keeps).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "indexer/align.h"

using rapportsok::align_passages;

namespace {

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    for (char c : s) out.push_back(std::string(1, c));
    return out;
}

}  // namespace

TEST_CASE("passages before and after an edit are paired as diff pairs lines", "[unit][align]") {
    struct Case {
        const char* what;
        std::vector<std::string> before, after;
        std::vector<long> continues;
    };
    const std::vector<Case> cases = {
        {"nothing changed", {"a", "b", "c"}, {"a", "b", "c"}, {0, 1, 2}},
        {"inserted in the middle", {"a", "b", "c"}, {"a", "x", "b", "c"}, {0, -1, 1, 2}},
        {"deleted", {"a", "b", "c"}, {"a", "c"}, {0, 2}},
        {"edited between unchanged neighbours",
         {"a", "Våld och tortyr förkommer i häkten.", "c"},
         {"a", "Våld och tortyr förekommer i häkten.", "c"},
         {0, 1, 2}},
        {"rewritten in place: as many went as came", {"a", "b", "c"}, {"a", "x", "c"}, {0, 1, 2}},
        {"moved to elsewhere in the file",
         {"a", "b", "c", "d"},
         {"b", "c", "d", "a"},
         {1, 2, 3, 0}},
        {"a repeated text keeps each occurrence", {"t", "a", "t"}, {"t", "x", "t"}, {0, 1, 2}},
        {"edited beside a new paragraph: paired by likeness",
         {"a", "Domstolen prövade målet om pressfrihet i landet.", "z"},
         {"a", "Ett helt nytt stycke om något annat.",
          "Domstolen prövade målet om pressfriheten i landet.", "z"},
         {0, -1, 1, 2}},
        {"split in two: the likelier half continues it",
         {"a", "Domstolen prövade målet. Sedan kom ett beslut om pressfrihet i landet.", "z"},
         {"a", "Domstolen prövade målet.", "Sedan kom ett beslut om pressfrihet i landet.", "z"},
         {0, -1, 1, 2}},
        {"two unlike paragraphs for one: a new passage each, the old removed",
         {"a", "Pelikaner häckar vid sjön.", "z"},
         {"a", "Tranor flyger söderut.", "Flamingor står på ett ben.", "z"},
         {0, -1, -1, 2}},
        {"everything new", {"a", "b"}, {"x", "y", "z"}, {-1, -1, -1}},
        {"everything gone", {"a", "b"}, {}, {}},
        {"all new to an empty file", {}, {"a", "b"}, {-1, -1}},
        {"unique anchors keep the order that runs longest",
         words("abcdefg"),
         words("aXcdYfg"),
         {0, 1, 2, 3, 4, 5, 6}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        CHECK(align_passages(c.before, c.after) == c.continues);
    }
}

TEST_CASE("each passage before is continued at most once, whatever the texts", "[unit][align]") {
    // Many repeated texts, shuffled: every index is in range and used once.
    std::vector<std::string> before, after;
    for (int i = 0; i < 300; ++i) before.push_back(std::to_string(i % 7));
    for (int i = 0; i < 280; ++i) after.push_back(std::to_string((i * 5) % 9));
    const std::vector<long> c = align_passages(before, after);
    REQUIRE(c.size() == after.size());
    std::vector<int> used(before.size(), 0);
    for (size_t n = 0; n < c.size(); ++n) {
        if (c[n] < 0) continue;
        REQUIRE(c[n] < static_cast<long>(before.size()));
        ++used[static_cast<size_t>(c[n])];
        // Pairs of unequal texts come only from stretches both sides changed.
    }
    for (int u : used) REQUIRE(u <= 1);
}

TEST_CASE("a file of 200,000 passages with one edit pairs the edit and keeps the rest",
          "[unit][align]") {
    std::vector<std::string> before;
    for (int i = 0; i < 200000; ++i) before.push_back("Stycke nummer " + std::to_string(i) + ".");
    std::vector<std::string> after = before;
    after[123456] = "Stycke nummer 123456, ändrat.";
    after.insert(after.begin() + 1000, "Ett nytt stycke.");
    const std::vector<long> c = align_passages(before, after);
    REQUIRE(c.size() == after.size());
    for (size_t n = 0; n < 1000; ++n) REQUIRE(c[n] == static_cast<long>(n));
    CHECK(c[1000] == -1);
    for (size_t n = 1001; n < after.size(); ++n) REQUIRE(c[n] == static_cast<long>(n - 1));
}
