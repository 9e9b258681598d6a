//===- train.cpp - The train and eval commands ----------------------------===//
//
// `prog train`: epochs of optimizer steps over the shuffled training split,
// each followed by an evaluation on the test split, a line of numbers, the
// log files and the checkpoint. The step number t is the run's clock: the
// shuffle order, the position within the epoch and the random ops' call
// number all follow from it, so a run resumed from a checkpoint takes the
// very steps the uninterrupted run would have taken. `prog eval`: the
// evaluation alone.
//
//===----------------------------------------------------------------------===//

#include "train.h"

#include "augment.h"
#include "check_finite.h"
#include "data_source.h"
#include "generated_alloc.h"
#include "samples.h"
#include "schedule.h"
#include "status.h"
#include "train_log.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <unistd.h>

using namespace nnrt;

namespace {
using Clock = std::chrono::steady_clock;

/// The live progress line on a terminal's stderr, redrawn at most ten
/// times a second; silent when stderr is not a terminal.
class Progress {
public:
  Progress() : enabled(isatty(fileno(stderr))) {}

  void update(int64_t epoch, int64_t epochs, int64_t step, int64_t steps,
              double loss, double samplesPerSecond, double etaSeconds) {
    Clock::time_point now = Clock::now();
    if (!enabled || now - lastDraw < std::chrono::milliseconds(100))
      return;
    lastDraw = now;
    int64_t eta = static_cast<int64_t>(etaSeconds);
    std::fprintf(stderr,
                 "\repoch %lld/%lld  step %lld/%lld  loss %.4f  %.0f "
                 "samples/s  ETA %lld:%02lld\033[K",
                 (long long)epoch, (long long)epochs, (long long)step,
                 (long long)steps, loss, samplesPerSecond,
                 (long long)(eta / 60), (long long)(eta % 60));
    std::fflush(stderr);
  }

  void clear() {
    if (enabled)
      std::fprintf(stderr, "\r\033[K");
  }

private:
  bool enabled;
  Clock::time_point lastDraw;
};
} // namespace

static double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int nnrt::openSession(const nnrt_model_info &model, const Options &opts,
                      TrainState::LoadMode mode, Session &session) {
  session.train = model.train;
  session.seed = opts.hasSeed ? opts.seed : model.train->seed;
  session.batch = opts.batch ? opts.batch : model.train->batch;
  session.dataDir = opts.data.empty() ? model.train->data_dir : opts.data;
  if (int code = session.state.init(model, session.seed))
    return code;
  if (opts.load.empty())
    return kExitOk;
  return session.state.load(opts.load.c_str(), mode);
}

/// What the examples of \p data are, for messages ("the images are
/// 28x28", "the examples have 8 values").
static std::string exampleSpelling(const Dataset &data) {
  if (data.rows)
    return format("the images are %lldx%lld", (long long)data.rows,
                  (long long)data.cols);
  return format("the examples have %lld values", (long long)data.features);
}

/// Checks that the input of \p fn takes the examples of \p data and its
/// label arg the labels.
static int checkInput(const Session &session, const char *fnName,
                      const nnrt_fn_info &fn, const Dataset &data) {
  for (size_t i = 0; i < fn.n_args; ++i) {
    const nnrt_arg_info &a = fn.args[i];
    if (a.role != NNRT_ROLE_INPUT && a.role != NNRT_ROLE_LABEL)
      continue;
    int64_t size = 1;
    for (int32_t d = 1; d < a.rank; ++d)
      size *= a.shape[d];
    std::string have;
    if (a.role == NNRT_ROLE_INPUT && size != data.features)
      have = exampleSpelling(data);
    else if (a.role == NNRT_ROLE_LABEL &&
             (a.dtype != data.labelType || size != data.labelSize))
      have = data.labelType == NNRT_I32
                 ? std::string("the labels are class indices (i32)")
                 : format("the labels are %lld f32 value%s per example",
                          (long long)data.labelSize,
                          data.labelSize == 1 ? "" : "s");
    if (have.empty())
      continue;
    printError(format("%s: %s, but the %s function's %s '%s' is %s",
                      session.dataDir.c_str(), have.c_str(), fnName,
                      a.role == NNRT_ROLE_INPUT ? "input" : "label", a.name,
                      typeString(a).c_str()));
    return kExitInput;
  }
  return kExitOk;
}

