//===- DriverFixture.h - Running the driver in tests ------------*- C++ -*-===//
//
// The fixture the driver tests share: a temporary directory, nnrt_main or
// nnrt_driver_main run in-process with stdout and stderr captured, and
// helpers that write NPY files and checkpoints and read results back. Also
// MLIR's memref descriptor layout, for the fake models' entry points.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_TEST_DRIVERFIXTURE_H
#define NNRT_TEST_DRIVERFIXTURE_H

#include "TestUtil.h"
#include "nnrt/abi.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace nnrt::test {

/// MLIR's descriptor for a rank-N memref.
template <int N> struct MemRef {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[N];
  int64_t strides[N];
};

/// A temporary directory with helpers to run the driver in it.
class DriverTest : public ::testing::Test {
protected:
  TempDir dir;
  std::string out, err;

  std::string path(const std::string &name) { return dir.file(name); }

  /// Runs nnrt_driver_main (nnrt_main when \p descriptor is NULL) on
  /// "prog" + \p args, capturing stdout and stderr; returns the exit code.
  int run(std::vector<std::string> args, const char *descriptor = nullptr,
          nnrt_forward_fn forward = nullptr) {
    nnrt_entry_points entries = {forward, nullptr, nullptr, nullptr};
    return run(std::move(args), descriptor, entries);
  }

  /// run() with every entry point given.
  int run(std::vector<std::string> args, const char *descriptor,
          const nnrt_entry_points &entries) {
    args.insert(args.begin(), "/some/dir/prog");
    std::vector<char *> argv;
    for (std::string &a : args)
      argv.push_back(&a[0]);
    argv.push_back(nullptr);
    int argc = static_cast<int>(args.size());
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int code = descriptor
                   ? nnrt_driver_main(descriptor, &entries, argc, argv.data())
                   : nnrt_main(argc, argv.data());
    err = ::testing::internal::GetCapturedStderr();
    out = ::testing::internal::GetCapturedStdout();
    return code;
  }

  /// Writes a float NPY file called \p name.
  std::string writeNpy(const std::string &name, std::vector<int64_t> shape,
                       std::vector<float> values, nnrt_dtype dtype = NNRT_F32) {
    std::vector<double> wide(values.begin(), values.end());
    nnrt_tensor t = {dtype, static_cast<int32_t>(shape.size()), {}, nullptr};
    for (size_t i = 0; i < shape.size(); ++i)
      t.shape[i] = shape[i];
    t.data = dtype == NNRT_F64 ? static_cast<void *>(wide.data())
                               : static_cast<void *>(values.data());
    EXPECT_EQ(nnrt_npy_write(path(name).c_str(), &t), NNRT_OK);
    return path(name);
  }

  /// Writes a checkpoint of f32 tensors called \p name.
  std::string writeCheckpoint(
      const std::string &name,
      std::vector<std::pair<std::string, std::vector<int64_t>>> specs,
      nnrt_dtype dtype = NNRT_F32) {
    std::vector<std::vector<double>> storage;
    std::vector<nnrt_tensor> tensors;
    std::vector<const char *> names;
    for (auto &[tensorName, shape] : specs) {
      nnrt_tensor t = {dtype, static_cast<int32_t>(shape.size()), {}, nullptr};
      for (size_t i = 0; i < shape.size(); ++i)
        t.shape[i] = shape[i];
      storage.emplace_back(nnrt_tensor_numel(&t) + 1, 0.5);
      t.data = storage.back().data();
      tensors.push_back(t);
      names.push_back(tensorName.c_str());
    }
    EXPECT_EQ(nnrt_safetensors_write(path(name).c_str(), names.data(),
                                     tensors.data(), names.size(), nullptr,
                                     nullptr, 0),
              NNRT_OK);
    return path(name);
  }

  /// The values of the f32 NPY file at \p file, with its shape.
  std::vector<float> readNpy(const std::string &file,
                             std::vector<int64_t> *shape = nullptr) {
    nnrt_tensor t;
    EXPECT_EQ(nnrt_npy_read(file.c_str(), &t), NNRT_OK) << nnrt_last_error();
    const float *v = static_cast<const float *>(t.data);
    std::vector<float> values(v, v + nnrt_tensor_numel(&t));
    if (shape)
      *shape = std::vector<int64_t>(t.shape, t.shape + t.rank);
    nnrt_free(t.data);
    return values;
  }
};

} // namespace nnrt::test

#endif // NNRT_TEST_DRIVERFIXTURE_H
