//===- init.cpp - Initializing parameters and states ----------------------===//
//
// nnrt_init_param: PyTorch's torch.nn.init formulas over the runtime's Philox
// fills. Each tensor draws from its own stream, the FNV-1a hash of its name,
// so one seed fixes every parameter bit for bit whatever the order in which
// the model lists or the driver initializes them.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include "status.h"

#include <cmath>

using namespace nnrt;

uint64_t nnrt_fnv1a64(const char *name) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char *c = name ? name : ""; *c; ++c) {
    hash ^= static_cast<unsigned char>(*c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

/// kaiming's gain for a leaky ReLU of negative slope \p a.
static double kaimingGain(double a) { return std::sqrt(2.0 / (1.0 + a * a)); }

/// Whether \p kind draws from U(-bound, bound) or N(0, bound), and the
/// bound (or std); false for the deterministic initializers.
static bool randomScale(const nnrt_arg_info &info, double &scale) {
  double fanIn = static_cast<double>(info.fan_in);
  double fanSum = fanIn + static_cast<double>(info.fan_out);
  switch (info.init.kind) {
  case NNRT_INIT_GLOROT_UNIFORM:
    scale = std::sqrt(6.0 / fanSum);
    return true;
  case NNRT_INIT_GLOROT_NORMAL:
    scale = std::sqrt(2.0 / fanSum);
    return true;
  case NNRT_INIT_KAIMING_UNIFORM:
    scale = kaimingGain(info.init.a) * std::sqrt(3.0 / fanIn);
    return true;
  case NNRT_INIT_KAIMING_NORMAL:
    scale = kaimingGain(info.init.a) / std::sqrt(fanIn);
    return true;
  case NNRT_INIT_NORMAL:
    scale = info.init.std;
    return true;
  default:
    return false;
  }
}

static bool isNormal(nnrt_init_kind kind) {
  return kind == NNRT_INIT_NORMAL || kind == NNRT_INIT_GLOROT_NORMAL ||
         kind == NNRT_INIT_KAIMING_NORMAL;
}

static nnrt_status checkInitArgs(const nnrt_arg_info &info) {
  nnrt_tensor probe = {};
  probe.dtype = info.dtype;
  probe.rank = info.rank;
  for (int32_t d = 0; d < info.rank && d < NNRT_MAX_RANK; ++d)
    probe.shape[d] = info.shape[d];
  if (nnrt_tensor_bytes(&probe) == SIZE_MAX)
    return fail(NNRT_ERR_ARG, "'%s': cannot initialize a %s %s tensor",
                info.name, nnrt_dtype_name(info.dtype),
                info.rank >= 0 && info.rank <= NNRT_MAX_RANK
                    ? shapeString(info.shape, info.rank).c_str()
                    : "invalid");
  nnrt_init_kind kind = info.init.kind;
  if (kind == NNRT_INIT_NONE || kind > NNRT_INIT_KAIMING_NORMAL)
    return fail(NNRT_ERR_ARG, "'%s': no initializer", info.name);
  if (kind != NNRT_INIT_ZEROS && info.dtype != NNRT_F32)
    return fail(NNRT_ERR_DTYPE, "'%s': only zeros can initialize %s tensors",
                info.name, nnrt_dtype_name(info.dtype));
  bool glorot =
      kind == NNRT_INIT_GLOROT_UNIFORM || kind == NNRT_INIT_GLOROT_NORMAL;
  bool kaiming =
      kind == NNRT_INIT_KAIMING_UNIFORM || kind == NNRT_INIT_KAIMING_NORMAL;
  if ((glorot && info.fan_in + info.fan_out <= 0) ||
      (kaiming && info.fan_in <= 0))
    return fail(NNRT_ERR_ARG, "'%s': the initializer needs a fan > 0",
                info.name);
  return NNRT_OK;
}

nnrt_status nnrt_init_param(const nnrt_arg_info *info, uint64_t seed,
                            nnrt_tensor *out) {
  if (!info || !out || !info->name)
    return fail(NNRT_ERR_ARG, "nnrt_init_param: NULL argument");
  *out = nnrt_tensor{};
  if (nnrt_status s = checkInitArgs(*info))
    return s;
  nnrt_tensor t = {};
  t.dtype = info->dtype;
  t.rank = info->rank;
  for (int32_t d = 0; d < info->rank; ++d)
    t.shape[d] = info->shape[d];
  if (!(t.data = nnrt_alloc(nnrt_tensor_bytes(&t))))
    return NNRT_ERR_NOMEM;
  int64_t n = nnrt_tensor_numel(&t);
  auto *dst = static_cast<float *>(t.data);
  uint64_t stream = nnrt_fnv1a64(info->name);
  double scale = 0;
  if (randomScale(*info, scale)) {
    float s = static_cast<float>(scale);
    if (isNormal(info->init.kind))
      nnrt_fill_normal(dst, n, 0.0f, s, seed, stream);
    else
      nnrt_fill_uniform(dst, n, -s, s, seed, stream);
  } else if (info->init.kind == NNRT_INIT_UNIFORM) {
    nnrt_fill_uniform(dst, n, static_cast<float>(info->init.lo),
                      static_cast<float>(info->init.hi), seed, stream);
  } else if (info->init.kind != NNRT_INIT_ZEROS) {
    float value = info->init.kind == NNRT_INIT_ONES
                      ? 1.0f
                      : static_cast<float>(info->init.value);
    for (int64_t i = 0; i < n; ++i)
      dst[i] = value;
  }
  *out = t;
  return NNRT_OK;
}
