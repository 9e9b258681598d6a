//===- FakeTrainModel.h - A trainable fake "generated model" ----*- C++ -*-===//
//
// The descriptor and entry points of FakeTrainModel.cpp: softmax regression
// on 28x28 images with Adam, as nnc would emit for a train block, under
// names of their own so they live beside FakeModel.cpp's nnc_* symbols.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_TEST_FAKETRAINMODEL_H
#define NNRT_TEST_FAKETRAINMODEL_H

#include "nnrt/abi.h"

namespace nnrt::test {

/// logits = x.reshape(B, 784) @ w.T + b with w: f32[10, 784]
/// (kaiming_uniform), b: f32[10] (zeros), a state steps_seen: i64[]
/// counting the steps, and the train section: dropout(x, 0.1) in the step
/// and grad functions (not in eval), Adam (lr 0.005, beta1 0.9,
/// beta2 0.999, eps 1e-8) on the mean cross-entropy, an accuracy metric,
/// batch 20, 3 epochs, seed 7, data dir /nonexistent/fake-data.
extern const char kFakeTrainDescriptor[];

/// The entry points: forward, step, eval and the correct gradient.
nnrt_entry_points fakeTrainEntries();

/// The same with a grad function whose gradient of b is twice the truth
/// (the step still uses the right one), for gradcheck to catch.
nnrt_entry_points fakeTrainEntriesWrongGrad();

} // namespace nnrt::test

#endif // NNRT_TEST_FAKETRAINMODEL_H
