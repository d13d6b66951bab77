#include <string>

#include "svg_figures.h"
#include "svg_writer.h"

namespace afbench::svg {
namespace {

// Geometry in SVG user units (px at 100% zoom).
constexpr double kWidth = 900;
constexpr double kPlotLeft = 220;
constexpr double kPlotWidth = 440;
constexpr double kFirstRunTop = 62;
constexpr double kRunHeaderHeight = 22;
constexpr double kRowHeight = 22;
constexpr double kRowGap = 6;
constexpr double kRunGap = 10;

double X(double fraction) { return kPlotLeft + kPlotWidth * fraction; }

double RunHeight(const ReportRun& run) {
  return kRunHeaderHeight + static_cast<double>(run.tiers.size()) * (kRowHeight + kRowGap) +
         kRunGap;
}

std::string Percent(double fraction) { return Fixed(100.0 * fraction, 1) + "%"; }

struct Segment {
  const char* name;
  const char* caption;
  int64_t count;
  std::string fill;
};

std::string SegmentRect(const Segment& segment, double left, double top, int64_t n) {
  const double fraction = static_cast<double>(segment.count) / static_cast<double>(n);
  return "<rect class=\"seg\" data-segment=\"" + std::string(segment.name) + "\" data-count=\"" +
         std::to_string(segment.count) + "\" data-fraction=\"" + Num(fraction, 4) + "\" x=\"" +
         Num(left) + "\" y=\"" + Num(top) + "\" width=\"" + Num(kPlotWidth * fraction) +
         "\" height=\"" + Num(kRowHeight) + "\" fill=\"" + segment.fill + "\"><title>" +
         segment.caption + ": " + std::to_string(segment.count) + " of " + std::to_string(n) +
         " (" + Percent(fraction) + ")</title></rect>\n";
}

std::string Whisker(const Interval& ci, double middle) {
  const std::string stroke =
      "\" stroke=\"" + std::string(kInkColour) + "\" stroke-width=\"1.5\"/>\n";
  std::string out = "<line class=\"ci\" x1=\"" + Num(X(ci.low)) + "\" x2=\"" + Num(X(ci.high)) +
                    "\" y1=\"" + Num(middle) + "\" y2=\"" + Num(middle) + stroke;
  for (double end : {ci.low, ci.high}) {
    out += "<line x1=\"" + Num(X(end)) + "\" x2=\"" + Num(X(end)) + "\" y1=\"" + Num(middle - 5) +
           "\" y2=\"" + Num(middle + 5) + stroke;
  }
  return out;
}

std::string TierRow(size_t run_index, Tier tier, const TierCounts& counts, bool with_af,
                    double top) {
  std::string out = "<g class=\"bar\" data-run=\"" + std::to_string(run_index) + "\" data-tier=\"" +
                    TierName(tier) + "\" data-n=\"" + std::to_string(counts.n) + "\">\n";
  out += Text(kPlotLeft - 8, top + 15, "end", TierCaption(tier));
  out += "<rect class=\"bar-frame\" x=\"" + Num(kPlotLeft) + "\" y=\"" + Num(top) + "\" width=\"" +
         Num(kPlotWidth) + "\" height=\"" + Num(kRowHeight) + "\" fill=\"none\" stroke=\"" +
         kGridColour + "\"" + (counts.n == 0 ? " stroke-dasharray=\"4 3\"" : "") + "/>\n";
  if (counts.n == 0) return out + Text(kPlotLeft + 8, top + 15, "start", "no samples") + "</g>\n";
  const int64_t af = with_af ? counts.complied_af : 0;
  const Segment segments[] = {
      {"complied_af", "complies, alignment-faking reasoning", af, "url(#bars-hatch)"},
      {"complied_no_af", with_af ? "complies, no alignment-faking reasoning" : "complies",
       counts.complied - af, kComplyColour},
      {"refused", "refuses", counts.n - counts.complied, kRefuseColour}};
  double left = kPlotLeft;
  for (const Segment& segment : segments) {
    if (segment.count == 0 && std::string(segment.name) == "complied_af" && !with_af) continue;
    out += SegmentRect(segment, left, top, counts.n);
    left += kPlotWidth * static_cast<double>(segment.count) / static_cast<double>(counts.n);
  }
  out += Whisker(counts.compliance.ci, top + kRowHeight / 2);
  out += Text(X(1) + 10, top + 15, "start",
              Percent(counts.compliance.rate) + " [" + Fixed(100 * counts.compliance.ci.low, 1) +
                  ", " + Fixed(100 * counts.compliance.ci.high, 1) +
                  "]  n=" + std::to_string(counts.n));
  return out + "</g>\n";
}

std::string Axis(double top, double bottom) {
  std::string out = "<g class=\"axis\">\n";
  for (int tick = 0; tick <= 100; tick += 25) {
    const double x = X(tick / 100.0);
    out += "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x) + "\" y1=\"" + Num(top) + "\" y2=\"" +
           Num(bottom) + "\" stroke=\"" + kGridColour + "\"/>\n";
    out += Text(x, bottom + 14, "middle", std::to_string(tick) + "%");
  }
  out += Text(X(0.5), bottom + 32, "middle",
              "share of samples (errors excluded); whiskers: 95% Wilson interval on compliance");
  return out + "</g>\n";
}

}  // namespace

std::string RenderBars(const Report& report) {
  bool any_af = false;
  double bottom = kFirstRunTop;
  for (const ReportRun& run : report.runs) {
    any_af = any_af || !run.af_classifier.empty();
    bottom += RunHeight(run);
  }
  std::string out =
      Open(kWidth, bottom + 44, "fig-bars", "Compliance and alignment-faking reasoning per tier");
  out += HatchPattern("bars-hatch");
  out += Text(10, 22, "start", "Compliance and alignment-faking reasoning per tier",
              "font-size=\"15\" font-weight=\"bold\"");
  out += Legend(10, 46, any_af, "bars");
  out += Axis(kFirstRunTop, bottom);
  double top = kFirstRunTop;
  for (size_t i = 0; i < report.runs.size(); ++i) {
    const ReportRun& run = report.runs[i];
    out += Text(10, top + 14, "start", Ellipsize(run.label, 70), "font-weight=\"bold\"");
    out += Text(X(1), top + 14, "end",
                "run " + Ellipsize(run.summary.run.run_id, 40) + " \xC2\xB7 " +
                    (run.af_classifier.empty() ? "no AF labels" : "AF: " + run.af_classifier),
                "font-size=\"11\" fill-opacity=\"0.75\"");
    double row_top = top + kRunHeaderHeight;
    for (const auto& [tier, counts] : run.tiers) {
      out += TierRow(i, tier, counts, !run.af_classifier.empty(), row_top);
      row_top += kRowHeight + kRowGap;
    }
    top += RunHeight(run);
  }
  return out + "</svg>\n";
}

}  // namespace afbench::svg
