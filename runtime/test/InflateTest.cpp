//===- InflateTest.cpp - Tests of the DEFLATE decoder and gzip reader -----===//
//
// Small gzip files checked in as arrays (one per block type), DEFLATE
// streams crafted bit by bit for every error the decoder reports, gzip
// container errors, every truncation and many byte flips of the fixtures
// (each an error or, for flips in fields the format ignores, the same
// data), round trips of data gzipped by Python's gzip and zlib modules at
// several levels and strategies when a Python is available, and the
// Fashion-MNIST train images when /usr/share/datasets/fashion-mnist exists.
//
//===----------------------------------------------------------------------===//

#include "inflate.h"
#include "TestUtil.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace nnrt::test;

// The fixtures hold linesText(5), linesText(10) and linesText(20) (see
// below), made once with Python 3.11 by
//   text = lambda n: "".join(f"line {i}: {i*i}\n" for i in range(n)).encode()
//   kStoredGz:  gzip.compress(text(5), 0, mtime=0)
//   kFixedGz:   the raw stream of zlib.compressobj(9, zlib.DEFLATED, -15, 9,
//               zlib.Z_FIXED) on text(10) in a 10-byte gzip header
//               (1f 8b 08 00, mtime 0, 02 ff) and its CRC-32/ISIZE trailer
//   kDynamicGz: gzip.compress(text(20), 9, mtime=0)
// The comment above each gives its first block's BTYPE.
// 74 bytes, block type 0
static const uint8_t kStoredGz[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x03, 0x01,
    0x33, 0x00, 0xcc, 0xff, 0x6c, 0x69, 0x6e, 0x65, 0x20, 0x30, 0x3a,
    0x20, 0x30, 0x0a, 0x6c, 0x69, 0x6e, 0x65, 0x20, 0x31, 0x3a, 0x20,
    0x31, 0x0a, 0x6c, 0x69, 0x6e, 0x65, 0x20, 0x32, 0x3a, 0x20, 0x34,
    0x0a, 0x6c, 0x69, 0x6e, 0x65, 0x20, 0x33, 0x3a, 0x20, 0x39, 0x0a,
    0x6c, 0x69, 0x6e, 0x65, 0x20, 0x34, 0x3a, 0x20, 0x31, 0x36, 0x0a,
    0x25, 0xe3, 0xcd, 0x26, 0x33, 0x00, 0x00, 0x00,
};
// 85 bytes, block type 1
static const uint8_t kFixedGz[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xcb,
    0xc9, 0xcc, 0x4b, 0x55, 0x30, 0xb0, 0x52, 0x30, 0xe0, 0xca, 0x01,
    0xb1, 0x0c, 0xad, 0x14, 0x0c, 0x21, 0x2c, 0x23, 0x2b, 0x05, 0x13,
    0x08, 0xcb, 0xd8, 0x4a, 0xc1, 0x12, 0xc2, 0x32, 0x01, 0xca, 0x9a,
    0x41, 0x98, 0xa6, 0x56, 0x0a, 0x46, 0xa6, 0x10, 0xa6, 0x99, 0x95,
    0x82, 0x31, 0x54, 0xd4, 0x1c, 0xa8, 0x09, 0xaa, 0xd6, 0xc2, 0x4a,
    0xc1, 0x0c, 0x6a, 0x80, 0xa5, 0x95, 0x82, 0x85, 0x21, 0x17, 0x00,
    0xa7, 0x2d, 0x82, 0xd0, 0x6a, 0x00, 0x00, 0x00,
};
// 124 bytes, block type 2
static const uint8_t kDynamicGz[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x35, 0x8e,
    0xc1, 0x0d, 0x80, 0x30, 0x0c, 0x03, 0xff, 0x4c, 0xe1, 0x11, 0xea, 0xb4,
    0x94, 0x36, 0xfb, 0xf0, 0x40, 0x42, 0xec, 0xff, 0x24, 0x51, 0x92, 0xdf,
    0xa9, 0xae, 0x7d, 0x79, 0x9f, 0xef, 0x46, 0x53, 0xb4, 0xe3, 0x75, 0xa2,
    0x82, 0x41, 0xa2, 0x18, 0x41, 0x5d, 0xb1, 0x83, 0x86, 0xa5, 0x33, 0xf0,
    0x54, 0xc8, 0x19, 0x38, 0x15, 0x3d, 0x5f, 0x2f, 0x2b, 0xe5, 0xdf, 0xa5,
    0x98, 0x39, 0xb0, 0x15, 0x2b, 0x57, 0x69, 0x2a, 0xb6, 0x92, 0xb9, 0x4d,
    0x2a, 0x31, 0x21, 0x47, 0x36, 0xd8, 0xdd, 0x94, 0x4b, 0x74, 0xed, 0x4e,
    0x03, 0x5d, 0x5c, 0x66, 0x4e, 0xbf, 0xa2, 0x12, 0x93, 0xcb, 0xaa, 0x8e,
    0xe9, 0xbb, 0xd4, 0xda, 0xf6, 0x0b, 0x79, 0xfc, 0x7a, 0x60, 0xd6, 0xa2,
    0xec, 0x00, 0x00, 0x00,
};

