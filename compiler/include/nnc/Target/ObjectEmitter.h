//===- ObjectEmitter.h - LLVM dialect to host object code --------*- C++ -*-===//
//
// The last step of the CPU path: translate a module in the LLVM dialect to
// LLVM IR, optimize it, and emit assembly or an object file for the host (or
// a chosen CPU) in-process with LLVM's TargetMachine.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_TARGET_OBJECTEMITTER_H
#define NNC_TARGET_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

namespace nnc {

struct CodegenOptions {
  /// `native` (the host CPU and its features), or an LLVM CPU name such as
  /// `x86-64-v3`.
  std::string cpu = "native";
  unsigned optLevel = 3; ///< 0..3
  /// Empty for an executable's object. Otherwise the object is for a shared
  /// library exporting the model as `<exportName>_create`, `_load`,
  /// `_forward` and `_destroy` (runtime/include/nnrt/embed.h); its
  /// descriptor and packed entry are `<exportName>_model_descriptor` and
  /// `<exportName>_forward_packed`, and every other definition is internal,
  /// so that several exported models can be linked into one program.
  std::string exportName;
};

enum class OutputKind { LLVMIR, Assembly, Object };

/// Translates `module` (LLVM dialect only) and writes `kind` to `os`.
/// Returns false after printing an error (`nnc: error: ...`) to `errs`.
bool emitNative(mlir::ModuleOp module, const CodegenOptions &opts,
                OutputKind kind, llvm::raw_pwrite_stream &os,
                llvm::raw_ostream &errs);

} // namespace nnc

#endif // NNC_TARGET_OBJECTEMITTER_H
