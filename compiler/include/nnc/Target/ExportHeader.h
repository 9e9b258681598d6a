//===- ExportHeader.h - The C header of an exported model -------*- C++ -*-===//
//
// `nnc build --export NAME` writes, beside the shared library, a C header
// declaring the library's embedding API (NAME_create, NAME_load,
// NAME_forward, NAME_destroy; runtime/include/nnrt/embed.h) and documenting
// the model's inputs and outputs as the model descriptor lists them.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_TARGET_EXPORTHEADER_H
#define NNC_TARGET_EXPORTHEADER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace nnc {

/// Writes the header of the model exported as `prefix` (a C identifier)
/// from `model` (its name in the source), whose descriptor is the JSON
/// `descriptor`, to `os`. Returns false after printing an internal error to
/// `errs` when the descriptor does not parse.
bool writeExportHeader(llvm::StringRef descriptor, llvm::StringRef model,
                       llvm::StringRef prefix, llvm::raw_ostream &os,
                       llvm::raw_ostream &errs);

} // namespace nnc

#endif // NNC_TARGET_EXPORTHEADER_H
