//===- NNDialect.cpp - The nn dialect -------------------------------------===//
//
// Registers the nn ops with the dialect and instantiates the generated
// dialect and enum definitions.
//
//===----------------------------------------------------------------------===//

#include "nnc/Dialect/NN/NNOps.h"

using namespace mlir;
using namespace nnc::nn;

#include "nnc/Dialect/NN/NNDialect.cpp.inc"
#include "nnc/Dialect/NN/NNEnums.cpp.inc"

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "nnc/Dialect/NN/NNOps.cpp.inc"
      >();
}
