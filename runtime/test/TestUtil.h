//===- TestUtil.h - Helpers shared by the runtime's tests --------*- C++
//-*-===//
//
// Temporary directories, whole-file reads and writes, little-endian byte
// builders for crafting files, and running a Python script (with NumPy or
// safetensors) when one is available.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_TEST_TESTUTIL_H
#define NNRT_TEST_TESTUTIL_H

#include <cstdint>
#include <string>

namespace nnrt::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  /// The path of \p name inside the directory.
  std::string file(const std::string &name) const { return path + "/" + name; }
  const std::string &dir() const { return path; }

private:
  std::string path;
};

void writeFile(const std::string &path, const std::string &bytes);
std::string readFile(const std::string &path);

/// \p value as \p n little-endian bytes.
std::string le(uint64_t value, int n);

/// A Python interpreter that can import every module in \p modules
/// (space-separated), or "" when none is found. Tried in order: the
/// NNRT_TEST_PYTHON environment variable, the one CMake configured,
/// python3 on PATH, /usr/bin/python3.
std::string findPython(const std::string &modules);

/// Runs \p script with \p python and the argument \p arg; returns whether it
/// exited with status 0. Its output goes to \p output.
bool runPython(const std::string &python, const std::string &script,
               const std::string &arg, const TempDir &dir, std::string &output);

} // namespace nnrt::test

#endif // NNRT_TEST_TESTUTIL_H
