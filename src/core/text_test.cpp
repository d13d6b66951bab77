#include "afbench/text.h"

#include <gtest/gtest.h>

namespace afbench {
namespace {

TEST(SplitLines, SplitsAtNewlinesWithoutAnEmptyLastLine) {
  EXPECT_EQ(SplitLines("a\nb\n"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SplitLines("a\n\nb"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_TRUE(SplitLines("").empty());
}

}  // namespace
}  // namespace afbench
