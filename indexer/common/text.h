// Unicode helpers shared by both programs: NFC, case folding, diacritic folding, UTF-8 checks.
#pragma once

#include <cstdint>
#include <streambuf>
#include <string>
#include <string_view>

namespace rapportsok {

// NFC form of UTF-8 text (valid UTF-8 expected).
std::string nfc(std::string_view utf8);

// Full Unicode case folding (ICU), e.g. "FN" -> "fn".
std::string fold_case(std::string_view utf8);

// Removes diacritics except the Swedish letters' own: a -> a, é -> e, ü -> u, but å/ä/ö are folded
// to a/a/o only by fold_swedish_letters().
std::string fold_swedish_letters(std::string_view utf8);

// Offset of the first byte that is not valid UTF-8, or npos when all is valid.
size_t find_invalid_utf8(std::string_view bytes);

// Decodes the code point at bytes[i] (valid UTF-8 expected) and advances i.
char32_t next_code_point(std::string_view bytes, size_t& i);
void append_utf8(std::string& out, char32_t cp);

// Number of code points in valid UTF-8.
size_t code_points(std::string_view utf8);

// Invalid UTF-8 bytes and control characters (C0, DEL, C1, line/paragraph separators,
// bidirectional overrides) replaced by `with`: safe for a terminal and for a query parser.
std::string replace_controls(std::string_view s, std::string_view with);

// An output stream buffer that passes text on line by line through replace_controls(), so that
// nothing from a report or a file name (escape sequences, invalid UTF-8) reaches a terminal.
// Tabs and line ends pass. Installed by main() on std::cout and std::cerr.
class SafeLineBuf : public std::streambuf {
  public:
    explicit SafeLineBuf(std::streambuf* to) : to_(to) {}
    ~SafeLineBuf() override { flush_line(); }

  protected:
    int_type overflow(int_type c) override;
    int sync() override;

  private:
    void flush_line();
    std::streambuf* to_;
    std::string line_;
};

bool is_letter(char32_t cp);
bool is_upper(char32_t cp);
bool is_lower(char32_t cp);
bool is_digit(char32_t cp);

// A count and its noun for messages: plural(1, "file", "files") is "1 file", plural(3, ...) "3
// files".
std::string plural(long n, const char* one, const char* many);

// 64-bit FNV-1a, stable across runs and machines (ids and content hashes are built from it).
uint64_t fnv1a64(std::string_view bytes, uint64_t seed = 0xcbf29ce484222325ULL);
std::string hex64(uint64_t v);

}  // namespace rapportsok
