//===- inflate.cpp - DEFLATE decoding and gzip reading --------------------===//
//
// The decoder follows RFC 1951 directly. Bits are read LSB first from a
// 64-bit buffer that is refilled once per symbol (a literal/length code, its
// extra bits, a distance code and its extra bits need at most 48 bits), so
// the hot loop has no per-bit bounds checks: past the end of the input the
// buffer fills with zero bytes, and a stream that consumes any of them is
// reported as truncated. Huffman codes decode through a 2^10-entry table
// indexed by the next 10 bits; the rare longer codes fall back to the
// canonical-code walk of RFC 1951 3.2.2. The gzip layer (RFC 1952) parses
// member headers, checks each member's CRC-32 and ISIZE, and reports
// positions as byte offsets in the whole input.
//
//===----------------------------------------------------------------------===//

#include "inflate.h"
#include "status.h"

#include <algorithm>
#include <cstring>
#include <string>

using namespace nnrt;

//===----------------------------------------------------------------------===//
// CRC-32
//===----------------------------------------------------------------------===//

namespace {
/// Slicing-by-8 tables: table[0] is the classic byte-at-a-time table and
/// table[k][b] the CRC of byte b followed by k zero bytes, so eight input
/// bytes fold into the CRC with eight lookups.
struct CrcTables {
  uint32_t table[8][256];
};
} // namespace

static constexpr CrcTables makeCrcTables() {
  CrcTables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t.table[0][b] = c;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t prev = t.table[k - 1][b];
      t.table[k][b] = (prev >> 8) ^ t.table[0][prev & 0xFF];
    }
  }
  return t;
}

static constexpr CrcTables kCrc = makeCrcTables();

