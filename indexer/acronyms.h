// Acronyms a report defines itself: "Reportrar utan gränser (RSF)", "Internationella
// arbetsorganisationens (ILO)". The searcher treats each as a synonym both ways.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace rapportsok {

// {acronym, definition} pairs in order of first appearance, each acronym once.
std::vector<std::pair<std::string, std::string>> find_acronyms(const std::string& text);

}  // namespace rapportsok
