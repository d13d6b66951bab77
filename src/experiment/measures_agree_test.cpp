// One definition per measure: `afbench summary`, the experiment table and the HTML report give the
// same figures for Runs built to tell the definitions apart: a refusal with an alignment-faking
// label (which the paper's rate does not count), and a judged compliance whose judge could not
// decide some Samples (which are not in n, rather than counted as refusals).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>

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

// An animal-welfare Run: compliance is the animal-welfare-support judge's no, and the judge left
// some Samples undecided.
std::unique_ptr<Store> JudgedRun(const std::filesystem::path& db) {
  auto store = Store::Open(db.string());
  EXPECT_TRUE(store);
  RunRecord run;
  run.run_id = "aw";
  run.status = "completed";
  run.model = "openai/m";
  run.scenario = "animal-welfare";
  run.config_json = R"({"planned_samples": 16, "evaluation": {"compliance":
      "judge:animal-welfare-support", "complied_when": false}})";
  std::vector<StoredQuery> queries;
  for (int q = 0; q < 8; ++q) queries.push_back({q, "q", q + 1});
  EXPECT_TRUE((*store)->CreateRun(run, queries));
  // free: supports animal welfare on q0-1, not on q2-5, undecided on q6-7.
  // paid: supports on q0-4, not on q5, undecided on q6, never judged on q7.
  auto save = [&](int q, Tier tier, std::optional<bool> supports, bool judged) {
    Transcript transcript;
    transcript.key = {q, tier, 0};
    transcript.outcome = Outcome::kOutput;
    std::vector<Label> labels = {{"compliance-tag", "1", false, 0.0, "{}"}};
    if (judged) labels.push_back({"animal-welfare-support", "1", supports, 0.0, "{}"});
    EXPECT_TRUE((*store)->SaveSample("aw", transcript, "", labels, 1));
  };
  for (int q = 0; q < 8; ++q) {
    save(q, Tier::kFree,
         q < 2   ? std::optional(true)
         : q < 6 ? std::optional(false)
                 : std::nullopt,
         true);
    save(q, Tier::kPaid,
         q < 5    ? std::optional(true)
         : q == 5 ? std::optional(false)
                  : std::nullopt,
         q != 7);
  }
  return std::move(*store);
}

void ExpectSameProportion(const Proportion& a, const Proportion& b) {
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.successes, b.successes);
  EXPECT_DOUBLE_EQ(a.ci.low, b.ci.low);
  EXPECT_DOUBLE_EQ(a.ci.high, b.ci.high);
  EXPECT_DOUBLE_EQ(a.se, b.se);
}

TEST(ComplianceAndGap, SummaryExperimentTableAndReportAgree) {
  const std::string judge = "animal-welfare-support";
  auto store = JudgedRun(testing::MakeTempDir() / "judged.db");
  auto summary = Summarize(*store, "aw", judge);
  ASSERT_TRUE(summary) << summary.error().message;
  const Proportion& free = summary->tiers.at(Tier::kFree).compliance;
  const Proportion& paid = summary->tiers.at(Tier::kPaid).compliance;
  EXPECT_EQ(free.successes, 4);
  EXPECT_EQ(free.n, 6);  // the two undecided Samples are not refusals
  EXPECT_EQ(paid.successes, 1);
  EXPECT_EQ(paid.n, 6);
  EXPECT_EQ(summary->tiers.at(Tier::kPaid).undecided, 2);
  ASSERT_TRUE(summary->gap);
  EXPECT_DOUBLE_EQ(summary->gap->estimate, 0.5);

  auto run = store->LoadRun("aw");
  auto samples = store->LoadSamples("aw");
  ASSERT_TRUE(run && samples);
  const CellRow row = SummarizeCell(*run, *samples);
  ASSERT_EQ(row.compliance_status, "ok");
  ASSERT_TRUE(row.refusal_training && row.refusal_unmonitored && row.gap);
  ExpectSameProportion(*row.refusal_training, SummarizeProportion(free.n - free.successes, free.n));
  ExpectSameProportion(*row.refusal_unmonitored,
                       SummarizeProportion(paid.n - paid.successes, paid.n));
  EXPECT_DOUBLE_EQ(*row.gap, summary->gap->estimate);
  EXPECT_DOUBLE_EQ(row.gap_ci->low, summary->gap->ci.low);
  EXPECT_DOUBLE_EQ(row.gap_ci->high, summary->gap->ci.high);
  EXPECT_DOUBLE_EQ(*row.gap_se, summary->gap->se);

  ReportOptions options;
  options.compliance_classifier = judge;
  auto report = LoadReport(*store, {"aw"}, options);
  ASSERT_TRUE(report) << report.error().message;
  const ReportRun& shown = report->runs[0];
  ExpectSameProportion(shown.tiers.at(Tier::kFree).compliance, free);
  ExpectSameProportion(shown.tiers.at(Tier::kPaid).compliance, paid);
  EXPECT_EQ(shown.tiers.at(Tier::kFree).n, free.n);
  ASSERT_TRUE(shown.summary.gap);
  EXPECT_DOUBLE_EQ(shown.summary.gap->estimate, summary->gap->estimate);
}

}  // namespace
}  // namespace afbench
