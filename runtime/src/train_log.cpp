//===- train_log.cpp - Metrics files of a training run --------------------===//
//
// See train_log.h. The protobuf encoding needs three wire types: varints
// (field keys, int64 step, lengths), 64-bit (the double wall_time) and
// 32-bit (the float simple_value), and length-delimited fields (strings
// and nested messages), each written by a few lines below.
//
//===----------------------------------------------------------------------===//

#include "train_log.h"

#include "json.h"
#include "status.h"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <sys/time.h>

using namespace nnrt;

/// The byte-at-a-time table of the reflected Castagnoli polynomial.
static std::array<uint32_t, 256> crc32cTable() {
  std::array<uint32_t, 256> table;
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

uint32_t nnrt::crc32c(const void *data, size_t size) {
  static const std::array<uint32_t, 256> table = crc32cTable();
  uint32_t crc = 0xFFFFFFFFu;
  auto *bytes = static_cast<const uint8_t *>(data);
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

uint32_t nnrt::maskedCrc32c(const void *data, size_t size) {
  uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

static void putVarint(std::string &out, uint64_t value) {
  for (; value >= 0x80; value >>= 7)
    out += static_cast<char>((value & 0x7F) | 0x80);
  out += static_cast<char>(value);
}

static void putFixed(std::string &out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

/// Field \p field of wire type 2 (length-delimited) holding \p bytes.
static void putBytes(std::string &out, int field, const std::string &bytes) {
  putVarint(out, uint64_t(field) << 3 | 2);
  putVarint(out, bytes.size());
  out += bytes;
}

/// An Event's wall_time (field 1, double) and step (field 2, int64).
static std::string eventHeader(double wallTime, int64_t step) {
  std::string event;
  uint64_t bits;
  std::memcpy(&bits, &wallTime, 8);
  putVarint(event, 1 << 3 | 1);
  putFixed(event, bits, 8);
  putVarint(event, 2 << 3 | 0);
  putVarint(event, static_cast<uint64_t>(step));
  return event;
}

/// Summary { repeated Value value = 1 }, Value { tag = 1, simple_value = 2 }.
static std::string summary(const EpochRecord &record) {
  std::string out;
  for (const auto &[tag, number] : record.values) {
    std::string value;
    putBytes(value, 1, tag);
    float f = static_cast<float>(number);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    putVarint(value, 2 << 3 | 5);
    putFixed(value, bits, 4);
    putBytes(out, 1, value);
  }
  return out;
}

static double wallTime() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return tv.tv_sec + tv.tv_usec * 1e-6;
}

TrainLog::~TrainLog() {
  if (jsonl)
    std::fclose(jsonl);
  if (events)
    std::fclose(events);
}

static nnrt_status ioError(const std::string &path, const char *what) {
  return fail(NNRT_ERR_IO, "%s: cannot %s: %s", path.c_str(), what,
              std::strerror(errno));
}

nnrt_status TrainLog::open(const std::string &dir) {
  struct stat st;
  if (mkdir(dir.c_str(), 0777) != 0 &&
      !(errno == EEXIST && stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
    return ioError(dir, "create the directory");
  jsonlPath = dir + "/metrics.jsonl";
  eventsPath = dir + "/events.out.tfevents." +
               std::to_string(static_cast<long long>(std::time(nullptr))) +
               ".nnc";
  if (!(jsonl = std::fopen(jsonlPath.c_str(), "ab")))
    return ioError(jsonlPath, "open");
  if (!(events = std::fopen(eventsPath.c_str(), "ab")))
    return ioError(eventsPath, "open");
  std::string event = eventHeader(wallTime(), 0);
  putBytes(event, 3, "brain.Event:2");
  return writeEvent(event);
}

nnrt_status TrainLog::writeEvent(const std::string &event) {
  std::string record;
  putFixed(record, event.size(), 8);
  putFixed(record, maskedCrc32c(record.data(), 8), 4);
  record += event;
  putFixed(record, maskedCrc32c(event.data(), event.size()), 4);
  if (std::fwrite(record.data(), 1, record.size(), events) != record.size() ||
      std::fflush(events) != 0)
    return ioError(eventsPath, "write");
  return NNRT_OK;
}

/// \p value as JSON: shortest round-trip digits, null when not finite.
static std::string jsonNumber(double value) {
  if (!std::isfinite(value))
    return "null";
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", value);
  for (int digits = 6; digits < 17; ++digits) {
    char shorter[32];
    std::snprintf(shorter, sizeof(shorter), "%.*g", digits, value);
    if (std::strtod(shorter, nullptr) == value)
      return shorter;
  }
  return text;
}

nnrt_status TrainLog::write(const EpochRecord &record) {
  std::string line = "{\"epoch\": " + std::to_string(record.epoch) +
                     ", \"step\": " + std::to_string(record.step);
  for (const auto &[key, value] : record.values) {
    line += ", ";
    json::appendQuoted(line, key);
    line += ": " + jsonNumber(value);
  }
  line += "}\n";
  if (std::fwrite(line.data(), 1, line.size(), jsonl) != line.size() ||
      std::fflush(jsonl) != 0)
    return ioError(jsonlPath, "write");
  std::string event = eventHeader(wallTime(), record.step);
  putBytes(event, 5, summary(record));
  return writeEvent(event);
}
