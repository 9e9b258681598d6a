//===- FakeTrainModel.cpp - A hand-written trainable "generated model" ----===//
//
// What nnc would emit for a train block over softmax regression: the
// descriptor with its train section and the four packed entry points, here
// in C++ and in f32 as generated code computes. Results come back in
// malloc'd buffers, some with an offset or column-major strides, so the
// driver must follow each descriptor rather than assume a dense layout.
//
//===----------------------------------------------------------------------===//

#include "FakeTrainModel.h"

#include "DriverFixture.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace nnrt::test;

namespace {
constexpr int kClasses = 10, kPixels = 784;
constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kEps = 1e-8f;

/// The element data of a dense argument descriptor of rank \p R.
template <int R> float *data(void *desc) {
  auto *m = static_cast<MemRef<R> *>(desc);
  return static_cast<float *>(m->aligned) + m->offset;
}

/// Appends result descriptors to args[0], back to back.
class Results {
public:
  explicit Results(void *base) : cursor(static_cast<char *>(base)) {}
  template <int R> void put(const MemRef<R> &m) {
    std::memcpy(cursor, &m, sizeof(m));
    cursor += sizeof(m);
  }
  /// A malloc'd scalar.
  template <typename T> void scalar(T value) {
    auto *p = static_cast<T *>(_mlir_memref_to_llvm_alloc(sizeof(T)));
    *p = value;
    void *fields[3] = {p, p, nullptr};
    std::memcpy(cursor, fields, sizeof(fields));
    cursor += sizeof(fields);
  }
  /// A malloc'd copy of \p n floats, stored one element into its block.
  void vector(const float *v, int64_t n) {
    auto *p = static_cast<float *>(_mlir_memref_to_llvm_alloc((n + 1) * sizeof(float)));
    std::memcpy(p + 1, v, n * sizeof(float));
    put(MemRef<1>{p, p, 1, {n}, {1}});
  }
  /// A malloc'd copy of the [10, 784] matrix \p v, stored column-major.
  void matrix(const float *v) {
    auto *p = static_cast<float *>(_mlir_memref_to_llvm_alloc(kClasses * kPixels * 4));
    for (int i = 0; i < kClasses; ++i)
      for (int j = 0; j < kPixels; ++j)
        p[i + kClasses * j] = v[i * kPixels + j];
    put(MemRef<2>{p, p, 0, {kClasses, kPixels}, {1, kClasses}});
  }

private:
  char *cursor;
};

/// The mean cross-entropy of softmax(x w^T + b) over \p n examples, its
/// gradients (when \p gw is not NULL) and the accuracy.
float lossAndGrad(const float *w, const float *b, const float *x,
                  const int32_t *y, int64_t n, float *gw, float *gb,
                  float *accuracy) {
  if (gw) {
    std::memset(gw, 0, kClasses * kPixels * sizeof(float));
    std::memset(gb, 0, kClasses * sizeof(float));
  }
  float loss = 0, correct = 0;
  for (int64_t e = 0; e < n; ++e) {
    const float *xe = x + e * kPixels;
    float logits[kClasses], top = -INFINITY;
    int best = 0;
    for (int c = 0; c < kClasses; ++c) {
      float sum = b[c];
      for (int j = 0; j < kPixels; ++j)
        sum += w[c * kPixels + j] * xe[j];
      logits[c] = sum;
      if (sum > top) {
        top = sum;
        best = c;
      }
    }
    float total = 0;
    for (float l : logits)
      total += std::exp(l - top);
    loss += top + std::log(total) - logits[y[e]];
    correct += best == y[e];
    if (!gw)
      continue;
    for (int c = 0; c < kClasses; ++c) {
      float d = (std::exp(logits[c] - top) / total - (c == y[e])) / n;
      gb[c] += d;
      for (int j = 0; j < kPixels; ++j)
        gw[c * kPixels + j] += d * xe[j];
    }
  }
  if (accuracy)
    *accuracy = correct / n;
  return loss / n;
}

/// One Adam update of \p n elements of \p p with gradient \p g at step t.
void adam(float *p, float *m, float *v, const float *g, int64_t n, float t,
          float lr) {
  float c1 = 1 - std::pow(kBeta1, t), c2 = 1 - std::pow(kBeta2, t);
  for (int64_t i = 0; i < n; ++i) {
    m[i] = kBeta1 * m[i] + (1 - kBeta1) * g[i];
    v[i] = kBeta2 * v[i] + (1 - kBeta2) * g[i] * g[i];
    p[i] -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + kEps);
  }
}

int64_t batchOf(void *x) { return static_cast<MemRef<4> *>(x)->sizes[0]; }

