//===- check_finite.cpp - Where a non-finite value appeared ---------------===//
//
// One call per op of the training step, so the call does nothing unless the
// driver is checking: then it scans the op's values (any rank and strides)
// and keeps the first location whose values are not all finite.
//
//===----------------------------------------------------------------------===//

#include "check_finite.h"

#include "memref.h"

#include <cmath>
#include <cstring>

using namespace nnrt;

namespace {
bool checking = false;
std::string firstPlace;

/// An unranked memref: its rank and its ranked descriptor.
struct UnrankedMemref {
  int64_t rank;
  const void *descriptor;
};

/// A memref<?xi8>.
struct Text {
  const char *allocated, *aligned;
  int64_t offset, size, stride;
};

/// Whether every element of the f32 memref `v` is finite.
bool allFinite(const MemrefView &v) {
  int64_t index[NNRT_MAX_RANK] = {};
  for (int d = 0; d < v.rank; ++d)
    if (v.sizes[d] == 0)
      return true;
  const float *data = static_cast<const float *>(v.aligned) + v.offset;
  while (true) {
    int64_t at = 0;
    for (int d = 0; d < v.rank; ++d)
      at += index[d] * v.strides[d];
    if (!std::isfinite(data[at]))
      return false;
    int d = v.rank - 1;
    for (; d >= 0 && ++index[d] == v.sizes[d]; --d)
      index[d] = 0;
    if (d < 0)
      return true;
  }
}
} // namespace

void nnrt::beginFiniteCheck() {
  checking = true;
  firstPlace.clear();
}

std::string nnrt::endFiniteCheck() {
  checking = false;
  return firstPlace;
}

extern "C" void _mlir_ciface_nnrt_check_finite_f32(const void *values,
                                                   const void *where) {
  if (!checking || !firstPlace.empty())
    return;
  const auto *m = static_cast<const UnrankedMemref *>(values);
  if (m->rank < 0 || m->rank > NNRT_MAX_RANK ||
      allFinite(viewMemref(m->descriptor, static_cast<int>(m->rank))))
    return;
  const auto *t = static_cast<const Text *>(where);
  for (int64_t i = 0; i < t->size; ++i)
    firstPlace += t->aligned[t->offset + i * t->stride];
}
