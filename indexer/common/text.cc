#include "indexer/common/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cstdio>

#include "indexer/common/errors.h"

namespace rapportsok {

std::string nfc(std::string_view utf8) {
    // Pure ASCII is already NFC: the common case costs one scan.
    bool ascii = true;
    for (unsigned char c : utf8) {
        if (c >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) return std::string(utf8);
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* norm = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFC normaliser unavailable");
    icu::UnicodeString in =
        icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
    if (norm->isNormalized(in, status) && U_SUCCESS(status)) return std::string(utf8);
    status = U_ZERO_ERROR;
    icu::UnicodeString out = norm->normalize(in, status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFC normalisation failed");
    std::string result;
    out.toUTF8String(result);
    return result;
}

std::string fold_case(std::string_view utf8) {
    // ASCII, most words: no trip through UTF-16.
    std::string ascii(utf8);
    bool only_ascii = true;
    for (char& c : ascii) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            only_ascii = false;
            break;
        }
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (only_ascii) return ascii;
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
    s.foldCase();
    std::string result;
    s.toUTF8String(result);
    return result;
}

std::string fold_swedish_letters(std::string_view utf8) {
    // Canonical decomposition, then drop combining marks: å -> a, ä -> a, ö -> o, é -> e.
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFD normaliser unavailable");
    icu::UnicodeString in =
        icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
    icu::UnicodeString d = nfd->normalize(in, status);
    icu::UnicodeString out;
    for (int32_t i = 0; i < d.length();) {
        UChar32 c = d.char32At(i);
        if (u_charType(c) != U_NON_SPACING_MARK) out.append(c);
        i += U16_LENGTH(c);
    }
    std::string result;
    out.toUTF8String(result);
    return result;
}

size_t find_invalid_utf8(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len;
        char32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n) return i;
        for (size_t k = 1; k < len; ++k) {
            unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return std::string_view::npos;
}

char32_t next_code_point(std::string_view s, size_t& i) {
    unsigned char c = s[i];
    if (c < 0x80) {
        ++i;
        return c;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    i += len;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

size_t code_points(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string replace_controls(std::string_view s, std::string_view with) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        if (find_invalid_utf8(s.substr(i, 4)) == 0) {
            out += with;
            ++i;
            continue;
        }
        size_t at = i;
        char32_t c = next_code_point(s, i);
        if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x2028 || c == 0x2029 ||
            (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
            out += with;
        else
            out.append(s, at, i - at);
    }
    return out;
}

void SafeLineBuf::flush_line() {
    if (line_.empty()) return;
    std::string out;
    size_t start = 0;
    while (start < line_.size()) {  // keep tabs: replace_controls would take them
        size_t tab = line_.find('\t', start);
        size_t end = tab == std::string::npos ? line_.size() : tab;
        out += replace_controls(std::string_view(line_).substr(start, end - start), "\xEF\xBF\xBD");
        if (tab == std::string::npos) break;
        out += '\t';
        start = tab + 1;
    }
    to_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
    line_.clear();
}

SafeLineBuf::int_type SafeLineBuf::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    if (c == '\n') {
        flush_line();
        to_->sputc('\n');
    } else {
        line_ += static_cast<char>(c);
    }
    return c;
}

int SafeLineBuf::sync() {
    flush_line();
    return to_->pubsync();
}

bool is_letter(char32_t cp) { return u_isalpha(static_cast<UChar32>(cp)); }
bool is_upper(char32_t cp) { return u_isupper(static_cast<UChar32>(cp)); }
bool is_lower(char32_t cp) { return u_islower(static_cast<UChar32>(cp)); }
bool is_digit(char32_t cp) { return u_isdigit(static_cast<UChar32>(cp)); }

uint64_t fnv1a64(std::string_view bytes, uint64_t h) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string plural(long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace rapportsok
