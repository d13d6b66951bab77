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

// Fig. 6 for the paper's mean: each split as a share of the samples both classifiers decided.
TEST(SummaryToMarkdown, ShowsThePapersScratchpadBreakdownWithRefusals) {
  const Report report = testing::LoadKnownReport();
  RunSummary summary = report.runs[0].summary;
  AlignmentFakingSummary paper;
  paper.classifier = "af-paper";
  paper.compliance_classifier = "compliance-tag";
  paper.tiers[Tier::kFree].n = 8;
  ScratchpadBreakdown& free = paper.scratchpads[Tier::kFree];
  free.n = 8;
  free.unlabelled = 2;
  free.fully_af = {2, 1};
  free.af_with_compromise = {1, 0};
  free.no_af = {1, 3};
  summary.alignment_faking.insert(summary.alignment_faking.begin(), paper);
  const std::string markdown = SummaryToMarkdown(summary);
  EXPECT_NE(markdown.find("| free | 8 | 25.0% | 12.5% | 12.5% | 0.0% | 12.5% | 37.5% | 2 |"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| `af-paper` | free |"), std::string::npos);
  EXPECT_EQ(markdown.find("conditioned on `af-paper`"), std::string::npos);  // a mean: no Fig. 15
}

TEST(SummaryToMarkdown, LeavesOutTheAlignmentFakingSectionsWithoutAfLabels) {
  const Report report = testing::LoadKnownReport();
  const std::string markdown = SummaryToMarkdown(report.runs[1].summary);  // run-b: no AF labels
  EXPECT_EQ(markdown.find("Alignment-faking"), std::string::npos);
  EXPECT_EQ(markdown.find("Fig. 15"), std::string::npos);
}

TEST(SummaryToMarkdown, OmitsTheGapForASingleTier) {
  const Report report = testing::LoadKnownReport();
  EXPECT_EQ(SummaryToMarkdown(report.runs[2].summary).find("gap"), std::string::npos);
}

}  // namespace
}  // namespace afbench
