#include "searcher/synonyms.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace rapportsok {

namespace {

std::vector<SynonymMember> group_of(AcronymGroup g) {
    return {{std::move(g.acronym), std::move(g.acronym_words), std::move(g.acronym_key)},
            {std::move(g.definition), std::move(g.definition_words), std::move(g.definition_key)}};
}

}  // namespace

SynonymGroups Synonyms::groups_with(const std::vector<std::string>& key) const {
    SynonymGroups out;
    for (const auto& group : file_)
        if (std::any_of(group.begin(), group.end(),
                        [&](const SynonymMember& m) { return m.key == key; }))
            out.push_back(group);
    for (AcronymGroup& g : acronyms_.find(key)) out.push_back(group_of(std::move(g)));
    return out;
}

std::vector<std::vector<std::string>> Synonyms::names_in(
    const std::vector<std::string>& words) const {
    std::vector<std::vector<std::string>> found;
    for (const auto& group : file_)
        for (const SynonymMember& m : group) {
            if (m.key.size() < 2 || m.key.size() > words.size()) continue;
            if (std::find(found.begin(), found.end(), m.key) != found.end()) continue;
            if (std::search(words.begin(), words.end(), m.key.begin(), m.key.end()) != words.end())
                found.push_back(m.key);
        }
    // The acronyms' names among the runs of two words or more, in the order of their first
    // group and member there.
    std::vector<std::tuple<size_t, int, std::vector<std::string>>> named;
    // A run longer than the longest key is none: a query of 1,000 words looks up runs of at most
    // that many words, not all half million of its runs.
    for (size_t from = 0; from < words.size(); ++from)
        for (size_t to = from + 2; to <= std::min(words.size(), from + acronyms_.longest_key());
             ++to) {
            std::vector<std::string> run(words.begin() + static_cast<long>(from),
                                         words.begin() + static_cast<long>(to));
            if (std::find(found.begin(), found.end(), run) != found.end()) continue;
            if (std::any_of(named.begin(), named.end(),
                            [&](const auto& n) { return std::get<2>(n) == run; }))
                continue;
            const std::vector<AcronymGroup> groups = acronyms_.find(run);
            if (groups.empty()) continue;
            const AcronymGroup& first = groups.front();
            named.emplace_back(first.ordinal, first.acronym_key == run ? 0 : 1, std::move(run));
        }
    std::sort(named.begin(), named.end());
    for (auto& n : named) found.push_back(std::move(std::get<2>(n)));
    return found;
}

}  // namespace rapportsok
