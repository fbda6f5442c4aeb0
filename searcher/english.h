// English query words in Swedish: FreeDict's English–Swedish dictionary (Debian's
// dict-freedict-eng-swe, dictd format), read only when a query word is not in the index.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace rapportsok {

class EnglishDictionary {
  public:
    // Reads PREFIX.index and PREFIX.dict.dz; empty (translating nothing) when they are missing.
    explicit EnglishDictionary(const std::string& prefix = "/usr/share/dictd/freedict-eng-swe");

    bool available() const { return !entries_.empty(); }

    // Swedish translations of an English word, trying its base form too ("children's" ->
    // "child", "elections" -> "election"). Multi-word translations are kept whole.
    std::vector<std::string> translate(const std::string& lowercase_word) const;

  private:
    std::vector<std::string> lookup(const std::string& headword) const;
    std::string dict_;                                               // the uncompressed text
    std::multimap<std::string, std::pair<size_t, size_t>> entries_;  // headword -> offset, length
};

}  // namespace rapportsok
