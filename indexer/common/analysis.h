// The one analysis of Swedish text, used alike when indexing and when parsing a query:
// NFC, the Swedish genitive colon (EU:s), case folding, Snowball Swedish stemming through
// libstemmer, and the Snowball stopword list.
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

struct sb_stemmer;

namespace rapportsok {

// Snowball's Swedish stemmer from libstemmer, plugged into Xapian. Not thread-safe: one per thread.
class SnowballStem : public Xapian::StemImplementation {
  public:
    SnowballStem();
    ~SnowballStem() override;
    SnowballStem(const SnowballStem&) = delete;
    SnowballStem& operator=(const SnowballStem&) = delete;
    std::string operator()(const std::string& word) override;
    std::string get_description() const override;

  private:
    ::sb_stemmer* stemmer_;
    // Each distinct word is stemmed once: a corpus repeats its words many times over.
    std::unordered_map<std::string, std::string> cache_;
};

class Analyzer {
  public:
    Analyzer();

    // Text as both sides hand it to Xapian: NFC, soft hyphens gone, "EU:s" -> "EU".
    std::string prepare(std::string_view text) const;

    // Stem of one lowercase word.
    std::string stem(const std::string& word) const;
    bool is_stopword(const std::string& lowercase_word) const;

    void configure(Xapian::TermGenerator& tg) const;
    void configure(Xapian::QueryParser& qp) const;

    const Xapian::Stem& stemmer() const { return stem_; }

    // Identifies the analysis (schema, stemmer, stopwords); stored in the database and checked
    // by the searcher, so that a query is never analysed differently from the text.
    std::string fingerprint() const;

  private:
    const Xapian::Stopper* make_stopper() const;
    Xapian::Stem stem_;
    std::unordered_set<std::string> stopwords_;
    std::string stopwords_hash_;
};

}  // namespace rapportsok
