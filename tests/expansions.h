// Reading the searcher's JSON "expansions" (what a query was expanded to) in tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace testing {

// True when the answer has an expansion of this kind (of this word, when one is given).
inline bool has_expansion(const nlohmann::json& j, const std::string& kind,
                          const std::string& word = "") {
    for (const nlohmann::json& e : j["expansions"])
        if (e["kind"] == kind && (word.empty() || e["word"] == word)) return true;
    return false;
}

// True when an expansion of this kind lists the alternative.
inline bool expansion_has(const nlohmann::json& j, const std::string& kind,
                          const std::string& alternative) {
    for (const nlohmann::json& e : j["expansions"]) {
        if (e["kind"] != kind) continue;
        for (const nlohmann::json& a : e["alternatives"])
            if (a == alternative) return true;
    }
    return false;
}

}  // namespace testing
