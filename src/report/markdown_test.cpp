#include <gtest/gtest.h>

#include "afbench/report.h"
#include "report_test_util.h"

namespace afbench {
namespace {

TEST(SummaryToMarkdown, MatchesTheGoldenFile) {
  const Report report = testing::LoadKnownReport();
  testing::ExpectMatchesGolden(SummaryToMarkdown(report.runs[0].summary),
                               testing::ReportTestData() / "summary_run_a.md");
}

TEST(SummaryToMarkdown, EscapesPipesAndNewlinesSoTheTableStaysATable) {
  Report report = testing::LoadKnownReport();
  RunSummary summary = report.runs[0].summary;
  summary.run.model = "a|b\nc";
  const std::string markdown = SummaryToMarkdown(summary);
  EXPECT_NE(markdown.find("**a\\|b c**"), std::string::npos);
  EXPECT_NE(markdown.find("| free | 10 | 6 | 60.0% | \xC2\xB1"
                          "15.5 | [31.3, 83.2] | 10 | 0 | 0 | 0 | 0 | 1 | 0 |"),
            std::string::npos);
  EXPECT_NE(markdown.find("Compliance gap (free \xE2\x88\x92 paid): **+40.0 points**"),
            std::string::npos);
}

TEST(SummaryToMarkdown, OmitsTheGapForASingleTier) {
  const Report report = testing::LoadKnownReport();
  EXPECT_EQ(SummaryToMarkdown(report.runs[2].summary).find("gap"), std::string::npos);
}

}  // namespace
}  // namespace afbench