static inline uint32_t load32le(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

uint32_t nnrt::crc32(const uint8_t *data, size_t size, uint32_t crc) {
  const auto &t = kCrc.table;
  crc = ~crc;
  for (; size >= 8; data += 8, size -= 8) {
    uint32_t a = load32le(data) ^ crc, b = load32le(data + 4);
    crc = t[7][a & 0xFF] ^ t[6][(a >> 8) & 0xFF] ^ t[5][(a >> 16) & 0xFF] ^
          t[4][a >> 24] ^ t[3][b & 0xFF] ^ t[2][(b >> 8) & 0xFF] ^
          t[1][(b >> 16) & 0xFF] ^ t[0][b >> 24];
  }
  for (; size; ++data, --size)
    crc = t[0][(crc ^ *data) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

//===----------------------------------------------------------------------===//
// Bits and Huffman codes
//===----------------------------------------------------------------------===//

// RFC 1951 3.2.5: base values and extra bits of length symbols 257..285 and
// distance symbols 0..29.
static const uint16_t kLengthBase[29] = {
    3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                         1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                         4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t kDistBase[30] = {
    1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t kDistExtra[30] = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                       4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                       9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// RFC 1951 3.2.7: the order in which code length code lengths are stored.
static const uint8_t kCodeLengthOrder[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                             11, 4,  12, 3, 13, 2, 14, 1, 15};

static constexpr unsigned kMaxBits = 15;  // longest Huffman code
static constexpr unsigned kFastBits = 10; // bits the decode table covers
/// Room after the output's end for 8-byte match copies that overshoot.
static constexpr size_t kSlack = 8;

namespace {
/// The buffer and next byte after refilling near the end of the input.
struct Tail {
  uint64_t buf;
  size_t next;
};
} // namespace

/// Refills byte by byte, with zeros past the input. Out of line and by
/// value, so that the hot loop keeps its reader in registers.
[[gnu::noinline]] static Tail refillTail(const uint8_t *data, size_t size,
                                         size_t next, uint64_t buf,
                                         unsigned count) {
  for (; count < 56; count += 8, ++next)
    buf |= uint64_t(next < size ? data[next] : 0) << count;
  return {buf, next};
}

namespace {
/// An LSB-first bit reader (RFC 1951 3.1.1). Bits of `buf` at and above
/// `count` are either zero or the stream's next bits, which lets refill()
/// load 8 bytes with one unaligned read.
struct BitReader {
  const uint8_t *data;
  size_t size;
  size_t next = 0; // next byte to load; beyond size once padding is loaded
  uint64_t buf = 0;
  unsigned count = 0;

  BitReader(const uint8_t *data, size_t size) : data(data), size(size) {}

  /// Ensures at least 56 bits in the buffer.
  void refill() {
    if (next + 8 <= size) {
      uint64_t word = uint64_t(load32le(data + next)) |
                      uint64_t(load32le(data + next + 4)) << 32;
      // Take the whole bytes that fit: count becomes 56..63, and the bits
      // of the next byte that land above it are the stream's next bits.
      buf |= word << count;
      next += (63 - count) >> 3;
      count |= 56;
      return;
    }
    Tail tail = refillTail(data, size, next, buf, count);
    count += unsigned(tail.next - next) * 8;
    buf = tail.buf;
    next = tail.next;
  }
  void drop(unsigned n) {
    buf >>= n;
    count -= n;
  }
  uint32_t take(unsigned n) {
    uint32_t value = uint32_t(buf & ((uint64_t(1) << n) - 1));
    drop(n);
    return value;
  }
  /// Bits consumed so far.
  uint64_t bitPos() const { return uint64_t(next) * 8 - count; }
  /// Whether any consumed bit lies past the input (the stream is truncated).
  bool overran() const { return bitPos() > uint64_t(size) * 8; }
  /// Skips to a byte boundary (before a stored block's LEN).
  void alignToByte() { drop(count & 7); }
  /// Continues reading at byte \p pos with an empty buffer.
  void seek(size_t pos) {
    next = pos;
    buf = 0;
    count = 0;
  }
};

/// A canonical Huffman code (RFC 1951 3.2.2) for decoding.
struct Huffman {
  /// Entry for the next kFastBits bits: symbol << 4 | code length, or 0
  /// when the code is longer than kFastBits or the bits start no code.
  uint16_t fast[1 << kFastBits];
  uint16_t count[kMaxBits + 1]; // codes of each length
  uint16_t symbol[288];         // symbols ordered by (length, value)

  const char *build(const uint8_t *lengths, unsigned n, bool allowLone);
};
} // namespace

static unsigned reverseBits(unsigned code, unsigned length) {
  unsigned reversed = 0;
  for (unsigned i = 0; i < length; ++i, code >>= 1)
    reversed = reversed << 1 | (code & 1);
  return reversed;
}

/// Builds the code for \p n symbols with code lengths \p lengths (0: not
/// used). Returns null or why the lengths form no prefix code. An
/// incomplete code is accepted only when \p allowLone and it has no code or
/// a single code of length 1 (as zlib does; encoders emit a lone distance
/// code that way).
const char *Huffman::build(const uint8_t *lengths, unsigned n, bool allowLone) {
  std::memset(count, 0, sizeof(count));
  for (unsigned i = 0; i < n; ++i)
    ++count[lengths[i]];
  unsigned used = n - count[0];
  int left = 1; // codes of the current length still unassigned
  for (unsigned len = 1; len <= kMaxBits; ++len) {
    left = 2 * left - count[len];
    if (left < 0)
      return "over-subscribed";
  }
  if (left > 0 && !(allowLone && (used == 0 || (used == 1 && count[1] == 1))))
    return used == 0 ? "empty" : "incomplete";

  uint16_t offset[kMaxBits + 2];
  offset[1] = 0;
  for (unsigned len = 1; len <= kMaxBits; ++len)
    offset[len + 1] = offset[len] + count[len];
  for (unsigned i = 0; i < n; ++i) {
    if (lengths[i])
      symbol[offset[lengths[i]]++] = uint16_t(i);
  }

  std::memset(fast, 0, sizeof(fast));
  unsigned code = 0, index = 0;
  for (unsigned len = 1; len <= kFastBits; ++len, code <<= 1) {
    for (unsigned k = 0; k < count[len]; ++k, ++code, ++index) {
      // The stream holds codes MSB first, the buffer LSB first.
      uint16_t entry = uint16_t(symbol[index] << 4 | len);
      for (unsigned i = reverseBits(code, len); i < (1u << kFastBits);
           i += 1u << len)
        fast[i] = entry;
    }
  }
  return nullptr;
}

/// The canonical-code walk for codes longer than kFastBits (and bits that
/// start no code): -1 for those. Needs kMaxBits bits in the buffer.
static int decodeSlow(const Huffman &h, BitReader &in) {
  uint64_t bits = in.buf;
  int code = 0, first = 0, index = 0;
  for (unsigned len = 1; len <= kMaxBits; ++len, bits >>= 1) {
    code |= int(bits & 1);
    int count = h.count[len];
    if (code - count < first) {
      in.drop(len);
      return h.symbol[index + (code - first)];
    }
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  return -1;
}

/// The next symbol, or -1 for bits that start no code. Needs kMaxBits bits
/// in the buffer.
static inline int decode(const Huffman &h, BitReader &in) {
  uint16_t entry = h.fast[in.buf & ((1u << kFastBits) - 1)];
  if (entry) {
    in.drop(entry & 15);
    return entry >> 4;
  }
  return decodeSlow(h, in);
}

namespace {
/// The fixed codes of RFC 1951 3.2.6, built once.
struct FixedCodes {
  Huffman lit, dist;
  FixedCodes() {
    uint8_t lengths[288];
    std::memset(lengths, 8, 144);
    std::memset(lengths + 144, 9, 112);
    std::memset(lengths + 256, 7, 24);
    std::memset(lengths + 280, 8, 8);
    lit.build(lengths, 288, false);
    std::memset(lengths, 5, 32);
    dist.build(lengths, 32, false);
  }
};

/// Decodes one DEFLATE stream. `out.size()` is the capacity; `len` bytes of
/// it are data, of which this stream wrote those from `start` on.
class Inflater {
public:
  Inflater(const uint8_t *data, size_t size, size_t base,
           std::vector<uint8_t> &out, size_t len, const char *name,
           size_t maxOutput)
      : in(data, size), base(base), out(out), start(len), len(len), name(name),
        maxOutput(maxOutput) {}

  nnrt_status run();
  size_t length() const { return len; }
  size_t consumed() const { return size_t((in.bitPos() + 7) / 8); }

private:
  nnrt_status storedBlock();
  nnrt_status dynamicBlock();
  nnrt_status codes(const Huffman &lit, const Huffman &dist);
  bool grow(size_t need);
  nnrt_status tooLarge();
  /// Where writing must stop for a check: the capacity less the slack, or
  /// maxOutput when that is lower.
  size_t writeEnd() const { return std::min(out.size() - kSlack, maxOutput); }
  nnrt_status error(const std::string &what);

  BitReader in;
  size_t base; // offset of data[0] in the whole input, for messages
  std::vector<uint8_t> &out;
  size_t start, len;
  const char *name;
  size_t maxOutput;
  Huffman lit, dist, lengthCode;
};
} // namespace

nnrt_status Inflater::error(const std::string &what) {
  if (in.overran())
    return fail(NNRT_ERR_FORMAT, "%s: truncated: the data ends at byte %zu",
                name, base + in.size);
  return fail(NNRT_ERR_FORMAT, "%s: %s at byte %zu", name, what.c_str(),
              size_t(base + in.bitPos() / 8));
}

/// Makes room for \p need more bytes after `len` (plus kSlack); false when
/// that would exceed maxOutput.
bool Inflater::grow(size_t need) {
  if (need > maxOutput || len > maxOutput - need)
    return false;
  // Double (to at least 64 KiB), but not past what maxOutput allows.
  size_t capacity = std::max(out.size() * 2, size_t(1) << 16) - kSlack;
  capacity = std::max(std::min(capacity, maxOutput), len + need);
  out.resize(capacity + kSlack);
  return true;
}

nnrt_status Inflater::tooLarge() {
  return error(format("decompressed data exceeds %zu bytes", maxOutput));
}

nnrt_status Inflater::run() {
  if (len > maxOutput)
    return tooLarge();
  for (bool last = false; !last;) {
    in.refill();
    last = in.take(1);
    unsigned type = in.take(2);
    nnrt_status status;
    if (type == 0) {
      status = storedBlock();
    } else if (type == 1) {
      static const FixedCodes fixed;
      status = codes(fixed.lit, fixed.dist);
    } else if (type == 2) {
      status = dynamicBlock();
      if (status == NNRT_OK)
        status = codes(lit, dist);
    } else {
      status = error("invalid DEFLATE block type 3");
    }
    if (status != NNRT_OK)
      return status;
  }
  if (in.overran())
    return error("");
  return NNRT_OK;
}

nnrt_status Inflater::storedBlock() {
  in.alignToByte();
  size_t pos = in.next - in.count / 8;
  if (pos > in.size || in.size - pos < 4)
    return fail(NNRT_ERR_FORMAT, "%s: truncated: the data ends at byte %zu",
                name, base + in.size);
  const uint8_t *p = in.data + pos;
  unsigned length = p[0] | p[1] << 8, check = p[2] | p[3] << 8;
  if (length != (~check & 0xFFFF))
    return error(format("stored block length 0x%04x does not match its "
                        "complement 0x%04x",
                        length, check));
  pos += 4;
  if (in.size - pos < length)
    return fail(NNRT_ERR_FORMAT, "%s: truncated: the data ends at byte %zu",
                name, base + in.size);
  if (writeEnd() - len < length && !grow(length))
    return tooLarge();
  if (length)
    std::memcpy(out.data() + len, in.data + pos, length);
  len += length;
  in.seek(pos + length);
  return NNRT_OK;
}

nnrt_status Inflater::dynamicBlock() {
  in.refill();
  unsigned nlit = in.take(5) + 257, ndist = in.take(5) + 1;
  unsigned nlen = in.take(4) + 4;
  if (nlit > 286 || ndist > 30)
    return error(format("dynamic block with %u literal/length and %u "
                        "distance codes (at most 286 and 30)",
                        nlit, ndist));
  uint8_t lengths[286 + 30] = {};
  for (unsigned i = 0; i < nlen; ++i) {
    in.refill();
    lengths[kCodeLengthOrder[i]] = uint8_t(in.take(3));
  }
  if (const char *why = lengthCode.build(lengths, 19, false))
    return error(format("%s code length code", why));

  // Literal/length and distance code lengths form one sequence (3.2.7), so
  // a repeat may cross from one into the other.
  unsigned total = nlit + ndist;
  std::memset(lengths, 0, sizeof(lengths));
  for (unsigned i = 0; i < total;) {
    if (in.overran())
      return error("");
    in.refill();
    int sym = decode(lengthCode, in);
    if (sym < 0)
      return error("invalid code length code");
    if (sym < 16) {
      lengths[i++] = uint8_t(sym);
      continue;
    }
    uint8_t value = 0;
    unsigned repeat;
    if (sym == 16) {
      if (i == 0)
        return error("code length repeat with no previous length");
      value = lengths[i - 1];
      repeat = 3 + in.take(2);
    } else if (sym == 17) {
      repeat = 3 + in.take(3);
    } else {
      repeat = 11 + in.take(7);
    }
    if (repeat > total - i)
      return error("code length repeat past the last code");
    std::memset(lengths + i, value, repeat);
    i += repeat;
  }
  if (in.overran())
    return error("");
  if (lengths[256] == 0)
    return error("dynamic block without an end-of-block code");
  if (const char *why = lit.build(lengths, nlit, true))
    return error(format("%s literal/length code", why));
  if (const char *why = dist.build(lengths + nlit, ndist, true))
    return error(format("%s distance code", why));
  return NNRT_OK;
}

/// Decodes the symbols of one compressed block up to its end-of-block code.
/// The reader and output position live in locals whose addresses never
/// escape: stores through the byte pointer could alias members, which would
/// keep them out of registers.
nnrt_status Inflater::codes(const Huffman &litCode, const Huffman &distCode) {
  BitReader bits = in;
  uint8_t *o = out.data();
  size_t n = len, end = writeEnd();
  std::string fault;
  bool full = false; // the output would exceed maxOutput
  for (;;) {
    if (bits.next > bits.size && bits.overran())
      break; // error() reports the truncation
    bits.refill();
    int sym = decode(litCode, bits);
    if (unsigned(sym) < 256) {
      if (n == end) {
        len = n;
        if ((full = !grow(1)))
          break;
        o = out.data();
        end = writeEnd();
      }
      o[n++] = uint8_t(sym);
      // Literals come in runs, and after one (15 bits at most) the buffer
      // still holds 41 bits: enough for the next code without a refill.
      sym = decode(litCode, bits);
      if (unsigned(sym) < 256) {
        if (n == end) {
          len = n;
          if ((full = !grow(1)))
            break;
          o = out.data();
          end = writeEnd();
        }
        o[n++] = uint8_t(sym);
        continue;
      }
      bits.refill(); // for the length and distance that may follow
    }
    if (sym == 256)
      break;
    if (sym < 0 || sym > 285) {
      fault = sym < 0 ? std::string("invalid literal/length code")
                      : format("invalid literal/length symbol %d", sym);
      break;
    }
    sym -= 257;
    size_t length = kLengthBase[sym] + bits.take(kLengthExtra[sym]);
    int dsym = decode(distCode, bits);
    if (unsigned(dsym) >= 30) {
      fault = dsym < 0 ? std::string("invalid distance code")
                       : format("invalid distance symbol %d", dsym);
      break;
    }
    size_t distance = kDistBase[dsym] + bits.take(kDistExtra[dsym]);
    if (distance > n - start) {
      fault = format("distance %zu too far back (%zu bytes decoded)", distance,
                     n - start);
      break;
    }
    if (end - n < length) {
      len = n;
      if ((full = !grow(length)))
        break;
      o = out.data();
      end = writeEnd();
    }
    uint8_t *dst = o + n;
    const uint8_t *src = dst - distance;
    if (distance >= 8) {
      // Each 8-byte chunk reads only bytes already written; the last may
      // write up to 7 bytes past the match, into the slack.
      for (size_t i = 0; i < length; i += 8)
        std::memcpy(dst + i, src + i, 8);
    } else if (distance == 1) {
      std::memset(dst, *src, length);
    } else {
      for (size_t i = 0; i < length; ++i)
        dst[i] = src[i];
    }
    n += length;
  }
  in = bits;
  len = n;
  if (full && !in.overran())
    return tooLarge();
  if (!fault.empty() || in.overran())
    return error(fault);
  return NNRT_OK;
}

/// inflate() on \p data at offset \p base of the whole input, into `out`
/// whose first \p len bytes are data and whose size is its capacity.
static nnrt_status inflateInto(const uint8_t *data, size_t size, size_t base,
                               std::vector<uint8_t> &out, size_t &len,
                               size_t &consumed, const char *name,
                               size_t maxOutput) {
  if (out.size() < len + kSlack)
    out.resize(len + kSlack);
  Inflater inflater(data, size, base, out, len, name, maxOutput);
  nnrt_status status = inflater.run();
  len = inflater.length();
  consumed = inflater.consumed();
  return status;
}

nnrt_status nnrt::inflate(const uint8_t *data, size_t size,
                          std::vector<uint8_t> &out, size_t &consumed,
                          const char *name, size_t maxOutput) {
  size_t len = out.size();
  nnrt_status status =
      inflateInto(data, size, 0, out, len, consumed, name, maxOutput);
  out.resize(len);
  return status;
}

//===----------------------------------------------------------------------===//
// gzip
//===----------------------------------------------------------------------===//

// RFC 1952 2.3.1 header flags.
static constexpr uint8_t kFlagHcrc = 2, kFlagExtra = 4, kFlagName = 8,
                         kFlagComment = 16, kFlagReserved = 0xE0;

/// Reads the gzip member at data[pos] (RFC 1952 2.3), appending its data to
/// the first \p len bytes of \p out (whose size is its capacity), and
/// advances \p pos past it.
static nnrt_status readMember(const uint8_t *data, size_t size, size_t &pos,
                              int member, std::vector<uint8_t> &out,
                              size_t &len, const char *name, size_t maxOutput) {
  auto truncated = [&](const char *what) {
    return fail(NNRT_ERR_FORMAT,
                "%s: gzip member %d: truncated %s: the data ends at byte %zu",
                name, member, what, size);
  };
  const uint8_t *header = data + pos;
  size_t start = pos;
  if (header[0] != 0x1F || (size - pos >= 2 && header[1] != 0x8B)) {
    if (member > 1)
      return fail(NNRT_ERR_FORMAT,
                  "%s: unexpected data after gzip member %d at byte %zu", name,
                  member - 1, pos);
    if (size == 1)
      return fail(NNRT_ERR_FORMAT, "%s: not gzip data (1 byte)", name);
    return fail(NNRT_ERR_FORMAT,
                "%s: not gzip data (starts with 0x%02x 0x%02x, not 0x1f "
                "0x8b)",
                name, header[0], header[1]);
  }
  if (size - pos < 10)
    return truncated("header");
  if (header[2] != 8)
    return fail(NNRT_ERR_FORMAT,
                "%s: gzip member %d: compression method %u is not 8 (deflate)",
                name, member, header[2]);
  uint8_t flags = header[3];
  if (flags & kFlagReserved)
    return fail(NNRT_ERR_FORMAT,
                "%s: gzip member %d: reserved header flags 0x%02x are set",
                name, member, flags & kFlagReserved);
  pos += 10;
  if (flags & kFlagExtra) {
    if (size - pos < 2)
      return truncated("header");
    size_t extra = data[pos] | data[pos + 1] << 8;
    if (size - pos - 2 < extra)
      return truncated("header");
    pos += 2 + extra;
  }
  for (uint8_t flag : {kFlagName, kFlagComment}) {
    if (!(flags & flag))
      continue;
    // A zero-terminated string (file name or comment).
    const void *nul = std::memchr(data + pos, 0, size - pos);
    if (!nul)
      return truncated("header");
    pos = static_cast<const uint8_t *>(nul) - data + 1;
  }
  if (flags & kFlagHcrc) {
    if (size - pos < 2)
      return truncated("header");
    uint32_t stored = data[pos] | data[pos + 1] << 8;
    uint32_t actual = crc32(header, pos - start) & 0xFFFF;
    if (stored != actual)
      return fail(NNRT_ERR_FORMAT,
                  "%s: gzip member %d: header CRC 0x%04x does not match the "
                  "header's 0x%04x",
                  name, member, stored, actual);
    pos += 2;
  }

  std::string where = format("%s: gzip member %d", name, member);
  size_t dataStart = len, consumed = 0;
  if (nnrt_status status = inflateInto(data + pos, size - pos, pos, out, len,
                                       consumed, where.c_str(), maxOutput))
    return status;
  pos += consumed;
  if (size - pos < 8)
    return truncated("trailer");
  uint32_t storedCrc = load32le(data + pos);
  uint32_t storedSize = load32le(data + pos + 4);
  uint32_t actualCrc = crc32(out.data() + dataStart, len - dataStart);
  if (storedCrc != actualCrc)
    return fail(NNRT_ERR_FORMAT,
                "%s: gzip member %d: CRC-32 mismatch: the trailer says "
                "0x%08x, the data's is 0x%08x",
                name, member, storedCrc, actualCrc);
  if (storedSize != uint32_t(len - dataStart))
    return fail(NNRT_ERR_FORMAT,
                "%s: gzip member %d: size mismatch: the trailer says %u bytes "
                "(mod 2^32), the data has %zu",
                name, member, storedSize, len - dataStart);
  pos += 8;
  return NNRT_OK;
}

nnrt_status nnrt::gunzip(const uint8_t *data, size_t size,
                         std::vector<uint8_t> &out, const char *name,
                         size_t maxOutput) {
  out.clear();
  if (size == 0)
    return fail(NNRT_ERR_FORMAT, "%s: empty, not gzip data", name);
  // The last member's ISIZE is usually the whole size: a first guess at the
  // capacity, bounded by 64 times the input so that a crafted trailer cannot
  // make us allocate far more than the data fills (the output grows past
  // the guess when it must).
  size_t guess = size >= 4 ? load32le(data + size - 4) : 0;
  guess = std::min({guess, size * 64, maxOutput});
  out.resize(guess + kSlack);

  size_t pos = 0, len = 0;
  for (int member = 1; pos < size; ++member) {
    if (nnrt_status status =
            readMember(data, size, pos, member, out, len, name, maxOutput)) {
      out.clear();
      return status;
    }
    // Zero padding after a member is allowed (as gzip and Python do).
    while (pos < size && data[pos] == 0)
      ++pos;
  }
  out.resize(len);
  return NNRT_OK;
}
