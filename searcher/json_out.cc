#include "searcher/json_out.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace rapportsok {

namespace {

// Length of the well-formed UTF-8 sequence at s[i] (a byte >= 0x80), 0 when it is not one: the
// sequences nlohmann's decoder accepts (no overlong forms, no surrogates, at most U+10FFFF).
size_t utf8_length(std::string_view s, size_t i) {
    auto at = [&](size_t k) -> unsigned { return static_cast<unsigned char>(s[k]); };
    const unsigned c = at(i);
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;  // the second byte's range
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (at(i + 1) < lo || at(i + 1) > hi) return 0;
    for (size_t k = 2; k < n; ++k)
        if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
    return n;
}

}  // namespace

void JsonOut::string(std::string_view s) {
    static const char* const kHex = "0123456789abcdef";
    const size_t start = out_.size();
    out_ += '"';
    size_t i = 0;
    while (i < s.size()) {
        // The run of bytes that need no escape, copied at once.
        size_t j = i;
        while (j < s.size()) {
            const auto c = static_cast<unsigned char>(s[j]);
            if (c < 0x20 || c == '"' || c == '\\') break;
            if (c < 0x80) {
                ++j;
                continue;
            }
            const size_t n = utf8_length(s, j);
            if (n == 0) break;
            j += n;
        }
        out_.append(s.data() + i, j - i);
        i = j;
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Invalid UTF-8: nlohmann's own replacement, which decides how many bytes each
            // U+FFFD stands for.
            out_.resize(start);
            out_ += nlohmann::json(std::string(s))
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return;
        }
        switch (c) {
            case '"':
                out_ += "\\\"";
                break;
            case '\\':
                out_ += "\\\\";
                break;
            case '\b':
                out_ += "\\b";
                break;
            case '\t':
                out_ += "\\t";
                break;
            case '\n':
                out_ += "\\n";
                break;
            case '\f':
                out_ += "\\f";
                break;
            case '\r':
                out_ += "\\r";
                break;
            default:
                out_ += "\\u00";
                out_ += kHex[c >> 4];
                out_ += kHex[c & 15];
        }
        ++i;
    }
    out_ += '"';
}

void JsonOut::number(long long n) {
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, n);
    out_.append(buffer, static_cast<size_t>(r.ptr - buffer));
}

void JsonOut::number(double d) {
    if (!std::isfinite(d)) {
        null();
        return;
    }
    // nlohmann's own shortest round-trip form ("2.0", "1e-05"), so the bytes are its dump's.
    char buffer[64];
    const char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, d);
    out_.append(buffer, static_cast<size_t>(end - buffer));
}

void JsonOut::strings(const std::vector<std::string>& list) {
    out_ += '[';
    for (size_t i = 0; i < list.size(); ++i) {
        if (i) out_ += ',';
        string(list[i]);
    }
    out_ += ']';
}

}  // namespace rapportsok
