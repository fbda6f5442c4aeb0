// Reading report files: encodings, byte-order marks, line ends, NFC, and refusing what is not text.
#include <catch2/catch.hpp>
#include <string>

#include "indexer/common/errors.h"
#include "indexer/read.h"
#include "tests/support.h"

using rapportsok::decode_source;
using rapportsok::InputError;
using rapportsok::read_source;

namespace {

// UTF-16 bytes of an ASCII/Latin-1 string (every code point below U+0100).
std::string utf16(const std::string& latin1, bool little_endian) {
    std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
    for (unsigned char c : latin1) {
        if (little_endian) {
            out += static_cast<char>(c);
            out += '\0';
        } else {
            out += '\0';
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("accepts valid UTF-8 as it is", "[unit]") {
    auto src = decode_source("f.txt", "Mänskliga rättigheter i Kazakstan\n");
    CHECK(src.encoding == "UTF-8");
    CHECK(src.text == "Mänskliga rättigheter i Kazakstan\n");
    CHECK(src.path == "f.txt");
}

TEST_CASE("drops a UTF-8 byte-order mark", "[unit]") {
    auto src = decode_source("f.txt", "\xEF\xBB\xBFÖVRIGT\n");
    CHECK(src.encoding == "UTF-8");
    CHECK(src.text == "ÖVRIGT\n");
}

TEST_CASE("turns CRLF and lone CR line ends into LF", "[unit]") {
    CHECK(decode_source("f.txt", "ett\r\ntvå\r\n").text == "ett\ntvå\n");
    CHECK(decode_source("f.txt", "ett\rtvå\r").text == "ett\ntvå\n");
    CHECK(decode_source("f.txt", "ett\r\n\r\ntvå").text == "ett\n\ntvå");
}

TEST_CASE("converts Latin-1 text to UTF-8", "[unit]") {
    auto src = decode_source("f.txt", "R\xe4ttigheter f\xf6r \xc5sa och \xc4nglarna, caf\xe9\n");
    CHECK(src.text == "Rättigheter för Åsa och Änglarna, café\n");
    CHECK((src.encoding == "windows-1252" || src.encoding == "ISO-8859-1"));
}

TEST_CASE("converts Windows-1252 punctuation such as the en dash", "[unit]") {
    auto src = decode_source("f.txt",
                             "perioden 2007\x96"
                             "2011 \x93h\xe4r\x94 \x85\n");
    CHECK(src.encoding == "windows-1252");
    CHECK(src.text == "perioden 2007\u20132011 \u201chär\u201d \u2026\n");
}

TEST_CASE("converts UTF-16 with a byte-order mark, little and big endian", "[unit]") {
    const std::string text = "R\xe4ttigheter\r\nKazakstan\n";
    auto le = decode_source("f.txt", utf16(text, true));
    CHECK(le.encoding == "UTF-16LE");
    CHECK(le.text == "Rättigheter\nKazakstan\n");
    auto be = decode_source("f.txt", utf16(text, false));
    CHECK(be.encoding == "UTF-16BE");
    CHECK(be.text == "Rättigheter\nKazakstan\n");
}

TEST_CASE("normalises decomposed characters to NFC", "[unit]") {
    auto src = decode_source("f.txt", "ra\xCC\x88ttigheter och o\xCC\x88vrigt\n");
    CHECK(src.text == "r\xC3\xA4ttigheter och \xC3\xB6vrigt\n");
}

TEST_CASE("refuses a file with NUL bytes, naming the file", "[unit]") {
    const char bytes[] = "Rubrik\nrad\0två\n";
    try {
        decode_source("corpus/trasig.txt", std::string(bytes, sizeof bytes - 1));
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK_THAT(e.what(), Catch::Contains("corpus/trasig.txt"));
        CHECK_THAT(e.what(), Catch::Contains("NUL"));
        CHECK(e.file() == "corpus/trasig.txt");
        CHECK(e.line() == 2);
    }
}

TEST_CASE(
    "reads invalid UTF-8 inside UTF-8 text as U+FFFD, naming the file and line of the first "
    "three and counting the rest",
    "[unit][regression]") {
    // Found by hand: one stray byte rejected a whole file, though docs/json-output.md promises
    // U+FFFD.
    auto src =
        decode_source("f.txt", "första raden är UTF-8\nandra\ntredje \xe4r trasig\nfjärde\n");
    CHECK(src.text == "första raden är UTF-8\nandra\ntredje \uFFFDr trasig\nfjärde\n");
    CHECK(src.encoding == "UTF-8");
    CHECK(src.warnings ==
          std::vector<std::string>{"f.txt:3: invalid UTF-8 (byte offset 37) read as U+FFFD"});

    // A lead byte and the continuation bytes it would have taken are one sequence; a lone
    // continuation byte one of its own.
    std::string many = "Rubrik på svenska\n";
    for (int line = 2; line <= 6; ++line)
        many += "rad " + std::to_string(line) + " \xe2\x82 och \x80 i en lång rad av text\n";
    src = decode_source("g.txt", many);
    CHECK(src.text.find("rad 2 \uFFFD och \uFFFD i en") != std::string::npos);
    CHECK(src.warnings ==
          std::vector<std::string>{"g.txt:2: invalid UTF-8 (byte offset 25) read as U+FFFD",
                                   "g.txt:2: invalid UTF-8 (byte offset 32) read as U+FFFD",
                                   "g.txt:3: invalid UTF-8 (byte offset 63) read as U+FFFD",
                                   "g.txt: 7 more invalid UTF-8 sequences read as U+FFFD"});
    // After a byte-order mark, offsets still count from the file's first byte.
    src = decode_source("h.txt", "\xEF\xBB\xBFå \xff och mer text\n");
    CHECK(src.warnings ==
          std::vector<std::string>{"h.txt:1: invalid UTF-8 (byte offset 6) read as U+FFFD"});
}

TEST_CASE(
    "a Windows-1252 file with a stray UTF-8 sequence is read as Windows-1252; one mostly not "
    "UTF-8 is refused as binary",
    "[unit]") {
    // Many å/ä/ö as single bytes, one "–" as UTF-8: a single-byte file.
    auto src = decode_source(
        "l.txt",
        "Gr\xf6n \xe4ng vid sj\xf6n, \xe5ter \xe4n \xe2\x80\x93 s\xe5 l\xe4nge det var sommar.\n");
    CHECK(src.encoding == "windows-1252");
    CHECK(src.text.rfind("Grön äng vid sjön, åter än ", 0) == 0);
    // Noise with one valid sequence and no control characters.
    std::string noise = "\xc3\xa5";
    for (int i = 0; i < 200; ++i) noise += static_cast<char>(0x80 + (i * 7) % 64);
    CHECK_THROWS_WITH(decode_source("n.txt", noise), Catch::Contains("n.txt:1: binary data"));
}

TEST_CASE("refuses binary data", "[unit]") {
    std::string bytes;
    for (int round = 0; round < 4; ++round)
        for (int b = 1; b < 256; ++b) bytes += static_cast<char>(b);
    CHECK_THROWS_AS(decode_source("bild.txt", bytes), InputError);
    std::string controls;
    for (int i = 0; i < 50; ++i) controls += "ab\x01\x02\x03\x1b";
    CHECK_THROWS_WITH(decode_source("data.txt", controls), Catch::Contains("data.txt"));
}

TEST_CASE("accepts text with tabs, form feeds and a stray control character", "[unit]") {
    auto src = decode_source("f.txt", "Sida ett\ttabb.\n\fSida två\x0b har ett tecken.\n");
    CHECK(src.text == "Sida ett\ttabb.\n\fSida två\x0b har ett tecken.\n");
}

TEST_CASE("refuses a path that does not exist, naming it", "[unit]") {
    testing::TempDir dir;
    const std::string path = dir.file("saknas.txt");
    CHECK_THROWS_AS(read_source(path), InputError);
    CHECK_THROWS_WITH(read_source(path), Catch::Contains(path));
}

TEST_CASE("refuses a folder given as a file", "[unit]") {
    testing::TempDir dir;
    CHECK_THROWS_WITH(read_source(dir.path()), Catch::Contains(dir.path()));
}

TEST_CASE("reads a file with its size, modification time and content hash", "[unit]") {
    testing::TempDir dir;
    const std::string bytes = "R\xe4ttigheter\r\n";
    const std::string path = dir.write("r.txt", bytes);
    auto src = read_source(path);
    CHECK(src.path == path);
    CHECK(src.text == "Rättigheter\n");
    CHECK(src.size == static_cast<long long>(bytes.size()));
    CHECK(src.mtime_ns > 0);
    CHECK(src.hash == decode_source("other-name.txt", bytes).hash);
    CHECK(src.hash != decode_source("r.txt", bytes + "x").hash);
}
