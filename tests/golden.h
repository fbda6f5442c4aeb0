// Golden-file comparison for printer tests: output is compared byte for byte with a file under
// tests/golden/. scripts/update-golden is the one way those files change (it reruns the tests
// with RAPPORTSOK_UPDATE_GOLDEN=1, which writes the files instead of comparing).
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/support.h"

namespace testing {

inline void check_golden(const std::string& name, const std::string& actual) {
    const std::string path = source_dir() + "/tests/golden/" + name;
    const char* update = std::getenv("RAPPORTSOK_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
        WARN("wrote " << path);
        return;
    }
    const std::string expected = read_file(path);
    if (actual == expected) {
        SUCCEED();
        return;
    }
    // Point at the first line that differs; the whole of both follows in the failure.
    size_t at = 0, line = 1;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at])
        if (actual[at++] == '\n') ++line;
    auto line_at = [&](const std::string& s) {
        size_t b = s.rfind('\n', at == 0 ? 0 : at - 1);
        b = (b == std::string::npos || at == 0) ? 0 : b + 1;
        return s.substr(b, s.find('\n', b) - b);
    };
    FAIL_CHECK("output differs from golden file "
               << path << " at line " << line << ":\n"
               << "  expected: " << line_at(expected) << "\n"
               << "  actual:   " << line_at(actual) << "\n"
               << (expected.empty() ? "(the golden file is missing or empty)\n" : "")
               << "If the change is intended, run scripts/update-golden and review the diff.\n"
               << "--- actual output ---\n"
               << actual);
}

}  // namespace testing
