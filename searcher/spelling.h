// Spelling suggestions from the index's own words, computed here rather than by Xapian: its
// remote backend answers no spelling request (an empty suggestion, no error), and a search over
// shards must correct a query as one database would. The words are the unprefixed terms every
// shard lists (Xapian merges the lists of all shards, local and remote, and sums their
// frequencies), read once per database revision.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rapportsok {

// The word nearest to one asked for, and how many passages have each.
struct Suggestion {
    std::string word;                 // "" for none
    Xapian::doccount freq = 0;        // passages with the suggested word
    Xapian::doccount typed_freq = 0;  // passages with the word asked for
};

class Vocabulary {
  public:
    // The passages' words of db (one database or several as one); with prefix "Z", their stems
    // (the prefix left off).
    explicit Vocabulary(const Xapian::Database& db, const std::string& prefix = "");

    // The word nearest to `word` within max_edits edits (insertions, deletions, substitutions
    // and transpositions of adjacent letters, as Xapian's get_spelling_suggestion counts them,
    // at most the word's length less one), the one in the most passages among the nearest, the
    // first in byte order among those; "" when there is none, or when the word itself is in more
    // passages (Xapian's rule).
    std::string suggest(const std::string& word, unsigned max_edits) const;
    // The same word (the most frequent among the nearest, never the word itself) with the
    // passage counts, whether or not the word itself is more frequent.
    Suggestion nearest(const std::string& word, unsigned max_edits) const;

    size_t size() const { return words_; }

  private:
    // The words of one length in code points: their code points one after another, their
    // passage counts, and where each one's UTF-8 starts in utf8_.
    struct Bucket {
        std::vector<char32_t> code_points;
        std::vector<Xapian::doccount> freqs;
        std::vector<size_t> offsets;
        std::vector<uint64_t> letters;  // letter_mask of each word
    };
    std::vector<Bucket> by_length_;
    std::string utf8_;  // every word, each ended by '\0'
    size_t words_ = 0;
};

// Whether a correction is of the typed word's family: it starts with all of the typed word but
// its last two letters, and that start has three letters or more ("stipendium": "stipendier";
// "slut" is no start of "samt"). A word hunspell-sv knows is corrected only within its family.
bool same_family(const std::string& typed, const std::string& correction);

// Edits between a and b (Levenshtein with transpositions of adjacent code points, the "optimal
// string alignment" distance), or a number above `bound` once it is certain to exceed it.
unsigned edit_distance(const char32_t* a, size_t na, const char32_t* b, size_t nb, unsigned bound);

// The code points of a word as a set of 64 bits (each code point's bit: its value modulo 64).
// Each edit takes at most one code point out of a word and puts at most one in, so the bits of a
// that b lacks, counted, are at most edit_distance(a, b): a bound that spares the distance's
// table for most words of the vocabulary.
uint64_t letter_mask(const char32_t* a, size_t n);

}  // namespace rapportsok
