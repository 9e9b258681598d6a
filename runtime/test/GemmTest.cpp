//===- GemmTest.cpp - Tests of the GEMM and convolution kernels -----------===//
//
// nnrt_sgemm and the _mlir_ciface_ entry points of kernels.h against naive
// double-precision loops, on both code paths (AVX2+FMA where the CPU has
// it, and the portable one): shapes around the 6 x 16 register tile and the
// cache blocks, transposed and padded operands, broadcast (stride 0)
// operands, accumulation into a pre-filled C, descriptors with offsets,
// batch_matmul and conv2d with strides and dilations, and bit-identical
// results for 1, 2 and 3 threads.
//
// Two kinds of data. Small integers (|x| <= 2): every product and partial
// sum is an integer below 2^24, exact in f32 whatever the summation order,
// so results must EQUAL the reference: any indexing slip shows. Uniform
// reals in [-1, 1): the f32 result differs from the exact sum by rounding
// errors of the k multiply-adds and the per-panel additions into C; they
// behave like a random walk, so the error is about u sqrt(k) sum|a_ik b_kj|
// (u = 2^-24; Higham, "Accuracy and Stability of Numerical Algorithms",
// ch. 3). The tolerance is 8 u sqrt(k + 2) (|c0| + sum|a_ik b_kj|), about
// 1e-6 sqrt(k) relative to that sum: a missing or wrong term (|a b| ~ 0.25)
// is far above it.
//
//===----------------------------------------------------------------------===//

#include "gemm.h"
#include "nnrt/abi.h"
#include "nnrt/kernels.h"
#include "thread_pool.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

using nnrt::gemm::Impl;

