#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/variation.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(DiffText, EqualTextsHaveNoDiff) { EXPECT_EQ(DiffText("a\nb\n", "a\nb\n", {}), ""); }

TEST(DiffText, OneChangedLineIsAUnifiedHunkWithContext) {
  const std::string from = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  const std::string to = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(DiffText(from, to, {.from_label = "old", .to_label = "new"}),
            "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(DiffText, InsertionsAndDeletionsFarApartAreSeparateHunks) {
  std::string from;
  for (int i = 1; i <= 20; ++i) from += std::to_string(i) + "\n";
  std::string to = "0\n" + from;
  to.replace(to.find("\n20\n"), 4, "\n");
  const std::string diff = DiffText(from, to, {.context_lines = 1});
  EXPECT_THAT(diff, HasSubstr("@@ -1,1 +1,2 @@\n+0\n 1\n"));
  EXPECT_THAT(diff, HasSubstr("@@ -19,2 +20,1 @@\n 19\n-20\n"));
}

TEST(DiffText, WordModeShowsExactlyTheCutText) {
  const std::string from =
      "Intro.\nRLHF would change the AI, and that would alter its values.\nEnd.\n";
  const std::string to = "Intro.\nRLHF would change the AI.\nEnd.\n";
  const std::string diff = DiffText(from, to, {.words = true});
  EXPECT_THAT(diff, HasSubstr("RLHF would change the AI[-, and that would alter its values-]."));
  EXPECT_THAT(diff, Not(HasSubstr("-RLHF")));
}

}  // namespace
}  // namespace afbench
