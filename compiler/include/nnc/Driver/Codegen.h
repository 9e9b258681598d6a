//===- Codegen.h - From the nn dialect to a chosen stage ---------*- C++ -*-===//
//
// The back half of the pipeline as a library call: lower a module that
// MLIRGen made to one of the stages `nnc emit` shows (linalg, the LLVM
// dialect, LLVM IR, assembly, an object file) and write it out.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DRIVER_CODEGEN_H
#define NNC_DRIVER_CODEGEN_H

#include "nnc/Target/ObjectEmitter.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace nnc {

enum class Stage { NN, Grad, Linalg, LLVMDialect, LLVMIR, Assembly, Object };

/// The stage called `name` (`nn`, `grad`, `linalg`, `mlir-llvm`, `llvm`,
/// `asm`, `obj`), if any.
std::optional<Stage> parseStage(llvm::StringRef name);

/// Lowers `module` to `stage` and writes it to `os`; MLIR stages print with
/// source locations when `locations` is set. Returns false after printing
/// an error to `errs`.
bool emitStage(mlir::ModuleOp module, Stage stage, const CodegenOptions &opts,
               bool locations, llvm::raw_pwrite_stream &os,
               llvm::raw_ostream &errs);

/// Lowers `module` to an object file and links it with the runtime into the
/// executable `output`.
bool buildExecutable(mlir::ModuleOp module, const CodegenOptions &opts,
                     const std::string &output, llvm::raw_ostream &errs);

/// Lowers `module` to an object file exporting the model as
/// `opts.exportName` (see CodegenOptions), links it with the runtime into
/// the shared library `output`, and writes its C header to `header`; `model`
/// names the model in the header's comment.
bool buildLibrary(mlir::ModuleOp module, const CodegenOptions &opts,
                  llvm::StringRef model, const std::string &output,
                  const std::string &header, llvm::raw_ostream &errs);

} // namespace nnc

#endif // NNC_DRIVER_CODEGEN_H
