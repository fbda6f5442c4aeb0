// English query words in Swedish: the glossary of the field shipped with the searcher
// (searcher/glossary.txt, compiled in: words and expressions such as "freedom of assembly"),
// then FreeDict's English–Swedish dictionary (Debian's dict-freedict-eng-swe, dictd format) for
// the words the glossary lacks; and hunspell-sv's word list (Debian's hunspell-sv), which says
// whether a word is Swedish.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/common/english_stopwords.h"
#include "searcher/dictd.h"

class Hunspell;

namespace rapportsok {

// Whether hunspell-sv knows a word (its affixes and compound rules applied): "kvinnorna" and
// "valfusk" are Swedish, "women" and "integrasjon" are not. A word that is an entry of the word
// list as it stands is told from the .dic alone (the way Hunspell's own look-up reads it); any
// other word needs Hunspell, read when first needed (a third of a second). Without the
// dictionary installed every word counts as Swedish (no rule then treats a word as foreign).
class SwedishLexicon {
  public:
    explicit SwedishLexicon(std::string prefix = "/usr/share/hunspell/sv_SE");
    ~SwedishLexicon();
    bool available() const;
    bool knows(const std::string& lowercase_word) const;
    // The dictionary entry hunspell-sv reads an inflected word as ("fängslade": "fängsla",
    // "kvinnojourer": "kvinnojour"); empty for a word it does not know, or that is its own
    // entry ("valfusk"), or without the dictionary.
    std::string root(const std::string& lowercase_word) const;
    // Whether Hunspell itself has been read (tests: an entry is known without it).
    bool hunspell_read() const;

  private:
    // What the .dic says of a word: an entry Hunspell accepts as it stands, or ask Hunspell.
    enum class Entry { kAccepted, kAskHunspell };
    void open() const;
    Entry entry(const std::string& w) const;
    Hunspell& hunspell() const;
    std::string prefix_;
    mutable std::once_flag opened_, loaded_;
    mutable bool available_ = false;
    // The .dic, mapped, when the .aff lets an entry be read without Hunspell (one-byte flags,
    // no aliases, no ignored or converted characters), with the flags that make an entry
    // no word of its own.
    mutable const char* dic_ = nullptr;
    mutable size_t dic_size_ = 0;
    mutable int forbidden_ = -1, needaffix_ = -1, onlyincompound_ = -1;
    mutable std::unique_ptr<Hunspell> hunspell_;
    mutable std::mutex mutex_;  // Hunspell's look-ups are not documented as thread-safe
};

// One line of the glossary: an English word or expression and its Swedish renderings.
struct GlossaryEntry {
    std::vector<std::string> english;  // lowercase words, English stopwords included
    std::vector<std::string> key;      // the same without English stopwords
    std::vector<std::string> swedish;  // renderings as written
};

// The glossary's entries ("english = svenska; svenska" a line, # comments).
std::vector<GlossaryEntry> parse_glossary(std::string_view text);

// The forms to look an English word up by: itself, without a genitive, its singular
// ("children's" -> "children", "child"; "elections" -> "election").
std::vector<std::string> english_base_forms(const std::string& lowercase_word);

class EnglishDictionary {
  public:
    // Opens PREFIX.index and PREFIX.dict.dz (no FreeDict translations when they are missing;
    // they are read by look-up, DictdFile), reads the compiled-in glossary, and hunspell-sv
    // from swedish_prefix (.aff, .dic) when first asked.
    explicit EnglishDictionary(const std::string& prefix = "/usr/share/dictd/freedict-eng-swe",
                               const std::string& swedish_prefix = "/usr/share/hunspell/sv_SE");
    // The same with a glossary of one's own (tests).
    EnglishDictionary(const std::string& prefix, const std::string& swedish_prefix,
                      std::string_view glossary);

    // Whether FreeDict's files were read (the glossary is always there).
    bool available() const { return freedict_->available(); }

    // Swedish translations of an English word: the glossary's for its first base form that is
    // a one-word entry; failing that, FreeDict's for its first base form that is a headword.
    // Multi-word translations are kept whole.
    std::vector<std::string> translate(const std::string& lowercase_word) const;
    // The glossary's renderings of a word (by its base forms), or none.
    std::vector<std::string> glossary(const std::string& lowercase_word) const;
    // FreeDict's translations of a word (by its base forms), or none.
    std::vector<std::string> freedict(const std::string& lowercase_word) const;

    // The longest glossary expression of two or more words (stopwords not counted) whose words
    // without stopwords are words[from..from+n) by their base forms; n, or 0 for none.
    size_t expression_at(const std::vector<std::string>& words, size_t from,
                         const GlossaryEntry** entry) const;

    const SwedishLexicon& swedish() const { return *swedish_; }
    const std::vector<GlossaryEntry>& glossary_entries() const { return glossary_; }

  private:
    void index_glossary();
    std::vector<std::string> lookup(const std::string& headword) const;
    std::unique_ptr<DictdFile> freedict_;  // held so that a dictionary can be moved
    std::vector<GlossaryEntry> glossary_;
    std::map<std::string, size_t> single_;              // one-word entry -> its index
    std::multimap<std::string, size_t> by_first_word_;  // an expression's first key word
    std::unique_ptr<SwedishLexicon> swedish_;           // held so that a dictionary can be moved
};

}  // namespace rapportsok
