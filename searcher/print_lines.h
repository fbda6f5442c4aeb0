// Results as lines for pipes and editors, as grep, ripgrep and Recoll print them: the count
// (-c), the files (-l), a line of the user's own per hit (--format), an editor command (--open).
#pragma once

#include <iosfwd>
#include <string>

#include "searcher/result.h"

namespace rapportsok {

// The fields a --format template can name, as "{file}, {line}, ..." for messages and help.
std::string format_fields();

// Throws UsageError for a template that names an unknown field or leaves a brace open.
void check_format(const std::string& format);

// One line per hit: the template with {field} replaced ({{ and }} are braces); the snippet's
// highlights in bold when color. Every field is made safe for a terminal.
void print_format(const SearchResult& result, const std::string& format, std::ostream& out,
                  bool color);

void print_count(const SearchResult& result, std::ostream& out);  // "12"
void print_files(const SearchResult& result, std::ostream& out);  // a file a line, best first

// "$EDITOR +LINE FILE" for the first hit (vi without $EDITOR), the file shell-quoted and
// found under root when it is relative and not here.
void print_open(const SearchResult& result, const std::string& editor, const std::string& root,
                std::ostream& out);

// The text of a passage cut to about max bytes at a word, with " …" when cut.
std::string shortened(const std::string& text, size_t max);

}  // namespace rapportsok
