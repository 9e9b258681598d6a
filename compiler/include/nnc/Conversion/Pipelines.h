//===- Pipelines.h - Pass pipelines from nn to LLVM -------------*- C++ -*-===//
//
// The pass pipelines that take a module of nn functions on tensors to the
// LLVM dialect, one per target, and their registration with the pass
// registry (`nnc-opt --nnc-cpu-pipeline`).
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CONVERSION_PIPELINES_H
#define NNC_CONVERSION_PIPELINES_H

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace nnc {

/// Still in the nn dialect: defines the gradient functions (nn-autodiff)
/// and inlines the calls of the entry points (a training step calls the
/// loss gradient and the optimizer updates), dropping what is left unused.
void buildGradientPipeline(mlir::OpPassManager &pm);

/// buildGradientPipeline, then nn -> linalg on tensors with elementwise
/// chains fused: the tensor program that bufferization turns into buffers
/// (and `--memory-report` plans).
void buildTensorPipeline(mlir::OpPassManager &pm);

/// Lowers a module of `func.func`s on tensors holding nn ops to pure LLVM
/// dialect for the host CPU. Public functions take and return memref
/// descriptors (MLIR's default calling convention), with identity layouts;
/// returned buffers are allocated with malloc and owned by the caller.
/// Starts with buildTensorPipeline.
void buildCPUPipeline(mlir::OpPassManager &pm);

/// Registers the interface models that the CPU pipeline's passes need
/// (shapes, value bounds, bufferization and deallocation of arith, cf, func,
/// linalg, memref, scf and tensor ops). A context must have them before the
/// pipeline runs: without them passes fail or, worse, build invalid IR.
void registerCPUPipelineDependencies(mlir::DialectRegistry &registry);

/// Registers `nnc-cpu-pipeline`.
void registerCPUPipeline();

} // namespace nnc

#endif // NNC_CONVERSION_PIPELINES_H
