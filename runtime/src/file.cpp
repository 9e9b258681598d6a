//===- file.cpp - Checked file reading and atomic file writing ------------===//
//
// InputFile and OutputFile (see file.h): thin wrappers over stdio that turn
// every failure into an NNRT_ERR_IO message naming the file and the reason.
//
//===----------------------------------------------------------------------===//

#include "file.h"
#include "status.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

using namespace nnrt;

InputFile::~InputFile() {
  if (file)
    std::fclose(file);
}

nnrt_status InputFile::open(const char *path) {
  filePath = path;
  file = std::fopen(path, "rb");
  if (!file)
    return fail(NNRT_ERR_IO, "%s: cannot open: %s", path, std::strerror(errno));
  struct stat info;
  if (fstat(fileno(file), &info) != 0)
    return fail(NNRT_ERR_IO, "%s: cannot stat: %s", path, std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return fail(NNRT_ERR_IO, "%s: not a regular file", path);
  fileSize = static_cast<uint64_t>(info.st_size);
  return NNRT_OK;
}

nnrt_status InputFile::read(void *dst, size_t n, const char *what) {
  if (n == 0)
    return NNRT_OK;
  if (std::fread(dst, 1, n, file) == n)
    return NNRT_OK;
  if (std::ferror(file))
    return fail(NNRT_ERR_IO, "%s: cannot read %s: %s", path(), what,
                std::strerror(errno));
  return fail(NNRT_ERR_IO, "%s: file ended while reading %s", path(), what);
}

OutputFile::~OutputFile() {
  if (!file)
    return;
  std::fclose(file);
  std::remove(tempPath.c_str());
}

nnrt_status OutputFile::open(const char *path) {
  finalPath = path;
  tempPath = finalPath + ".tmp";
  file = std::fopen(tempPath.c_str(), "wb");
  if (!file)
    return fail(NNRT_ERR_IO, "%s: cannot create: %s", tempPath.c_str(),
                std::strerror(errno));
  return NNRT_OK;
}

nnrt_status OutputFile::write(const void *src, size_t n) {
  if (n == 0 || std::fwrite(src, 1, n, file) == n)
    return NNRT_OK;
  return fail(NNRT_ERR_IO, "%s: cannot write: %s", tempPath.c_str(),
              std::strerror(errno));
}

nnrt_status OutputFile::commit() {
  bool flushed = std::fflush(file) == 0;
  int flushErrno = errno;
  bool closed = std::fclose(file) == 0;
  file = nullptr;
  if (!flushed || !closed) {
    std::remove(tempPath.c_str());
    return fail(NNRT_ERR_IO, "%s: cannot write: %s", tempPath.c_str(),
                std::strerror(flushed ? errno : flushErrno));
  }
  if (std::rename(tempPath.c_str(), finalPath.c_str()) != 0) {
    int renameErrno = errno;
    std::remove(tempPath.c_str());
    return fail(NNRT_ERR_IO, "%s: cannot rename %s into place: %s",
                finalPath.c_str(), tempPath.c_str(),
                std::strerror(renameErrno));
  }
  return NNRT_OK;
}