/// The text the fixtures hold: "line 0: 0\nline 1: 1\n..." for i < n.
static std::string linesText(int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "line " + std::to_string(i) + ": " + std::to_string(i * i) + "\n";
  return text;
}

template <size_t N> static std::string str(const uint8_t (&bytes)[N]) {
  return std::string(reinterpret_cast<const char *>(bytes), N);
}

static const uint8_t *u8(const std::string &s) {
  return reinterpret_cast<const uint8_t *>(s.data());
}

static std::string toString(const std::vector<uint8_t> &bytes) {
  return std::string(bytes.begin(), bytes.end());
}

/// gunzip() on a string, named "t.gz" in messages.
static nnrt_status gunzipString(const std::string &gz, std::string &out,
                                size_t maxOutput = SIZE_MAX) {
  std::vector<uint8_t> bytes;
  nnrt_status status =
      nnrt::gunzip(u8(gz), gz.size(), bytes, "t.gz", maxOutput);
  out = toString(bytes);
  return status;
}

static bool contains(const char *text, const std::string &part) {
  return std::strstr(text, part.c_str()) != nullptr;
}

namespace {
/// Builds a DEFLATE bit stream (RFC 1951 3.1.1): fields are packed LSB
/// first, Huffman codes MSB first.
class BitWriter {
public:
  BitWriter &bits(uint32_t value, int n) {
    for (int i = 0; i < n; ++i)
      push((value >> i) & 1);
    return *this;
  }
  BitWriter &code(uint32_t code, int n) {
    for (int i = n - 1; i >= 0; --i)
      push((code >> i) & 1);
    return *this;
  }
  BitWriter &align() {
    while (count % 8)
      push(0);
    return *this;
  }
  BitWriter &byte(uint8_t b) { return bits(b, 8); }
  const std::string &bytes() const { return data; }

private:
  void push(unsigned bit) {
    if (count % 8 == 0)
      data += '\0';
    data.back() = char(data.back() | bit << (count % 8));
    ++count;
  }
  std::string data;
  size_t count = 0;
};

/// The canonical code (RFC 1951 3.2.2) of lengths[s] for each symbol s.
std::vector<uint32_t> canonicalCodes(const std::vector<int> &lengths) {
  std::vector<uint32_t> codes(lengths.size());
  uint32_t code = 0;
  for (int len = 1; len <= 15; ++len, code <<= 1) {
    for (size_t s = 0; s < lengths.size(); ++s) {
      if (lengths[s] == len)
        codes[s] = code++;
    }
  }
  return codes;
}

/// A dynamic block's header (final, HLIT, HDIST, code length code) with
/// code length code lengths \p clc (indexed by symbol 0..18); the returned
/// writer then takes symbols through sym().
struct DynamicBlock {
  BitWriter w;
  std::vector<int> clcLengths;
  std::vector<uint32_t> clcCodes;

  DynamicBlock(int nlit, int ndist, std::vector<int> clc)
      : clcLengths(clc), clcCodes(canonicalCodes(clc)) {
    static const int order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                  11, 4,  12, 3, 13, 2, 14, 1, 15};
    int n = 4;
    for (int i = 0; i < 19; ++i) {
      if (clc[order[i]])
        n = std::max(n, i + 1);
    }
    w.bits(1, 1)
        .bits(2, 2)
        .bits(nlit - 257, 5)
        .bits(ndist - 1, 5)
        .bits(n - 4, 4);
    for (int i = 0; i < n; ++i)
      w.bits(clc[order[i]], 3);
  }
  /// Code length symbol \p s, then \p extra in \p n extra bits.
  DynamicBlock &sym(int s, uint32_t extra = 0, int n = 0) {
    w.code(clcCodes[s], clcLengths[s]).bits(extra, n);
    return *this;
  }
  /// \p count zero lengths (3 <= count <= 138) with symbol 18.
  DynamicBlock &zeros(int count) { return sym(18, count - 11, 7); }
};
} // namespace