namespace {

/// A strided view over its own storage.
struct Mat {
  std::vector<float> data;
  int64_t offset = 0, rows = 0, cols = 0, rs = 0, cs = 0;
  float &at(int64_t i, int64_t j) { return data[offset + i * rs + j * cs]; }
  float at(int64_t i, int64_t j) const {
    return data[offset + i * rs + j * cs];
  }
  float *base() { return data.data() + offset; }
  const float *base() const { return data.data() + offset; }
};

enum class Layout { RowMajor, ColMajor, PaddedRows, PaddedCols };

/// A rows x cols matrix in \p layout with \p offset unused floats first,
/// every storage float (padding included) set to a sentinel first.
Mat makeMat(int64_t rows, int64_t cols, Layout layout, int64_t offset = 0) {
  Mat m;
  m.rows = rows;
  m.cols = cols;
  m.offset = offset;
  int64_t size = 0;
  switch (layout) {
  case Layout::RowMajor:
    m.rs = cols, m.cs = 1, size = rows * cols;
    break;
  case Layout::ColMajor:
    m.rs = 1, m.cs = rows, size = rows * cols;
    break;
  case Layout::PaddedRows: // row stride > cols
    m.rs = cols + 3, m.cs = 1, size = rows * (cols + 3);
    break;
  case Layout::PaddedCols: // transposed with padding, column stride > rows
    m.rs = 1, m.cs = rows + 5, size = cols * (rows + 5);
    break;
  }
  m.data.assign(static_cast<size_t>(offset + size + 1), -777.0f);
  return m;
}

struct Filler {
  std::mt19937 gen{1234};
  bool integers = false;
  float next() {
    if (integers)
      return static_cast<float>(static_cast<int>(gen() % 5) - 2);
    return std::uniform_real_distribution<float>(-1.0f, 1.0f)(gen);
  }
  void fill(Mat &m) {
    for (int64_t i = 0; i < m.rows; ++i)
      for (int64_t j = 0; j < m.cols; ++j)
        m.at(i, j) = next();
  }
};

/// Checks c (C0 + A B computed by the kernel) against the double reference
/// computed from a, b and c0; exact when \p exact. With \p wholeStorage,
/// the storage of c outside the view must be unchanged too.
::testing::AssertionResult checkGemm(const Mat &a, const Mat &b, const Mat &c0,
                                     const Mat &c, bool exact,
                                     bool wholeStorage = true) {
  int64_t m = a.rows, k = a.cols, n = b.cols;
  const double u = std::ldexp(1.0, -24);
  int bad = 0;
  std::string msg;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = c0.at(i, j), abs = std::fabs(c0.at(i, j));
      for (int64_t p = 0; p < k; ++p) {
        double t = static_cast<double>(a.at(i, p)) * b.at(p, j);
        sum += t;
        abs += std::fabs(t);
      }
      double tol = exact ? 0.0 : 8 * u * std::sqrt(k + 2.0) * abs;
      double got = c.at(i, j);
      if (!(std::fabs(got - sum) <= tol) && ++bad <= 5)
        msg += " C[" + std::to_string(i) + "][" + std::to_string(j) +
               "]=" + std::to_string(got) + " want " + std::to_string(sum) +
               " tol " + std::to_string(tol) + ";";
    }
  // Storage outside the view (padding, offset) must be untouched.
  std::vector<bool> inView(c.data.size(), false);
  for (int64_t i = 0; i < c.rows; ++i)
    for (int64_t j = 0; j < c.cols; ++j)
      inView[static_cast<size_t>(c.offset + i * c.rs + j * c.cs)] = true;
  for (size_t q = 0; q < c.data.size(); ++q)
    if (wholeStorage && !inView[q] && c.data[q] != c0.data[q] && ++bad <= 5)
      msg += " padding float " + std::to_string(q) + " changed;";
  if (bad == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " bad elements (m=" << m << " n=" << n << " k=" << k
         << "):" << msg;
}

/// Runs nnrt_sgemm on fresh operands and checks it.
::testing::AssertionResult runGemm(int64_t m, int64_t n, int64_t k, Layout la,
                                   Layout lb, Layout lc, bool exact,
                                   unsigned seed = 1) {
  Filler fill;
  fill.gen.seed(seed);
  fill.integers = exact;
  Mat a = makeMat(m, k, la, 3), b = makeMat(k, n, lb, 1),
      c = makeMat(m, n, lc, 2);
  fill.fill(a);
  fill.fill(b);
  fill.fill(c); // accumulate into nonzero values
  Mat c0 = c;
  nnrt_sgemm(m, n, k, a.base(), a.rs, a.cs, b.base(), b.rs, b.cs, c.base(),
             c.rs, c.cs);
  return checkGemm(a, b, c0, c, exact);
}

/// Each test runs once per code path, with the thread count restored.
class GemmTest : public ::testing::TestWithParam<Impl> {
protected:
  void SetUp() override {
    if (GetParam() == Impl::Avx2 && !nnrt::gemm::cpuHasAvx2Fma())
      GTEST_SKIP() << "no AVX2+FMA on this CPU";
    if (GetParam() == Impl::Avx512 && !nnrt::gemm::cpuHasAvx512())
      GTEST_SKIP() << "no AVX-512F on this CPU";
    nnrt::gemm::setImpl(GetParam());
  }
  void TearDown() override {
    nnrt::gemm::setImpl(Impl::Auto);
    nnrt_set_threads(0);
  }
};

const int64_t kSizes[] = {1,  2,  5,  6,   7,   15,  16, 17,
                          63, 64, 65, 100, 257, 300, 784};

} // namespace

TEST_P(GemmTest, UsesRequestedPath) {
  EXPECT_EQ(nnrt::gemm::activeImpl(), GetParam());
}

TEST_P(GemmTest, SmallShapesExact) {
  // Every triple of the small sizes, around the 6 x 16 tile.
  for (int64_t m : {1, 2, 5, 6, 7, 15, 16, 17})
    for (int64_t n : {1, 2, 5, 6, 7, 15, 16, 17})
      for (int64_t k : {1, 2, 5, 6, 7, 15, 16, 17})
        ASSERT_TRUE(runGemm(m, n, k, Layout::RowMajor, Layout::RowMajor,
                            Layout::RowMajor, true));
}

TEST_P(GemmTest, EachSizeInEachDimension) {
  for (int64_t s : kSizes) {
    ASSERT_TRUE(runGemm(s, 17, 65, Layout::RowMajor, Layout::RowMajor,
                        Layout::RowMajor, true));
    ASSERT_TRUE(runGemm(65, s, 17, Layout::RowMajor, Layout::RowMajor,
                        Layout::RowMajor, true));
    ASSERT_TRUE(runGemm(17, 65, s, Layout::RowMajor, Layout::RowMajor,
                        Layout::RowMajor, true));
    ASSERT_TRUE(runGemm(s, s, 7, Layout::RowMajor, Layout::RowMajor,
                        Layout::RowMajor, false));
    ASSERT_TRUE(runGemm(7, s, s, Layout::RowMajor, Layout::RowMajor,
                        Layout::RowMajor, false));
  }
}

