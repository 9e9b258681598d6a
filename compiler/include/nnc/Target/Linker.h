//===- Linker.h - Linking generated objects with the runtime ----*- C++ -*-===//
//
// Turns the object file of a model into a standalone executable by linking
// it with the runtime library (which holds `main` and all I/O). The system
// C++ compiler driver does the linking; code generation never leaves the
// process.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_TARGET_LINKER_H
#define NNC_TARGET_LINKER_H

#include "llvm/Support/raw_ostream.h"
#include <string>

namespace nnc {

/// Links `object` with the runtime into the executable `output`. Returns
/// false after printing an error to `errs`.
bool linkExecutable(const std::string &object, const std::string &output,
                    llvm::raw_ostream &errs);

/// Links `object` with the runtime (without its `main`) into the shared
/// library `output`, exporting only the symbols that start with
/// `<exportName>_` or `nnrt_` (the runtime's C API). Returns false after
/// printing an error to `errs`.
bool linkSharedLibrary(const std::string &object, const std::string &output,
                       const std::string &exportName, llvm::raw_ostream &errs);

} // namespace nnc

#endif // NNC_TARGET_LINKER_H
