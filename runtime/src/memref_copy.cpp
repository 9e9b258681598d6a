//===- memref_copy.cpp - memrefCopy for generated code ---------------------===//
//
// Generated code lowers copies between buffers with non-trivial layouts
// (e.g. into a padded tensor) to a call of `memrefCopy`, which MLIR's
// runner-utils library would provide. The runtime provides it instead, so
// executables need no MLIR library: a strided copy of `elem_size`-byte
// elements between two unranked memrefs of the same shape.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>

namespace {
/// MLIR's unranked memref: a rank and a pointer to the ranked descriptor
/// {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

struct View {
  char *base;
  const int64_t *sizes, *strides;
};

View viewOf(const UnrankedMemRef &m, int64_t elemSize) {
  auto *fields = static_cast<int64_t *>(m.descriptor);
  char *aligned = reinterpret_cast<char *>(fields[1]);
  return {aligned + fields[2] * elemSize, fields + 3, fields + 3 + m.rank};
}
} // namespace

extern "C" void memrefCopy(int64_t elemSize, UnrankedMemRef *src,
                           UnrankedMemRef *dst) {
  int64_t rank = src->rank;
  View s = viewOf(*src, elemSize), d = viewOf(*dst, elemSize);
  if (rank == 0) {
    std::memcpy(d.base, s.base, elemSize);
    return;
  }
  for (int64_t i = 0; i < rank; ++i)
    if (s.sizes[i] == 0)
      return;
  // Walk every index like an odometer, innermost dim fastest.
  int64_t index[16] = {0};
  int64_t srcOff = 0, dstOff = 0;
  while (true) {
    std::memcpy(d.base + dstOff * elemSize, s.base + srcOff * elemSize,
                elemSize);
    int64_t dim = rank - 1;
    for (; dim >= 0; --dim) {
      srcOff += s.strides[dim];
      dstOff += d.strides[dim];
      if (++index[dim] < s.sizes[dim])
        break;
      srcOff -= s.strides[dim] * s.sizes[dim];
      dstOff -= d.strides[dim] * s.sizes[dim];
      index[dim] = 0;
    }
    if (dim < 0)
      return;
  }
}