/// dropout(x, 0.1) on \p n images, as the compiled op draws it: call site
/// 0, the element's flat index (abi.h).
std::vector<float> dropout(const float *x, int64_t n) {
  std::vector<float> out(x, x + n * kPixels);
  for (int64_t i = 0; i < n * kPixels; ++i)
    out[i] = nnrt_rand_uniform(0, i) >= 0.1f ? out[i] * (1 / 0.9f) : 0.0f;
  return out;
}

int32_t *labels(void *y) {
  auto *m = static_cast<MemRef<1> *>(y);
  return static_cast<int32_t *>(m->aligned) + m->offset;
}

/// The value of a scalar argument: a rank-0 descriptor is the first three
/// fields, {allocated, aligned, offset}.
template <typename T> T scalarArg(void *desc) {
  T *aligned;
  int64_t offset;
  std::memcpy(&aligned, static_cast<char *>(desc) + 8, sizeof(aligned));
  std::memcpy(&offset, static_cast<char *>(desc) + 16, sizeof(offset));
  return aligned[offset];
}
} // namespace

const char nnrt::test::kFakeTrainDescriptor[] = R"({
  "version": 1, "entry": "forward",
  "args": [
    {"role": "input", "name": "x", "dtype": "F32", "shape": ["B", 1, 28, 28]},
    {"role": "param", "name": "w", "dtype": "F32", "shape": [10, 784],
     "init": {"name": "kaiming_uniform", "a": 2.23606797749979},
     "fan_in": 784, "fan_out": 10},
    {"role": "param", "name": "b", "dtype": "F32", "shape": [10],
     "init": {"name": "zeros"}}],
  "results": [
    {"role": "output", "name": "logits", "dtype": "F32", "shape": ["B", 10]}],
  "train": {
    "name": "softmax", "batch": 20, "epochs": 3, "seed": 7,
    "data": {"kind": "idx", "dir": "/nonexistent/fake-data"},
    "optimizer": {"name": "Adam", "lr": 0.005, "beta1": 0.9, "beta2": 0.999,
                  "eps": 1e-8},
    "step": {
      "args": [
        {"role": "input", "name": "x", "dtype": "F32",
         "shape": ["B", 1, 28, 28]},
        {"role": "param", "name": "w", "dtype": "F32", "shape": [10, 784],
         "init": {"name": "kaiming_uniform", "a": 2.23606797749979},
         "fan_in": 784, "fan_out": 10},
        {"role": "opt_state", "name": "optimizer/w/m", "dtype": "F32",
         "shape": [10, 784], "init": {"name": "zeros"}},
        {"role": "opt_state", "name": "optimizer/w/v", "dtype": "F32",
         "shape": [10, 784], "init": {"name": "zeros"}},
        {"role": "param", "name": "b", "dtype": "F32", "shape": [10],
         "init": {"name": "zeros"}},
        {"role": "opt_state", "name": "optimizer/b/m", "dtype": "F32",
         "shape": [10], "init": {"name": "zeros"}},
        {"role": "opt_state", "name": "optimizer/b/v", "dtype": "F32",
         "shape": [10], "init": {"name": "zeros"}},
        {"role": "step", "name": "t", "dtype": "F32", "shape": []},
        {"role": "lr", "name": "lr", "dtype": "F32", "shape": []},
        {"role": "label", "name": "y", "dtype": "I32", "shape": ["B"]},
        {"role": "state", "name": "steps_seen", "dtype": "I64", "shape": [],
         "init": {"name": "zeros"}}],
      "results": [
        {"role": "loss", "name": "loss", "dtype": "F32", "shape": []},
        {"role": "param", "name": "w", "dtype": "F32", "shape": [10, 784]},
        {"role": "param", "name": "b", "dtype": "F32", "shape": [10]},
        {"role": "state", "name": "steps_seen", "dtype": "I64", "shape": []},
        {"role": "opt_state", "name": "optimizer/w/m", "dtype": "F32",
         "shape": [10, 784]},
        {"role": "opt_state", "name": "optimizer/w/v", "dtype": "F32",
         "shape": [10, 784]},
        {"role": "opt_state", "name": "optimizer/b/m", "dtype": "F32",
         "shape": [10]},
        {"role": "opt_state", "name": "optimizer/b/v", "dtype": "F32",
         "shape": [10]}]},
    "eval": {
      "args": [
        {"role": "param", "name": "w", "dtype": "F32", "shape": [10, 784],
         "init": {"name": "kaiming_uniform", "a": 2.23606797749979},
         "fan_in": 784, "fan_out": 10},
        {"role": "param", "name": "b", "dtype": "F32", "shape": [10],
         "init": {"name": "zeros"}},
        {"role": "input", "name": "x", "dtype": "F32",
         "shape": ["B", 1, 28, 28]},
        {"role": "label", "name": "y", "dtype": "I32", "shape": ["B"]}],
      "results": [
        {"role": "loss", "name": "loss", "dtype": "F32", "shape": []},
        {"role": "metric", "name": "accuracy", "dtype": "F32", "shape": []}]},
    "grad": {
      "args": [
        {"role": "input", "name": "x", "dtype": "F32",
         "shape": ["B", 1, 28, 28]},
        {"role": "label", "name": "y", "dtype": "I32", "shape": ["B"]},
        {"role": "param", "name": "w", "dtype": "F32", "shape": [10, 784],
         "init": {"name": "kaiming_uniform", "a": 2.23606797749979},
         "fan_in": 784, "fan_out": 10},
        {"role": "param", "name": "b", "dtype": "F32", "shape": [10],
         "init": {"name": "zeros"}},
        {"role": "state", "name": "steps_seen", "dtype": "I64", "shape": [],
         "init": {"name": "zeros"}}],
      "results": [
        {"role": "loss", "name": "loss", "dtype": "F32", "shape": []},
        {"role": "state", "name": "steps_seen", "dtype": "I64", "shape": []},
        {"role": "grad", "name": "w", "dtype": "F32", "shape": [10, 784]},
        {"role": "grad", "name": "b", "dtype": "F32", "shape": [10]}]}}})";

