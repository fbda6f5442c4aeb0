#include "indexer/common/analysis.h"

#include <libstemmer.h>

#include <stdexcept>

#include "indexer/common/endings.h"
#include "indexer/common/schema.h"
#include "indexer/common/text.h"

namespace rapportsok {

extern const std::string_view kStopwordsText;

SnowballStem::SnowballStem() : stemmer_(sb_stemmer_new("swedish", "UTF_8")) {
    if (!stemmer_) throw std::runtime_error("libstemmer has no Swedish stemmer");
}

SnowballStem::~SnowballStem() { sb_stemmer_delete(stemmer_); }

std::string SnowballStem::operator()(const std::string& word) {
    auto hit = cache_.find(word);
    if (hit != cache_.end()) return hit->second;
    if (cache_.size() > 500000) cache_.clear();  // bounded, whatever the corpus
    const sb_symbol* out = sb_stemmer_stem(
        stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (!out) throw std::bad_alloc();
    std::string stem(reinterpret_cast<const char*>(out),
                     static_cast<size_t>(sb_stemmer_length(stemmer_)));
    cache_.emplace(word, stem);
    return stem;
}

std::string SnowballStem::get_description() const { return "libstemmer-swedish"; }

Analyzer::Analyzer() : stem_(new SnowballStem()) {
    size_t start = 0;
    while (start < kStopwordsText.size()) {
        size_t end = kStopwordsText.find('\n', start);
        if (end == std::string_view::npos) end = kStopwordsText.size();
        std::string_view line = kStopwordsText.substr(start, end - start);
        start = end + 1;
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        stopwords_.insert(nfc(line));
    }
    stopwords_hash_ = hex64(fnv1a64(kStopwordsText));
}

static bool genitive_suffix(std::string_view s) {
    for (const char* e : endings::kAfterColon)
        if (s == e) return true;
    return false;
}

std::string Analyzer::prepare(std::string_view text) const {
    std::string s = nfc(text);
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    char32_t prev = 0;
    while (i < s.size()) {
        size_t at = i;
        char32_t cp = next_code_point(s, i);
        if (cp == 0xAD) continue;  // soft hyphen: invisible, never a word break
        if (cp == ':' && prev && (is_letter(prev) || is_digit(prev))) {
            size_t j = i;
            while (j < s.size() && j - i <= 3) {
                size_t k = j;
                char32_t c = next_code_point(s, k);
                if (!is_lower(c)) break;
                j = k;
            }
            size_t after = j;
            bool ends = after >= s.size();
            if (!ends) {
                size_t k = after;
                char32_t c = next_code_point(s, k);
                ends = !is_letter(c) && !is_digit(c);
            }
            if (j > i && ends && genitive_suffix(std::string_view(s).substr(i, j - i))) {
                i = j;  // drop ":s"
                prev = ' ';
                continue;
            }
        }
        out.append(s, at, i - at);
        prev = cp;
    }
    return out;
}

const Xapian::Stopper* Analyzer::make_stopper() const {
    // Reference-counted by Xapian from here on: it lives as long as whoever holds it.
    return (new Xapian::SimpleStopper(stopwords_.begin(), stopwords_.end()))->release();
}

std::string Analyzer::stem(const std::string& word) const { return stem_(word); }

bool Analyzer::is_stopword(const std::string& w) const { return stopwords_.count(w) != 0; }

void Analyzer::configure(Xapian::TermGenerator& tg) const {
    tg.set_stemmer(stem_);
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    // Stopwords keep their unstemmed, positional terms, so phrases with "för att" still match.
    tg.set_stopper(make_stopper());
    tg.set_stopper_strategy(Xapian::TermGenerator::STOP_STEMMED);
}

void Analyzer::configure(Xapian::QueryParser& qp) const {
    qp.set_stemmer(stem_);
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_stopper(make_stopper());
}

std::string Analyzer::fingerprint() const {
    return "schema=" + std::to_string(kSchemaVersion) + ";stemmer=" + stem_.get_description() +
           ";stopwords=" + stopwords_hash_ +
           // compounds=2: split by a fixed word list and the report's own words alone.
           ";genitive=1;compounds=2;words=" RAPPORTSOK_COMPOUND_WORDS_HASH ";shortened=1";
}

}  // namespace rapportsok