//===----------------------------------------------------------------------===//
// CRC-32 and the fixtures
//===----------------------------------------------------------------------===//

TEST(InflateTest, Crc32KnownValues) {
  // The standard check value of CRC-32/ISO-HDLC.
  EXPECT_EQ(nnrt::crc32(u8("123456789"), 9), 0xCBF43926u);
  EXPECT_EQ(nnrt::crc32(nullptr, 0), 0u);
  EXPECT_EQ(nnrt::crc32(u8("a"), 1), 0xE8B7BE43u);
  // Continuing a CRC equals one pass, across the 8-byte fast path.
  std::string text = linesText(40);
  for (size_t split : {size_t(0), size_t(3), size_t(8), size_t(13)}) {
    uint32_t first = nnrt::crc32(u8(text), split);
    EXPECT_EQ(nnrt::crc32(u8(text) + split, text.size() - split, first),
              nnrt::crc32(u8(text), text.size()));
  }
}

TEST(InflateTest, FixturesOfEachBlockType) {
  const struct {
    std::string gz;
    int btype, lines;
  } cases[] = {
      {str(kStoredGz), 0, 5}, {str(kFixedGz), 1, 10}, {str(kDynamicGz), 2, 20}};
  for (const auto &c : cases) {
    SCOPED_TRACE(c.btype);
    EXPECT_EQ((uint8_t(c.gz[10]) >> 1) & 3, c.btype);
    std::string out;
    ASSERT_EQ(gunzipString(c.gz, out), NNRT_OK) << nnrt_last_error();
    EXPECT_EQ(out, linesText(c.lines));

    // The raw stream alone: it ends 8 bytes (the trailer) before the end.
    std::vector<uint8_t> raw;
    size_t consumed = 0;
    ASSERT_EQ(
        nnrt::inflate(u8(c.gz) + 10, c.gz.size() - 10, raw, consumed, "raw"),
        NNRT_OK)
        << nnrt_last_error();
    EXPECT_EQ(toString(raw), linesText(c.lines));
    EXPECT_EQ(consumed, c.gz.size() - 18);
  }
}

TEST(InflateTest, InflateAppendsButMatchesStayInItsOwnOutput) {
  std::vector<uint8_t> out = {'x', 'y'};
  size_t consumed = 0;
  std::string gz = str(kDynamicGz);
  ASSERT_EQ(nnrt::inflate(u8(gz) + 10, gz.size() - 10, out, consumed, "raw"),
            NNRT_OK);
  EXPECT_EQ(toString(out), "xy" + linesText(20));

  // A match of distance 1 first thing: out's earlier bytes are not history.
  std::string stream = BitWriter()
                           .bits(1, 1)
                           .bits(1, 2)
                           .code(1, 7)
                           .code(0, 5)
                           .code(0, 7)
                           .bytes();
  out = {'x'};
  EXPECT_EQ(nnrt::inflate(u8(stream), stream.size(), out, consumed, "raw"),
            NNRT_ERR_FORMAT);
  EXPECT_TRUE(contains(nnrt_last_error(), "raw: distance 1 too far back"))
      << nnrt_last_error();
}

TEST(InflateTest, ConcatenatedMembersAndZeroPadding) {
  std::string gz = str(kStoredGz) + str(kFixedGz) + str(kDynamicGz) +
                   std::string(5, '\0') + str(kFixedGz) + std::string(3, '\0');
  std::string out;
  ASSERT_EQ(gunzipString(gz, out), NNRT_OK) << nnrt_last_error();
  EXPECT_EQ(out, linesText(5) + linesText(10) + linesText(20) + linesText(10));
}

