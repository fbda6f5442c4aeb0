// Reading a report file: bytes -> validated UTF-8 text with LF line ends, NFC.
#pragma once

#include <string>
#include <vector>

namespace rapportsok {

struct Source {
    std::string path;      // as given (the file's name in the index)
    std::string text;      // UTF-8, NFC, LF line ends, no byte-order mark
    std::string encoding;  // what the bytes were: "UTF-8", "windows-1252", "UTF-16LE", ...
    std::string hash;      // hash of the raw bytes
    // What the file is, by its content (and, for Markdown, its name): "text", "markdown",
    // "pdf", "html", "docx", "odt". The last four are converted to text: PDF by pdftotext (its
    // pages as form feeds), the others by pandoc to Markdown.
    std::string format = "text";
    bool markdown = false;              // text is Markdown (a .md file, or pandoc's)
    std::vector<std::string> warnings;  // "file:line: ..." about what was read past (bad UTF-8)
    long long size = 0;
    long long mtime_ns = 0;
};

// Throws InputError naming the file (and line) when the file cannot be read, or holds NUL
// bytes or binary data (control characters, or a tenth of its bytes not UTF-8). A few invalid
// UTF-8 sequences in UTF-8 text are read as U+FFFD, each of the first few with a warning; a
// file of many more invalid sequences than valid multi-byte ones is read as Windows-1252.
Source read_source(const std::string& path);

// The same for bytes already in memory (tests, fuzzing); size/mtime are left 0.
Source decode_source(const std::string& path, const std::string& bytes);

}  // namespace rapportsok
