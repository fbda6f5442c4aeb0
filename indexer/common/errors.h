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

// What to do with a database this program cannot use as it is (damaged, another format, built
// with another analysis): "to build it anew from the reports: indexer --rebuild --db DB [PATH...]".
std::string rebuild_advice(const std::string& db);

// A database that is there but cannot be read as one: damaged or cut short, a table file
// missing, another format, a stub that names nothing. Both programs say it in these words,
// naming the database and what to do: "the database at DB is corrupt (PROBLEM); nothing was
// written to it; to build it anew from the reports: indexer --rebuild --db DB [PATH...]".
class DatabaseDamaged : public UsageError {
  public:
    // nothing_written: said by a program that would have written (the indexer).
    DatabaseDamaged(const std::string& db, const std::string& problem, bool nothing_written);
    const std::string& problem() const { return problem_; }

  private:
    std::string problem_;
};

}  // namespace rapportsok
