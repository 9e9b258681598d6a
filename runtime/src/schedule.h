//===- schedule.h - Learning-rate schedules -------------------------------===//
//
// The factor by which the driver multiplies the optimizer's learning rate
// before each step: a function of the step number alone, so a resumed run
// takes the same learning rates as an uninterrupted one.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SCHEDULE_H
#define NNRT_SCHEDULE_H

#include "nnrt/abi.h"

#include <cstdint>

namespace nnrt {

/// The factor of step \p t (1 on the first step) of a run of \p epochs
/// epochs of \p stepsPerEpoch steps each.
double learningRateFactor(const nnrt_schedule &schedule, int64_t t,
                          int64_t stepsPerEpoch, int64_t epochs);

} // namespace nnrt

#endif // NNRT_SCHEDULE_H