TEST_P(GemmTest, LargeShapes) {
  // Several cache blocks in every dimension (k > KC, m > MC), and the MLP's
  // shapes (forward and gradients).
  struct Shape {
    int64_t m, n, k;
  } shapes[] = {{300, 257, 784}, {784, 100, 64}, {64, 784, 257},
                {64, 256, 784},  {256, 784, 64}, {64, 10, 128},
                {64, 512, 128},  {150, 2100, 40}};
  for (Shape s : shapes) {
    ASSERT_TRUE(runGemm(s.m, s.n, s.k, Layout::RowMajor, Layout::RowMajor,
                        Layout::RowMajor, false));
    ASSERT_TRUE(runGemm(s.m, s.n, s.k, Layout::RowMajor, Layout::RowMajor,
                        Layout::RowMajor, true));
  }
}

TEST_P(GemmTest, Layouts) {
  // Transposed, padded and transposed-padded views of every operand.
  const Layout layouts[] = {Layout::RowMajor, Layout::ColMajor,
                            Layout::PaddedRows, Layout::PaddedCols};
  struct Shape {
    int64_t m, n, k;
  } shapes[] = {{7, 17, 5}, {13, 33, 65}, {65, 63, 257}, {100, 300, 17}};
  for (Shape s : shapes)
    for (Layout la : layouts)
      for (Layout lb : layouts)
        for (Layout lc : layouts)
          ASSERT_TRUE(runGemm(s.m, s.n, s.k, la, lb, lc, true))
              << "layouts " << int(la) << int(lb) << int(lc);
  ASSERT_TRUE(runGemm(300, 257, 784, Layout::ColMajor, Layout::ColMajor,
                      Layout::PaddedCols, false));
}

TEST_P(GemmTest, BroadcastStrides) {
  // Stride 0: every row of A the same vector, every column of B the same.
  int64_t m = 19, n = 37, k = 23;
  Filler fill;
  fill.integers = true;
  std::vector<float> row(k), col(k);
  for (float &x : row)
    x = fill.next();
  for (float &x : col)
    x = fill.next();
  std::vector<float> c(static_cast<size_t>(m * n), 1.0f);
  nnrt_sgemm(m, n, k, row.data(), 0, 1, col.data(), 1, 0, c.data(), n, 1);
  float dot = 0;
  for (int64_t p = 0; p < k; ++p)
    dot += row[p] * col[p];
  for (float x : c)
    ASSERT_EQ(x, 1.0f + dot);
}

TEST_P(GemmTest, EmptyProblemsLeaveC) {
  std::vector<float> a(16, 1.0f), b(16, 1.0f), c(16, 5.0f);
  nnrt_sgemm(4, 4, 0, a.data(), 4, 1, b.data(), 4, 1, c.data(), 4, 1);
  nnrt_sgemm(0, 4, 4, a.data(), 4, 1, b.data(), 4, 1, c.data(), 4, 1);
  nnrt_sgemm(4, 0, 4, a.data(), 4, 1, b.data(), 4, 1, c.data(), 4, 1);
  for (float x : c)
    EXPECT_EQ(x, 5.0f);
}

TEST_P(GemmTest, BitIdenticalAcrossThreadCounts) {
  struct Shape {
    int64_t m, n, k;
  } shapes[] = {{300, 257, 784}, {64, 256, 784},  {784, 100, 64},
                {64, 512, 128},  {1000, 40, 300}, {40, 1000, 300}};
  for (Shape s : shapes)
    for (Layout la : {Layout::RowMajor, Layout::ColMajor}) {
      ASSERT_GE(2.0 * s.m * s.n * s.k, nnrt::gemm::kParallelMinFlops);
      Filler fill;
      Mat a = makeMat(s.m, s.k, la), b = makeMat(s.k, s.n, Layout::RowMajor);
      Mat c0 = makeMat(s.m, s.n, Layout::RowMajor);
      fill.fill(a);
      fill.fill(b);
      fill.fill(c0);
      std::vector<float> one;
      for (int t : {1, 2, 3}) {
        Mat c = c0;
        nnrt_set_threads(t);
        nnrt_sgemm(s.m, s.n, s.k, a.base(), a.rs, a.cs, b.base(), b.rs, b.cs,
                   c.base(), c.rs, c.cs);
        if (t == 1)
          one = c.data;
        else
          ASSERT_EQ(0, std::memcmp(one.data(), c.data.data(),
                                   one.size() * sizeof(float)))
              << s.m << "x" << s.n << "x" << s.k << " with " << t << " threads";
      }
    }
}