TEST(InflateTest, HeaderFields) {
  // FEXTRA, FNAME, FCOMMENT and FHCRC around kStoredGz's deflate data. The
  // header CRC is the low half of the CRC-32 of the header before it.
  std::string stored = str(kStoredGz);
  std::string header =
      std::string("\x1f\x8b\x08\x1e", 4) + le(0x5f000000, 4) +
      std::string("\x00\x03", 2) + le(6, 2) + std::string("AB\x02\x00xy", 6) +
      "file.txt" + std::string(1, '\0') + "a comment" + std::string(1, '\0');
  std::string gz = header +
                   le(nnrt::crc32(u8(header), header.size()) & 0xFFFF, 2) +
                   stored.substr(10);
  std::string out;
  ASSERT_EQ(gunzipString(gz, out), NNRT_OK) << nnrt_last_error();
  EXPECT_EQ(out, linesText(5));

  gz[header.size()] ^= 1;
  EXPECT_EQ(gunzipString(gz, out), NNRT_ERR_FORMAT);
  EXPECT_TRUE(contains(nnrt_last_error(), "t.gz: gzip member 1: header CRC"))
      << nnrt_last_error();
}

TEST(InflateTest, OutputLimit) {
  std::string out;
  std::string text = linesText(20);
  EXPECT_EQ(gunzipString(str(kDynamicGz), out, text.size()), NNRT_OK);
  EXPECT_EQ(gunzipString(str(kDynamicGz), out, text.size() - 1),
            NNRT_ERR_FORMAT);
  EXPECT_TRUE(contains(nnrt_last_error(), "decompressed data exceeds"))
      << nnrt_last_error();
  EXPECT_EQ(gunzipString(str(kStoredGz), out, 10), NNRT_ERR_FORMAT);
  EXPECT_TRUE(contains(nnrt_last_error(), "decompressed data exceeds 10 bytes"))
      << nnrt_last_error();
  // Every limit: exactly the data's size is enough, one byte less is not,
  // for gunzip (which sizes its first buffer by the limit) and inflate
  // (whose buffer grows past it); inflate counts what out already holds.
  for (const std::string &gz :
       {str(kStoredGz), str(kFixedGz), str(kDynamicGz)}) {
    std::string full;
    ASSERT_EQ(gunzipString(gz, full), NNRT_OK);
    for (size_t limit = 0; limit <= full.size() + 1; ++limit) {
      nnrt_status expected = limit >= full.size() ? NNRT_OK : NNRT_ERR_FORMAT;
      EXPECT_EQ(gunzipString(gz, out, limit), expected) << limit;
      std::vector<uint8_t> raw = {'x', 'y'};
      size_t consumed = 0;
      EXPECT_EQ(nnrt::inflate(u8(gz) + 10, gz.size() - 10, raw, consumed, "raw",
                              limit + 2),
                expected)
          << limit;
      if (expected == NNRT_OK)
        EXPECT_EQ(toString(raw), "xy" + full);
    }
  }
  std::vector<uint8_t> raw(5);
  size_t consumed = 0;
  EXPECT_EQ(nnrt::inflate(kStoredGz + 10, sizeof(kStoredGz) - 10, raw, consumed,
                          "raw", 4),
            NNRT_ERR_FORMAT);
}

//===----------------------------------------------------------------------===//
// Crafted DEFLATE streams
//===----------------------------------------------------------------------===//

// Fixed-code symbols (RFC 1951 3.2.6) as (code, length).
static constexpr uint32_t kLitA = 0x30 + 'a'; // 8 bits
static constexpr uint32_t kEnd = 0;           // 256, 7 bits
static constexpr uint32_t kLen3 = 1;          // 257, 7 bits

/// A final fixed-code block's header.
static BitWriter fixedBlock() { return BitWriter().bits(1, 1).bits(1, 2); }

