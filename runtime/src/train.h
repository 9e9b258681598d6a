//===- train.h - The training commands --------------------------*- C++ -*-===//
//
// `prog train`, `prog eval` and `prog gradcheck` (abi.h, driver.cpp's
// usage), and what they set up alike: the seed, batch size and data
// directory from the flags or the train section, the persistent tensors
// initialized or loaded, and the dataset splits checked against the
// functions' inputs.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_TRAIN_H
#define NNRT_SRC_TRAIN_H

#include "dataset.h"
#include "options.h"
#include "packed_fn.h"

namespace nnrt {

/// The setup of a training command.
struct Session {
  const nnrt_train_info *train = nullptr;
  uint64_t seed = 0;
  int64_t batch = 0;
  std::string dataDir;
  TrainState state;
  BatchBuffers buffers;
};

/// Resolves the flags against the train section's defaults, initializes
/// the persistent tensors from the seed, and loads --load as \p mode says.
int openSession(const nnrt_model_info &model, const Options &opts,
                TrainState::LoadMode mode, Session &session);

/// Reads the training (\p train) or test split, checks that each FN's
/// input takes its images, and allocates the batch buffers if not yet.
int loadSplit(Session &session, bool train, Dataset &out);

/// The mean loss and metrics of \p eval over all of \p data in order,
/// weighted by batch size.
struct Evaluation {
  double loss = 0;
  std::vector<std::pair<std::string, double>> metrics;
};
int evaluate(Session &session, PackedFn &eval, const Dataset &data,
             Evaluation &out);

int runTrain(const nnrt_model_info &model, const nnrt_entry_points &entries,
             const Options &opts);
int runEval(const nnrt_model_info &model, const nnrt_entry_points &entries,
            const Options &opts);
int runGradcheck(const nnrt_model_info &model, const nnrt_entry_points &entries,
                 const Options &opts);

/// Prints the train section for `prog info`.
void printTrainInfo(const nnrt_train_info &train);

} // namespace nnrt

#endif // NNRT_SRC_TRAIN_H
