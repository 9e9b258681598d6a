//===- SafetensorsTest.cpp - Tests of the safetensors reader and writer ---===//
//
// A round trip with metadata, the writer's argument checks, one crafted bad
// file per validation rule of the reader (each must give NNRT_ERR_FORMAT and
// a message naming the problem), and interop with Python's `safetensors`
// package when it is installed.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "nnrt/nnrt.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <vector>

using namespace nnrt::test;

namespace {
/// Frees the file at the end of the scope.
struct StFile {
  nnrt_st_file *file = nullptr;
  ~StFile() { nnrt_st_free(file); }
};
} // namespace

static nnrt_tensor tensorOf(nnrt_dtype dtype, std::vector<int64_t> shape,
                            void *data) {
  nnrt_tensor t = {};
  t.dtype = dtype;
  t.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    t.shape[i] = shape[i];
  t.data = data;
  return t;
}

static std::string bytesOf(const nnrt_tensor *t) {
  return std::string(static_cast<const char *>(t->data), nnrt_tensor_bytes(t));
}

TEST(SafetensorsTest, RoundTripWithMetadata) {
  TempDir dir;
  std::string path = dir.file("model.safetensors");
  float w[6] = {1.5f, -2, 3, 0.25f, 1e-20f, -0.0f};
  double b[3] = {1, 2, 3};
  uint16_t h[2] = {0x3c00, 0xc000}, bf[2] = {0x3f80, 0x4000};
  int32_t i32 = -7;
  int64_t i64[4] = {INT64_MIN, -1, 0, INT64_MAX};
  uint8_t u8[3] = {0, 128, 255}, flags[2] = {1, 0};
  const char *names[] = {"w",   "b",  "h",     "bf",    "scalar",
                         "i64", "u8", "flags", "empty", "caf\xc3\xa9 \"q\"\\"};
  nnrt_tensor tensors[] = {
      tensorOf(NNRT_F32, {2, 3}, w),       tensorOf(NNRT_F64, {3}, b),
      tensorOf(NNRT_F16, {2}, h),          tensorOf(NNRT_BF16, {1, 2}, bf),
      tensorOf(NNRT_I32, {}, &i32),        tensorOf(NNRT_I64, {2, 2}, i64),
      tensorOf(NNRT_U8, {3}, u8),          tensorOf(NNRT_BOOL, {2}, flags),
      tensorOf(NNRT_F32, {0, 5}, nullptr), tensorOf(NNRT_U8, {1}, u8)};
  const char *keys[] = {"format", "epoch", "note"};
  const char *values[] = {"nnc", "3", "line\nbreak \"quoted\" \x01"};
  ASSERT_EQ(
      nnrt_safetensors_write(path.c_str(), names, tensors, 10, keys, values, 3),
      NNRT_OK)
      << nnrt_last_error();
  std::string bytes = readFile(path);
  uint64_t headerLen = 0;
  for (int i = 0; i < 8; ++i)
    headerLen |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  EXPECT_EQ(headerLen % 8, 0u);

  StFile f;
  ASSERT_EQ(nnrt_safetensors_read(path.c_str(), &f.file), NNRT_OK)
      << nnrt_last_error();
  ASSERT_EQ(nnrt_st_count(f.file), 10u);
  for (size_t i = 1; i < 10; ++i)
    EXPECT_LT(std::strcmp(nnrt_st_name(f.file, i - 1), nnrt_st_name(f.file, i)),
              0);
  EXPECT_EQ(nnrt_st_name(f.file, 10), nullptr);
  for (size_t i = 0; i < 10; ++i) {
    SCOPED_TRACE(names[i]);
    const nnrt_tensor *t = nnrt_st_get(f.file, names[i]);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->dtype, tensors[i].dtype);
    ASSERT_EQ(t->rank, tensors[i].rank);
    for (int32_t d = 0; d < t->rank; ++d)
      EXPECT_EQ(t->shape[d], tensors[i].shape[d]);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t->data) % 64, 0u);
    if (nnrt_tensor_bytes(t))
      EXPECT_EQ(bytesOf(t), bytesOf(&tensors[i]));
  }
  EXPECT_EQ(nnrt_st_get(f.file, "absent"), nullptr);
  ASSERT_EQ(nnrt_st_meta_count(f.file), 3u);
  EXPECT_STREQ(nnrt_st_meta_key(f.file, 0), "epoch");
  EXPECT_STREQ(nnrt_st_meta_get(f.file, "format"), "nnc");
  EXPECT_STREQ(nnrt_st_meta_get(f.file, "note"), values[2]);
  EXPECT_EQ(nnrt_st_meta_get(f.file, "absent"), nullptr);
  EXPECT_EQ(nnrt_st_meta_key(f.file, 3), nullptr);
}

