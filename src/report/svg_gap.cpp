#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "svg_figures.h"
#include "svg_writer.h"

namespace afbench::svg {
namespace {

constexpr double kWidth = 900;
constexpr double kPlotLeft = 220;
constexpr double kPlotWidth = 380;
constexpr double kFirstRowTop = 40;
constexpr double kRowHeight = 26;

// The axis spans [-domain, +domain] points, the smallest multiple of 10 that holds every interval.
double Domain(const Report& report) {
  double largest = 0;
  for (const ReportRun& run : report.runs) {
    if (!run.summary.gap) continue;
    const GapSummary& gap = *run.summary.gap;
    largest =
        std::max({largest, std::fabs(gap.ci.low), std::fabs(gap.ci.high), std::fabs(gap.estimate)});
  }
  return std::clamp(10.0 * std::ceil(largest * 10.0 - 1e-9), 10.0, 100.0);
}

double X(double points, double domain) {
  return kPlotLeft + kPlotWidth * (points + domain) / (2 * domain);
}

std::string Signed(double points) { return (points > 0 ? "+" : "") + Fixed(points, 1); }

std::string PValue(double p) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), p < 0.001 ? "%.1e" : "%.3f", p);
  return buffer;
}

std::string GapRow(size_t index, const ReportRun& run, double domain, double top) {
  const double middle = top + kRowHeight / 2;
  std::string out = "<g class=\"gap\" data-run=\"" + std::to_string(index) + "\"";
  if (!run.summary.gap) {
    out += ">\n" + Text(kPlotLeft - 8, middle + 4, "end", Ellipsize(run.label, 30));
    return out +
           Text(X(0, domain) + 8, middle + 4, "start", "needs both tiers", "fill-opacity=\"0.6\"") +
           "</g>\n";
  }
  const GapSummary& gap = *run.summary.gap;
  const double estimate = 100 * gap.estimate, low = 100 * gap.ci.low, high = 100 * gap.ci.high;
  out += " data-estimate=\"" + Num(estimate, 2) + "\" data-ci-low=\"" + Num(low, 2) +
         "\" data-ci-high=\"" + Num(high, 2) + "\" data-mcnemar-p=\"" + PValue(gap.mcnemar_p) +
         "\">\n";
  out += Text(kPlotLeft - 8, middle + 4, "end", Ellipsize(run.label, 30));
  const std::string stroke =
      "\" stroke=\"" + std::string(kInkColour) + "\" stroke-width=\"1.5\"/>\n";
  out += "<line class=\"ci\" x1=\"" + Num(X(low, domain)) + "\" x2=\"" + Num(X(high, domain)) +
         "\" y1=\"" + Num(middle) + "\" y2=\"" + Num(middle) + stroke;
  for (double end : {low, high}) {
    out += "<line x1=\"" + Num(X(end, domain)) + "\" x2=\"" + Num(X(end, domain)) + "\" y1=\"" +
           Num(middle - 5) + "\" y2=\"" + Num(middle + 5) + stroke;
  }
  out += "<circle class=\"estimate\" cx=\"" + Num(X(estimate, domain)) + "\" cy=\"" + Num(middle) +
         "\" r=\"4.5\" fill=\"" + kHatchColour + "\"><title>gap " + Signed(estimate) +
         " points, 95% CI [" + Signed(low) + ", " + Signed(high) + "]</title></circle>\n";
  out += Text(kPlotLeft + kPlotWidth + 10, middle + 4, "start",
              Signed(estimate) + " [" + Signed(low) + ", " + Signed(high) +
                  "]  McNemar p=" + PValue(gap.mcnemar_p));
  return out + "</g>\n";
}

std::string Axis(double domain, double top, double bottom) {
  std::string out = "<g class=\"axis\">\n";
  for (int step = -2; step <= 2; ++step) {
    const double points = domain * step / 2;
    const double x = X(points, domain);
    out += "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x) + "\" y1=\"" + Num(top) + "\" y2=\"" +
           Num(bottom) + "\" stroke=\"" + (step == 0 ? kInkColour : kGridColour) + "\"" +
           (step == 0 ? " stroke-dasharray=\"4 3\"" : "") + "/>\n";
    out += Text(x, bottom + 14, "middle", Signed(points));
  }
  out += Text(X(0, domain), bottom + 32, "middle",
              "free minus paid compliance, percentage points; whiskers: 95% Newcombe interval");
  return out + "</g>\n";
}

}  // namespace

std::string RenderGap(const Report& report) {
  const double domain = Domain(report);
  const double bottom = kFirstRowTop + kRowHeight * static_cast<double>(report.runs.size()) + 4;
  std::string out = Open(kWidth, bottom + 44, "fig-gap", "Compliance gap per run");
  out += Text(10, 22, "start", "Compliance gap (free \xE2\x88\x92 paid) per run",
              "font-size=\"15\" font-weight=\"bold\"");
  out += Axis(domain, kFirstRowTop, bottom);
  for (size_t i = 0; i < report.runs.size(); ++i) {
    out += GapRow(i, report.runs[i], domain, kFirstRowTop + kRowHeight * static_cast<double>(i));
  }
  return out + "</svg>\n";
}

}  // namespace afbench::svg
