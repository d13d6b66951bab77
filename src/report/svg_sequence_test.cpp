#include <gtest/gtest.h>

#include "report_test_util.h"
#include "svg_figures.h"

namespace afbench::svg {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

TEST(SvgSequence, MatchesTheGoldenFile) {
  testing::ExpectMatchesGolden(RenderSequence(testing::LoadKnownReport()),
                               testing::ReportTestData() / "sequence.svg");
}

TEST(SvgSequence, HasOnePanelPerTierAndOnePointPerRunWithSamplesInIt) {
  const std::string svg = RenderSequence(testing::LoadKnownReport());
  EXPECT_EQ(Count(svg, "<g class=\"panel\""), 2u);
  EXPECT_EQ(Count(svg, "<g class=\"point\" data-run=\"2\""), 1u);  // run-c: free tier only
  EXPECT_EQ(Count(svg, "<g class=\"point\""), 5u);
  EXPECT_NE(svg.find("data-run=\"0\" data-tier=\"free\" data-compliance=\"0.6\" data-af=\"0.2\""),
            std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"area\""), 6u);
}

}  // namespace
}  // namespace afbench::svg
