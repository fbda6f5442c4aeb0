#include "searcher/passages.h"

namespace rapportsok {

std::optional<Passage> passage_by_id(const Xapian::Database& db, const std::string& id) {
    const std::string term = id_term(id);
    Xapian::PostingIterator it = db.postlist_begin(term);
    if (it == db.postlist_end(term)) return std::nullopt;
    return decode_passage(db.get_document(*it).get_data());
}

Neighbours neighbours(const Xapian::Database& db, const Passage& p, int n) {
    Neighbours out;
    if (n <= 0) return out;
    // The report's passages with a position within n of p's: a value range on the position
    // slot, filtered by the file's term, in position order.
    const Xapian::Query range(Xapian::Query::OP_VALUE_RANGE, slot::kPosition,
                              Xapian::sortable_serialise(std::max(1, p.position - n)),
                              Xapian::sortable_serialise(p.position + n));
    Xapian::Enquire enquire(db);
    enquire.set_query(
        Xapian::Query(Xapian::Query::OP_FILTER, range, Xapian::Query(file_term(p.file))));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_sort_by_value(slot::kPosition, false);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(2 * n + 1));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Passage q = decode_passage(it.get_document().get_data());
        if (q.file != p.file || q.position == p.position) continue;
        (q.position < p.position ? out.before : out.after).push_back(std::move(q));
    }
    return out;
}

}  // namespace rapportsok
