#include "searcher/dictd.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace rapportsok {

namespace {

// dictd's base64 numbers: offsets and lengths in the .index file; npos for any other character.
size_t b64(std::string_view s) {
    size_t n = 0;
    for (char c : s) {
        size_t d;
        if (c >= 'A' && c <= 'Z')
            d = static_cast<size_t>(c - 'A');
        else if (c >= 'a' && c <= 'z')
            d = static_cast<size_t>(c - 'a') + 26;
        else if (c >= '0' && c <= '9')
            d = static_cast<size_t>(c - '0') + 52;
        else if (c == '+')
            d = 62;
        else if (c == '/')
            d = 63;
        else
            return std::string::npos;
        n = n * 64 + d;
    }
    return n;
}

// The whole of a regular file, mapped read-only; null for a missing, empty or unreadable one.
const void* map_file(const std::string& path, size_t& size, bool& opened) {
    size = 0;
    opened = false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return nullptr;
    }
    opened = true;
    void* p = nullptr;
    if (st.st_size > 0) {
        p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            p = nullptr;
        else
            size = static_cast<size_t>(st.st_size);
    }
    ::close(fd);
    return p;
}

uint16_t le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

}  // namespace

DictdFile::DictdFile(const std::string& prefix) : dz_path_(prefix + ".dict.dz") {
    bool index_opened = false, dz_opened = false;
    index_ = static_cast<const char*>(map_file(prefix + ".index", index_size_, index_opened));
    dz_ = static_cast<const unsigned char*>(map_file(dz_path_, dz_size_, dz_opened));
    if (!index_ || !dz_opened) return;

    // The entry lines ("headword TAB offset TAB length"); a line without two tabs is none.
    bool sorted = true;
    std::string_view previous;
    for (size_t at = 0; at < index_size_;) {
        const char* nl = static_cast<const char*>(std::memchr(index_ + at, '\n', index_size_ - at));
        const size_t end = nl ? static_cast<size_t>(nl - index_) : index_size_;
        const char* t1 = static_cast<const char*>(std::memchr(index_ + at, '\t', end - at));
        const char* t2 = t1 ? static_cast<const char*>(std::memchr(
                                  t1 + 1, '\t', end - static_cast<size_t>(t1 + 1 - index_)))
                            : nullptr;
        if (t2 && end <= UINT32_MAX) {
            const Line line{static_cast<uint32_t>(at), static_cast<uint32_t>(t1 - index_),
                            static_cast<uint32_t>(end)};
            const std::string_view k = key(line);
            if (k < previous) sorted = false;
            previous = k;
            lines_.push_back(line);
        }
        at = end + 1;
    }
    // dictd's own tools sort an index in a collation order (dictfmt: ignoring case and
    // punctuation) that is bytewise only for plain lowercase headwords, as FreeDict's are: an
    // index out of byte order is sorted here, equal headwords kept in the file's order.
    if (!sorted)
        std::stable_sort(lines_.begin(), lines_.end(),
                         [&](const Line& a, const Line& b) { return key(a) < key(b); });

    // A dictzip header: gzip's FEXTRA with an "RA" field (version 1, chunk length, count, the
    // compressed size of each chunk).
    if (dz_size_ >= 12 && dz_[0] == 0x1f && dz_[1] == 0x8b && dz_[2] == 8 && (dz_[3] & 4) &&
        !(dz_[3] & 0xe0)) {
        const size_t xlen = le16(dz_ + 10);
        size_t at = 12 + xlen;
        for (size_t f = 12; f + 4 <= 12 + xlen && 12 + xlen <= dz_size_;) {
            const size_t len = le16(dz_ + f + 2);
            if (f + 4 + len > 12 + xlen) break;
            if (dz_[f] == 'R' && dz_[f + 1] == 'A' && len >= 6 && le16(dz_ + f + 4) == 1) {
                const size_t length = le16(dz_ + f + 6), count = le16(dz_ + f + 8);
                if (length > 0 && count > 0 && len >= 6 + 2 * count) {
                    chunk_length_ = length;
                    chunk_offsets_.push_back(0);
                    for (size_t k = 0; k < count; ++k)
                        chunk_offsets_.push_back(chunk_offsets_.back() +
                                                 le16(dz_ + f + 10 + 2 * k));
                }
                break;
            }
            f += 4 + len;
        }
        auto skip_string = [&] {
            while (at < dz_size_ && dz_[at] != 0) ++at;
            ++at;
        };
        if (dz_[3] & 8) skip_string();   // FNAME
        if (dz_[3] & 16) skip_string();  // FCOMMENT
        if (dz_[3] & 2) at += 2;         // FHCRC
        for (size_t& o : chunk_offsets_) o += at;
        if (chunk_length_ == 0 || chunk_offsets_.back() > dz_size_) {
            chunk_length_ = 0;
            chunk_offsets_.clear();
        }
    }
    const size_t chunks = chunk_length_ ? chunk_offsets_.size() - 1 : 1;
    chunks_.resize(chunks);
    inflated_.resize(chunks, false);
}

