// Compounds shortened with a hyphen before a conjunction: "Yttrande- och tryckfrihet" means
// yttrandefrihet and tryckfrihet, "inrikes-, utrikes- och säkerhetspolitiken" inrikespolitiken,
// utrikespolitiken and säkerhetspolitiken. Completed at index time, so that a search for the
// whole compound finds the text that shortens it.
#pragma once

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "indexer/common/analysis.h"
#include "indexer/compound.h"

namespace rapportsok {

struct ShortenedCompounds {
    // The lowercase words from the first shortened one to the compound that completes them, as
    // Xapian's TermGenerator makes them: {"yttrande", "och", "tryckfrihet"}.
    std::vector<std::string> words;
    // Which of them are shortened, and their completed compounds: {0, "yttrandefrihet"}.
    std::vector<std::pair<size_t, std::string>> completed;
};

// The shortened compounds of a text (prepared by Analyzer::prepare). The completing part is
// the last part of the final word, as the decompounder splits it ("frihet" of "tryckfrihet"),
// or else its longest ending that is a word ("registrering" of "omregistrering").
std::vector<ShortenedCompounds> find_shortened_compounds(const std::string& text,
                                                         const Decompounder& parts);

// Adds the completed compounds of text to a document whose text TermGenerator has just indexed
// under field_prefix: each unstemmed, at the positions of the shortened word when with_positions
// (so that phrases still match the words as written, and the compound too), and stemmed (a
// Z-term). Returns the completed compounds, for their compound parts.
std::vector<std::string> add_shortened_compounds(Xapian::Document& doc, const std::string& text,
                                                 const std::string& field_prefix,
                                                 bool with_positions, const Analyzer& analyzer,
                                                 const Decompounder& parts);

}  // namespace rapportsok