TEST(SafetensorsTest, EmptyFileRoundTrip) {
  TempDir dir;
  std::string path = dir.file("empty.safetensors");
  ASSERT_EQ(nnrt_safetensors_write(path.c_str(), nullptr, nullptr, 0, nullptr,
                                   nullptr, 0),
            NNRT_OK)
      << nnrt_last_error();
  StFile f;
  ASSERT_EQ(nnrt_safetensors_read(path.c_str(), &f.file), NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(nnrt_st_count(f.file), 0u);
  EXPECT_EQ(nnrt_st_meta_count(f.file), 0u);
}

TEST(SafetensorsTest, WriterRejectsBadArguments) {
  TempDir dir;
  std::string path = dir.file("bad.safetensors");
  float x = 1;
  nnrt_tensor t[2] = {tensorOf(NNRT_F32, {1}, &x), tensorOf(NNRT_F32, {1}, &x)};
  const char *dup[] = {"a", "a"}, *empty[] = {"", "b"};
  const char *reserved[] = {"__metadata__", "b"}, *invalid[] = {"\xff", "b"};
  const char *ok[] = {"a", "b"};
  EXPECT_EQ(
      nnrt_safetensors_write(path.c_str(), dup, t, 2, nullptr, nullptr, 0),
      NNRT_ERR_ARG);
  EXPECT_NE(std::strstr(nnrt_last_error(), "duplicate tensor name 'a'"),
            nullptr)
      << nnrt_last_error();
  for (const char *const *names : {empty, reserved, invalid})
    EXPECT_EQ(
        nnrt_safetensors_write(path.c_str(), names, t, 2, nullptr, nullptr, 0),
        NNRT_ERR_ARG);
  EXPECT_EQ(nnrt_safetensors_write(path.c_str(), ok, t, 2, dup, ok, 2),
            NNRT_ERR_ARG);
  EXPECT_NE(std::strstr(nnrt_last_error(), "duplicate metadata key 'a'"),
            nullptr)
      << nnrt_last_error();
  t[1].data = nullptr;
  EXPECT_EQ(nnrt_safetensors_write(path.c_str(), ok, t, 2, nullptr, nullptr, 0),
            NNRT_ERR_ARG);
  t[1] = tensorOf(static_cast<nnrt_dtype>(42), {1}, &x);
  EXPECT_EQ(nnrt_safetensors_write(path.c_str(), ok, t, 2, nullptr, nullptr, 0),
            NNRT_ERR_ARG);
  EXPECT_TRUE(readFile(path).empty());
}

TEST(SafetensorsTest, WriteReplacesAnExistingFile) {
  TempDir dir;
  std::string path = dir.file("ckpt.safetensors");
  writeFile(path, "old contents");
  float x = 2;
  const char *names[] = {"x"};
  nnrt_tensor t = tensorOf(NNRT_F32, {1}, &x);
  ASSERT_EQ(
      nnrt_safetensors_write(path.c_str(), names, &t, 1, nullptr, nullptr, 0),
      NNRT_OK);
  StFile f;
  ASSERT_EQ(nnrt_safetensors_read(path.c_str(), &f.file), NNRT_OK);
  EXPECT_EQ(*static_cast<float *>(nnrt_st_get(f.file, "x")->data), 2.0f);
  EXPECT_TRUE(readFile(path + ".tmp").empty());
}

//===----------------------------------------------------------------------===//
// Crafted files
//===----------------------------------------------------------------------===//

/// A safetensors file: the header's length, the header, the data.
static std::string makeSt(const std::string &header, const std::string &data) {
  return le(header.size(), 8) + header + data;
}

TEST(SafetensorsTest, AcceptsAnyEntryOrderAndZeroSizeTensors) {
  TempDir dir;
  std::string path = dir.file("ok.safetensors");
  // Entries listed out of data order, a zero-size tensor sharing an offset,
  // JSON whitespace, escapes in a name, and padding spaces.
  std::string header =
      "{ \"b\" : {\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]},\n"
      "  \"a\\u00e9\": "
      "{\"shape\":[1],\"data_offsets\":[0,4],\"dtype\":\"I32\"},"
      "  \"z\": {\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
      "  \"__metadata__\": {} }   ";
  writeFile(path, makeSt(header, std::string("\x01\x00\x00\x00\x07\x08", 6)));
  StFile f;
  ASSERT_EQ(nnrt_safetensors_read(path.c_str(), &f.file), NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(nnrt_st_count(f.file), 3u);
  EXPECT_STREQ(nnrt_st_name(f.file, 0), "a\xc3\xa9");
  EXPECT_EQ(*static_cast<int32_t *>(nnrt_st_get(f.file, "a\xc3\xa9")->data), 1);
  EXPECT_EQ(static_cast<uint8_t *>(nnrt_st_get(f.file, "b")->data)[1], 8);
  EXPECT_EQ(nnrt_st_get(f.file, "z")->shape[1], 3);
}

/// A header with one F32 tensor entry per \p entries item, "name": {...}.
static std::string entry(const std::string &name, const std::string &dtype,
                         const std::string &shape, const std::string &offsets) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
         ",\"data_offsets\":" + offsets + "}";
}

TEST(SafetensorsTest, RejectsMalformedFiles) {
  TempDir dir;
  std::string path = dir.file("bad.safetensors");
  std::string a8 = entry("a", "F32", "[2]", "[0,8]");
  std::string data8(8, '\0'), data16(16, '\0');
  std::string deep = std::string(65, '[') + std::string(65, ']');
  const struct {
    const char *what;
    std::string bytes;
    const char *message;
  } cases[] = {
      {"shorter than the length", "abc", "too short for the 8-byte header"},
      {"header length past EOF", le(1000, 8) + "{}",
       "header length 1000 "
       "extends past the end of the file (10 bytes)"},
      {"header length huge", le(uint64_t(1) << 40, 8) + "{}",
       "header length 1099511627776 extends past the end of the file"},
      {"not JSON", makeSt("hello", ""), "header is not valid JSON: at byte 0"},
      {"empty header", makeSt("", ""), "expected a value, found end of input"},
      {"bad JSON", makeSt("{" + a8, data8), "expected ',' or '}'"},
      {"JSON trailing garbage", makeSt("{" + a8 + "}x", data8),
       "unexpected 'x' after the end of the JSON value"},
      {"NUL padding", makeSt("{" + a8 + "}" + std::string(3, '\0'), data8),
       "unexpected byte 0x00 after the end"},
      {"invalid UTF-8", makeSt("{\"\xc3\x28\":1}", ""), "invalid UTF-8"},
      {"nesting", makeSt("{\"a\":" + deep + "}", ""), "nested deeper than 64"},
      {"lone surrogate", makeSt("{\"\\ud800\":1}", ""),
       "not followed by a low surrogate"},
      {"not an object", makeSt("[]", ""),
       "header is an array, expected an "
       "object"},
      {"entry not an object", makeSt("{\"a\":[1]}", ""),
       "tensor 'a' is an array, expected an object"},
      {"unknown dtype",
       makeSt("{" + entry("a", "I8", "[2]", "[0,2]") + "}", "xx"),
       "tensor 'a' has unsupported dtype 'I8'"},
      {"dtype not a string",
       makeSt("{\"a\":{\"dtype\":1,\"shape\":[],\"data_offsets\":[0,4]}}",
              "xxxx"),
       "\"dtype\" is an integer, expected a string"},
      {"missing shape",
       makeSt("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "xxxx"),
       "tensor 'a' lacks \"shape\""},
      {"unexpected key",
       makeSt("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],"
              "\"x\":1}}",
              "xxxx"),
       "tensor 'a' has unexpected key \"x\""},
      {"float in shape",
       makeSt("{" + entry("a", "F32", "[2.0]", "[0,8]") + "}", data8),
       "expected an integer, found a floating-point number"},
      {"bool in shape",
       makeSt("{" + entry("a", "F32", "[true]", "[0,4]") + "}", "xxxx"),
       "\"shape\" must hold non-negative integers"},
      {"negative dim",
       makeSt("{" + entry("a", "F32", "[-2]", "[0,8]") + "}", data8),
       "\"shape\" must hold non-negative integers"},
      {"rank 9",
       makeSt("{" + entry("a", "F32", "[1,1,1,1,1,1,1,1,1]", "[0,4]") + "}",
              "xxxx"),
       "\"shape\" has 9 elements, at most 8 allowed"},
      {"three offsets",
       makeSt("{" + entry("a", "F32", "[2]", "[0,4,8]") + "}", data8),
       "\"data_offsets\" has 3 elements"},
      {"size mismatch",
       makeSt("{" + entry("fc1.w", "F32", "[784,256]", "[0,4]") + "}", "xxxx"),
       "bad.safetensors: tensor 'fc1.w' has shape [784, 256] (802816 bytes) "
       "but data_offsets cover 4 bytes"},
      {"shape overflow",
       makeSt("{" + entry("a", "F64", "[4611686018427387904]", "[0,8]") + "}",
              data8),
       "whose byte size overflows"},
      {"overlapping offsets",
       makeSt("{" + a8 + "," + entry("b", "F32", "[2]", "[4,12]") + "}",
              std::string(12, '\0')),
       "tensor 'b' (data_offsets [4, 12]) overlaps tensor 'a' (data_offsets "
       "[0, 8])"},
      {"gap in data",
       makeSt("{" + a8 + "," + entry("b", "F32", "[2]", "[12,20]") + "}",
              std::string(20, '\0')),
       "gap in the data section: bytes [8, 12) belong to no tensor"},
      {"gap at the start",
       makeSt("{" + entry("a", "F32", "[2]", "[4,12]") + "}",
              std::string(12, '\0')),
       "gap in the data section: bytes [0, 4)"},
      {"offsets out of order",
       makeSt("{" + entry("a", "F32", "[0]", "[8,0]") + "}", data8),
       "tensor 'a' has data_offsets [8, 0]: the end comes before the start"},
      {"offsets past the data",
       makeSt("{" + entry("a", "F32", "[4]", "[0,16]") + "}", data8),
       "tensor 'a' has data_offsets [0, 16] past the end of the data section "
       "(8 bytes)"},
      {"duplicate name", makeSt("{" + a8 + "," + a8 + "}", data16),
       "duplicate key \"a\""},
      {"empty name",
       makeSt("{" + entry("", "F32", "[2]", "[0,8]") + "}", data8),
       "a tensor has an empty name"},
      {"NUL in name",
       makeSt("{" + entry("a\\u0000b", "F32", "[2]", "[0,8]") + "}", data8),
       "contains a NUL character"},
      {"trailing garbage", makeSt("{" + a8 + "}", data8 + "junk"),
       "data section is 12 bytes but the tensors cover 8: 4 trailing bytes"},
      {"metadata not an object", makeSt("{\"__metadata__\":[]}", ""),
       "\"__metadata__\" is an array, expected an object of strings"},
      {"metadata value not a string",
       makeSt("{\"__metadata__\":{\"epoch\":3}}", ""),
       "metadata entry 'epoch' is an integer, expected a string"},
      {"duplicate metadata",
       makeSt("{\"__metadata__\":{},\"__metadata__\":{}}", ""),
       "duplicate key \"__metadata__\""},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.what);
    writeFile(path, c.bytes);
    StFile f;
    f.file = reinterpret_cast<nnrt_st_file *>(&f); // must be reset to NULL
    EXPECT_EQ(nnrt_safetensors_read(path.c_str(), &f.file), NNRT_ERR_FORMAT);
    EXPECT_EQ(f.file, nullptr);
    EXPECT_NE(std::strstr(nnrt_last_error(), c.message), nullptr)
        << nnrt_last_error();
    EXPECT_EQ(std::strncmp(nnrt_last_error(), path.c_str(), path.size()), 0)
        << nnrt_last_error();
  }
}

TEST(SafetensorsTest, RejectsHeaderOverTheLimit) {
  TempDir dir;
  std::string path = dir.file("huge.safetensors");
  // A sparse 200 MB file whose header length claims 150 MB: within the file
  // but over the 100 MB limit, so the reader must refuse before reading it.
  writeFile(path, le(150000000, 8) + "{}");
  std::filesystem::resize_file(path, 200000000);
  StFile f;
  EXPECT_EQ(nnrt_safetensors_read(path.c_str(), &f.file), NNRT_ERR_FORMAT);
  EXPECT_NE(std::strstr(nnrt_last_error(), "header length 150000000 exceeds "
                                           "the limit of 100000000 bytes"),
            nullptr)
      << nnrt_last_error();
}

TEST(SafetensorsTest, MissingFileIsIoError) {
  TempDir dir;
  StFile f;
  EXPECT_EQ(nnrt_safetensors_read(dir.file("nope").c_str(), &f.file),
            NNRT_ERR_IO);
  EXPECT_NE(std::strstr(nnrt_last_error(), "nope: cannot open"), nullptr);
}

//===----------------------------------------------------------------------===//
// Python's safetensors
//===----------------------------------------------------------------------===//

static const char kPythonSide[] = R"PY(
import sys, numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file, load_file
d = sys.argv[1]
# Files for nnc to read: tensors and their raw bytes.
r = np.random.default_rng(3)
ts = {
    "layer.0.weight": r.standard_normal((4, 3)).astype(np.float32),
    "layer.0.bias": r.standard_normal(3),
    "half": r.standard_normal(5).astype(np.float16),
    "ids": r.integers(-100, 100, size=(2, 2), dtype=np.int64),
    "count": np.array(7, dtype=np.int32),
    "pix": r.integers(0, 256, size=(3,), dtype=np.uint8),
    "mask": np.array([True, False, True]),
    "none": np.zeros((0, 2), dtype=np.float32),
}
save_file(ts, f"{d}/py.safetensors", metadata={"format": "np", "who": "python"})
for k, v in ts.items():
    open(f"{d}/{k}.bin", "wb").write(v.tobytes())
    open(f"{d}/{k}.shape", "w").write(" ".join(map(str, v.shape)))
# The file nnc wrote.
p = f"{d}/nnc.safetensors"
got = load_file(p)
assert sorted(got) == ["a", "b", "flags", "s"], sorted(got)
assert got["a"].dtype == np.float32 and got["a"].shape == (2, 3)
assert (got["a"] == np.arange(6, dtype=np.float32).reshape(2, 3)).all()
assert got["b"].dtype == np.int64 and list(got["b"]) == [-1, 2**40]
assert got["flags"].dtype == np.bool_ and list(got["flags"]) == [True, False]
assert got["s"].shape == () and got["s"] == np.float64(0.5)
with safe_open(p, framework="np") as f:
    assert f.metadata() == {"format": "nnc", "epoch": "12"}, f.metadata()
print("read nnc.safetensors ok")
)PY";

