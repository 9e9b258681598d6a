//===- SourcePlace.h - Where in the .nn source an op came from --*- C++ -*-===//

#ifndef NNC_TRANSFORMS_SOURCEPLACE_H
#define NNC_TRANSFORMS_SOURCEPLACE_H

#include "mlir/IR/Location.h"
#include <string>

namespace nnc {

/// "a.nn:12:5" for each distinct file location in `loc`, joined ("a.nn:3:1
/// or a.nn:7:2"); with " (backward)" when the gradient made the op (a
/// NameLoc "backward" from nn-autodiff); "an unknown place" without any.
std::string describeSourcePlace(mlir::Location loc);

} // namespace nnc

#endif // NNC_TRANSFORMS_SOURCEPLACE_H
