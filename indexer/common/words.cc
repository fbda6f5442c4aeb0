#include "indexer/common/words.h"

namespace rapportsok {

std::vector<std::string> split_words(std::string_view text, WordRule rule) {
    std::vector<std::string> out;
    for_each_word(text, rule, [&](const WordSpan& w) {
        out.emplace_back(text.substr(w.begin, w.end - w.begin));
    });
    return out;
}

}  // namespace rapportsok
