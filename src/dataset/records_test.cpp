#include "records.h"

#include <gtest/gtest.h>

namespace afbench::dataset {
namespace {

TEST(TrimWhitespace, RemovesAsciiWhitespaceAtBothEndsOnly) {
  EXPECT_EQ(TrimWhitespace(" \t\r\n a b \n\f\v"), "a b");
  EXPECT_EQ(TrimWhitespace("inner\nline"), "inner\nline");
  EXPECT_EQ(TrimWhitespace(" \n\t "), "");
  EXPECT_EQ(TrimWhitespace(""), "");
}

TEST(LineError, FormatsComponentFileAndLine) {
  const Error error = LineError("q.csv", 17, "unterminated quote").error;
  EXPECT_EQ(error.kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(error.message, "dataset: q.csv:17: unterminated quote");
}

TEST(QuotedList, QuotesAndSeparatesNames) {
  EXPECT_EQ(QuotedList({"goal", "target"}), "\"goal\", \"target\"");
  EXPECT_EQ(QuotedList({}), "");
}

}  // namespace
}  // namespace afbench::dataset
