//===- file.h - Checked file reading and atomic file writing -----*- C++
//-*-===//
//
// The runtime's only file access: InputFile knows its size up front (so the
// parsers can check lengths before allocating) and reads exact byte counts;
// OutputFile writes "<path>.tmp" and renames it over the path on commit, so
// a crash or a full disk never leaves a half-written checkpoint behind.
// Errors are reported through nnrt::fail with the path in the message.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_FILE_H
#define NNRT_SRC_FILE_H

#include "nnrt/nnrt.h"

#include <cstdio>
#include <string>

namespace nnrt {

/// A regular file opened for reading, with its size.
class InputFile {
public:
  InputFile() = default;
  InputFile(const InputFile &) = delete;
  InputFile &operator=(const InputFile &) = delete;
  ~InputFile();

  /// Opens \p path; fails with NNRT_ERR_IO when it cannot be opened or is
  /// not a regular file.
  nnrt_status open(const char *path);
  /// Reads exactly \p n bytes at the current position; a short read is
  /// NNRT_ERR_IO naming \p what.
  nnrt_status read(void *dst, size_t n, const char *what);

  uint64_t size() const { return fileSize; }
  const char *path() const { return filePath.c_str(); }

private:
  std::FILE *file = nullptr;
  std::string filePath;
  uint64_t fileSize = 0;
};

/// A file written under a temporary name and renamed into place by commit().
/// Destroying an uncommitted OutputFile removes the temporary file.
class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  ~OutputFile();

  nnrt_status open(const char *path);
  nnrt_status write(const void *src, size_t n);
  /// Flushes, closes and renames the temporary file to the final path.
  nnrt_status commit();

private:
  std::FILE *file = nullptr;
  std::string finalPath, tempPath;
};

} // namespace nnrt

#endif // NNRT_SRC_FILE_H
