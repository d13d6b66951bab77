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
  EXPECT_NE(tables.find("<td class=\"num\" data-sort=\"0.6\">60.0% [31.3, 83.2]</td>"),
            std::string::npos);
  EXPECT_NE(tables.find("<td class=\"num\" data-sort=\"0.3\">30.0% (3/10)</td>"),
            std::string::npos);
  EXPECT_EQ(tables.find("<b>"), std::string::npos);
}

}  // namespace
}  // namespace afbench::html
