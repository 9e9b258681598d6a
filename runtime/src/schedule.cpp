//===- schedule.cpp - Learning-rate schedules -----------------------------===//
//
// With S steps per epoch, E epochs, T = S * E steps in all and W = warmup * S
// steps of warm-up, the factor at step t (from 1) is
//
//   t / W                                        while t <= W (linear warm-up)
//   1                                            constant and `warmup`
//   final + (1 - final) (1 + cos(pi p)) / 2      cosine, p = (t-1-W) / (T-W)
//   gamma ^ floor((t - 1) / (every * S))         step_decay
//
// Stepped once per batch, these are PyTorch's LambdaLR with that lambda of
// the scheduler's step count t - 1: cosine without warm-up equals
// CosineAnnealingLR(T_max = T, eta_min = final * lr) stepped per batch, and
// step_decay with whole `every` equals StepLR(step_size = every) stepped per
// epoch.
//
//===----------------------------------------------------------------------===//

#include "schedule.h"

#include <algorithm>
#include <cmath>

double nnrt::learningRateFactor(const nnrt_schedule &s, int64_t t,
                                int64_t stepsPerEpoch, int64_t epochs) {
  double step = static_cast<double>(t);
  double perEpoch = static_cast<double>(stepsPerEpoch);
  double warmup = s.warmup * perEpoch;
  if (s.kind != NNRT_SCHEDULE_CONSTANT && warmup > 0 && step <= warmup)
    return step / warmup;
  switch (s.kind) {
  case NNRT_SCHEDULE_CONSTANT:
  case NNRT_SCHEDULE_WARMUP:
    return 1.0;
  case NNRT_SCHEDULE_COSINE: {
    double span = perEpoch * static_cast<double>(epochs) - warmup;
    double p = span > 0 ? std::clamp((step - 1 - warmup) / span, 0.0, 1.0) : 1;
    return s.final_factor +
           (1 - s.final_factor) * 0.5 * (1 + std::cos(M_PI * p));
  }
  case NNRT_SCHEDULE_STEP_DECAY:
    return std::pow(s.gamma, std::floor((step - 1) / (s.every * perEpoch)));
  }
  return 1.0;
}
