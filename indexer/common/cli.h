// What the two programs' command lines share: output streams made safe for a terminal, the
// version text, argument errors with the program's name (and hints), number checks at the edge,
// and shell completion generated from the same option table that prints --help.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <streambuf>
#include <string>
#include <vector>

namespace rapportsok::cli {

// Puts every line written to std::cerr (and to std::cout when stdout_too) through
// replace_controls(): whatever a report, a path or an environment variable holds, no escape
// sequence reaches the terminal. Returns stderr's own buffer, for output that is ours alone
// (the progress bar). Call once, first thing in main().
std::streambuf* install_safe_streams(bool stdout_too);

// "searcher (rapportsök) 0.1.0" and the versions of Xapian, ICU and Snowball it runs with.
std::string version_text(const std::string& program);

// A number option's check: finite (no nan, no inf) and within [lo, hi].
CLI::Validator finite_range(double lo, double hi);

// Sets the program's name, --version, and the hidden --completion=bash|zsh (which prints the
// completion script made from the options, for the build to install).
// positional_words: what to offer for a positional argument that is no file (filter names).
void add_common_options(CLI::App& app, const std::string& program,
                        const std::vector<std::string>& positional_words = {});

// A hint for an argument error, given CLI11's message and the arguments; "" for none.
using Hint = std::function<std::string(const CLI::ParseError&, int argc, char** argv)>;

// Parses the command line. Returns -1 when the program should go on; else the exit status,
// after printing what was asked (--help, --version, --completion: 0) or the argument error
// (on err, starting with the program's name, then the hint: 2).
int parse(CLI::App& app, int argc, char** argv, std::ostream& out, std::ostream& err,
          const Hint& hint = nullptr);

// The completion script for "bash" or "zsh", from the app's options: each option, its short
// form, whether it takes a value, the choices of a value ("{auto,always,never}"), folders for
// a DIR and files for a FILE or PATH.
std::string completion_script(const CLI::App& app, const std::string& shell,
                              const std::vector<std::string>& positional_words);

}  // namespace rapportsok::cli
