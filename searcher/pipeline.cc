#include "searcher/pipeline.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>

#include "indexer/common/errors.h"
#include "searcher/engine.h"
#include "searcher/print_json.h"
#include "searcher/print_lines.h"
#include "searcher/print_text.h"

namespace rapportsok {

bool use_color(Color c, bool tty) {
    if (c == Color::kAlways) return true;
    if (c == Color::kNever) return false;
    const char* no = std::getenv("NO_COLOR");
    if (no && *no) return false;
    return tty;
}

std::vector<std::string> filter_hints(const std::string& query) {
    static const std::map<std::string, std::pair<std::string, std::string>> kNames = {
        {"avsnitt", {"avsnitt", "section"}}, {"section", {"section", "section"}},
        {"kapitel", {"kapitel", "chapter"}}, {"chapter", {"chapter", "chapter"}},
        {"sida", {"sida", "page"}},          {"page", {"page", "page"}},
        {"sidan", {"sida", "page"}},         {"avsnittet", {"avsnitt", "section"}},
        {"kapitlet", {"kapitel", "chapter"}}};
    auto number = [](const std::string& w) {
        return !w.empty() && std::isdigit(static_cast<unsigned char>(w[0])) &&
               w.find_first_not_of("0123456789.-,") == std::string::npos;
    };
    std::vector<std::string> words;
    std::string w;
    for (char c : query + " ") {
        if (c == ' ') {
            if (!w.empty()) words.push_back(w);
            w.clear();
        } else {
            w += c;
        }
    }
    std::vector<std::string> out;
    const std::string para = "\xC2\xA7";  // §
    for (size_t i = 0; i < words.size(); ++i) {
        std::string v = words[i];
        if (v.rfind(para, 0) == 0) {
            std::string n = v.substr(para.size());
            if (n.empty() && i + 1 < words.size()) n = words[i + 1];
            if (number(n))
                out.push_back(v + (v == para ? " " + n : "") +
                              " is searched as words; for section " + n + ", write avsnitt:" + n);
            continue;
        }
        std::string lower;
        for (char c : v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto it = kNames.find(lower);
        if (it != kNames.end() && i + 1 < words.size() && number(words[i + 1]))
            out.push_back("\"" + v + " " + words[i + 1] + "\" is searched as words; for " +
                          it->second.second + " " + words[i + 1] + ", write " + it->second.first +
                          ":" + words[i + 1]);
    }
    return out;
}

namespace {

int show_passage(const SearchOptions& o, const SearchEngine& engine, std::ostream& out,
                 std::ostream& err, bool tty) {
    std::optional<PassageInContext> p = engine.passage(o.show, o.context);
    if (!p) {
        err << "searcher: no passage has the id " << o.show << " in " << o.db << "\n";
        return 1;
    }
    if (o.json)
        print_passage_json(p->passage, p->before, p->after, o.context > 0, out);
    else
        print_passage_text(p->passage, p->before, p->after, out, use_color(o.color, tty));
    return 0;
}

}  // namespace

EngineOptions engine_options(const SearchOptions& o) {
    EngineOptions e;
    e.databases.push_back(o.db);
    e.databases.insert(e.databases.end(), o.more_dbs.begin(), o.more_dbs.end());
    e.shard_timeout = o.shard_timeout;
    return e;
}

int run_search(const SearchOptions& o, std::ostream& out, std::ostream& err, bool tty) {
    if (o.limit < 0 || o.offset < 0 || o.limit > kMaxHits || o.offset > kMaxHits)
        throw UsageError("--limit and --offset take 0 to " + std::to_string(kMaxHits));
    if (!o.format.empty()) check_format(o.format);
    const SearchEngine engine(engine_options(o));
    if (!o.show.empty()) return show_passage(o, engine, out, err, tty);
    SearchRequest req;
    req.query = o.query;
    req.limit = o.limit;
    req.offset = o.offset;
    req.weights = o.weights;
    req.expand = o.expand;
    req.spelling = o.spelling;
    req.by_position = o.sort == Sort::kPosition;
    req.one_per_file = o.files_only;
    req.exact_total = o.count || o.files_only;
    req.context = o.context;
    if (o.count) req.limit = 0;
    if (o.files_only) {
        req.offset = 0;
        req.limit = kMaxHits;
    }
    if (o.open) req.limit = 1;
    SearchResult r = engine.search(req);
    if (o.strict && !r.shards.failed.empty()) {
        err << "searcher: --strict: " << r.notes.back() << "\n";
        return 2;
    }
    for (const std::string& hint : filter_hints(o.query)) r.notes.push_back(hint);
    const bool color = use_color(o.color, tty);
    if (o.json) {
        print_json(r, out);
        for (const std::string& n : r.notes) err << "searcher: " << n << "\n";
    } else if (o.count || o.files_only || o.open || !o.format.empty()) {
        // Lines for a pipe: the notes go to stderr, never among them.
        for (const std::string& n : r.notes) err << "searcher: " << n << "\n";
        if (o.count)
            print_count(r, out);
        else if (o.files_only)
            print_files(r, out);
        else if (o.open && r.hits.empty())
            err << "searcher: no passage matches " << o.query << ": nothing to open\n";
        else if (o.open)
            print_open(r, o.editor, o.files_root, out);
        else
            print_format(r, o.format, out, color);
    } else {
        print_text(r, out, color);
    }
    return r.total > 0 ? 0 : 1;
}

}  // namespace rapportsok
