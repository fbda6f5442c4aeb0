#include "indexer/read.h"

#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
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

bool has_utf8_multibyte(const std::string& s) {
    for (size_t i = 0; i + 1 < s.size(); ++i) {
        unsigned char c = s[i], d = s[i + 1];
        if (c >= 0xC2 && c <= 0xF4 && (d & 0xC0) == 0x80) return true;
    }
    return false;
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
        if (bad == std::string::npos) {
            src.encoding = "UTF-8";
        } else if (!has_utf8_multibyte(text)) {
            // No valid multi-byte sequence anywhere: a single-byte Western encoding.
            // Windows-1252 is Latin-1 with printable characters where Latin-1 has C1 controls.
            src.encoding = "windows-1252";
            try {
                text = convert(path, "windows-1252", text.data(), text.size());
            } catch (const InputError&) {
                src.encoding = "ISO-8859-1";
                text = convert(path, "ISO-8859-1", text.data(), text.size());
            }
        } else {
            throw InputError(path, line_of(text, bad),
                             "invalid UTF-8 (byte offset " + std::to_string(bad + start) + ")");
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
