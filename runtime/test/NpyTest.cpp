//===- NpyTest.cpp - Tests of the NPY reader and writer -------------------===//
//
// Round trips for every dtype, files written by NumPy itself (and ours read
// back by NumPy) when a Python with NumPy is available, and one crafted file
// per malformed case, each expecting its status and a message that names
// the problem.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "nnrt/nnrt.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace nnrt::test;

namespace {
/// A tensor that frees its data.
struct OwnedTensor : nnrt_tensor {
  OwnedTensor() : nnrt_tensor{} {}
  ~OwnedTensor() { nnrt_free(data); }
  OwnedTensor(const OwnedTensor &) = delete;
  OwnedTensor &operator=(const OwnedTensor &) = delete;
  std::string bytes() const {
    return std::string(static_cast<const char *>(data),
                       nnrt_tensor_bytes(this));
  }
};
} // namespace

/// A tensor of \p dtype and \p shape whose bytes count up from \p seed
/// (BOOL bytes alternate 0/1).
static nnrt_tensor makeTensor(nnrt_dtype dtype, std::vector<int64_t> shape,
                              std::vector<unsigned char> &storage,
                              unsigned seed) {
  nnrt_tensor t = {};
  t.dtype = dtype;
  t.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    t.shape[i] = shape[i];
  storage.resize(nnrt_tensor_bytes(&t) + 1);
  for (size_t i = 0; i < storage.size(); ++i)
    storage[i] = dtype == NNRT_BOOL ? (i + seed) % 2
                                    : static_cast<unsigned char>(i * 7 + seed);
  t.data = storage.data();
  return t;
}

TEST(NpyTest, RoundTripEveryDtype) {
  TempDir dir;
  const nnrt_dtype dtypes[] = {NNRT_F32, NNRT_F64, NNRT_F16, NNRT_I32,
                               NNRT_I64, NNRT_U8,  NNRT_BOOL};
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {5}, {2, 3}, {2, 1, 3, 1}, {0, 4}, {1, 1, 1, 1, 1, 1, 1, 2}};
  for (nnrt_dtype dtype : dtypes) {
    for (const auto &shape : shapes) {
      std::vector<unsigned char> storage;
      nnrt_tensor t = makeTensor(dtype, shape, storage, 3);
      std::string path = dir.file("t.npy");
      ASSERT_EQ(nnrt_npy_write(path.c_str(), &t), NNRT_OK) << nnrt_last_error();
      OwnedTensor back;
      ASSERT_EQ(nnrt_npy_read(path.c_str(), &back), NNRT_OK)
          << nnrt_last_error();
      EXPECT_EQ(back.dtype, dtype);
      ASSERT_EQ(back.rank, t.rank);
      for (int32_t i = 0; i < t.rank; ++i)
        EXPECT_EQ(back.shape[i], t.shape[i]);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(back.data) % 64, 0u);
      EXPECT_EQ(back.bytes(), std::string(reinterpret_cast<char *>(t.data),
                                          nnrt_tensor_bytes(&t)));
      // NumPy aligns the data start to 64 bytes; so do we.
      EXPECT_EQ((readFile(path).size() - nnrt_tensor_bytes(&t)) % 64, 0u);
    }
  }
}

TEST(NpyTest, WriteRejectsBf16AndInvalidTensors) {
  TempDir dir;
  std::string path = dir.file("t.npy");
  uint16_t value = 0;
  nnrt_tensor t = {};
  t.dtype = NNRT_BF16;
  t.data = &value;
  EXPECT_EQ(nnrt_npy_write(path.c_str(), &t), NNRT_ERR_DTYPE);
  EXPECT_NE(std::strstr(nnrt_last_error(), "bf16 has no NPY equivalent"),
            nullptr)
      << nnrt_last_error();
  t.dtype = NNRT_F32;
  t.rank = 9;
  EXPECT_EQ(nnrt_npy_write(path.c_str(), &t), NNRT_ERR_ARG);
  t.rank = 1;
  t.shape[0] = -2;
  EXPECT_EQ(nnrt_npy_write(path.c_str(), &t), NNRT_ERR_ARG);
  t.shape[0] = 4;
  t.data = nullptr;
  EXPECT_EQ(nnrt_npy_write(path.c_str(), &t), NNRT_ERR_ARG);
  // A failed write leaves neither the file nor its temporary behind.
  EXPECT_TRUE(readFile(path).empty());
  EXPECT_TRUE(readFile(path + ".tmp").empty());
}

