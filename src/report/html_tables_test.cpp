#include "html_tables.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(Count(tables, "<table class=\"sortable\""), 2u);
  EXPECT_EQ(Count(tables, "<tr data-run="), 3u + 5u);
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
