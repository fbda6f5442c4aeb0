// Which passage of a file's last indexed state each passage of its new state continues, as diff
// pairs the lines of two versions: so that an unchanged, moved or edited passage keeps its id.
#pragma once

#include <string>
#include <vector>

namespace rapportsok {

// For each of after's texts, the index in before of the passage it continues, or -1 for a new
// one. Unchanged runs are found as patience diff finds them (common ends, then texts that occur
// once on each side, in order, recursively); a text moved elsewhere is then matched to its
// equal; what is left between two matched neighbours was changed in place: paired in order
// when as many went as came, else by likeness of their words (a paragraph split or joined, one
// inserted beside an edited one). Each before index is used once.
std::vector<long> align_passages(const std::vector<std::string>& before,
                                 const std::vector<std::string>& after);

}  // namespace rapportsok
