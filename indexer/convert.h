// Reports that are not plain text, read through well-kept converters from Debian rather than
// parsers of our own: PDF by poppler's pdftotext -layout (pages as form feeds, so the page
// numbers are the PDF's), HTML, DOCX and ODT by pandoc to Markdown (headings kept).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rapportsok {

// What a file is, by its first bytes: "pdf", "docx", "odt", "html" or "text" (a ZIP archive that
// is neither document is "zip"). The name decides only for HTML without <html> (".html").
std::string sniff_format(const std::string& path, std::string_view bytes);

// The file's text as its converter gives it (UTF-8): pdftotext's for "pdf", pandoc's Markdown for
// the others (GitHub's Markdown: pipe tables, no raw HTML). Throws InputError naming the file when
// the converter is missing, fails, or runs longer than kConvertSeconds.
std::string convert_document(const std::string& path, const std::string& format);

inline constexpr int kConvertSeconds = 300;

// Runs argv (no shell), stdin from /dev/null, and returns its stdout; its exit status in status
// (127 when it could not be started) and the start of its stderr in err. Gives up after timeout
// seconds (status -1, the program killed).
std::string run_program(const std::vector<std::string>& argv, int timeout_seconds, int& status,
                        std::string& err);

}  // namespace rapportsok
