#include "text_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench::scenario_internal {
namespace {

using ::testing::HasSubstr;

TEST(ReadTextFile, ConvertsCrlfLineEndingsAndKeepsLoneCarriageReturns) {
  const auto path = testing::MakeTempDir() / "crlf.txt";
  testing::WriteFile(path, "one\r\ntwo\rthree\r\n");
  auto text = ReadTextFile(path);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "one\ntwo\rthree\n");
}

TEST(ReadTextFile, ReadsAnEmptyFile) {
  const auto path = testing::MakeTempDir() / "empty.txt";
  testing::WriteFile(path, "");
  auto text = ReadTextFile(path);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "");
}

TEST(ReadTextFile, MissingFileIsNotFoundAndNamesThePath) {
  const auto path = testing::MakeTempDir() / "absent.md";
  auto text = ReadTextFile(path);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(text.error().message, HasSubstr(path.string()));
}

TEST(ReadTextFile, DirectoryIsAnIoError) {
  auto text = ReadTextFile(testing::MakeTempDir());
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::kIo);
}

TEST(TrimTrailingNewlines, DropsOnlyFinalNewlines) {
  EXPECT_EQ(TrimTrailingNewlines("a\n\nb \n\n"), "a\n\nb ");
  EXPECT_EQ(TrimTrailingNewlines("\n"), "");
}

}  // namespace
}  // namespace afbench::scenario_internal
