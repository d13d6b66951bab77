#include <gtest/gtest.h>

#include "afbench/report.h"
#include "report_test_util.h"

namespace afbench {
namespace {

std::vector<std::string> Names(const std::vector<SvgFigure>& figures) {
  std::vector<std::string> names;
  for (const SvgFigure& figure : figures) names.push_back(figure.name);
  return names;
}

TEST(RenderFigures, DrawsTheSequenceOnlyWhenAskedAndThereAreTwoRuns) {
  Report report = testing::LoadKnownReport();
  EXPECT_EQ(Names(RenderFigures(report)), (std::vector<std::string>{"bars", "gap"}));
  report.options.sequence = true;
  EXPECT_EQ(Names(RenderFigures(report)), (std::vector<std::string>{"bars", "gap", "sequence"}));
  report.runs.resize(1);
  EXPECT_EQ(Names(RenderFigures(report)), (std::vector<std::string>{"bars", "gap"}));
}

TEST(RenderFigures, EveryFigureIsACompleteSvgDocument) {
  Report report = testing::LoadKnownReport();
  report.options.sequence = true;
  for (const SvgFigure& figure : RenderFigures(report)) {
    EXPECT_EQ(figure.svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << figure.name;
    EXPECT_EQ(figure.svg.substr(figure.svg.size() - 7), "</svg>\n") << figure.name;
  }
}

}  // namespace
}  // namespace afbench