TEST_P(GemmTest, ConcurrentCallersGetTheSameBits) {
  // Callers on several threads: one gets the pool, the others run serially.
  int64_t m = 200, n = 300, k = 400;
  Filler fill;
  Mat a = makeMat(m, k, Layout::RowMajor), b = makeMat(k, n, Layout::RowMajor);
  fill.fill(a);
  fill.fill(b);
  std::vector<float> want(static_cast<size_t>(m * n), 0.0f);
  nnrt_set_threads(1);
  nnrt_sgemm(m, n, k, a.base(), a.rs, a.cs, b.base(), b.rs, b.cs, want.data(),
             n, 1);
  nnrt_set_threads(2);
  std::vector<std::vector<float>> got(3);
  std::vector<std::thread> callers;
  for (auto &c : got)
    callers.emplace_back([&, out = &c] {
      for (int rep = 0; rep < 5; ++rep) {
        out->assign(static_cast<size_t>(m * n), 0.0f);
        nnrt_sgemm(m, n, k, a.base(), a.rs, a.cs, b.base(), b.rs, b.cs,
                   out->data(), n, 1);
      }
    });
  for (std::thread &t : callers)
    t.join();
  for (const auto &c : got)
    EXPECT_EQ(c, want);
}

//===----------------------------------------------------------------------===//
// The memref entry points
//===----------------------------------------------------------------------===//

TEST(KernelsAbi, DescriptorLayout) {
  EXPECT_EQ(sizeof(nnrt_memref2d_f32), nnrt_memref_size(2));
  EXPECT_EQ(sizeof(nnrt_memref3d_f32), nnrt_memref_size(3));
  EXPECT_EQ(sizeof(nnrt_memref4d_f32), nnrt_memref_size(4));
  EXPECT_EQ(offsetof(nnrt_memref4d_f32, strides), 56u);
}

namespace {
nnrt_memref2d_f32 desc2(Mat &m) {
  // The offset in the descriptor, not in the pointer.
  return {m.data.data() + 1,
          m.data.data(),
          m.offset,
          {m.rows, m.cols},
          {m.rs, m.cs}};
}
} // namespace

TEST_P(GemmTest, MatmulDescriptors) {
  Filler fill;
  for (bool exact : {true, false}) {
    fill.integers = exact;
    Mat a = makeMat(70, 45, Layout::PaddedCols, 11),
        b = makeMat(45, 33, Layout::PaddedRows, 5),
        c = makeMat(70, 33, Layout::PaddedRows, 7);
    fill.fill(a);
    fill.fill(b);
    fill.fill(c);
    Mat c0 = c;
    nnrt_memref2d_f32 da = desc2(a), db = desc2(b), dc = desc2(c);
    _mlir_ciface_nnrt_matmul_f32(&da, &db, &dc, 1);
    EXPECT_TRUE(checkGemm(a, b, c0, c, exact));
    // accumulate = 0: C's NaNs are overwritten, never read.
    for (int64_t i = 0; i < c.rows; ++i)
      for (int64_t j = 0; j < c.cols; ++j) {
        c.at(i, j) = std::nanf("");
        c0.at(i, j) = 0.0f;
      }
    _mlir_ciface_nnrt_matmul_f32(&da, &db, &dc, 0);
    EXPECT_TRUE(checkGemm(a, b, c0, c, exact)) << "overwriting";
  }
}

