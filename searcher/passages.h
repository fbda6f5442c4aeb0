// Passages looked up by id and by their place in a report, for --show and --context: no query,
// no ranking, just the index's own record of where each passage sits.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "indexer/common/schema.h"

namespace rapportsok {

// The passage with the id, or nothing when no passage has it.
std::optional<Passage> passage_by_id(const Xapian::Database& db, const std::string& id);

// Up to n passages before and after p in its report, in report order.
struct Neighbours {
    std::vector<Passage> before, after;
};
Neighbours neighbours(const Xapian::Database& db, const Passage& p, int n);

}  // namespace rapportsok
