// Reading a report file: bytes -> validated UTF-8 text with LF line ends, NFC.
#pragma once

#include <string>

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
    bool markdown = false;  // text is Markdown (a .md file, or pandoc's)
    long long size = 0;
    long long mtime_ns = 0;
};

// Throws InputError naming the file (and line, for invalid UTF-8) when the file cannot be read,
// holds NUL bytes or binary data, or mixes UTF-8 with invalid bytes.
Source read_source(const std::string& path);

// The same for bytes already in memory (tests, fuzzing); size/mtime are left 0.
Source decode_source(const std::string& path, const std::string& bytes);

}  // namespace rapportsok
