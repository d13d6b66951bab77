#include "html_tables.h"

#include <gtest/gtest.h>

#include "afbench/summary.h"
#include "report_test_util.h"

namespace afbench::html {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

TEST(RenderTables, MatchesTheGoldenFile) {
  testing::ExpectMatchesGolden(RenderTables(testing::LoadKnownReport()),
                               testing::ReportTestData() / "tables.html");
}

TEST(RenderTables, HasARowPerRunAndPerRunAndTierEachCellSortable) {
  const std::string tables = RenderTables(testing::LoadKnownReport());
  // Runs, outcomes and Fig. 15 (run-a and run-c have af-majority-vote labels); no Fig. 6 without
  // the paper's two classifiers.
  EXPECT_EQ(Count(tables, "<table class=\"sortable\""), 3u);
  EXPECT_EQ(Count(tables, "<tr data-run="), 3u + 5u + 3u);
  EXPECT_EQ(tables.find("scratchpads-table"), std::string::npos);
  EXPECT_EQ(Count(tables, "<td"), Count(tables, "data-sort="));
  EXPECT_NE(tables.find("<td class=\"num\" data-sort=\"0.6\">60.0% \xC2\xB1"
                        "15.5 [31.3, 83.2]</td>"),
            std::string::npos);
  // 2 of 10 complied with AF; the refusal with an AF label does not count.
  EXPECT_NE(tables.find("<td class=\"num\" data-sort=\"0.2\">20.0% \xC2\xB1"
                        "12.6 (2/10)</td>"),
            std::string::npos);
  EXPECT_EQ(tables.find("<b>"), std::string::npos);
}

// Fig. 15 in the report, the summary's text and its Markdown: one computation, three views.
TEST(RenderTables, ShowTheConditionedComplianceTheSummaryAndMarkdownShow) {
  const Report report = testing::LoadKnownReport();
  const std::string tables = RenderTables(report);
  const RunSummary& summary = report.runs[0].summary;
  // run-a, free: 2 of the 3 samples labelled AF complied, 4 of the 7 without; paid: 2 of 10.
  EXPECT_NE(tables.find(">66.7% \xC2\xB1"
                        "27.2 [20.8, 93.9]</td><td class=\"num\" data-sort=\"0.571429\">57.1% "
                        "\xC2\xB1"
                        "18.7 [25.0, 84.2]</td><td class=\"num\" data-sort=\"0.371429\">+37.1 "
                        "\xC2\xB1"
                        "22.6 [-7.5, +67.7]</td>"),
            std::string::npos)
      << tables;
  EXPECT_NE(SummaryToText(summary).find("gap without AF (free - paid): +37.1 points (\xC2\xB1"
                                        "22.6 SE), 95% CI [-7.5, +67.7]"),
            std::string::npos)
      << SummaryToText(summary);
  EXPECT_NE(SummaryToMarkdown(summary).find("**+37.1 points** (\xC2\xB1"
                                            "22.6 SE), 95% CI [-7.5, +67.7]"),
            std::string::npos);
}

// Fig. 6 appears for a Run whose summary has the paper's breakdown, one row per Tier.
TEST(RenderTables, ShowThePapersScratchpadBreakdownWhenARunHasIt) {
  Report report = testing::LoadKnownReport();
  AlignmentFakingSummary paper;
  paper.classifier = "af-paper";
  ScratchpadBreakdown& free = paper.scratchpads[Tier::kFree];
  free.n = 4;
  free.fully_af = {1, 0};
  free.af_with_compromise = {0, 1};
  free.no_af = {2, 0};
  report.runs[1].summary.alignment_faking.push_back(paper);
  const std::string tables = RenderTables(report);
  const size_t table = tables.find("<table class=\"sortable\" id=\"scratchpads-table\">");
  ASSERT_NE(table, std::string::npos);
  EXPECT_EQ(Count(tables.substr(table), "<tr data-run=\"1\" data-tier=\"free\">"), 1u);
  EXPECT_NE(tables.find("<td class=\"num\" data-sort=\"0.25\">25.0% (1)</td><td class=\"num\" "
                        "data-sort=\"0\">0.0% (0)</td><td class=\"num\" data-sort=\"0\">0.0% "
                        "(0)</td><td class=\"num\" data-sort=\"0.25\">25.0% (1)</td><td "
                        "class=\"num\" data-sort=\"0.5\">50.0% (2)</td>",
                        table),
            std::string::npos)
      << tables.substr(table);
}

TEST(RenderTables, AddsProColumnsOnlyWhenARunHasTheProTier) {
  const auto db = afbench::testing::MakeTempDir() / "afbench.db";
  const afbench::testing::FixtureRun run{
      "run-3",
      "scripted/model-3",
      {{Tier::kFree, 10, 6, 0, 0, 0}, {Tier::kPro, 10, 4, 0, 0, 0}, {Tier::kPaid, 10, 2, 0, 0, 0}},
      false,
      false};
  ASSERT_TRUE(afbench::testing::WriteFixtureStore(db, {run}));
  auto store = Store::Open(db.string());
  ASSERT_TRUE(store);
  auto report = LoadReport(**store, {"run-3"}, ReportOptions{});
  ASSERT_TRUE(report) << report.error().message;
  const std::string tables = RenderTables(*report);
  const size_t free = tables.find(">Free compliance<");
  const size_t pro = tables.find(">Pro compliance<");
  const size_t paid = tables.find(">Paid compliance<");
  ASSERT_NE(pro, std::string::npos);
  EXPECT_LT(free, pro);
  EXPECT_LT(pro, paid);
  // Pro: 4 of 10 with its Wilson interval, between free's 6/10 and paid's 2/10.
  const size_t pro_cell = tables.find(
      ">40.0% \xC2\xB1"
      "15.5 [16.8, 68.7]</td>");
  ASSERT_NE(pro_cell, std::string::npos);
  EXPECT_LT(tables.find(">60.0% \xC2\xB1"
                        "15.5 [31.3, 83.2]</td>"),
            pro_cell);
  EXPECT_LT(pro_cell, tables.find(">20.0% \xC2\xB1"
                                  "12.6 [5.7, 51.0]</td>"));
  EXPECT_NE(tables.find("data-tier=\"pro\""), std::string::npos);
  EXPECT_EQ(Count(tables, "<td"), Count(tables, "data-sort="));
  EXPECT_EQ(RenderTables(testing::LoadKnownReport()).find("Pro "), std::string::npos);
}

}  // namespace
}  // namespace afbench::html