TEST(NpyTest, MissingFileIsIoError) {
  TempDir dir;
  OwnedTensor t;
  std::string path = dir.file("absent.npy");
  EXPECT_EQ(nnrt_npy_read(path.c_str(), &t), NNRT_ERR_IO);
  EXPECT_NE(std::strstr(nnrt_last_error(), "absent.npy: cannot open"), nullptr)
      << nnrt_last_error();
  EXPECT_EQ(nnrt_npy_read(dir.dir().c_str(), &t), NNRT_ERR_IO);
  EXPECT_NE(std::strstr(nnrt_last_error(), "not a regular file"), nullptr);
}

//===----------------------------------------------------------------------===//
// Files written by NumPy
//===----------------------------------------------------------------------===//

static const char kNumpyWriter[] = R"PY(
import sys, numpy as np
d = sys.argv[1]
def save(name, a, version=None):
    if version is None:
        np.save(f"{d}/{name}.npy", a)
    else:
        with open(f"{d}/{name}.npy", "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    with open(f"{d}/{name}.bin", "wb") as f:
        f.write(np.ascontiguousarray(a).tobytes())
    with open(f"{d}/{name}.shape", "w") as f:
        f.write(" ".join(str(n) for n in a.shape))
r = np.random.default_rng(7)
save("f32", (r.standard_normal((3, 4)) * 100).astype("<f4"))
save("f64", r.standard_normal((2, 3, 2)))
save("f16", r.standard_normal(7).astype("<f2"))
save("i32", r.integers(-2**31, 2**31, size=(4, 5), dtype="<i4"))
save("i64", r.integers(-2**63, 2**63 - 1, size=(6,), dtype="<i8"))
save("u8", r.integers(0, 256, size=(2, 2, 2), dtype="u1"))
save("bool", r.integers(0, 2, size=(9,)).astype(bool))
save("scalar", np.array(3.25, dtype="<f4"))
save("empty", np.zeros((0, 3), dtype="<f4"))
save("rank8", np.arange(48, dtype="<i8").reshape(2, 3, 1, 2, 1, 2, 1, 2))
save("v2", np.arange(10, dtype="<f4"), version=(2, 0))
save("v3", np.arange(10, dtype="<f4"), version=(3, 0))
save("values", np.array([[0.5, -1.0], [1e30, -0.0]], dtype="<f4"))
np.save(f"{d}/fortran.npy", np.asfortranarray(np.ones((2, 3), dtype="<f4")))
np.save(f"{d}/bigendian.npy", np.ones(3, dtype=">f4"))
np.save(f"{d}/object.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
np.save(f"{d}/structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i4")]))
np.save(f"{d}/int8.npy", np.zeros(2, dtype="i1"))
np.save(f"{d}/rank9.npy", np.zeros((1,) * 9, dtype="<f4"))
)PY";

TEST(NpyTest, ReadsFilesWrittenByNumpy) {
  std::string python = findPython("numpy");
  if (python.empty())
    GTEST_SKIP() << "no python3 with numpy found (set NNRT_TEST_PYTHON)";
  TempDir dir;
  std::string output;
  ASSERT_TRUE(runPython(python, kNumpyWriter, dir.dir(), dir, output))
      << output;
  const std::pair<const char *, nnrt_dtype> cases[] = {
      {"f32", NNRT_F32},   {"f64", NNRT_F64},    {"f16", NNRT_F16},
      {"i32", NNRT_I32},   {"i64", NNRT_I64},    {"u8", NNRT_U8},
      {"bool", NNRT_BOOL}, {"scalar", NNRT_F32}, {"empty", NNRT_F32},
      {"rank8", NNRT_I64}, {"v2", NNRT_F32},     {"v3", NNRT_F32},
      {"values", NNRT_F32}};
  for (const auto &[name, dtype] : cases) {
    SCOPED_TRACE(name);
    OwnedTensor t;
    std::string path = dir.file(std::string(name) + ".npy");
    ASSERT_EQ(nnrt_npy_read(path.c_str(), &t), NNRT_OK) << nnrt_last_error();
    EXPECT_EQ(t.dtype, dtype);
    std::string shape;
    for (int32_t i = 0; i < t.rank; ++i)
      shape += (i ? " " : "") + std::to_string(t.shape[i]);
    EXPECT_EQ(shape, readFile(dir.file(std::string(name) + ".shape")));
    EXPECT_EQ(t.bytes(), readFile(dir.file(std::string(name) + ".bin")));
  }
  OwnedTensor values;
  std::string path = dir.file("values.npy");
  ASSERT_EQ(nnrt_npy_read(path.c_str(), &values), NNRT_OK);
  const float *v = static_cast<const float *>(values.data);
  EXPECT_EQ(v[0], 0.5f);
  EXPECT_EQ(v[1], -1.0f);
  EXPECT_EQ(v[2], 1e30f);
  EXPECT_TRUE(v[3] == 0.0f && std::signbit(v[3]));
}