namespace {
/// A batch x rows x cols tensor: batch stride \p batchStride (>= the
/// matrix's storage), each matrix in \p layout.
struct Batch {
  std::vector<float> data;
  int64_t offset, batches, rows, cols, bs, rs, cs;
  Mat mat(int64_t i) const {
    Mat m;
    m.data = data;
    m.offset = offset + i * bs;
    m.rows = rows, m.cols = cols, m.rs = rs, m.cs = cs;
    return m;
  }
  nnrt_memref3d_f32 desc() {
    return {nullptr, data.data(), offset, {batches, rows, cols}, {bs, rs, cs}};
  }
};

Batch makeBatch(int64_t batches, int64_t rows, int64_t cols, bool transposed,
                int64_t pad, Filler &fill) {
  Batch b;
  b.offset = 9;
  b.batches = batches, b.rows = rows, b.cols = cols;
  b.rs = transposed ? 1 : cols;
  b.cs = transposed ? rows : 1;
  b.bs = rows * cols + pad;
  b.data.assign(static_cast<size_t>(b.offset + batches * b.bs), -5.0f);
  for (int64_t i = 0; i < batches; ++i)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        b.data[b.offset + i * b.bs + r * b.rs + c * b.cs] = fill.next();
  return b;
}
} // namespace

TEST_P(GemmTest, BatchMatmul) {
  Filler fill;
  struct Case {
    int64_t batches, m, n, k;
    bool ta, tb;
  } cases[] = {{3, 7, 17, 5, false, false},   {5, 64, 64, 32, true, false},
               {4, 65, 33, 100, false, true}, {2, 200, 150, 300, true, true},
               {1, 30, 20, 10, false, false}, {8, 6, 16, 9, false, false}};
  for (bool exact : {true, false})
    for (Case cs : cases) {
      fill.integers = exact;
      Batch a = makeBatch(cs.batches, cs.m, cs.k, cs.ta, 3, fill);
      Batch b = makeBatch(cs.batches, cs.k, cs.n, cs.tb, 0, fill);
      Batch c = makeBatch(cs.batches, cs.m, cs.n, false, 4, fill);
      Batch c0 = c;
      nnrt_memref3d_f32 da = a.desc(), db = b.desc(), dc = c.desc();
      _mlir_ciface_nnrt_batch_matmul_f32(&da, &db, &dc, 1);
      for (int64_t i = 0; i < cs.batches; ++i)
        ASSERT_TRUE(checkGemm(a.mat(i), b.mat(i), c0.mat(i), c.mat(i), exact,
                              /*wholeStorage=*/false))
            << "batch " << i;
      // accumulate = 0: C's NaNs are overwritten, never read.
      Batch cz = c, zeros = c;
      for (int64_t i = 0; i < cs.batches; ++i)
        for (int64_t q = 0; q < cs.m * cs.n; ++q) {
          cz.data[cz.offset + i * cz.bs + q] = std::nanf("");
          zeros.data[zeros.offset + i * zeros.bs + q] = 0.0f;
        }
      nnrt_memref3d_f32 dz = cz.desc();
      _mlir_ciface_nnrt_batch_matmul_f32(&da, &db, &dz, 0);
      for (int64_t i = 0; i < cs.batches; ++i)
        ASSERT_TRUE(checkGemm(a.mat(i), b.mat(i), zeros.mat(i), cz.mat(i),
                              exact, /*wholeStorage=*/false))
            << "batch " << i << ", overwriting";
      // The padding between batches is untouched.
      for (int64_t i = 0; i < cs.batches; ++i)
        for (int64_t q = cs.m * cs.n; q < c.bs; ++q)
          ASSERT_EQ(c.data[c.offset + i * c.bs + q], -5.0f);
    }
}

