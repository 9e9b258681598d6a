//===- NNDialect.h - The nn dialect -----------------------------*- C++ -*-===//
//
// The `nn` dialect class: the language's primitive ops on ranked tensors.
// Its ops are declared in NNOps.h.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DIALECT_NN_NNDIALECT_H
#define NNC_DIALECT_NN_NNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "nnc/Dialect/NN/NNDialect.h.inc"

#endif // NNC_DIALECT_NN_NNDIALECT_H