TEST(InflateTest, CraftedStreams) {
  // Lengths of the code length code by symbol, for the dynamic cases.
  auto clc = [](std::initializer_list<std::pair<int, int>> lengths) {
    std::vector<int> v(19, 0);
    for (auto [sym, len] : lengths)
      v[sym] = len;
    return v;
  };
  const struct {
    const char *name;
    std::string stream;
    const char *expected; // output, or null for an error
    const char *message;
  } cases[] = {
      {"empty input", "", nullptr, "raw: truncated: the data ends at byte 0"},
      {"block type 3", BitWriter().bits(1, 1).bits(3, 2).bytes(), nullptr,
       "raw: invalid DEFLATE block type 3 at byte 0"},
      {"stored, NLEN wrong",
       BitWriter()
           .bits(1, 1)
           .bits(0, 2)
           .align()
           .byte(0)
           .byte(0)
           .byte(0)
           .byte(0)
           .bytes(),
       nullptr, "stored block length 0x0000 does not match its complement"},
      {"stored, data short",
       BitWriter()
           .bits(1, 1)
           .bits(0, 2)
           .align()
           .byte(5)
           .byte(0)
           .byte(0xFA)
           .byte(0xFF)
           .byte('a')
           .bytes(),
       nullptr, "truncated: the data ends at byte 6"},
      {"stored, empty then fixed",
       BitWriter()
           .bits(0, 1)
           .bits(0, 2)
           .align()
           .byte(0)
           .byte(0)
           .byte(0xFF)
           .byte(0xFF)
           .bits(1, 1)
           .bits(1, 2)
           .code(kLitA, 8)
           .code(kEnd, 7)
           .bytes(),
       "a", nullptr},
      {"fixed, overlapping match",
       fixedBlock()
           .code(kLitA, 8)
           .code(kLen3, 7)
           .code(0, 5)
           .code(kEnd, 7)
           .bytes(),
       "aaaa", nullptr},
      {"fixed, distance too far",
       fixedBlock().code(kLitA, 8).code(kLen3, 7).code(1, 5).bytes(), nullptr,
       "distance 2 too far back (1 bytes decoded)"},
      {"fixed, length symbol 286", fixedBlock().code(0xC6, 8).bytes(), nullptr,
       "invalid literal/length symbol 286"},
      {"fixed, distance symbol 30",
       fixedBlock().code(kLitA, 8).code(kLen3, 7).code(30, 5).bytes(), nullptr,
       "invalid distance symbol 30"},
      {"fixed, no end of block", fixedBlock().code(kLitA, 8).bytes(), nullptr,
       "truncated"},
      {"fixed, not final, stream ends",
       BitWriter().bits(0, 1).bits(1, 2).code(kEnd, 7).bytes(), nullptr,
       "truncated"},
      {"dynamic, HLIT 287",
       BitWriter()
           .bits(1, 1)
           .bits(2, 2)
           .bits(30, 5)
           .bits(0, 5)
           .bits(0, 4)
           .bytes(),
       nullptr, "287 literal/length and 1 distance codes"},
      {"dynamic, HDIST 31",
       BitWriter()
           .bits(1, 1)
           .bits(2, 2)
           .bits(0, 5)
           .bits(30, 5)
           .bits(0, 4)
           .bytes(),
       nullptr, "257 literal/length and 31 distance codes"},
      {"dynamic, over-subscribed code length code",
       [] {
         BitWriter w;
         w.bits(1, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(15, 4);
         for (int i = 0; i < 19; ++i)
           w.bits(1, 3);
         return w.bytes();
       }(),
       nullptr, "over-subscribed code length code"},
      {"dynamic, incomplete code length code",
       DynamicBlock(257, 1, clc({{0, 1}})).w.bytes(), nullptr,
       "incomplete code length code"},
      {"dynamic, empty code length code",
       DynamicBlock(257, 1, clc({})).w.bytes(), nullptr,
       "empty code length code"},
      {"dynamic, repeat first",
       DynamicBlock(257, 1, clc({{0, 1}, {16, 1}})).sym(16, 0, 2).w.bytes(),
       nullptr, "code length repeat with no previous length"},
      {"dynamic, repeat past the end",
       DynamicBlock(257, 1, clc({{0, 1}, {18, 1}}))
           .zeros(138)
           .zeros(138)
           .w.bytes(),
       nullptr, "code length repeat past the last code"},
      {"dynamic, no end-of-block code",
       DynamicBlock(257, 1, clc({{0, 1}, {18, 1}}))
           .zeros(138)
           .zeros(120)
           .w.bytes(),
       nullptr, "dynamic block without an end-of-block code"},
      {"dynamic, over-subscribed literal/length code",
       DynamicBlock(257, 1, clc({{0, 2}, {1, 2}, {18, 1}}))
           .sym(1)
           .sym(1)
           .sym(1)
           .zeros(138)
           .zeros(115)
           .sym(1)
           .sym(0)
           .w.bytes(),
       nullptr, "over-subscribed literal/length code"},
      {"dynamic, incomplete literal/length code",
       DynamicBlock(257, 1, clc({{0, 2}, {2, 2}, {18, 1}}))
           .zeros(138)
           .zeros(118)
           .sym(2)
           .sym(0)
           .w.bytes(),
       nullptr, "incomplete literal/length code"},
      {"dynamic, lone distance code",
       // Literal 'a' length 1, 256 and 257 length 2, one distance code of
       // length 1: "a", then a match of 3 at distance 1, then the end.
       [&] {
         DynamicBlock b(258, 1, clc({{1, 2}, {2, 2}, {18, 1}}));
         b.zeros(97).sym(1).zeros(138).zeros(20).sym(2).sym(2).sym(1);
         b.w.code(0, 1).code(3, 2).code(0, 1).code(2, 2);
         return b.w.bytes();
       }(),
       "aaaa", nullptr},
      {"dynamic, code not in an incomplete code",
       // Only 256, of length 1: the bit 1 starts no code.
       [&] {
         DynamicBlock b(257, 1, clc({{0, 2}, {1, 2}, {18, 1}}));
         b.zeros(138).zeros(118).sym(1).sym(0);
         b.w.code(1, 1);
         return b.w.bytes();
       }(),
       nullptr, "invalid literal/length code"},
      {"dynamic, no distance codes",
       // 256 and 257 of length 1, no distance code: a match cannot decode.
       [&] {
         DynamicBlock b(258, 1, clc({{0, 2}, {1, 2}, {18, 1}}));
         b.zeros(138).zeros(118).sym(1).sym(1).sym(0);
         b.w.code(1, 1).code(0, 1);
         return b.w.bytes();
       }(),
       nullptr, "invalid distance code"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<uint8_t> out;
    size_t consumed = 0;
    nnrt_status status =
        nnrt::inflate(u8(c.stream), c.stream.size(), out, consumed, "raw");
    if (c.expected) {
      ASSERT_EQ(status, NNRT_OK) << nnrt_last_error();
      EXPECT_EQ(toString(out), c.expected);
      EXPECT_EQ(consumed, c.stream.size());
    } else {
      EXPECT_EQ(status, NNRT_ERR_FORMAT);
      EXPECT_TRUE(contains(nnrt_last_error(), c.message)) << nnrt_last_error();
      EXPECT_TRUE(contains(nnrt_last_error(), "raw: ")) << nnrt_last_error();
    }
  }
}

//===----------------------------------------------------------------------===//
// gzip container errors and corrupt inputs
//===----------------------------------------------------------------------===//

TEST(InflateTest, GzipContainerErrors) {
  std::string good = str(kStoredGz);
  auto with = [&](size_t at, uint8_t value) {
    std::string gz = good;
    gz[at] = char(value);
    return gz;
  };
  size_t trailer = good.size() - 8;
  const struct {
    const char *name;
    std::string gz;
    const char *message;
  } cases[] = {
      {"empty", "", "t.gz: empty, not gzip data"},
      {"one byte", "x", "t.gz: not gzip data (1 byte)"},
      {"bad magic", "PK\x03\x04 and more bytes",
       "t.gz: not gzip data (starts with 0x50 0x4b, not 0x1f 0x8b)"},
      {"short header", good.substr(0, 9),
       "t.gz: gzip member 1: truncated header: the data ends at byte 9"},
      {"method 7", with(2, 7),
       "t.gz: gzip member 1: compression method 7 is not 8 (deflate)"},
      {"reserved flag", with(3, 0x20),
       "t.gz: gzip member 1: reserved header flags 0x20 are set"},
      {"FNAME unterminated", std::string("\x1f\x8b\x08\x08\0\0\0\0\0\3abc", 13),
       "t.gz: gzip member 1: truncated header"},
      {"FEXTRA too long",
       std::string("\x1f\x8b\x08\x04\0\0\0\0\0\3\x10\0abc", 15),
       "t.gz: gzip member 1: truncated header"},
      {"FHCRC missing", good.substr(0, 3) + "\x02" + good.substr(4, 7),
       "t.gz: gzip member 1: truncated header"},
      {"CRC-32 wrong", with(trailer, uint8_t(good[trailer]) ^ 0x40),
       "t.gz: gzip member 1: CRC-32 mismatch: the trailer says 0x26cde365, "
       "the data's is 0x26cde325"},
      {"ISIZE wrong", with(trailer + 4, 0x34),
       "t.gz: gzip member 1: size mismatch: the trailer says 52 bytes (mod "
       "2^32), the data has 51"},
      {"trailer short", good.substr(0, good.size() - 3),
       "t.gz: gzip member 1: truncated trailer: the data ends at byte 71"},
      {"data after member", good + "garbage",
       "t.gz: unexpected data after gzip member 1 at byte 74"},
      {"data after padding", good + std::string(4, '\0') + "\x1f",
       "t.gz: gzip member 2: truncated header: the data ends at byte 79"},
      {"second member short", good + good.substr(0, 40),
       "t.gz: gzip member 2: truncated: the data ends at byte 114"},
      {"deflate error position", with(10, 0x07),
       "t.gz: gzip member 1: invalid DEFLATE block type 3 at byte 10"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    std::string out;
    EXPECT_EQ(gunzipString(c.gz, out), NNRT_ERR_FORMAT);
    EXPECT_TRUE(contains(nnrt_last_error(), c.message)) << nnrt_last_error();
    EXPECT_TRUE(out.empty());
  }
}

TEST(InflateTest, TruncatedAtEveryOffset) {
  const struct {
    std::string gz;
    size_t validAt; // a prefix that is itself complete gzip data, or 0
  } cases[] = {{str(kStoredGz), 0},
               {str(kFixedGz), 0},
               {str(kDynamicGz), 0},
               {str(kFixedGz) + str(kDynamicGz), sizeof(kFixedGz)}};
  for (const auto &c : cases) {
    for (size_t n = 0; n < c.gz.size(); ++n) {
      // A copy of exactly n bytes, so that a sanitizer sees any read past.
      std::vector<uint8_t> prefix(c.gz.begin(), c.gz.begin() + n);
      std::vector<uint8_t> out;
      nnrt_status status = nnrt::gunzip(prefix.data(), n, out, "t.gz");
      if (n == c.validAt && n) {
        EXPECT_EQ(status, NNRT_OK) << nnrt_last_error();
        continue;
      }
      EXPECT_EQ(status, NNRT_ERR_FORMAT) << n;
      EXPECT_TRUE(n == 0 || contains(nnrt_last_error(), "truncated"))
          << n << ": " << nnrt_last_error();
    }
  }
}

TEST(InflateTest, FlippedBytesAreErrorsOrHarmless) {
  for (const std::string &gz :
       {str(kStoredGz), str(kFixedGz), str(kDynamicGz)}) {
    std::string original;
    ASSERT_EQ(gunzipString(gz, original), NNRT_OK);
    int harmless = 0;
    for (size_t at = 0; at < gz.size(); ++at) {
      for (uint8_t mask : {0x01, 0x02, 0x10, 0x80, 0xFF}) {
        std::vector<uint8_t> bad(gz.begin(), gz.end());
        bad[at] ^= mask;
        std::vector<uint8_t> out;
        if (nnrt::gunzip(bad.data(), bad.size(), out, "t.gz") != NNRT_OK) {
          EXPECT_TRUE(contains(nnrt_last_error(), "t.gz: "));
          continue;
        }
        // Only fields no check covers can change: FTEXT, MTIME, XFL, OS and
        // the padding bits after a block header or the final block.
        EXPECT_EQ(toString(out), original) << at << " ^ " << int(mask);
        EXPECT_LT(at, gz.size() - 8) << "a trailer flip went unnoticed";
        ++harmless;
      }
    }
    EXPECT_GE(harmless, 6 * 5); // bytes 4..9 are never checked
    EXPECT_LT(harmless, int(gz.size()));
  }
}

//===----------------------------------------------------------------------===//
// Interop and real data
//===----------------------------------------------------------------------===//

/// Writes NAME.gz and NAME.raw (the data it holds) for every case and their
/// names to "manifest". Each .gz is checked with Python's own gzip first.
static const char kPythonGzip[] = R"PY(
import gzip, io, random, struct, sys, zlib

d = sys.argv[1]
rng = random.Random(1234)
payloads = {
    "empty": b"",
    "byte": b"x",
    "text": b"The quick brown fox jumps over the lazy dog. " * 3000,
    "lines": "".join(f"line {i}: {i * i}\n" for i in range(20000)).encode(),
    # Incompressible: stored blocks at every level, several over 64 KiB.
    "random": rng.randbytes(200000),
    "skewed": bytes(rng.choice(b"aaaaaaabbbccd\n") for _ in range(300000)),
    "zeros": bytes(1 << 20),
}
names = []


def wrap(body, data, flags=0, extra=b"", fname=b"", comment=b""):
    """A gzip member around the raw deflate stream `body` (RFC 1952)."""
    h = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 1234567) + b"\0\3"
    if flags & 4:
        h += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        h += fname + b"\0"
    if flags & 16:
        h += comment + b"\0"
    if flags & 2:
        h += struct.pack("<H", zlib.crc32(h) & 0xFFFF)
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return h + body + trailer


def raw(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, chunk=None):
    """Raw deflate; with `chunk`, a sync flush (an empty stored block) after
    every chunk bytes."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    if chunk is None:
        return c.compress(data) + c.flush()
    body = b""
    for i in range(0, len(data), chunk):
        body += c.compress(data[i:i + chunk]) + c.flush(zlib.Z_SYNC_FLUSH)
    return body + c.flush()


def put(name, data, gz, check=True):
    if check:
        assert gzip.decompress(gz) == data, name
    with open(f"{d}/{name}.gz", "wb") as f:
        f.write(gz)
    with open(f"{d}/{name}.raw", "wb") as f:
        f.write(data)
    names.append(name)


for p, data in payloads.items():
    for level in (0, 1, 6, 9):
        put(f"{p}-level{level}", data,
            gzip.compress(data, compresslevel=level, mtime=0))
    put(f"{p}-fixed", data, wrap(raw(data, 9, zlib.Z_FIXED), data))
    put(f"{p}-huffman", data, wrap(raw(data, 9, zlib.Z_HUFFMAN_ONLY), data))
    put(f"{p}-rle", data, wrap(raw(data, 9, zlib.Z_RLE), data))
    put(f"{p}-sync", data, wrap(raw(data, 6, chunk=777), data))
    put(f"{p}-fields", data, wrap(raw(data), data, 2 | 4 | 8 | 16,
                                  b"XY\x02\0ab", b"name.idx", b"comment"))

buf = io.BytesIO()
with gzip.GzipFile(filename="lines.txt", mode="wb", fileobj=buf,
                   mtime=0) as f:
    f.write(payloads["lines"])
put("gzipfile-fname", payloads["lines"], buf.getvalue())
parts = [("text", 1), ("empty", 6), ("random", 0), ("lines", 9)]
members = [gzip.compress(payloads[p], level) for p, level in parts]
joined = b"".join(payloads[p] for p, _ in parts)
put("members", joined, b"".join(members))
put("members-padded", joined,
    members[0] + bytes(10) + members[1] + members[2] + bytes(1) + members[3] +
    bytes(3))
with open(f"{d}/manifest", "w") as f:
    f.write("\n".join(names) + "\n")
)PY";

TEST(InflateTest, RoundTripsDataGzippedByPython) {
  std::string python = findPython("gzip zlib");
  if (python.empty())
    GTEST_SKIP() << "no python3 found (set NNRT_TEST_PYTHON)";
  TempDir dir;
  std::string output;
  ASSERT_TRUE(runPython(python, kPythonGzip, dir.dir(), dir, output)) << output;
  std::istringstream manifest(readFile(dir.file("manifest")));
  int count = 0;
  for (std::string name; std::getline(manifest, name);) {
    SCOPED_TRACE(name);
    std::string gz = readFile(dir.file(name + ".gz"));
    std::string expected = readFile(dir.file(name + ".raw"));
    std::string out;
    ASSERT_EQ(gunzipString(gz, out), NNRT_OK) << nnrt_last_error();
    EXPECT_TRUE(out == expected)
        << out.size() << " bytes, expected " << expected.size();
    // Single members without optional fields: the raw stream is what lies
    // between the 10-byte header and the 8-byte trailer.
    if (gz[3] == 0 && name.rfind("members", 0) != 0) {
      std::vector<uint8_t> raw;
      size_t consumed = 0;
      ASSERT_EQ(
          nnrt::inflate(u8(gz) + 10, gz.size() - 10, raw, consumed, "raw"),
          NNRT_OK)
          << nnrt_last_error();
      EXPECT_EQ(consumed, gz.size() - 18);
      EXPECT_TRUE(toString(raw) == expected);
    }
    ++count;
  }
  EXPECT_EQ(count, 7 * 9 + 3);
}

TEST(InflateTest, FashionMnistTrainImages) {
  const char *path =
      "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
  std::string gz = readFile(path);
  if (gz.empty())
    GTEST_SKIP() << path << " not found";
  std::vector<uint8_t> out;
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(nnrt::gunzip(u8(gz), gz.size(), out, path), NNRT_OK)
      << nnrt_last_error();
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  // From Python: len(data) and hex(zlib.crc32(data)) with
  // data = gzip.open(path).read().
  EXPECT_EQ(out.size(), 47040016u);
  EXPECT_EQ(nnrt::crc32(out.data(), out.size()), 0xB4F29F28u);
  std::printf("[   INFO   ] gunzip %s: %.1f ms\n", path, ms);
  RecordProperty("gunzip_ms", int(ms));
}
