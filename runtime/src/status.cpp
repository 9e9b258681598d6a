//===- status.cpp - The last error message and dtype/tensor basics --------===//
//
// The thread-local last-error message behind nnrt_last_error(), the helpers
// that set it, and the small facts about dtypes and tensors (sizes, names,
// element counts) that every other part of the runtime relies on.
//
//===----------------------------------------------------------------------===//

#include "status.h"

#include <cstdarg>
#include <cstdio>

using namespace nnrt;

static_assert(sizeof(nnrt_dtype) == sizeof(int32_t),
              "nnrt_dtype must match the C enum's size");

static thread_local std::string lastError;

static std::string vformat(const char *fmt, va_list args) {
  va_list copy;
  va_copy(copy, args);
  int len = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (len <= 0)
    return std::string();
  std::string text(static_cast<size_t>(len), '\0');
  std::vsnprintf(&text[0], text.size() + 1, fmt, args);
  return text;
}

std::string nnrt::format(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string text = vformat(fmt, args);
  va_end(args);
  return text;
}

nnrt_status nnrt::fail(nnrt_status code, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  lastError = vformat(fmt, args);
  va_end(args);
  return code;
}

std::string nnrt::shapeString(const int64_t *shape, int32_t rank) {
  std::string text = "[";
  for (int32_t i = 0; i < rank; ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

const char *nnrt_last_error(void) { return lastError.c_str(); }

size_t nnrt_dtype_size(nnrt_dtype dtype) {
  switch (dtype) {
  case NNRT_F64:
  case NNRT_I64:
    return 8;
  case NNRT_F32:
  case NNRT_I32:
    return 4;
  case NNRT_F16:
  case NNRT_BF16:
    return 2;
  case NNRT_U8:
  case NNRT_BOOL:
    return 1;
  }
  return 0;
}

const char *nnrt_dtype_name(nnrt_dtype dtype) {
  switch (dtype) {
  case NNRT_F32:
    return "f32";
  case NNRT_F64:
    return "f64";
  case NNRT_F16:
    return "f16";
  case NNRT_BF16:
    return "bf16";
  case NNRT_I32:
    return "i32";
  case NNRT_I64:
    return "i64";
  case NNRT_U8:
    return "u8";
  case NNRT_BOOL:
    return "bool";
  }
  return "invalid";
}

int64_t nnrt_tensor_numel(const nnrt_tensor *t) {
  if (!t || t->rank < 0 || t->rank > NNRT_MAX_RANK)
    return -1;
  for (int32_t i = 0; i < t->rank; ++i) {
    if (t->shape[i] < 0)
      return -1;
  }
  // A zero dimension makes the tensor empty even when the others overflow.
  int64_t numel = 1;
  for (int32_t i = 0; i < t->rank; ++i) {
    if (t->shape[i] == 0)
      return 0;
  }
  for (int32_t i = 0; i < t->rank; ++i) {
    if (__builtin_mul_overflow(numel, t->shape[i], &numel))
      return -1;
  }
  return numel;
}

size_t nnrt_tensor_bytes(const nnrt_tensor *t) {
  int64_t numel = nnrt_tensor_numel(t);
  size_t elemSize = t ? nnrt_dtype_size(t->dtype) : 0;
  size_t bytes;
  if (numel < 0 || elemSize == 0 ||
      __builtin_mul_overflow(static_cast<uint64_t>(numel), elemSize, &bytes))
    return SIZE_MAX;
  return bytes;
}