TEST(SafetensorsTest, InteropWithPythonSafetensors) {
  std::string python = findPython("numpy safetensors");
  if (python.empty())
    GTEST_SKIP() << "no python3 with numpy and safetensors found (pip install "
                    "safetensors numpy, then set NNRT_TEST_PYTHON)";
  TempDir dir;
  float a[6] = {0, 1, 2, 3, 4, 5};
  int64_t b[2] = {-1, int64_t(1) << 40};
  uint8_t flags[2] = {1, 0};
  double s = 0.5;
  const char *names[] = {"b", "a", "s", "flags"};
  nnrt_tensor tensors[] = {
      tensorOf(NNRT_I64, {2}, b), tensorOf(NNRT_F32, {2, 3}, a),
      tensorOf(NNRT_F64, {}, &s), tensorOf(NNRT_BOOL, {2}, flags)};
  const char *keys[] = {"format", "epoch"}, *values[] = {"nnc", "12"};
  ASSERT_EQ(nnrt_safetensors_write(dir.file("nnc.safetensors").c_str(), names,
                                   tensors, 4, keys, values, 2),
            NNRT_OK)
      << nnrt_last_error();
  std::string output;
  ASSERT_TRUE(runPython(python, kPythonSide, dir.dir(), dir, output)) << output;
  EXPECT_NE(output.find("read nnc.safetensors ok"), std::string::npos)
      << output;

  StFile f;
  ASSERT_EQ(nnrt_safetensors_read(dir.file("py.safetensors").c_str(), &f.file),
            NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(nnrt_st_count(f.file), 8u);
  EXPECT_STREQ(nnrt_st_meta_get(f.file, "who"), "python");
  const std::pair<const char *, nnrt_dtype> expected[] = {
      {"layer.0.weight", NNRT_F32}, {"layer.0.bias", NNRT_F64},
      {"half", NNRT_F16},           {"ids", NNRT_I64},
      {"count", NNRT_I32},          {"pix", NNRT_U8},
      {"mask", NNRT_BOOL},          {"none", NNRT_F32}};
  for (const auto &[name, dtype] : expected) {
    SCOPED_TRACE(name);
    const nnrt_tensor *t = nnrt_st_get(f.file, name);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->dtype, dtype);
    std::string shape;
    for (int32_t i = 0; i < t->rank; ++i)
      shape += (i ? " " : "") + std::to_string(t->shape[i]);
    EXPECT_EQ(shape, readFile(dir.file(std::string(name) + ".shape")));
    EXPECT_EQ(bytesOf(t), readFile(dir.file(std::string(name) + ".bin")));
  }
}
