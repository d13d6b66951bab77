#include "afbench/report.h"
#include "svg_figures.h"

namespace afbench {

std::vector<SvgFigure> RenderFigures(const Report& report) {
  std::vector<SvgFigure> figures;
  figures.push_back({"bars", svg::RenderBars(report)});
  figures.push_back({"gap", svg::RenderGap(report)});
  // Stacked areas join neighbouring Runs, which only means something when they are ordered, e.g.
  // checkpoints.
  if (report.options.sequence && report.runs.size() >= 2) {
    figures.push_back({"sequence", svg::RenderSequence(report)});
  }
  return figures;
}

}  // namespace afbench
