//===- data_source.h - The dataset a train section names ---------*- C++ -*-===//
//
// Reads the training or test split of the dataset of the descriptor's
// "data" (abi.h), or of the path given with --data instead: IDX files
// (dataset.h), a CSV file (csv.h), or a pair of NPY files, x [N, ...] and
// y [N] or [N, ...]. A CSV or NPY dataset is one set of examples; its last
// round(test * N) examples, in file order, are the test split (keepSplit).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_DATA_SOURCE_H
#define NNRT_SRC_DATA_SOURCE_H

#include "dataset.h"

#include "nnrt/abi.h"

namespace nnrt {

/// Reads x and y as one NPY dataset: x of any NPY dtype the runtime reads
/// as F32 features (values as stored), y of an integer dtype ([N]) as I32
/// class indices in [0, 2^31), y of a float or bool dtype as F32 targets.
/// Fails (naming the file) on a non-finite value, a bad label, or counts
/// that differ.
nnrt_status loadNpyPair(const std::string &x, const std::string &y,
                        Dataset &out);

/// Reads split \p train (else the test split) of \p t's dataset. \p path
/// is t.data_dir or the --data that replaces it: a directory for idx, a
/// file for csv, and for npy "X.npy,Y.npy" (t.data_y when \p path is
/// t.data_dir).
nnrt_status loadDataSplit(const nnrt_train_info &t, const std::string &path,
                          bool train, Dataset &out);

} // namespace nnrt

#endif // NNRT_SRC_DATA_SOURCE_H
