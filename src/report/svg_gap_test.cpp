#include <gtest/gtest.h>

#include "report_test_util.h"
#include "svg_figures.h"
#include "svg_writer.h"

namespace afbench::svg {
namespace {

TEST(SvgGap, MatchesTheGoldenFile) {
  testing::ExpectMatchesGolden(RenderGap(testing::LoadKnownReport()),
                               testing::ReportTestData() / "gap.svg");
}

TEST(SvgGap, MarksEachRunsGapWithItsIntervalAndSaysWhenThereIsNone) {
  const Report report = testing::LoadKnownReport();
  const std::string svg = RenderGap(report);
  const GapSummary& gap = *report.runs[0].summary.gap;
  EXPECT_NEAR(gap.estimate, 0.4, 1e-12);  // 6/10 - 2/10
  EXPECT_NE(
      svg.find("data-run=\"0\" data-estimate=\"40\" data-ci-low=\"" + Num(100 * gap.ci.low, 2) +
               "\" data-ci-high=\"" + Num(100 * gap.ci.high, 2) + "\""),
      std::string::npos);
  EXPECT_NE(svg.find("needs both tiers"), std::string::npos);  // run-c has only the free tier
}

}  // namespace
}  // namespace afbench::svg