TEST(NpyTest, RejectsUnsupportedNumpyFiles) {
  std::string python = findPython("numpy");
  if (python.empty())
    GTEST_SKIP() << "no python3 with numpy found (set NNRT_TEST_PYTHON)";
  TempDir dir;
  std::string output;
  ASSERT_TRUE(runPython(python, kNumpyWriter, dir.dir(), dir, output))
      << output;
  const struct {
    const char *name;
    nnrt_status status;
    const char *message;
  } cases[] = {
      {"fortran", NNRT_ERR_FORMAT, "Fortran-ordered arrays are not supported"},
      {"bigendian", NNRT_ERR_DTYPE, "descr '>f4': big-endian"},
      {"object", NNRT_ERR_DTYPE, "object arrays are not supported"},
      {"structured", NNRT_ERR_DTYPE, "structured dtypes"},
      {"int8", NNRT_ERR_DTYPE, "descr '|i1': unsupported dtype"},
      {"rank9", NNRT_ERR_SHAPE, "more than 8 dimensions"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    OwnedTensor t;
    std::string path = dir.file(std::string(c.name) + ".npy");
    EXPECT_EQ(nnrt_npy_read(path.c_str(), &t), c.status);
    EXPECT_NE(std::strstr(nnrt_last_error(), c.message), nullptr)
        << nnrt_last_error();
    EXPECT_NE(std::strstr(nnrt_last_error(), path.c_str()), nullptr);
    EXPECT_EQ(t.data, nullptr);
  }
}

TEST(NpyTest, NumpyReadsOurFiles) {
  std::string python = findPython("numpy");
  if (python.empty())
    GTEST_SKIP() << "no python3 with numpy found (set NNRT_TEST_PYTHON)";
  TempDir dir;
  const nnrt_dtype dtypes[] = {NNRT_F32, NNRT_F64, NNRT_F16, NNRT_I32,
                               NNRT_I64, NNRT_U8,  NNRT_BOOL};
  const char *descrs[] = {"<f4", "<f8", "<f2", "<i4", "<i8", "|u1", "|b1"};
  std::string script = "import sys, numpy as np\nd = sys.argv[1]\n";
  for (size_t i = 0; i < 7; ++i) {
    std::vector<unsigned char> storage;
    nnrt_tensor t = makeTensor(dtypes[i], {3, 2}, storage, 1);
    std::string name = std::to_string(i);
    ASSERT_EQ(nnrt_npy_write(dir.file(name + ".npy").c_str(), &t), NNRT_OK);
    writeFile(
        dir.file(name + ".bin"),
        std::string(reinterpret_cast<char *>(t.data), nnrt_tensor_bytes(&t)));
    script += "a = np.load(f'{d}/" + name +
              ".npy')\n"
              "assert a.dtype.str == '" +
              descrs[i] +
              "', a.dtype.str\nassert a.shape == (3, 2), a.shape\n"
              "assert a.tobytes() == open(f'{d}/" +
              name +
              ".bin', 'rb')"
              ".read()\n";
  }
  std::vector<unsigned char> storage;
  nnrt_tensor scalar = makeTensor(NNRT_F64, {}, storage, 1);
  ASSERT_EQ(nnrt_npy_write(dir.file("scalar.npy").c_str(), &scalar), NNRT_OK);
  script += "assert np.load(f'{d}/scalar.npy').shape == ()\nprint('ok')\n";
  std::string output;
  EXPECT_TRUE(runPython(python, script, dir.dir(), dir, output)) << output;
}

//===----------------------------------------------------------------------===//
// Crafted malformed files
//===----------------------------------------------------------------------===//

/// An NPY file with header text \p dict (padded as NumPy pads it) and
/// \p data; \p major selects the header-length field's width.
static std::string makeNpy(const std::string &dict, const std::string &data,
                           int major = 1) {
  size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  return std::string("\x93NUMPY", 6) + char(major) + '\0' +
         le(header.size(), major == 1 ? 2 : 4) + header + data;
}

static const char kF32x3[] =
    "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";

TEST(NpyTest, CraftedValidVariants) {
  TempDir dir;
  std::string path = dir.file("t.npy");
  const char *dicts[] = {
      kF32x3,
      "{\"shape\": (3,), \"descr\": \"<f4\", \"fortran_order\": False}",
      "{ 'descr' : '<f4' ,'fortran_order':False,'shape':( 3 , ) }",
  };
  for (const char *dict : dicts) {
    for (int major : {1, 2, 3}) {
      writeFile(path, makeNpy(dict, std::string(12, 'x'), major));
      OwnedTensor t;
      EXPECT_EQ(nnrt_npy_read(path.c_str(), &t), NNRT_OK)
          << dict << ": " << nnrt_last_error();
    }
  }
}

TEST(NpyTest, MalformedFiles) {
  TempDir dir;
  std::string path = dir.file("bad.npy");
  std::string good = makeNpy(kF32x3, std::string(12, '\0'));
  const struct {
    const char *what;
    std::string bytes;
    nnrt_status status;
    const char *message;
  } cases[] = {
      {"empty file", "", NNRT_ERR_FORMAT, "too short for an NPY header"},
      {"truncated header", good.substr(0, 40), NNRT_ERR_FORMAT,
       "NPY header length 118 extends past the end of the file (40 bytes)"},
      {"bad magic", "\x93NUMPX" + good.substr(6), NNRT_ERR_FORMAT,
       "not an NPY file (bad magic"},
      {"version 4.0", good.substr(0, 6) + '\x04' + good.substr(7),
       NNRT_ERR_FORMAT, "unsupported NPY format version 4.0"},
      {"version 1.1", good.substr(0, 7) + '\x01' + good.substr(8),
       NNRT_ERR_FORMAT, "unsupported NPY format version 1.1"},
      {"data too short", good.substr(0, good.size() - 1), NNRT_ERR_FORMAT,
       "data is 11 bytes but shape (3,) of '<f4' needs 12 bytes"},
      {"data too long", good + "x", NNRT_ERR_FORMAT,
       "data is 13 bytes but shape (3,) of '<f4' needs 12 bytes"},
      {"fortran order",
       makeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }",
               std::string(12, '\0')),
       NNRT_ERR_FORMAT, "Fortran-ordered arrays are not supported"},
      {"big-endian",
       makeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
               std::string(12, '\0')),
       NNRT_ERR_DTYPE, "big-endian data is not supported"},
      {"object",
       makeNpy("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }",
               std::string(24, '\0')),
       NNRT_ERR_DTYPE, "object arrays are not supported"},
      {"structured",
       makeNpy("{'descr': [('x', '<f4')], 'fortran_order': False, "
               "'shape': (3,), }",
               std::string(12, '\0')),
       NNRT_ERR_DTYPE, "structured dtypes"},
      {"missing key", makeNpy("{'descr': '<f4', 'shape': (3,), }", ""),
       NNRT_ERR_FORMAT, "NPY header lacks the key 'fortran_order'"},
      {"unknown key",
       makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), "
               "'x': 1}",
               ""),
       NNRT_ERR_FORMAT, "unexpected key 'x'"},
      {"duplicate key",
       makeNpy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
               "'shape': (3,)}",
               ""),
       NNRT_ERR_FORMAT, "duplicate key 'descr'"},
      {"negative dimension",
       makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }",
               ""),
       NNRT_ERR_FORMAT, "negative dimension"},
      {"dimension overflow",
       makeNpy("{'descr': '<f4', 'fortran_order': False, "
               "'shape': (99999999999999999999,), }",
               ""),
       NNRT_ERR_FORMAT, "dimension in 'shape' is too large"},
      {"product overflow",
       makeNpy("{'descr': '<f4', 'fortran_order': False, "
               "'shape': (4294967296, 4294967296), }",
               ""),
       NNRT_ERR_FORMAT, "overflows the element count"},
      {"size overflow",
       makeNpy("{'descr': '<f8', 'fortran_order': False, "
               "'shape': (4611686018427387904,), }",
               ""),
       NNRT_ERR_FORMAT, "overflows the element count"},
      {"shape not a tuple",
       makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }",
               std::string(12, '\0')),
       NNRT_ERR_FORMAT, "not a tuple"},
      {"shape list",
       makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': [3], }",
               std::string(12, '\0')),
       NNRT_ERR_FORMAT, "expected a tuple for 'shape'"},
      {"no closing brace",
       makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), ",
               std::string(12, '\0')),
       NNRT_ERR_FORMAT, "malformed NPY header"},
      {"text after dict",
       makeNpy(std::string(kF32x3) + " x", std::string(12, '\0')),
       NNRT_ERR_FORMAT, "unexpected text after the dict"},
      {"not a dict", makeNpy("[1, 2]", ""), NNRT_ERR_FORMAT, "expected '{'"},
      {"bad bool",
       makeNpy("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }",
               std::string(12, '\0')),
       NNRT_ERR_FORMAT, "expected True or False"},
      {"unterminated string", makeNpy("{'descr': '<f4", ""), NNRT_ERR_FORMAT,
       "expected a string for 'descr'"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.what);
    writeFile(path, c.bytes);
    OwnedTensor t;
    EXPECT_EQ(nnrt_npy_read(path.c_str(), &t), c.status);
    EXPECT_NE(std::strstr(nnrt_last_error(), c.message), nullptr)
        << nnrt_last_error();
    EXPECT_EQ(std::strncmp(nnrt_last_error(), path.c_str(), path.size()), 0)
        << nnrt_last_error();
    EXPECT_EQ(t.data, nullptr);
  }
}