DictdFile::~DictdFile() {
    if (index_) ::munmap(const_cast<char*>(index_), index_size_);
    if (dz_) ::munmap(const_cast<unsigned char*>(dz_), dz_size_);
}

std::string_view DictdFile::key(const Line& l) const {
    return std::string_view(index_ + l.start, l.key_end - l.start);
}

const std::string* DictdFile::chunk(size_t k) const {
    if (k >= chunks_.size()) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    std::string& out = chunks_[k];
    if (inflated_[k]) return &out;
    inflated_[k] = true;
    if (chunk_length_ == 0) {  // not a dictzip: the whole text, as gzip reads it
        gzFile dz = gzopen(dz_path_.c_str(), "rb");
        if (!dz) return &out;
        char buf[65536];
        int n;
        while ((n = gzread(dz, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
        gzclose(dz);
        return &out;
    }
    // Each chunk was flushed in full: it inflates on its own (raw deflate, no window before it).
    z_stream zs{};
    if (inflateInit2(&zs, -15) != Z_OK) return &out;
    out.resize(chunk_length_);
    zs.next_in = const_cast<unsigned char*>(dz_ + chunk_offsets_[k]);
    zs.avail_in = static_cast<uInt>(chunk_offsets_[k + 1] - chunk_offsets_[k]);
    zs.next_out = reinterpret_cast<unsigned char*>(&out[0]);
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_SYNC_FLUSH);
    out.resize(rc == Z_OK || rc == Z_STREAM_END ? out.size() - zs.avail_out : 0);
    inflateEnd(&zs);
    return &out;
}

bool DictdFile::text(size_t offset, size_t length, std::string& out) const {
    out.clear();
    if (chunk_length_ == 0) {
        const std::string* all = chunk(0);
        if (!all || offset > all->size() || length > all->size() - offset) return false;
        out.assign(*all, offset, length);
        return true;
    }
    // The chunks that hold [offset, offset + length): all but the text's last are full.
    const size_t first = offset / chunk_length_;
    size_t at = offset - first * chunk_length_;
    for (size_t k = first; out.size() < length; ++k) {
        const std::string* c = chunk(k);
        if (!c || at > c->size()) return false;
        const size_t take = std::min(c->size() - at, length - out.size());
        out.append(*c, at, take);
        if (out.size() < length && c->size() != chunk_length_) return false;
        at = 0;
    }
    // An empty entry at the end of the text still needs the text to reach it.
    if (length == 0) {
        const std::string* c = chunk(first);
        return c && at <= c->size();
    }
    return true;
}

std::vector<std::string> DictdFile::entries(std::string_view head) const {
    std::vector<std::string> out;
    struct ByKey {
        const DictdFile& d;
        bool operator()(const Line& a, std::string_view b) const { return d.key(a) < b; }
        bool operator()(std::string_view a, const Line& b) const { return a < d.key(b); }
    };
    auto [from, to] = std::equal_range(lines_.begin(), lines_.end(), head, ByKey{*this});
    for (auto it = from; it != to; ++it) {
        const size_t t2 = static_cast<const char*>(std::memchr(index_ + it->key_end + 1, '\t',
                                                               it->end - it->key_end - 1)) -
                          index_;
        const size_t offset = b64(std::string_view(index_ + it->key_end + 1, t2 - it->key_end - 1));
        const size_t length = b64(std::string_view(index_ + t2 + 1, it->end - t2 - 1));
        if (offset == std::string::npos || length == std::string::npos) continue;
        std::string entry;
        if (text(offset, length, entry)) out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace rapportsok
