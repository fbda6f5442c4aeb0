#include "indexer/common/english_stopwords.h"

#include <set>

namespace rapportsok {

bool is_english_stopword(const std::string& w) {
    // After Snowball's English stopword list: function words only, no word a query means.
    static const std::set<std::string> kStop = {
        "a",      "about",   "above",   "after",  "again",  "against", "all",   "am",     "an",
        "and",    "any",     "are",     "as",     "at",     "be",      "been",  "before", "being",
        "below",  "between", "both",    "but",    "by",     "can",     "could", "did",    "do",
        "does",   "doing",   "down",    "during", "each",   "few",     "for",   "from",   "further",
        "had",    "has",     "have",    "having", "he",     "her",     "here",  "hers",   "him",
        "his",    "how",     "i",       "if",     "in",     "into",    "is",    "it",     "its",
        "itself", "me",      "more",    "most",   "my",     "no",      "nor",   "not",    "of",
        "off",    "on",      "once",    "only",   "or",     "other",   "our",   "ours",   "out",
        "over",   "own",     "same",    "she",    "should", "so",      "some",  "such",   "than",
        "that",   "the",     "their",   "theirs", "them",   "then",    "there", "these",  "they",
        "this",   "those",   "through", "to",     "too",    "under",   "until", "up",     "very",
        "was",    "we",      "were",    "what",   "when",   "where",   "which", "while",  "who",
        "whom",   "why",     "will",    "with",   "would",  "you",     "your",  "yours"};
    return kStop.count(w) != 0;
}

}  // namespace rapportsok