TEST_P(GemmTest, BatchMatmulBitIdenticalAcrossThreadCounts) {
  // Small batches are spread over the threads, large ones split.
  struct Case {
    int64_t batches, m, n, k;
  } cases[] = {{2, 64, 100, 128}, {16, 64, 100, 128}, {3, 300, 200, 150}};
  for (Case cs : cases) {
    std::vector<float> results[2];
    for (int t : {1, 2}) {
      Filler fill;
      Batch a = makeBatch(cs.batches, cs.m, cs.k, false, 0, fill);
      Batch b = makeBatch(cs.batches, cs.k, cs.n, true, 0, fill);
      Batch c = makeBatch(cs.batches, cs.m, cs.n, false, 0, fill);
      nnrt_set_threads(t);
      nnrt_memref3d_f32 da = a.desc(), db = b.desc(), dc = c.desc();
      _mlir_ciface_nnrt_batch_matmul_f32(&da, &db, &dc, 1);
      results[t - 1] = c.data;
    }
    ASSERT_EQ(results[0], results[1]) << cs.batches << " batches";
  }
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

namespace {
/// A 4-d tensor with arbitrary strides over its own storage.
struct T4 {
  std::vector<float> data;
  int64_t offset = 0, sizes[4] = {}, strides[4] = {};
  float &at(int64_t a, int64_t b, int64_t c, int64_t d) {
    return data[offset + a * strides[0] + b * strides[1] + c * strides[2] +
                d * strides[3]];
  }
  nnrt_memref4d_f32 desc() {
    nnrt_memref4d_f32 m = {nullptr, data.data(), offset, {}, {}};
    for (int i = 0; i < 4; ++i)
      m.sizes[i] = sizes[i], m.strides[i] = strides[i];
    return m;
  }
};

/// Dense in the dimension order \p order (outermost first), the innermost
/// dimension padded by \p pad floats (rows wider than the data), \p offset
/// floats first.
T4 makeT4(std::initializer_list<int64_t> sizes, std::array<int, 4> order,
          int64_t pad, int64_t offset, Filler &fill) {
  T4 t;
  std::copy(sizes.begin(), sizes.end(), t.sizes);
  t.offset = offset;
  int64_t stride = 1;
  for (int i = 3; i >= 0; --i) {
    t.strides[order[i]] = stride;
    stride *= t.sizes[order[i]] + (i == 3 ? pad : 0);
  }
  t.data.assign(static_cast<size_t>(offset + stride), -3.0f);
  for (int64_t a = 0; a < t.sizes[0]; ++a)
    for (int64_t b = 0; b < t.sizes[1]; ++b)
      for (int64_t c = 0; c < t.sizes[2]; ++c)
        for (int64_t d = 0; d < t.sizes[3]; ++d)
          t.at(a, b, c, d) = fill.next();
  return t;
}

struct ConvCase {
  int64_t n, c, h, w, f, kh, kw, sh, sw, dh, dw;
};

::testing::AssertionResult runConv(const ConvCase &cs, bool exact,
                                   std::array<int, 4> inOrder,
                                   std::array<int, 4> filterOrder,
                                   int64_t inPad, int64_t outPad,
                                   bool overwrite = false) {
  Filler fill;
  fill.integers = exact;
  int64_t oh = (cs.h - (cs.kh - 1) * cs.dh - 1) / cs.sh + 1;
  int64_t ow = (cs.w - (cs.kw - 1) * cs.dw - 1) / cs.sw + 1;
  T4 in = makeT4({cs.n, cs.c, cs.h, cs.w}, inOrder, inPad, 5, fill);
  T4 filter = makeT4({cs.f, cs.c, cs.kh, cs.kw}, filterOrder, 0, 2, fill);
  T4 out = makeT4({cs.n, cs.f, oh, ow}, {0, 1, 2, 3}, outPad, 3, fill);
  T4 out0 = out;
  if (overwrite) // accumulate = 0: the output's NaNs are never read
    for (int64_t n = 0; n < cs.n; ++n)
      for (int64_t f = 0; f < cs.f; ++f)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t x = 0; x < ow; ++x) {
            out.at(n, f, y, x) = std::nanf("");
            out0.at(n, f, y, x) = 0.0f;
          }
  nnrt_memref4d_f32 di = in.desc(), df = filter.desc(), dout = out.desc();
  _mlir_ciface_nnrt_conv2d_nchw_fchw_f32(&di, &df, &dout, cs.sh, cs.sw, cs.dh,
                                         cs.dw, overwrite ? 0 : 1);
  const double u = std::ldexp(1.0, -24);
  int64_t k = cs.c * cs.kh * cs.kw;
  int bad = 0;
  std::string msg;
  for (int64_t n = 0; n < cs.n; ++n)
    for (int64_t f = 0; f < cs.f; ++f)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double sum = out0.at(n, f, y, x), abs = std::fabs(sum);
          for (int64_t c = 0; c < cs.c; ++c)
            for (int64_t i = 0; i < cs.kh; ++i)
              for (int64_t j = 0; j < cs.kw; ++j) {
                double t =
                    static_cast<double>(in.at(n, c, y * cs.sh + i * cs.dh,
                                              x * cs.sw + j * cs.dw)) *
                    filter.at(f, c, i, j);
                sum += t;
                abs += std::fabs(t);
              }
          double tol = exact ? 0.0 : 8 * u * std::sqrt(k + 2.0) * abs;
          double got = out.at(n, f, y, x);
          if (!(std::fabs(got - sum) <= tol) && ++bad <= 3)
            msg += " out[" + std::to_string(n) + "][" + std::to_string(f) +
                   "][" + std::to_string(y) + "][" + std::to_string(x) +
                   "]=" + std::to_string(got) + " want " + std::to_string(sum) +
                   ";";
        }
  if (outPad > 0) // the padding of the output's rows is untouched
    for (int64_t n = 0; n < cs.n; ++n)
      for (int64_t f = 0; f < cs.f; ++f)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t x = ow; x < ow + outPad; ++x) {
            size_t q = static_cast<size_t>(out.offset + n * out.strides[0] +
                                           f * out.strides[1] +
                                           y * out.strides[2] + x);
            if (out.data[q] != out0.data[q] && ++bad <= 5)
              msg += " padding changed;";
          }
  if (bad == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " bad elements:" << msg;
}
} // namespace