int nnrt::loadSplit(Session &session, bool train, Dataset &out) {
  const nnrt_train_info &t = *session.train;
  if (loadDataSplit(t, session.dataDir, train, out))
    return reportError();
  for (auto [name, fn] :
       {std::pair{"step", &t.step}, std::pair{"eval", &t.eval},
        std::pair{"grad", &t.grad}}) {
    if (int code = checkInput(session, name, *fn, out))
      return code;
  }
  if (session.buffers.images)
    return kExitOk;
  return session.buffers.allocate(session.batch, out.features,
                                  out.labelSize);
}

int nnrt::evaluate(Session &session, PackedFn &eval, const Dataset &data,
                   Evaluation &out) {
  std::vector<int64_t> order(data.count);
  std::iota(order.begin(), order.end(), 0);
  out = Evaluation{};
  out.metrics = eval.metrics();
  double lossSum = 0;
  std::vector<double> metricSums(out.metrics.size(), 0.0);
  BatchBuffers &b = session.buffers;
  for (int64_t first = 0; first < data.count; first += session.batch) {
    int64_t k = std::min(session.batch, data.count - first);
    fillBatch(data, order, first, k, b.images, b.labels);
    if (int code = eval.call(k, 0))
      return code;
    lossSum += eval.loss() * k;
    for (size_t m = 0; m < metricSums.size(); ++m)
      metricSums[m] += eval.metric(m) * k;
  }
  double n = static_cast<double>(data.count);
  out.loss = lossSum / n;
  for (size_t m = 0; m < out.metrics.size(); ++m)
    out.metrics[m].second = metricSums[m] / n;
  return kExitOk;
}

