//===- png.h - Writing PNG images -----------------------------*- C++ -*-===//
//
// An 8-bit grayscale or RGB PNG, written without a compression library:
// the zlib stream holds stored (uncompressed) deflate blocks, which every
// PNG reader accepts. Enough for the sample grids a training run writes.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_PNG_H
#define NNRT_SRC_PNG_H

#include "nnrt/nnrt.h"

#include <cstdint>

namespace nnrt {

/// Writes \p pixels (\p height rows of \p width pixels of \p channels bytes
/// each, 1 = gray or 3 = RGB) to \p path atomically; NNRT_ERR_IO naming the
/// path on failure.
nnrt_status writePng(const char *path, int64_t width, int64_t height,
                     int channels, const uint8_t *pixels);

} // namespace nnrt

#endif // NNRT_SRC_PNG_H