static void fakeForward(void **args) {
  int64_t n = batchOf(args[1]);
  const float *x = data<4>(args[1]), *w = data<2>(args[2]),
              *b = data<1>(args[3]);
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc(n * kClasses * 4 + 4));
  for (int64_t e = 0; e < n; ++e)
    for (int c = 0; c < kClasses; ++c) {
      float sum = b[c];
      for (int j = 0; j < kPixels; ++j)
        sum += w[c * kPixels + j] * x[e * kPixels + j];
      out[e * kClasses + c] = sum;
    }
  Results(args[0]).put(MemRef<2>{out, out, 0, {n, kClasses}, {kClasses, 1}});
}

static void fakeStep(void **args) {
  int64_t n = batchOf(args[1]);
  std::vector<float> x = dropout(data<4>(args[1]), n);
  float w[kClasses * kPixels], wm[kClasses * kPixels], wv[kClasses * kPixels];
  float b[kClasses], bm[kClasses], bv[kClasses];
  float gw[kClasses * kPixels], gb[kClasses];
  std::memcpy(w, data<2>(args[2]), sizeof(w));
  std::memcpy(wm, data<2>(args[3]), sizeof(wm));
  std::memcpy(wv, data<2>(args[4]), sizeof(wv));
  std::memcpy(b, data<1>(args[5]), sizeof(b));
  std::memcpy(bm, data<1>(args[6]), sizeof(bm));
  std::memcpy(bv, data<1>(args[7]), sizeof(bv));
  float t = scalarArg<float>(args[8]), lr = scalarArg<float>(args[9]);
  float loss =
      lossAndGrad(w, b, x.data(), labels(args[10]), n, gw, gb, nullptr);
  adam(w, wm, wv, gw, kClasses * kPixels, t, lr);
  adam(b, bm, bv, gb, kClasses, t, lr);
  Results r(args[0]);
  r.scalar(loss);
  r.matrix(w);
  r.vector(b, kClasses);
  r.scalar(scalarArg<int64_t>(args[11]) + 1);
  r.matrix(wm);
  r.matrix(wv);
  r.vector(bm, kClasses);
  r.vector(bv, kClasses);
}

static void fakeEval(void **args) {
  float accuracy;
  float loss = lossAndGrad(data<2>(args[1]), data<1>(args[2]), data<4>(args[3]),
                           labels(args[4]), batchOf(args[3]), nullptr, nullptr,
                           &accuracy);
  Results r(args[0]);
  r.scalar(loss);
  r.scalar(accuracy);
}

/// The grad function, with b's gradient scaled by \p bScale.
static void gradWith(void **args, float bScale) {
  float gw[kClasses * kPixels], gb[kClasses];
  int64_t n = batchOf(args[1]);
  std::vector<float> x = dropout(data<4>(args[1]), n);
  float loss = lossAndGrad(data<2>(args[3]), data<1>(args[4]), x.data(),
                           labels(args[2]), n, gw, gb, nullptr);
  for (float &g : gb)
    g *= bScale;
  Results r(args[0]);
  r.scalar(loss);
  r.scalar(scalarArg<int64_t>(args[5]) + 1);
  r.matrix(gw);
  r.vector(gb, kClasses);
}

static void fakeGrad(void **args) { gradWith(args, 1.0f); }
static void fakeWrongGrad(void **args) { gradWith(args, 2.0f); }

nnrt_entry_points nnrt::test::fakeTrainEntries() {
  return {fakeForward, fakeStep, fakeEval, fakeGrad};
}

nnrt_entry_points nnrt::test::fakeTrainEntriesWrongGrad() {
  return {fakeForward, fakeStep, fakeEval, fakeWrongGrad};
}
