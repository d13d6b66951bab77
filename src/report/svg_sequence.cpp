#include <set>
#include <string>
#include <vector>

#include "svg_figures.h"
#include "svg_writer.h"

namespace afbench::svg {
namespace {

constexpr double kWidth = 900;
constexpr double kPlotLeft = 70;
constexpr double kPlotWidth = 600;
constexpr double kPanelTop = 62;
constexpr double kPlotHeight = 160;
constexpr double kPanelHeight = kPlotHeight + 62;
constexpr double kKeyLine = 16;

// One point of a panel: a Run with samples in the panel's Tier.
struct Point {
  size_t run = 0;
  double x = 0;
  const TierCounts* counts = nullptr;
  double af = 0, complied = 0;  // fractions of n
};

double Y(double fraction, double top) { return top + kPlotHeight * (1 - fraction); }

std::vector<Point> PointsOf(const Report& report, Tier tier) {
  std::vector<Point> points;
  const size_t k = report.runs.size();
  for (size_t i = 0; i < k; ++i) {
    const ReportRun& run = report.runs[i];
    auto found = run.tiers.find(tier);
    if (found == run.tiers.end() || found->second.n == 0) continue;
    const TierCounts& counts = found->second;
    const double n = static_cast<double>(counts.n);
    const double af = run.af_classifier.empty() ? 0 : static_cast<double>(counts.complied_af) / n;
    points.push_back({i,
                      kPlotLeft + kPlotWidth * static_cast<double>(i) / static_cast<double>(k - 1),
                      &counts, af, static_cast<double>(counts.complied) / n});
  }
  return points;
}

// The polygon between two boundaries given as fractions per point.
template <typename Lower, typename Upper>
std::string Band(const std::vector<Point>& points, double top, Lower lower, Upper upper,
                 const std::string& fill, const char* name) {
  std::string path;
  for (const Point& point : points) {
    path += (path.empty() ? "M" : " L") + Num(point.x) + "," + Num(Y(upper(point), top));
  }
  for (auto it = points.rbegin(); it != points.rend(); ++it) {
    path += " L" + Num(it->x) + "," + Num(Y(lower(*it), top));
  }
  return "<path class=\"area\" data-segment=\"" + std::string(name) + "\" d=\"" + path +
         " Z\" fill=\"" + fill + "\" stroke=\"none\"/>\n";
}

std::string Marks(const std::vector<Point>& points, Tier tier, double top) {
  std::string out;
  for (const Point& point : points) {
    const Interval& ci = point.counts->compliance.ci;
    out += "<g class=\"point\" data-run=\"" + std::to_string(point.run) + "\" data-tier=\"" +
           TierName(tier) + "\" data-compliance=\"" + Num(point.complied, 4) + "\" data-af=\"" +
           Num(point.af, 4) + "\">\n";
    out += "<line class=\"ci\" x1=\"" + Num(point.x) + "\" x2=\"" + Num(point.x) + "\" y1=\"" +
           Num(Y(ci.low, top)) + "\" y2=\"" + Num(Y(ci.high, top)) + "\" stroke=\"" + kInkColour +
           "\" stroke-width=\"1.5\"/>\n";
    out += "<circle cx=\"" + Fixed(point.x) + "\" cy=\"" + Num(Y(point.complied, top)) +
           "\" r=\"3\" fill=\"" + kInkColour + "\"><title>run " + std::to_string(point.run + 1) +
           ": " + Num(100 * point.complied, 1) + "% comply, n=" + std::to_string(point.counts->n) +
           "</title></circle>\n</g>\n";
  }
  return out;
}

std::string Frame(size_t runs, double top) {
  std::string out = "<rect x=\"" + Num(kPlotLeft) + "\" y=\"" + Num(top) + "\" width=\"" +
                    Num(kPlotWidth) + "\" height=\"" + Num(kPlotHeight) +
                    "\" fill=\"none\" stroke=\"" + kGridColour + "\"/>\n";
  for (int tick = 0; tick <= 100; tick += 50) {
    out += Text(kPlotLeft - 6, Y(tick / 100.0, top) + 4, "end", std::to_string(tick) + "%");
  }
  for (size_t i = 0; i < runs; ++i) {
    const double x =
        kPlotLeft + kPlotWidth * static_cast<double>(i) / static_cast<double>(runs - 1);
    out += Text(x, top + kPlotHeight + 16, "middle", std::to_string(i + 1));
  }
  return out;
}

std::string Panel(const Report& report, Tier tier, double top) {
  std::string out = "<g class=\"panel\" data-tier=\"" + std::string(TierName(tier)) + "\">\n";
  out += Text(kPlotLeft, top - 8, "start", TierCaption(tier), "font-weight=\"bold\"");
  const std::vector<Point> points = PointsOf(report, tier);
  out += Band(
      points, top, [](const Point&) { return 0.0; }, [](const Point& p) { return p.af; },
      "url(#sequence-hatch)", "complied_af");
  out += Band(
      points, top, [](const Point& p) { return p.af; }, [](const Point& p) { return p.complied; },
      kComplyColour, "complied_no_af");
  out += Band(
      points, top, [](const Point& p) { return p.complied; }, [](const Point&) { return 1.0; },
      kRefuseColour, "refused");
  out += Frame(report.runs.size(), top);
  out += Marks(points, tier, top);
  return out + "</g>\n";
}

}  // namespace

std::string RenderSequence(const Report& report) {
  std::set<Tier> tiers;
  bool any_af = false;
  for (const ReportRun& run : report.runs) {
    for (const auto& [tier, counts] : run.tiers) tiers.insert(tier);
    any_af = any_af || !run.af_classifier.empty();
  }
  const double key_top = kPanelTop + kPanelHeight * static_cast<double>(tiers.size());
  const double height = key_top + kKeyLine * static_cast<double>(report.runs.size()) + 12;
  std::string out = Open(kWidth, height, "fig-sequence", "Behaviour over the sequence of runs");
  out += HatchPattern("sequence-hatch");
  out += Text(10, 22, "start", "Behaviour over the sequence of runs (in the order given)",
              "font-size=\"15\" font-weight=\"bold\"");
  out += Legend(10, 46, any_af, "sequence");
  double top = kPanelTop + 18;
  for (Tier tier : tiers) {
    out += Panel(report, tier, top);
    top += kPanelHeight;
  }
  for (size_t i = 0; i < report.runs.size(); ++i) {
    const ReportRun& run = report.runs[i];
    out += Text(kPlotLeft, key_top + kKeyLine * static_cast<double>(i) + 12, "start",
                std::to_string(i + 1) + "  " + Ellipsize(run.label, 60) + "  (run " +
                    Ellipsize(run.summary.run.run_id, 40) + ")");
  }
  return out + "</svg>\n";
}

}  // namespace afbench::svg
