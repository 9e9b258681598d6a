//===- check_finite.h - Where a non-finite value appeared -------*- C++ -*-===//
//
// The driver's side of _mlir_ciface_nnrt_check_finite_f32 (abi.h): while
// checking, the generated code's calls record the first op location whose
// values are not all finite.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_CHECK_FINITE_H
#define NNRT_SRC_CHECK_FINITE_H

#include <string>

namespace nnrt {

/// Starts recording (forgetting an earlier record).
void beginFiniteCheck();

/// Stops recording; returns the first location whose values were not all
/// finite ("model.nn:12:5"), or "" when there was none.
std::string endFiniteCheck();

} // namespace nnrt

#endif // NNRT_SRC_CHECK_FINITE_H
