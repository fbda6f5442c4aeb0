#include "searcher/pipeline.h"

#include <cstdlib>
#include <ostream>

#include "indexer/common/analysis.h"
#include "indexer/common/errors.h"
#include "searcher/match.h"
#include "searcher/print_json.h"
#include "searcher/print_text.h"

namespace rapportsok {

bool use_color(Color c, bool tty) {
    if (c == Color::kAlways) return true;
    if (c == Color::kNever) return false;
    const char* no = std::getenv("NO_COLOR");
    if (no && *no) return false;
    return tty;
}

int run_search(const SearchOptions& o, std::ostream& out, std::ostream& err, bool tty) {
    if (o.limit < 0 || o.offset < 0 || o.limit > kMaxHits || o.offset > kMaxHits)
        throw UsageError("--limit and --offset take 0 to " + std::to_string(kMaxHits));
    Analyzer analyzer;
    Xapian::Database db = open_database(o.db, analyzer);
    SearchRequest req;
    req.query = o.query;
    req.limit = o.limit;
    req.offset = o.offset;
    req.weights = o.weights;
    req.expand = o.expand;
    req.spelling = o.spelling;
    SearchResult r = search(db, analyzer, req);
    if (o.json) {
        print_json(r, out);
        for (const std::string& n : r.notes) err << "searcher: " << n << "\n";
    } else {
        print_text(r, out, use_color(o.color, tty));
    }
    return r.total > 0 ? 0 : 1;
}

}  // namespace rapportsok
