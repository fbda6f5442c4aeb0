// indexer --dry-run: the passages the files give, printed; no database is touched.
#include <nlohmann/json.hpp>
#include <ostream>

#include "indexer/modes.h"
#include "indexer/run.h"

namespace rapportsok {

int run_dry_run(const IndexOptions& o, std::ostream& out, std::ostream& err) {
    Run run(o, out, err);
    const FileSet files = run.collect();
    for (const FileRef& f : files.files) {
        try {
            const Source src = read_source(f.path);
            Report r = load_report(src, f.path);
            for (const std::string& w : src.warnings) err << "indexer: " << w << "\n";
            for (const std::string& w : r.warnings) err << "indexer: " << w << "\n";
            if (r.passages.empty())
                err << "indexer: " << f.path << ": " << why_no_passages(src)
                    << ", nothing to index\n";
            for (const Passage& p : r.passages) {
                if (o.json) {
                    out << dump_json(passage_json(p)) << "\n";
                } else {
                    out << p.file << ":" << p.first_line << "-" << p.last_line << " p." << p.page
                        << " §" << (p.section_label.empty() ? "0" : p.section_label) << " "
                        << p.text << "\n";
                }
            }
        } catch (const InputError& e) {
            err << "indexer: " << e.what() << "\n";
            run.outcome.failed = true;
        }
    }
    return run.outcome.status();
}

}  // namespace rapportsok
