#include "indexer/common/errors.h"

namespace rapportsok {

static std::string where(const std::string& file, long line) {
    return line > 0 ? file + ":" + std::to_string(line) : file;
}

InputError::InputError(std::string file, long line, const std::string& what)
    : std::runtime_error(where(file, line) + ": " + what), file_(std::move(file)), line_(line) {}

}  // namespace rapportsok