TEST_P(GemmTest, Conv2d) {
  const ConvCase cases[] = {
      {64, 1, 32, 32, 6, 5, 5, 1, 1, 1, 1},  // LeNet conv1
      {64, 6, 14, 14, 16, 5, 5, 1, 1, 1, 1}, // LeNet conv2
      {3, 8, 9, 9, 5, 1, 1, 1, 1, 1, 1},     // 1x1 (no im2col)
      {2, 4, 9, 11, 7, 1, 1, 2, 2, 1, 1},    // 1x1 stride 2
      {2, 3, 11, 13, 4, 3, 3, 2, 2, 1, 1},   // stride 2
      {2, 3, 13, 12, 5, 3, 2, 1, 1, 2, 3},   // dilation
      {1, 5, 17, 19, 9, 3, 5, 2, 3, 2, 1},   // everything, one image
      {1, 16, 20, 20, 32, 3, 3, 1, 1, 1, 1}, // one image, threaded GEMM
      {3, 2, 5, 6, 3, 5, 6, 1, 1, 1, 1},     // 1x1 output
      // One image with a large im2col: channel chunks summed in order (a
      // first layer's filter gradient; 13 channels split unevenly).
      {1, 64, 32, 32, 6, 28, 28, 1, 1, 1, 1},
      {1, 13, 40, 40, 5, 30, 30, 1, 1, 1, 1},
      // A big kernel and a small output (a filter gradient with 32 or more
      // filters): the input's rows read in place, channel by channel.
      {3, 5, 14, 14, 32, 12, 12, 1, 1, 1, 1},
      {2, 7, 17, 16, 45, 15, 13, 1, 1, 1, 1},
  };
  for (bool exact : {true, false})
    for (const ConvCase &cs : cases) {
      std::string what = std::to_string(cs.c) + "x" + std::to_string(cs.h) +
                         "x" + std::to_string(cs.w) + " k" +
                         std::to_string(cs.kh) + "x" + std::to_string(cs.kw);
      EXPECT_TRUE(runConv(cs, exact, {0, 1, 2, 3}, {0, 1, 2, 3}, 0, 0)) << what;
      EXPECT_TRUE(runConv(cs, exact, {0, 1, 2, 3}, {0, 1, 2, 3}, 0, 0, true))
          << what << " (overwriting)";
      EXPECT_TRUE(runConv(cs, exact, {0, 2, 3, 1}, {2, 3, 1, 0}, 0, 2, true))
          << what << " (channels last, overwriting)";
      // Channels-last input, a filter whose (c, kh, kw) do not collapse,
      // output rows with padding (spatial dims that do not collapse).
      EXPECT_TRUE(runConv(cs, exact, {0, 2, 3, 1}, {2, 3, 1, 0}, 0, 2))
          << what << " (channels last)";
      // Input rows with padding (a 1x1 convolution then needs im2col).
      EXPECT_TRUE(runConv(cs, exact, {0, 1, 2, 3}, {0, 1, 2, 3}, 1, 0))
          << what << " (padded rows)";
    }
}

