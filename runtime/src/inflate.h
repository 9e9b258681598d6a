//===- inflate.h - DEFLATE decoding and gzip reading -------------*- C++
//-*-===//
//
// A DEFLATE (RFC 1951) decoder and a gzip (RFC 1952) reader written from
// the RFCs, so that the runtime can read .gz datasets without zlib. The
// input is untrusted: every malformed stream (truncated, a reserved block
// type, code lengths that do not form a prefix code, a distance reaching
// before the start of the data, a CRC-32 or size that does not match) is an
// NNRT_ERR_FORMAT status with a message, never a read outside the input.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_INFLATE_H
#define NNRT_SRC_INFLATE_H

#include "nnrt/nnrt.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnrt {

/// The CRC-32 of ISO 3309 / ITU-T V.42 that gzip and PNG use (reflected
/// polynomial 0xEDB88320), continued from \p crc: crc32(b, n2,
/// crc32(a, n1)) is the CRC of a followed by b.
uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc = 0);

/// Decodes the raw DEFLATE stream at the start of \p data, appending the
/// bytes to \p out (matches may only reach back to out's size at the call).
/// On success \p consumed is the number of input bytes up to the end of the
/// final block, rounded up to a whole byte. Fails when the output would
/// exceed \p maxOutput bytes in total (counting what \p out held before);
/// on failure \p out holds the bytes decoded before the error. Messages
/// start with \p name.
nnrt_status inflate(const uint8_t *data, size_t size, std::vector<uint8_t> &out,
                    size_t &consumed, const char *name,
                    size_t maxOutput = SIZE_MAX);

/// Decompresses gzip data: one or more members (as `cat a.gz b.gz` makes),
/// each with any of the header fields FEXTRA, FNAME, FCOMMENT and FHCRC
/// (checked), and each member's CRC-32 and ISIZE checked. Zero bytes after a
/// member are skipped (as gzip and Python do); anything else is an error.
/// \p out is replaced by the data. Messages start with \p name, normally the
/// file's path. Fails when the output would exceed \p maxOutput bytes.
nnrt_status gunzip(const uint8_t *data, size_t size, std::vector<uint8_t> &out,
                   const char *name, size_t maxOutput = SIZE_MAX);

} // namespace nnrt

#endif // NNRT_SRC_INFLATE_H
