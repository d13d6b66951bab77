#include "progress.h"

#include <gtest/gtest.h>

namespace afbench::cli {
namespace {

TEST(FormatDuration, UsesTheLargestSensibleUnits) {
  EXPECT_EQ(FormatDuration(12.4), "12s");
  EXPECT_EQ(FormatDuration(187), "3m07s");
  EXPECT_EQ(FormatDuration(3720), "1h02m");
  EXPECT_EQ(FormatDuration(-5), "0s");
}

TEST(FormatCount, AbbreviatesLargeCounts) {
  EXPECT_EQ(FormatCount(950), "950");
  EXPECT_EQ(FormatCount(12345), "12.3k");
  EXPECT_EQ(FormatCount(4500000), "4.5M");
}

TEST(ProgressPrinter, PrintsOneLinePerTenthWhenNotATerminal) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressPrinter printer(file);
  Progress progress;
  progress.total = 100;
  for (int done = 0; done <= 100; ++done) {
    progress.done = done;
    printer.Update(progress);
  }
  std::rewind(file);
  int lines = 0;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) lines += c == '\n';
  std::fclose(file);
  EXPECT_EQ(lines, 11);
}

}  // namespace
}  // namespace afbench::cli
