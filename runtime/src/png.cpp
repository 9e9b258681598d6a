//===- png.cpp - Writing PNG images ---------------------------------------===//
//
// The PNG signature, then the IHDR, IDAT and IEND chunks, each with its
// CRC-32. IDAT is a zlib stream (RFC 1950) of stored deflate blocks (RFC
// 1951, BTYPE 00) holding each row after the filter byte 0 (none), and its
// Adler-32.
//
//===----------------------------------------------------------------------===//

#include "png.h"

#include "file.h"
#include "inflate.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace nnrt;

static uint32_t adler32(const std::vector<uint8_t> &data) {
  uint32_t a = 1, b = 0;
  for (uint8_t byte : data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

static void putBE32(std::vector<uint8_t> &out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(v >> shift));
}

/// Appends chunk \p type with \p data and its CRC (over type and data).
static void putChunk(std::vector<uint8_t> &out, const char *type,
                     const std::vector<uint8_t> &data) {
  putBE32(out, static_cast<uint32_t>(data.size()));
  size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  putBE32(out, nnrt::crc32(out.data() + start, out.size() - start));
}

nnrt_status nnrt::writePng(const char *path, int64_t width, int64_t height,
                           int channels, const uint8_t *pixels) {
  // The filtered image: each row prefixed with filter type 0.
  size_t rowBytes = static_cast<size_t>(width) * channels;
  std::vector<uint8_t> raw;
  raw.reserve((rowBytes + 1) * height);
  for (int64_t r = 0; r < height; ++r) {
    raw.push_back(0);
    raw.insert(raw.end(), pixels + r * rowBytes, pixels + (r + 1) * rowBytes);
  }
  // zlib header (deflate, 32K window, no dictionary; 0x7801 % 31 == 0),
  // stored blocks of at most 65535 bytes, then the Adler-32.
  std::vector<uint8_t> z{0x78, 0x01};
  size_t pos = 0;
  do {
    size_t n = std::min<size_t>(65535, raw.size() - pos);
    bool last = pos + n == raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<uint8_t>(n));
    z.push_back(static_cast<uint8_t>(n >> 8));
    z.push_back(static_cast<uint8_t>(~n));
    z.push_back(static_cast<uint8_t>(~n >> 8));
    z.insert(z.end(), raw.begin() + pos, raw.begin() + pos + n);
    pos += n;
  } while (pos < raw.size());
  putBE32(z, adler32(raw));

  std::vector<uint8_t> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> header;
  putBE32(header, static_cast<uint32_t>(width));
  putBE32(header, static_cast<uint32_t>(height));
  // Bit depth 8; color type 0 (gray) or 2 (RGB); deflate; adaptive
  // filtering; no interlace.
  header.insert(header.end(),
                {8, static_cast<uint8_t>(channels == 3 ? 2 : 0), 0, 0, 0});
  putChunk(png, "IHDR", header);
  putChunk(png, "IDAT", z);
  putChunk(png, "IEND", {});

  OutputFile file;
  if (nnrt_status s = file.open(path))
    return s;
  if (nnrt_status s = file.write(png.data(), png.size()))
    return s;
  return file.commit();
}