/// "nan", "inf" or "-inf".
static const char *nonFiniteName(double value) {
  return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

namespace {
/// A training run: the session, both datasets and the bound functions.
struct Run {
  Session session;
  Dataset trainSet, testSet;
  PackedFn step, eval;
  int64_t epochs = 0, stepsPerEpoch = 0;
  /// The base learning rate, and the one of the latest step (scheduled).
  double lr = 0, stepLR = 0;
  Augmentation augment;
  TrainLog log;
  bool logging = false;
  /// The grid of generated images written after each epoch (`samples`,
  /// with --log), from the model's forward.
  SampleWriter samples;
  bool sampling = false;
  const nnrt_model_info *model = nullptr;
  nnrt_forward_fn forward = nullptr;
  /// Blocks generated code took from the system after this run's first
  /// step and after its latest (NNRT_ALLOC_REPORT).
  uint64_t blocksAfterFirst = 0, blocksAfterLatest = 0;
  /// New values copied into persistent tensors, likewise.
  int64_t copiesAfterFirst = 0;
  int64_t stepsRun = 0;
};
} // namespace

/// Evaluates after an epoch (or the steps of one) and reports: the line,
/// the log files and the checkpoint.
static int finishEpoch(Run &run, const Options &opts, int64_t epoch,
                       const std::vector<double> &trainMeans,
                       double samplesPerSecond, Clock::time_point start) {
  Evaluation ev;
  if (int code = evaluate(run.session, run.eval, run.testSet, ev))
    return code;
  EpochRecord record;
  record.epoch = epoch + 1;
  record.step = run.session.state.step;
  record.values = {{"loss", trainMeans[0]}};
  std::vector<std::pair<std::string, double>> stepMetrics = run.step.metrics();
  for (size_t m = 0; m < stepMetrics.size(); ++m)
    record.values.push_back({stepMetrics[m].first, trainMeans[m + 1]});
  record.values.push_back({"test_loss", ev.loss});
  for (const auto &[name, value] : ev.metrics)
    record.values.push_back({"test_" + name, value});
  if (run.session.train->schedule.kind != NNRT_SCHEDULE_CONSTANT)
    record.values.push_back({"lr", run.stepLR});
  double seconds = secondsSince(start);
  std::printf("epoch %lld/%lld  step %lld", (long long)record.epoch,
              (long long)run.epochs, (long long)record.step);
  for (const auto &[name, value] : record.values)
    std::printf("  %s %.4f", name.c_str(), value);
  std::printf("  %.0f samples/s  %.1f s\n", samplesPerSecond, seconds);
  std::fflush(stdout);
  record.values.push_back({"samples_per_s", samplesPerSecond});
  record.values.push_back({"seconds", seconds});
  if (run.logging && run.log.write(record))
    return reportError();
  if (run.sampling) {
    if (int code = run.samples.write(*run.model, run.forward,
                                     run.session.state, opts.log, epoch + 1))
      return code;
  }
  if (!opts.save.empty())
    return run.session.state.save(opts.save.c_str(), true);
  return kExitOk;
}

/// Reports a step whose \p what (the loss, or another objective's) is the
/// non-finite \p value. The step stored nothing, so running it again with
/// the same batch and random numbers, checking each op's values, finds
/// where the first non-finite value came from.
static int reportNonFinite(Run &run, int64_t k, const std::string &what,
                           double value, int64_t epoch, int64_t batch) {
  Session &s = run.session;
  beginFiniteCheck();
  int code = run.step.call(k, static_cast<uint64_t>(s.state.step));
  std::string place = endFiniteCheck();
  if (code)
    return code;
  std::string message =
      format("the %s is %s at step %lld (epoch %lld, batch %lld)",
             what.c_str(), nonFiniteName(value), (long long)s.state.step + 1,
             (long long)epoch + 1, (long long)batch + 1);
  if (!place.empty())
    message += "; the first non-finite value was computed at " + place;
  printError(message + "; nothing was saved from this step");
  return kExitInput;
}

/// Trains from the state's step to the end of its epoch, or until
/// \p budget steps are spent; then finishes the epoch.
static int trainEpoch(Run &run, const Options &opts, int64_t &budget,
                      Progress &progress) {
  Session &s = run.session;
  const Dataset &data = run.trainSet;
  int64_t epoch = s.state.step / run.stepsPerEpoch;
  std::vector<int64_t> order(data.count);
  if (opts.noShuffle)
    std::iota(order.begin(), order.end(), 0);
  else
    order = shuffledOrder(data.count, s.seed, static_cast<uint64_t>(epoch));
  Clock::time_point start = Clock::now();
  // The loss, then the step's metrics (the other objectives' losses).
  std::vector<double> sums(1 + run.step.metrics().size(), 0.0);
  int64_t samples = 0;
  int64_t total = run.epochs * run.stepsPerEpoch;
  for (int64_t b = s.state.step % run.stepsPerEpoch;
       b < run.stepsPerEpoch && budget > 0; ++b, --budget) {
    int64_t first = b * s.batch, k = std::min(s.batch, data.count - first);
    fillBatch(data, order, first, k, s.buffers.images, s.buffers.labels);
    augmentBatch(run.augment, s.seed, static_cast<uint64_t>(s.state.step), k,
                 data.channels, data.rows, data.cols, s.buffers.images);
    *s.buffers.step = static_cast<float>(s.state.step + 1);
    run.stepLR = run.lr * learningRateFactor(s.train->schedule,
                                             s.state.step + 1,
                                             run.stepsPerEpoch, run.epochs);
    *s.buffers.lr = static_cast<float>(run.stepLR);
    if (int code = run.step.call(k, static_cast<uint64_t>(s.state.step)))
      return code;
    for (size_t m = 0; m < sums.size(); ++m) {
      double value = m ? run.step.metric(m - 1) : run.step.loss();
      if (!std::isfinite(value)) {
        progress.clear();
        std::string what = m ? run.step.metrics()[m - 1].first : "loss";
        return reportNonFinite(run, k, what, value, epoch, b);
      }
      sums[m] += value * k;
    }
    ++s.state.step;
    samples += k;
    run.blocksAfterLatest = systemBlocks();
    if (run.stepsRun++ == 0) {
      run.blocksAfterFirst = run.blocksAfterLatest;
      run.copiesAfterFirst = run.step.copies();
    }
    double elapsed = secondsSince(start);
    double rate = samples / (elapsed > 0 ? elapsed : 1e-9);
    int64_t left = std::min(budget - 1, total - s.state.step);
    progress.update(epoch + 1, run.epochs, b + 1, run.stepsPerEpoch,
                    sums[0] / samples, rate, left * s.batch / rate);
  }
  progress.clear();
  double seconds = secondsSince(start);
  for (double &sum : sums)
    sum /= static_cast<double>(samples);
  return finishEpoch(run, opts, epoch, sums,
                     samples / (seconds > 0 ? seconds : 1e-9), start);
}

/// Binds the step and eval functions and resolves the run's numbers.
static int setUpRun(Run &run, const nnrt_entry_points &entries,
                    const Options &opts) {
  Session &s = run.session;
  const nnrt_train_info &t = *s.train;
  if (int code = loadSplit(s, true, run.trainSet))
    return code;
  if (int code = loadSplit(s, false, run.testSet))
    return code;
  if (run.trainSet.count == 0) {
    printError(s.dataDir + ": the training split has no examples");
    return kExitInput;
  }
  if (int code = run.step.bind("step", t.step, entries.train_step, s.state,
                               s.buffers, true))
    return code;
  if (int code = run.eval.bind("eval", t.eval, entries.eval_step, s.state,
                               s.buffers, false))
    return code;
  run.epochs = opts.epochs ? opts.epochs : t.epochs;
  run.stepsPerEpoch = (run.trainSet.count + s.batch - 1) / s.batch;
  run.lr = opts.hasLr ? opts.lr : t.lr;
  run.augment.crop = t.augment_crop;
  run.augment.flip = t.augment_flip != 0;
  if (!opts.log.empty()) {
    if (run.log.open(opts.log))
      return reportError();
    run.logging = true;
  }
  if (t.samples > 0 && run.logging) {
    if (int code = run.samples.prepare(*run.model, t.samples, s.seed))
      return code;
    run.sampling = true;
  }
  return kExitOk;
}

int nnrt::runTrain(const nnrt_model_info &model,
                   const nnrt_entry_points &entries, const Options &opts) {
  Run run;
  Session &s = run.session;
  if (int code = openSession(model, opts, TrainState::kLoadForTraining, s))
    return code;
  run.model = &model;
  run.forward = entries.forward;
  if (int code = setUpRun(run, entries, opts))
    return code;
  nnrt_set_run_seed(s.seed);
  int64_t total = run.epochs * run.stepsPerEpoch;
  if (s.state.step >= total) {
    std::printf("nothing to train: step %lld is the end of epoch %lld, and "
                "--epochs is %lld\n",
                (long long)s.state.step,
                (long long)(s.state.step / run.stepsPerEpoch),
                (long long)run.epochs);
    return opts.save.empty() ? kExitOk : s.state.save(opts.save.c_str(), true);
  }
  int64_t budget = opts.steps ? opts.steps : total;
  Progress progress;
  while (s.state.step < total && budget > 0) {
    if (int code = trainEpoch(run, opts, budget, progress))
      return code;
  }
  // The steps after the first reuse the memory the first one freed (a
  // last, smaller batch of an epoch takes new blocks once), and their new
  // parameter and optimizer values become the persistent tensors uncopied.
  if (std::getenv("NNRT_ALLOC_REPORT"))
    std::fprintf(stderr,
                 "nnrt: %lld steps; blocks from the system allocator: %llu "
                 "up to the first step's end, %llu after; new values copied "
                 "after the first step: %lld; peak bytes in use: %llu\n",
                 (long long)run.stepsRun,
                 (unsigned long long)run.blocksAfterFirst,
                 (unsigned long long)(run.blocksAfterLatest -
                                      run.blocksAfterFirst),
                 (long long)(run.step.copies() - run.copiesAfterFirst),
                 (unsigned long long)peakBytesInUse());
  return kExitOk;
}

int nnrt::runEval(const nnrt_model_info &model,
                  const nnrt_entry_points &entries, const Options &opts) {
  Session s;
  if (int code = openSession(model, opts, TrainState::kLoadParams, s))
    return code;
  Dataset test;
  if (int code = loadSplit(s, false, test))
    return code;
  PackedFn eval;
  if (int code = eval.bind("eval", s.train->eval, entries.eval_step, s.state,
                           s.buffers, false))
    return code;
  nnrt_set_run_seed(s.seed);
  Evaluation ev;
  if (int code = evaluate(s, eval, test, ev))
    return code;
  std::printf("test_loss %.4f", ev.loss);
  for (const auto &[name, value] : ev.metrics)
    std::printf("  test_%s %.4f", name.c_str(), value);
  std::printf("\n");
  return kExitOk;
}

void nnrt::printTrainInfo(const nnrt_train_info &t) {
  std::string numbers = t.has_lr ? format("lr %g", t.lr) : "";
  for (size_t i = 0; i < t.n_hparams; ++i)
    numbers += format("%s%s %g", numbers.empty() ? "" : ", ", t.hparams[i].name,
                      t.hparams[i].value);
  if (!numbers.empty())
    numbers = " (" + numbers + ")";
  std::printf("train: %s\n  optimizer: %s%s\n", t.name, t.optimizer,
              numbers.c_str());
  std::printf("  batch: %lld\n  epochs: %lld\n  seed: %llu\n"
              "  data: %s (%s)\n",
              (long long)t.batch, (long long)t.epochs,
              (unsigned long long)t.seed, t.data_dir, t.data_kind);
  if (t.data_y)
    std::printf("  labels: %s\n", t.data_y);
  if (t.data_label)
    std::printf("  label: column '%s'%s\n", t.data_label,
                t.data_classes ? " (class indices)" : "");
  if (t.data_test > 0)
    std::printf("  test split: the last %g of the examples\n", t.data_test);
  const nnrt_schedule &sc = t.schedule;
  switch (sc.kind) {
  case NNRT_SCHEDULE_CONSTANT:
    break;
  case NNRT_SCHEDULE_COSINE:
    std::printf("  schedule: cosine (warmup %g epochs, final %g)\n", sc.warmup,
                sc.final_factor);
    break;
  case NNRT_SCHEDULE_STEP_DECAY:
    std::printf("  schedule: step_decay (every %g epochs, gamma %g, warmup %g "
                "epochs)\n",
                sc.every, sc.gamma, sc.warmup);
    break;
  case NNRT_SCHEDULE_WARMUP:
    std::printf("  schedule: warmup (%g epochs)\n", sc.warmup);
    break;
  }
  if (t.clip_norm > 0)
    std::printf("  clip_norm: %g\n", t.clip_norm);
  if (t.samples > 0)
    std::printf("  samples: %lld images per epoch (with --log)\n",
                (long long)t.samples);
  if (t.augment_crop > 0 || t.augment_flip)
    std::printf("  augment: crop %lld, flip %s\n", (long long)t.augment_crop,
                t.augment_flip ? "yes" : "no");
  std::string metrics;
  for (size_t i = 0; i < t.eval.n_results; ++i) {
    if (t.eval.results[i].role == NNRT_ROLE_METRIC)
      metrics +=
          (metrics.empty() ? "" : ", ") + std::string(t.eval.results[i].name);
  }
  if (!metrics.empty())
    std::printf("  metrics: %s\n", metrics.c_str());
}
