// Everything a rapportsök database holds, as text in a stable order, so that two indexers'
// databases of the same files can be compared with diff: each passage (by its id term, not its
// docid, which a parallel build may number differently) with its data, values, terms, wdf and
// positions; then the metadata, the spelling table and the synonyms.
//
//   dump_index DB > dump.txt
#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "indexer/common/schema.h"

namespace {

// Bytes as they are, except those a diff would trip on.
std::string shown(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc != 2) {
        std::cerr << "usage: dump_index DB\n";
        return 2;
    }
    Xapian::Database db(argv[1]);
    std::vector<std::string> docs;
    for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
        Xapian::Document doc = db.get_document(*d);
        std::string id, out;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            const std::string term = *t;
            if (term.compare(0, 1, rapportsok::prefix::kId) == 0) id = term;
            out += "  term " + shown(term) + " wdf " + std::to_string(t.get_wdf()) + " pos";
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                out += " " + std::to_string(*p);
            out += "\n";
        }
        for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
            out += "  value " + std::to_string(v.get_valueno()) + " " + shown(*v) + "\n";
        out += "  data " + shown(doc.get_data()) + "\n";
        out += "  length " + std::to_string(db.get_doclength(*d)) + " unique " +
               std::to_string(db.get_unique_terms(*d)) + "\n";
        docs.push_back("document " + shown(id) + "\n" + out);
    }
    std::sort(docs.begin(), docs.end());
    std::cout << "documents " << db.get_doccount() << " total length " << db.get_total_length()
              << "\n";
    for (const std::string& d : docs) std::cout << d;
    for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k)
        std::cout << "metadata " << shown(*k) << " " << shown(db.get_metadata(*k)) << "\n";
    for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s)
        std::cout << "spelling " << shown(*s) << " " << s.get_termfreq() << "\n";
    for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k) {
        std::cout << "synonym " << shown(*k);
        for (auto s = db.synonyms_begin(*k); s != db.synonyms_end(*k); ++s)
            std::cout << " " << shown(*s);
        std::cout << "\n";
    }
    return 0;
} catch (const Xapian::Error& e) {
    std::cerr << "dump_index: " << e.get_description() << "\n";
    return 2;
} catch (const std::exception& e) {
    std::cerr << "dump_index: " << e.what() << "\n";
    return 2;
}
