// A dictd dictionary (PREFIX.index and PREFIX.dict.dz) read by look-up: the index is mapped and
// searched, and of a dictzip text only the chunks that hold the entries asked for are inflated,
// so that a query pays for its own words, not for the whole dictionary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rapportsok {

class DictdFile {
  public:
    // Opens both files; without either (or an index with no entry line) it has no entries.
    explicit DictdFile(const std::string& prefix);
    ~DictdFile();
    DictdFile(const DictdFile&) = delete;
    DictdFile& operator=(const DictdFile&) = delete;

    bool available() const { return !lines_.empty(); }
    // The entries (headword line and body, as stored) of a headword, in the index's order; an
    // entry whose offset or length is no base64 number or that lies past the text is left out.
    std::vector<std::string> entries(std::string_view headword) const;

  private:
    struct Line {
        uint32_t start, key_end, end;  // offsets in the index: the line, its tab, its newline
    };
    std::string_view key(const Line& l) const;
    // The text's bytes [offset, offset + length), false when it has fewer.
    bool text(size_t offset, size_t length, std::string& out) const;
    const std::string* chunk(size_t k) const;  // inflated when first asked for, or null

    const char* index_ = nullptr;  // mapped
    size_t index_size_ = 0;
    const unsigned char* dz_ = nullptr;  // mapped
    size_t dz_size_ = 0;
    std::vector<Line> lines_;  // by headword (bytewise), the index's order among equals
    // A dictzip's chunks ("RA" field): each inflates alone to chunk_length_ bytes (the last to
    // fewer). A plain gzip (or plain) text is one chunk, read with gzread as a whole.
    size_t chunk_length_ = 0;
    std::vector<size_t> chunk_offsets_;  // in dz_, one more than there are chunks
    mutable std::mutex mutex_;           // guards the chunks inflated so far
    mutable std::vector<std::string> chunks_;
    mutable std::vector<bool> inflated_;
    std::string dz_path_;
};

}  // namespace rapportsok
