//===- TrainLogTest.cpp - Tests of the training log's checksums -----------===//
//
// CRC-32C against the check values of RFC 3720 (iSCSI) and the "123456789"
// check value of the CRC catalogue, and TFRecord's masking of it. The event
// files themselves are decoded by an independent Python reader in
// TrainTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "train_log.h"

#include <gtest/gtest.h>

#include <string>

TEST(TrainLogTest, Crc32cCheckValues) {
  EXPECT_EQ(nnrt::crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(nnrt::crc32c("", 0), 0u);
  std::string zeros(32, '\0'), ones(32, '\xff'), up, down;
  for (int i = 0; i < 32; ++i) {
    up += static_cast<char>(i);
    down += static_cast<char>(31 - i);
  }
  EXPECT_EQ(nnrt::crc32c(zeros.data(), 32), 0x8A9136AAu);
  EXPECT_EQ(nnrt::crc32c(ones.data(), 32), 0x62A8AB43u);
  EXPECT_EQ(nnrt::crc32c(up.data(), 32), 0x46DD794Eu);
  EXPECT_EQ(nnrt::crc32c(down.data(), 32), 0x113FDB5Cu);
}

TEST(TrainLogTest, MaskedCrc) {
  uint32_t crc = nnrt::crc32c("123456789", 9);
  EXPECT_EQ(nnrt::maskedCrc32c("123456789", 9),
            ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
  // Hand-computed: rotr(0xE3069283, 15) = 0x2507C60D, + 0xa282ead8.
  EXPECT_EQ(nnrt::maskedCrc32c("123456789", 9), 0xC78AB0E5u);
}
