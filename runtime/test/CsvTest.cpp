//===- CsvTest.cpp - Tests of the CSV reader and the holdout split --------===//
//
// What csv.h promises about the format (a byte order mark, "\r\n", quoted
// names and blanks, the label column anywhere, blank lines), class labels,
// one message per kind of bad row naming file and line, and keepSplit's
// last round(test * N) examples.
//
//===----------------------------------------------------------------------===//

#include "csv.h"
#include "TestUtil.h"

#include <gtest/gtest.h>

using namespace nnrt::test;

TEST(CsvTest, ReadsFeaturesAndLabels) {
  TempDir dir;
  std::string path = dir.file("d.csv");
  writeFile(path, "\xEF\xBB\xBF" "a, \"y\" ,b\r\n1,2,3\r\n\r\n 4.5 ,-1,\"6\"\r\n");
  nnrt::Dataset d;
  ASSERT_EQ(nnrt::loadCsv(path, "y", false, d), NNRT_OK) << nnrt_last_error();
  EXPECT_EQ(d.count, 2);
  EXPECT_EQ(d.features, 2);
  EXPECT_EQ(d.values, (std::vector<float>{1, 3, 4.5f, 6}));
  EXPECT_EQ(d.labelType, NNRT_F32);
  EXPECT_EQ(d.targets, (std::vector<float>{2, -1}));
  // The same column as class indices: -1 is not one.
  EXPECT_EQ(nnrt::loadCsv(path, "y", true, d), NNRT_ERR_FORMAT);
  EXPECT_EQ(std::string(nnrt_last_error()),
            path + ":4: column 'y': class label '-1' is not an integer >= 0");
  ASSERT_EQ(nnrt::loadCsv(path, "a", true, d), NNRT_ERR_FORMAT);
  ASSERT_EQ(nnrt::loadCsv(path, "b", true, d), NNRT_OK) << nnrt_last_error();
  EXPECT_EQ(d.classes, (std::vector<int32_t>{3, 6}));
}

TEST(CsvTest, ErrorsNameFileAndLine) {
  const struct {
    const char *text, *message;
  } cases[] = {
      {"a,y\n1,2\n3\n", ":3: 1 values, but the header names 2 columns"},
      {"a,y\n1,2,3\n", ":2: 3 values, but the header names 2 columns"},
      {"a,y\n1,\n", ":2: column 'y': no value"},
      {"a,y\n1e99,2\n", ":2: column 'a': '1e99' is not a finite number"},
      {"a,y\n0x1p3z,2\n", ":2: column 'a': '0x1p3z' is not a finite number"},
      {"a,y\n", ": no rows after the header"},
      {"", ":1: no header row (the first line must name the columns, "
           "separated by commas)"},
      {"a,b\n1,2\n", ":1: no column 'y' (the label)"},
      {"y\n1\n", ":1: no column besides the label 'y'"},
      {"a,,y\n1,2,3\n", ":1: column 2 has no name"},
      {"a,a,y\n1,2,3\n", ":1: column 'a' is named twice"},
  };
  TempDir dir;
  std::string path = dir.file("bad.csv");
  for (const auto &c : cases) {
    SCOPED_TRACE(c.text);
    writeFile(path, c.text);
    nnrt::Dataset d;
    EXPECT_EQ(nnrt::loadCsv(path, "y", false, d), NNRT_ERR_FORMAT);
    EXPECT_EQ(std::string(nnrt_last_error()), path + c.message);
  }
  nnrt::Dataset d;
  EXPECT_EQ(nnrt::loadCsv(dir.file("none.csv"), "y", false, d), NNRT_ERR_IO);
}

TEST(CsvTest, KeepSplitHoldsOutTheLastExamples) {
  nnrt::Dataset all;
  all.count = 10;
  all.features = 2;
  all.labelType = NNRT_F32;
  for (int i = 0; i < 10; ++i) {
    all.values.insert(all.values.end(), {float(i), float(-i)});
    all.targets.push_back(float(i));
  }
  nnrt::Dataset train = all, test = all;
  ASSERT_EQ(nnrt::keepSplit(train, 0.25, true, "d"), NNRT_OK);
  ASSERT_EQ(nnrt::keepSplit(test, 0.25, false, "d"), NNRT_OK);
  // round(2.5) = 3 held out.
  EXPECT_EQ(train.count, 7);
  EXPECT_EQ(test.count, 3);
  EXPECT_EQ(test.values, (std::vector<float>{7, -7, 8, -8, 9, -9}));
  EXPECT_EQ(test.targets, (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(train.targets.back(), 6.0f);
  nnrt::Dataset one = all;
  EXPECT_EQ(nnrt::keepSplit(one, 0.01, true, "d"), NNRT_ERR_FORMAT);
  EXPECT_EQ(std::string(nnrt_last_error()),
            "d: 10 examples are too few to hold out 0.01 of them for testing "
            "and train on the rest");
}
