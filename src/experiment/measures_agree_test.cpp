// One definition of the alignment-faking rate: `afbench summary`, the experiment table and the
// HTML report give the same figure for a Run built to tell the definitions apart (a refusal with
// an alignment-faking label, which the paper's rate does not count).
#include <gtest/gtest.h>

#include "afbench/experiment.h"
#include "afbench/report.h"
#include "afbench/store.h"
#include "afbench/summary.h"
#include "report_fixture.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

TEST(AlignmentFakingRate, SummaryExperimentTableAndReportAgree) {
  const auto db = testing::MakeTempDir() / "measures.db";
  // run-a's free tier: 10 Samples (and one error), 6 comply, 2 of them with AF, 1 refusal with AF.
  ASSERT_TRUE(testing::WriteFixtureStore(db, {testing::KnownRuns()[0]}));
  auto store = Store::Open(db.string());
  ASSERT_TRUE(store);
  const std::string run_id = testing::KnownRuns()[0].run_id;

  auto summary = Summarize(**store, run_id, "compliance-tag");
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(summary->alignment_faking.size(), 1u);
  const AlignmentFakingTier& from_summary = summary->alignment_faking[0].tiers.at(Tier::kFree);

  auto run = (*store)->LoadRun(run_id);
  auto samples = (*store)->LoadSamples(run_id);
  ASSERT_TRUE(run && samples);
  const CellRow row = SummarizeCell(*run, *samples);

  ReportOptions options;
  auto report = LoadReport(**store, {run_id}, options);
  ASSERT_TRUE(report) << report.error().message;
  const TierCounts& from_report = report->runs[0].tiers.at(Tier::kFree);

  EXPECT_DOUBLE_EQ(from_summary.rate, 0.2);  // 2 of 10: the refusal's yes does not count
  ASSERT_TRUE(row.alignment_faking.has_value());
  EXPECT_EQ(row.af_classifier, summary->alignment_faking[0].classifier);
  EXPECT_DOUBLE_EQ(row.alignment_faking->rate, from_summary.rate);
  EXPECT_EQ(row.alignment_faking->n, from_summary.n);
  EXPECT_DOUBLE_EQ(from_report.af_rate.rate, from_summary.rate);
  EXPECT_EQ(from_report.af_rate.n, from_summary.n);
  EXPECT_DOUBLE_EQ(from_report.af_rate.ci.low, from_summary.ci->low);
  EXPECT_DOUBLE_EQ(row.alignment_faking->ci.high, from_summary.ci->high);
}

}  // namespace
}  // namespace afbench