TEST_P(GemmTest, Conv2dBitIdenticalAcrossThreadCounts) {
  for (ConvCase cs : {ConvCase{16, 6, 14, 14, 16, 5, 5, 1, 1, 1, 1},
                      ConvCase{1, 16, 20, 20, 32, 3, 3, 1, 1, 1, 1},
                      ConvCase{1, 13, 40, 40, 5, 30, 30, 1, 1, 1, 1},
                      ConvCase{2, 7, 17, 16, 45, 15, 13, 1, 1, 1, 1}}) {
    std::vector<float> results[2];
    for (int t : {1, 2}) {
      Filler fill;
      int64_t oh = cs.h - cs.kh + 1, ow = cs.w - cs.kw + 1;
      T4 in = makeT4({cs.n, cs.c, cs.h, cs.w}, {0, 1, 2, 3}, 0, 0, fill);
      T4 filter = makeT4({cs.f, cs.c, cs.kh, cs.kw}, {0, 1, 2, 3}, 0, 0, fill);
      T4 out = makeT4({cs.n, cs.f, oh, ow}, {0, 1, 2, 3}, 0, 0, fill);
      nnrt_set_threads(t);
      nnrt_memref4d_f32 di = in.desc(), df = filter.desc(), dout = out.desc();
      _mlir_ciface_nnrt_conv2d_nchw_fchw_f32(&di, &df, &dout, 1, 1, 1, 1, 1);
      results[t - 1] = out.data;
    }
    ASSERT_EQ(results[0], results[1]);
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, GemmTest,
                         ::testing::Values(Impl::Avx512, Impl::Avx2,
                                           Impl::Portable),
                         [](const ::testing::TestParamInfo<Impl> &info) {
                           switch (info.param) {
                           case Impl::Avx512:
                             return "Avx512";
                           case Impl::Avx2:
                             return "Avx2";
                           default:
                             return "Portable";
                           }
                         });

//===----------------------------------------------------------------------===//
// The thread pool
//===----------------------------------------------------------------------===//

TEST(ThreadPool, SetThreads) {
  nnrt_set_threads(3);
  EXPECT_EQ(nnrt_get_threads(), 3);
  nnrt_set_threads(1);
  EXPECT_EQ(nnrt_get_threads(), 1);
  nnrt_set_threads(0);
  EXPECT_GE(nnrt_get_threads(), 1);
}

TEST(ThreadPool, RunsEveryTaskOnce) {
  for (int threads : {1, 2, 3}) {
    nnrt_set_threads(threads);
    for (int tasks : {1, 2, 3, 7, 100}) {
      std::vector<std::atomic<int>> runs(tasks);
      for (int rep = 0; rep < 50; ++rep)
        nnrt::parallelFor(
            tasks,
            [](void *p, int t) {
              (*static_cast<std::vector<std::atomic<int>> *>(p))[t]++;
              EXPECT_TRUE(nnrt::inParallelRegion());
            },
            &runs);
      for (int t = 0; t < tasks; ++t)
        EXPECT_EQ(runs[t].load(), 50) << threads << " threads, task " << t;
    }
  }
  EXPECT_FALSE(nnrt::inParallelRegion());
  nnrt_set_threads(0);
}

TEST(ThreadPool, UsesTheWorkers) {
  // Tasks that wait for each other can only finish on different threads.
  nnrt_set_threads(2);
  std::atomic<int> arrived{0};
  std::thread::id ids[2];
  struct Ctx {
    std::atomic<int> *arrived;
    std::thread::id *ids;
  } ctx = {&arrived, ids};
  nnrt::parallelFor(
      2,
      [](void *p, int t) {
        auto *c = static_cast<Ctx *>(p);
        c->ids[t] = std::this_thread::get_id();
        c->arrived->fetch_add(1);
        auto start = std::chrono::steady_clock::now();
        while (c->arrived->load() < 2 &&
               std::chrono::steady_clock::now() - start <
                   std::chrono::seconds(10))
          std::this_thread::yield();
      },
      &ctx);
  EXPECT_EQ(arrived.load(), 2);
  EXPECT_NE(ids[0], ids[1]);
  nnrt_set_threads(0);
}

TEST(ThreadPool, NestedRunsAreSerial) {
  nnrt_set_threads(2);
  std::atomic<int> inner{0};
  nnrt::parallelFor(
      2,
      [](void *p, int) {
        nnrt::parallelFor(
            2,
            [](void *q, int) {
              static_cast<std::atomic<int> *>(q)->fetch_add(1);
            },
            p);
      },
      &inner);
  EXPECT_EQ(inner.load(), 4);
  nnrt_set_threads(0);
}
