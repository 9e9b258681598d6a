//===- DataFiles.h - Dataset file headers read at check time ------*- C++ -*-===//
//
// `csv(path, label)` and `npy(x_path, y_path)` name their files with literal
// strings, so the checker reads each file's header to type the batches: a
// CSV header row gives the feature count, an NPY header the shape and dtype.
// Only headers are read; the runtime reads the data (runtime/src/csv.cpp,
// runtime/src/data_source.cpp) with the same rules.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SEMA_DATAFILES_H
#define NNC_SEMA_DATAFILES_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>
#include <vector>

namespace nnc::sema {

/// `path` made absolute: a relative path is taken from the directory of
/// `fromFile`, the .nn file that names it.
std::string resolveDataPath(llvm::StringRef path, llvm::StringRef fromFile);

/// Reads the header row of the CSV file `path` into `columns` (names
/// trimmed of blanks and of one pair of double quotes). Returns "" or
/// what is wrong (an unreadable file, no header row, an empty or
/// repeated name).
std::string readCsvHeader(const std::string &path,
                          std::vector<std::string> &columns);

/// What an NPY header says.
struct NpyInfo {
  char kind = 0;      ///< 'f' float, 'i' signed or 'u' unsigned int, 'b' bool
  std::string descr;  ///< as written, e.g. "<f4"
  std::vector<int64_t> shape;
};

/// Reads the header of the NPY file `path`. Returns "" or what is wrong
/// (an unreadable file, not NPY, a dtype the runtime cannot read, Fortran
/// order).
std::string readNpyHeader(const std::string &path, NpyInfo &out);

} // namespace nnc::sema

#endif // NNC_SEMA_DATAFILES_H
