//===- Codegen.cpp - From the nn dialect to a chosen stage ----------------===//
//
// Runs the conversion pipelines up to the requested stage. A pipeline that
// fails on IR that verified is a compiler bug: the caller reports it as an
// internal error.
//
//===----------------------------------------------------------------------===//

#include "nnc/Driver/Codegen.h"
#include "nnc/Conversion/Passes.h"
#include "nnc/Conversion/Pipelines.h"
#include "nnc/Target/ExportHeader.h"
#include "nnc/Target/Linker.h"
#include "nnc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"

using namespace nnc;

std::optional<Stage> nnc::parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Stage>>(name)
      .Case("nn", Stage::NN)
      .Case("grad", Stage::Grad)
      .Case("linalg", Stage::Linalg)
      .Case("mlir-llvm", Stage::LLVMDialect)
      .Case("llvm", Stage::LLVMIR)
      .Case("asm", Stage::Assembly)
      .Case("obj", Stage::Object)
      .Default(std::nullopt);
}

static bool runPasses(mlir::ModuleOp module, Stage stage,
                      llvm::raw_ostream &errs) {
  mlir::MLIRContext *ctx = module.getContext();
  mlir::DialectRegistry registry;
  registerCPUPipelineDependencies(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadAllAvailableDialects();
  mlir::PassManager pm(ctx);
  if (stage == Stage::Grad) {
    pm.addPass(createNNAutodiffPass());
  } else if (stage == Stage::Linalg) {
    buildGradientPipeline(pm);
    pm.addPass(createConvertNNToLinalgPass());
  } else {
    buildCPUPipeline(pm);
  }
  if (mlir::succeeded(pm.run(module)))
    return true;
  // A failure in autodiff was reported with its location (an op without a
  // gradient); the others are the compiler's.
  errs << "nnc: error: "
       << (stage == Stage::Grad     ? "differentiation"
           : stage == Stage::Linalg ? "lowering to linalg"
                                    : "lowering to the LLVM dialect")
       << " failed\n";
  return false;
}

bool nnc::emitStage(mlir::ModuleOp module, Stage stage,
                    const CodegenOptions &opts, bool locations,
                    llvm::raw_pwrite_stream &os, llvm::raw_ostream &errs) {
  if (stage != Stage::NN && !runPasses(module, stage, errs))
    return false;
  if (stage == Stage::NN || stage == Stage::Grad || stage == Stage::Linalg ||
      stage == Stage::LLVMDialect) {
    mlir::OpPrintingFlags flags;
    if (locations)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false)
          .useLocalScope();
    module.print(os, flags);
    return true;
  }
  OutputKind kind = stage == Stage::LLVMIR      ? OutputKind::LLVMIR
                    : stage == Stage::Assembly ? OutputKind::Assembly
                                               : OutputKind::Object;
  return emitNative(module, opts, kind, os, errs);
}

/// Lowers `module` to a temporary object file and links it into `output`
/// as an executable, or as a shared library when `opts.exportName` is set.
static bool buildAndLink(mlir::ModuleOp module, const CodegenOptions &opts,
                         const std::string &output, llvm::raw_ostream &errs) {
  llvm::SmallString<128> object;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("nnc", "o", fd, object)) {
    errs << "nnc: error: cannot create a temporary object file\n";
    return false;
  }
  bool ok;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    ok = emitStage(module, Stage::Object, opts, false, os, errs);
  }
  ok = ok && (opts.exportName.empty()
                  ? linkExecutable(std::string(object), output, errs)
                  : linkSharedLibrary(std::string(object), output,
                                      opts.exportName, errs));
  llvm::sys::fs::remove(object);
  return ok;
}

bool nnc::buildExecutable(mlir::ModuleOp module, const CodegenOptions &opts,
                          const std::string &output, llvm::raw_ostream &errs) {
  CodegenOptions exe = opts;
  exe.exportName.clear();
  return buildAndLink(module, exe, output, errs);
}

bool nnc::buildLibrary(mlir::ModuleOp module, const CodegenOptions &opts,
                       llvm::StringRef model, const std::string &output,
                       const std::string &header, llvm::raw_ostream &errs) {
  assert(!opts.exportName.empty() && "a library needs an export name");
  // Emitting the object consumes the descriptor attribute: read it first.
  auto attr = module->getAttrOfType<mlir::StringAttr>("nn.descriptor");
  if (!attr) {
    errs << "nnc: internal error: the module has no model descriptor\n";
    return false;
  }
  std::string descriptor = attr.str();
  if (!buildAndLink(module, opts, output, errs))
    return false;
  std::error_code ec;
  llvm::raw_fd_ostream os(header, ec);
  if (ec) {
    errs << "nnc: error: cannot write '" << header << "': " << ec.message()
         << "\n";
    return false;
  }
  return writeExportHeader(descriptor, model, opts.exportName, os, errs);
}
