//===- train_log.h - Metrics files of a training run ------------*- C++ -*-===//
//
// What `prog train --log DIR` writes after each epoch: a line of JSON in
// DIR/metrics.jsonl, and a TensorBoard event in
// DIR/events.out.tfevents.<unix time>.nnc. The event file is TFRecord
// framed (length, masked CRC-32C of the length, data, masked CRC-32C of the
// data) around hand-encoded Event protobufs: the first carries
// file_version "brain.Event:2", each later one a Summary of simple_value
// scalars tagged as the JSON keys are.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_TRAIN_LOG_H
#define NNRT_SRC_TRAIN_LOG_H

#include "nnrt/nnrt.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace nnrt {

/// The CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of \p data.
uint32_t crc32c(const void *data, size_t size);

/// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
uint32_t maskedCrc32c(const void *data, size_t size);

/// One epoch's numbers, in the order they are logged.
struct EpochRecord {
  int64_t epoch = 0, step = 0;
  /// ("loss", 0.51), ("test_loss", 0.45), ("test_accuracy", 0.83),
  /// ("samples_per_s", 4870), ("seconds", 12.3).
  std::vector<std::pair<std::string, double>> values;
};

/// The open log files of a run.
class TrainLog {
public:
  TrainLog() = default;
  TrainLog(const TrainLog &) = delete;
  TrainLog &operator=(const TrainLog &) = delete;
  ~TrainLog();

  /// Creates \p dir (its parent must exist) unless it exists, opens
  /// metrics.jsonl for appending and a new event file, and writes the
  /// event file's version record. Fails with NNRT_ERR_IO naming the path.
  nnrt_status open(const std::string &dir);

  /// Appends \p record to both files and flushes them.
  nnrt_status write(const EpochRecord &record);

private:
  nnrt_status writeEvent(const std::string &event);

  std::FILE *jsonl = nullptr, *events = nullptr;
  std::string jsonlPath, eventsPath;
};

} // namespace nnrt

#endif // NNRT_SRC_TRAIN_LOG_H
