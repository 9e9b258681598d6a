//===- gradcheck.cpp - Checking the compiled gradient numerically ---------===//
//
// `prog gradcheck`: the "grad" function's gradients on one batch against
// central differences of its own loss. The batch is the first --batch
// examples of the training split (8 by default, unshuffled). For each
// param, the five elements with the largest analytic gradient (where the
// loss changes most against its f32 rounding, about 1e-6 relative) are
// perturbed by h = 1e-2 * max(1, |p|), and (L(p + h) - L(p - h)) / 2h,
// computed in double from the f32 losses over the points as rounded to f32,
// is compared with the analytic value. When the one-sided slopes disagree
// by more than 5% a kink (relu, max) lies inside the interval and h is
// divided by 4 (down to 1e-4). The relative error
//   |analytic - numeric| / max(|analytic|, |numeric|, 0.1 * max |g|)
// must be at most 5e-2 for every element: wrong rules (a missing factor, a
// transposition, a sign) err far more, while f32 differences of a ReLU
// network stay within it. Every call numbers its random ops 0, so dropout
// masks are the same for all evaluations.
//
//===----------------------------------------------------------------------===//

#include "train.h"

#include "status.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

using namespace nnrt;

static constexpr int64_t kBatch = 8;
static constexpr int kElements = 5;
static constexpr double kStep = 1e-2, kFloor = 1e-1, kTolerance = 5e-2;

/// One checked element: where, and both values.
struct Check {
  int64_t element = 0;
  double analytic = 0, numeric = 0, error = 0;
};

/// The loss of \p grad with element \p element of \p param set to \p value.
static int lossAt(PackedFn &grad, int64_t k, float *param, int64_t element,
                  float value, double &loss) {
  float saved = param[element];
  param[element] = value;
  int code = grad.call(k, 0);
  param[element] = saved;
  loss = grad.loss();
  return code;
}

/// The elements with the largest |gradient|, where the loss changes most
/// against its f32 rounding.
static std::vector<int64_t> largestElements(const std::vector<float> &grad) {
  std::vector<int64_t> order(grad.size());
  std::iota(order.begin(), order.end(), 0);
  size_t n = std::min<size_t>(kElements, order.size());
  std::partial_sort(order.begin(), order.begin() + n, order.end(),
                    [&](int64_t a, int64_t b) {
                      return std::fabs(grad[a]) > std::fabs(grad[b]);
                    });
  order.resize(n);
  return order;
}

/// Checks the largest-gradient elements of one param, whose values are
/// \p data, against central differences around the loss \p center at
/// the unperturbed params; \p worst is the largest error.
static int checkParam(PackedFn &grad, int64_t k, float *data, double center,
                      const std::vector<float> &analytic, Check &worst) {
  double largest = 0;
  for (float g : analytic)
    largest = std::max(largest, double(std::fabs(g)));
  worst = Check{};
  worst.error = -1;
  for (int64_t e : largestElements(analytic)) {
    Check c;
    c.element = e;
    c.analytic = analytic[e];
    // A kink (relu, max) inside [p - h, p + h] makes the one-sided slopes
    // disagree; a smaller interval then avoids it.
    for (double h = kStep * std::max(1.0, std::fabs(double(data[e])));
         h > kStep * 1e-2; h /= 4) {
      float plus = static_cast<float>(data[e] + h);
      float minus = static_cast<float>(data[e] - h);
      double lossPlus, lossMinus;
      if (int code = lossAt(grad, k, data, e, plus, lossPlus))
        return code;
      if (int code = lossAt(grad, k, data, e, minus, lossMinus))
        return code;
      c.numeric = (lossPlus - lossMinus) / (double(plus) - double(minus));
      double right = (lossPlus - center) / (double(plus) - data[e]);
      double left = (center - lossMinus) / (double(data[e]) - minus);
      if (std::fabs(right - left) <= 0.05 * std::max(std::fabs(right),
                                                    std::fabs(left)))
        break;
    }
    c.error = std::fabs(c.analytic - c.numeric) /
              std::max({std::fabs(c.analytic), std::fabs(c.numeric),
                        kFloor * largest, 1e-6});
    if (!(c.error <= worst.error))
      worst = c;
  }
  return kExitOk;
}

int nnrt::runGradcheck(const nnrt_model_info &model,
                       const nnrt_entry_points &entries, const Options &opts) {
  Session s;
  if (int code = openSession(model, opts, TrainState::kLoadParams, s))
    return code;
  s.batch = opts.batch ? opts.batch : kBatch;
  Dataset data;
  if (int code = loadSplit(s, true, data))
    return code;
  int64_t k = std::min(s.batch, data.count);
  std::vector<int64_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  fillBatch(data, order, 0, k, s.buffers.images, s.buffers.labels);
  const nnrt_fn_info &fn = s.train->grad;
  PackedFn grad;
  if (int code = grad.bind("grad", fn, entries.grad, s.state, s.buffers, false))
    return code;
  nnrt_set_run_seed(s.seed);
  if (int code = grad.call(k, 0))
    return code;
  double center = grad.loss();
  std::printf("gradcheck: %lld examples, loss %.6f, tolerance %g\n",
              (long long)k, center, kTolerance);
  // Every param's values and its gradient at the unperturbed point, taken
  // before checkParam's calls overwrite the gradients.
  std::vector<float *> values(fn.n_args);
  std::vector<std::vector<float>> analytic(fn.n_args);
  for (size_t i = 0; i < fn.n_args; ++i) {
    const float *g = grad.grad(fn.args[i].name);
    if (fn.args[i].role != NNRT_ROLE_PARAM || !g)
      continue; // a param of another objective's model has no grad
    nnrt_tensor &t = s.state.tensor(s.state.find(fn.args[i].name));
    values[i] = static_cast<float *>(t.data);
    analytic[i].assign(g, g + nnrt_tensor_numel(&t));
  }
  if (std::none_of(values.begin(), values.end(),
                   [](const float *v) { return v != nullptr; })) {
    printError("gradcheck: the model's grad function returns no gradient");
    return kExitInput;
  }
  std::vector<std::string> failures;
  for (size_t i = 0; i < fn.n_args; ++i) {
    const nnrt_arg_info &param = fn.args[i];
    if (!values[i])
      continue;
    Check worst;
    if (int code = checkParam(grad, k, values[i], center, analytic[i], worst))
      return code;
    std::printf("%-24s max relative error %.2e\n", param.name,
                std::max(worst.error, 0.0));
    if (!(worst.error <= kTolerance))
      failures.push_back(
          format("gradcheck: '%s' has relative error %.2e > %g at "
                 "element %lld (analytic %.6g, numeric %.6g)",
                 param.name, worst.error, kTolerance, (long long)worst.element,
                 worst.analytic, worst.numeric));
  }
  for (const std::string &failure : failures)
    printError(failure);
  return failures.empty() ? kExitOk : kExitInput;
}
