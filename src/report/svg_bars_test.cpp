#include <gtest/gtest.h>

#include <regex>

#include "report_test_util.h"
#include "svg_figures.h"

namespace afbench::svg {
namespace {

// The data-fraction of each segment of the bar of `run` and `tier`, in drawing order.
std::vector<std::string> Fractions(const std::string& svg, int run, const std::string& tier) {
  const std::string open =
      "<g class=\"bar\" data-run=\"" + std::to_string(run) + "\" data-tier=\"" + tier + "\"";
  const size_t begin = svg.find(open);
  if (begin == std::string::npos) return {};
  const std::string bar = svg.substr(begin, svg.find("</g>", begin) - begin);
  std::vector<std::string> fractions;
  const std::regex segment(
      "data-segment=\"(\\w+)\" data-count=\"\\d+\" data-fraction=\"([0-9.]+)\"");
  for (std::sregex_iterator it(bar.begin(), bar.end(), segment), end; it != end; ++it) {
    fractions.push_back((*it)[1].str() + "=" + (*it)[2].str());
  }
  return fractions;
}

TEST(SvgBars, MatchesTheGoldenFile) {
  testing::ExpectMatchesGolden(RenderBars(testing::LoadKnownReport()),
                               testing::ReportTestData() / "bars.svg");
}

TEST(SvgBars, SplitsEachTierIntoAlignmentFakingComplianceAndRefusal) {
  const std::string svg = RenderBars(testing::LoadKnownReport());
  EXPECT_EQ(Fractions(svg, 0, "free"),
            (std::vector<std::string>{"complied_af=0.2", "complied_no_af=0.4", "refused=0.4"}));
  EXPECT_EQ(Fractions(svg, 0, "paid"),
            (std::vector<std::string>{"complied_af=0", "complied_no_af=0.2", "refused=0.8"}));
  // run-b has no AF labels: no hatched segment, and the figure says so.
  EXPECT_EQ(Fractions(svg, 1, "free"),
            (std::vector<std::string>{"complied_no_af=0.625", "refused=0.375"}));
  EXPECT_NE(svg.find("no AF labels"), std::string::npos);
}

TEST(SvgBars, EscapesTheModelName) {
  const std::string svg = RenderBars(testing::LoadKnownReport());
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("scripted/&lt;b&gt;model-b&lt;/b&gt; &amp; co"), std::string::npos);
}

TEST(SvgBars, DrawsAnEmptyTierAsAnOutlineSayingNoSamples) {
  Report report = testing::LoadKnownReport();
  report.runs[2].tiers[Tier::kPaid] = TierCounts{};
  const std::string svg = RenderBars(report);
  EXPECT_NE(svg.find("no samples"), std::string::npos);
  EXPECT_TRUE(Fractions(svg, 2, "paid").empty());
}

}  // namespace
}  // namespace afbench::svg
