#include "indexer/read.h"

#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "indexer/common/errors.h"
#include "indexer/common/text.h"
#include "indexer/convert.h"

namespace rapportsok {

namespace {

long line_of(const std::string& bytes, size_t offset) {
    long line = 1;
    for (size_t i = 0; i < offset && i < bytes.size(); ++i)
        if (bytes[i] == '\n') ++line;
    return line;
}

std::string convert(const std::string& path, const char* charset, const char* data, size_t n) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter* cnv = ucnv_open(charset, &status);
    if (U_FAILURE(status)) throw InputError(path, 0, std::string("no converter for ") + charset);
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    std::vector<UChar> wide(n + 2);
    int32_t len = ucnv_toUChars(cnv, wide.data(), static_cast<int32_t>(wide.size()), data,
                                static_cast<int32_t>(n), &status);
    ucnv_close(cnv);
    if (U_FAILURE(status)) throw InputError(path, 0, std::string("not valid ") + charset);
    std::string out;
    out.reserve(n * 2);
    icu::UnicodeString(false, wide.data(), len).toUTF8String(out);
    return out;
}

// Bytes of text that are no part of valid UTF-8, the sequences they make (a lead byte with the
// continuation bytes that follow it is one), the valid multi-byte sequences beside them, and
// the bytes that are not ASCII.
struct InvalidBytes {
    size_t bytes = 0, sequences = 0, valid_multibyte = 0, non_ascii = 0;
};

// The length of the bad sequence at text[at]: a lead byte and the continuation bytes after it
// that it would have taken, or the one byte.
size_t bad_sequence_length(std::string_view text, size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    const size_t wanted = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    size_t n = 1;
    while (n < wanted && at + n < text.size() &&
           (static_cast<unsigned char>(text[at + n]) & 0xC0) == 0x80)
        ++n;
    return n;
}

InvalidBytes count_invalid(std::string_view text) {
    InvalidBytes out;
    for (char c : text) out.non_ascii += static_cast<unsigned char>(c) >= 0x80;
    size_t i = 0;
    while (i < text.size()) {
        const size_t bad = find_invalid_utf8(text.substr(i));
        const size_t end = bad == std::string::npos ? text.size() : i + bad;
        for (size_t k = i; k < end; ++k)
            if ((static_cast<unsigned char>(text[k]) & 0xC0) == 0xC0) ++out.valid_multibyte;
        if (bad == std::string::npos) break;
        const size_t n = bad_sequence_length(text, end);
        out.bytes += n;
        ++out.sequences;
        i = end + n;
    }
    return out;
}

// Warnings for the first few bad sequences, then one with the count of the rest.
constexpr size_t kNamedInvalid = 3;

std::string replace_invalid(const std::string& path, std::string_view text, size_t offset,
                            std::vector<std::string>& warnings) {
    std::string out;
    out.reserve(text.size() + 16);
    size_t i = 0, line = 1, line_counted_to = 0, found = 0;
    while (i < text.size()) {
        const size_t bad = find_invalid_utf8(text.substr(i));
        if (bad == std::string::npos) {
            out.append(text.substr(i));
            break;
        }
        const size_t at = i + bad;
        out.append(text.substr(i, bad));
        out += "\xEF\xBF\xBD";  // U+FFFD
        if (++found <= kNamedInvalid) {
            for (; line_counted_to < at; ++line_counted_to)
                if (text[line_counted_to] == '\n') ++line;
            warnings.push_back(path + ":" + std::to_string(line) + ": invalid UTF-8 (byte offset " +
                               std::to_string(at + offset) + ") read as U+FFFD");
        }
        i = at + bad_sequence_length(text, at);
    }
    if (found > kNamedInvalid)
        warnings.push_back(path + ": " + std::to_string(found - kNamedInvalid) +
                           " more invalid UTF-8 sequences read as U+FFFD");
    return out;
}

std::string normalise_line_ends(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out += '\n';
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

bool has_markdown_name(const std::string& path) {
    const size_t dot = path.rfind('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
    std::string ext = path.substr(dot);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".md" || ext == ".markdown";
}

}  // namespace

Source decode_source(const std::string& path, const std::string& bytes) {
    Source src;
    src.path = path;
    src.hash = hex64(fnv1a64(bytes));
    src.size = static_cast<long long>(bytes.size());
    std::string text;
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    size_t n = bytes.size();
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        bool le = b[0] == 0xFF;
        src.encoding = le ? "UTF-16LE" : "UTF-16BE";
        text = convert(path, src.encoding.c_str(), bytes.data() + 2, n - 2);
    } else {
        size_t start = (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) ? 3 : 0;
        text = bytes.substr(start);
        size_t nul = text.find('\0');
        if (nul != std::string::npos)
            throw InputError(path, line_of(text, nul), "NUL byte: this is not a text file");
        size_t bad = find_invalid_utf8(text);
        const InvalidBytes invalid =
            bad == std::string::npos ? InvalidBytes{} : count_invalid(text);
        if (bad == std::string::npos) {
            src.encoding = "UTF-8";
        } else if (invalid.non_ascii * 10 > text.size() * 3 ||
                   (invalid.sequences <= 4 * invalid.valid_multibyte &&
                    invalid.bytes * 10 > text.size())) {
            // Text in a single-byte encoding is mostly ASCII; UTF-8 text with stray bytes is
            // mostly valid.
            throw InputError(path, line_of(text, bad),
                             "binary data (" + std::to_string(invalid.bytes) + " of " +
                                 std::to_string(text.size()) +
                                 " bytes are not UTF-8): this is not a text file");
        } else if (invalid.sequences > 4 * invalid.valid_multibyte) {
            // No valid multi-byte sequence anywhere, or hardly any beside many invalid ones (a
            // pair of bytes that happens to look like one): a single-byte Western encoding.
            // Windows-1252 is Latin-1 with printable characters where Latin-1 has C1 controls.
            src.encoding = "windows-1252";
            try {
                text = convert(path, "windows-1252", text.data(), text.size());
            } catch (const InputError&) {
                src.encoding = "ISO-8859-1";
                text = convert(path, "ISO-8859-1", text.data(), text.size());
            }
        } else {
            // UTF-8 with a few stray bytes: each bad sequence is read as U+FFFD, and named.
            src.encoding = "UTF-8";
            text = replace_invalid(path, text, start, src.warnings);
        }
    }
    text = normalise_line_ends(text);
    // Binary data that happens to be valid UTF-8: many C0 controls other than tab, FF, LF.
    size_t controls = 0;
    for (unsigned char c : text)
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\f') ++controls;
    if (controls > 8 && controls * 100 > text.size())
        throw InputError(path, 0, "binary data (control characters): this is not a text file");
    src.text = nfc(text);
    return src;
}

Source read_source(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
        throw InputError(path, 0, std::string("cannot read: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw InputError(path, 0, "is a directory");
    if (!S_ISREG(st.st_mode)) throw InputError(path, 0, "not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, std::string("cannot read: ") + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw InputError(path, 0, "read error");
    std::string bytes = buf.str();
    // A PDF, HTML, DOCX or ODT file is read through its converter; its hash is of the file.
    const std::string format = sniff_format(path, bytes);
    if (format == "zip")
        throw InputError(path, 0, "a ZIP archive that is no DOCX or ODT document: not a report");
    Source src;
    if (format != "text") {
        const std::string hash = hex64(fnv1a64(bytes));
        const auto size = static_cast<long long>(bytes.size());
        src = decode_source(path, convert_document(path, format));
        src.hash = hash;
        src.size = size;
        src.format = format;
        src.markdown = format != "pdf";
    } else {
        src = decode_source(path, bytes);
        src.markdown = has_markdown_name(path);
        if (src.markdown) src.format = "markdown";
    }
    src.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    return src;
}

}  // namespace rapportsok
