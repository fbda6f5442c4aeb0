// Errors that carry where they happened: the file and line of bad input, or the query.
// Library code throws these; only the programs' main() catches and prints them.
#pragma once

#include <stdexcept>
#include <string>

namespace rapportsok {

// Bad input in a report file: the message names the file and, where known, the line.
class InputError : public std::runtime_error {
  public:
    InputError(std::string file, long line, const std::string& what);
    const std::string& file() const { return file_; }
    long line() const { return line_; }  // 0 when the whole file is at fault

  private:
    std::string file_;
    long line_;
};

// Anything else the user must act on (a missing database, a bad option value).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace rapportsok
