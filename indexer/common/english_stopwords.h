// English stopwords, for the names and queries in English that Swedish reports hold: both
// programs leave them out of a name's key ("Council of Europe": council europe).
#pragma once

#include <string>

namespace rapportsok {

// Whether a lowercase word is an English stopword ("of", "the", "against", "not").
bool is_english_stopword(const std::string& lowercase_word);

}  // namespace rapportsok
