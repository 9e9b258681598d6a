//===- data_source.cpp - The dataset a train section names ----------------===//
//
// loadNpyPair and loadDataSplit (see data_source.h).
//
//===----------------------------------------------------------------------===//

#include "data_source.h"
#include "csv.h"
#include "status.h"

#include <cmath>
#include <cstring>

using namespace nnrt;

namespace {
/// An NPY array read with nnrt_npy_read, freed with it.
struct NpyArray {
  nnrt_tensor t = {};
  ~NpyArray() { nnrt_free(t.data); }
  int64_t perExample() const {
    int64_t n = 1;
    for (int32_t d = 1; d < t.rank; ++d)
      n *= t.shape[d];
    return n;
  }
};
} // namespace

/// IEEE binary16 to float.
static float halfToFloat(uint16_t h) {
  int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  float v = e == 0    ? std::ldexp(float(m), -24)
            : e == 31 ? (m ? NAN : INFINITY)
                      : std::ldexp(float(m | 0x400), e - 25);
  return h & 0x8000 ? -v : v;
}

/// Element \p i of \p t as a double.
static double element(const nnrt_tensor &t, size_t i) {
  const void *p = t.data;
  switch (t.dtype) {
  case NNRT_F32: return static_cast<const float *>(p)[i];
  case NNRT_F64: return static_cast<const double *>(p)[i];
  case NNRT_F16: return halfToFloat(static_cast<const uint16_t *>(p)[i]);
  case NNRT_I32: return static_cast<const int32_t *>(p)[i];
  case NNRT_I64: return double(static_cast<const int64_t *>(p)[i]);
  case NNRT_U8: return static_cast<const uint8_t *>(p)[i];
  case NNRT_BOOL: return static_cast<const uint8_t *>(p)[i] != 0;
  default: return NAN;
  }
}

/// Converts all of \p t to finite floats in \p out.
static nnrt_status toFloats(const char *path, const nnrt_tensor &t,
                            size_t n, std::vector<float> &out) {
  out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    float v = static_cast<float>(element(t, i));
    if (!std::isfinite(v))
      return fail(NNRT_ERR_FORMAT, "%s: element %zu is %g, not a finite f32",
                  path, i, element(t, i));
    out[i] = v;
  }
  return NNRT_OK;
}

nnrt_status nnrt::loadNpyPair(const std::string &x, const std::string &y,
                              Dataset &out) {
  NpyArray xs, ys;
  if (nnrt_status s = nnrt_npy_read(x.c_str(), &xs.t))
    return s;
  if (nnrt_status s = nnrt_npy_read(y.c_str(), &ys.t))
    return s;
  if (xs.t.rank < 2)
    return fail(NNRT_ERR_SHAPE,
                "%s: the examples must be [N, features...] (rank >= 2), "
                "found rank %d",
                x.c_str(), xs.t.rank);
  if (ys.t.rank < 1 || ys.t.shape[0] != xs.t.shape[0])
    return fail(NNRT_ERR_SHAPE,
                "%s: %lld labels, but %s has %lld examples", y.c_str(),
                ys.t.rank ? (long long)ys.t.shape[0] : 0LL, x.c_str(),
                (long long)xs.t.shape[0]);
  out = Dataset{};
  out.count = xs.t.shape[0];
  out.features = xs.perExample();
  if (xs.t.rank == 4) {
    out.channels = xs.t.shape[1];
    out.rows = xs.t.shape[2];
    out.cols = xs.t.shape[3];
  }
  size_t n = size_t(out.count);
  if (nnrt_status s = toFloats(x.c_str(), xs.t, n * out.features, out.values))
    return s;
  bool integral = ys.t.dtype == NNRT_I32 || ys.t.dtype == NNRT_I64 ||
                  ys.t.dtype == NNRT_U8;
  if (!integral) {
    out.labelType = NNRT_F32;
    out.labelSize = ys.perExample();
    return toFloats(y.c_str(), ys.t, n * out.labelSize, out.targets);
  }
  if (ys.t.rank != 1)
    return fail(NNRT_ERR_SHAPE,
                "%s: integer labels (class indices) must be [N], found rank "
                "%d",
                y.c_str(), ys.t.rank);
  out.classes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    double v = element(ys.t, i);
    if (!(v >= 0 && v < 2147483648.0))
      return fail(NNRT_ERR_FORMAT,
                  "%s: label %zu is %.0f, not a class index in [0, 2^31)",
                  y.c_str(), i, v);
    out.classes[i] = static_cast<int32_t>(v);
  }
  return NNRT_OK;
}

nnrt_status nnrt::loadDataSplit(const nnrt_train_info &t,
                                const std::string &path, bool train,
                                Dataset &out) {
  std::string kind = t.data_kind;
  if (kind == "idx")
    return loadIdxSplit(path, train, out);
  if (kind == "csv") {
    if (nnrt_status s =
            loadCsv(path, t.data_label, t.data_classes != 0, out))
      return s;
  } else {
    std::string x = path, y = t.data_y;
    if (path != t.data_dir) {
      size_t comma = path.find(',');
      if (comma == std::string::npos)
        return fail(NNRT_ERR_ARG,
                    "--data %s: an npy dataset is given as X.npy,Y.npy",
                    path.c_str());
      x = path.substr(0, comma);
      y = path.substr(comma + 1);
    }
    if (nnrt_status s = loadNpyPair(x, y, out))
      return s;
  }
  return keepSplit(out, t.data_test, train, path);
}
