#include "indexer/common/errors.h"

namespace rapportsok {

static std::string where(const std::string& file, long line) {
    return line > 0 ? file + ":" + std::to_string(line) : file;
}

InputError::InputError(std::string file, long line, const std::string& what)
    : std::runtime_error(where(file, line) + ": " + what), file_(std::move(file)), line_(line) {}

std::string rebuild_advice(const std::string& db) {
    return "to build it anew from the reports: indexer --rebuild --db " + db + " [PATH...]";
}

static std::string damaged(const std::string& db, const std::string& problem,
                           bool nothing_written) {
    return "the database at " + db + " is corrupt (" + problem + ")" +
           (nothing_written ? "; nothing was written to it" : "") + "; " + rebuild_advice(db);
}

DatabaseDamaged::DatabaseDamaged(const std::string& db, const std::string& problem,
                                 bool nothing_written)
    : UsageError(damaged(db, problem, nothing_written)), problem_(problem) {}

}  // namespace rapportsok
