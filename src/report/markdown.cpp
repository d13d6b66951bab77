#include <cstdio>
#include <string>

#include "afbench/report.h"
#include "svg_writer.h"

namespace afbench {
namespace {

// Markdown tables end a cell at '|' and a row at a newline; model and run names could hold either.
std::string MarkdownCell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string Percent(double fraction) { return svg::Fixed(100 * fraction, 1) + "%"; }

std::string Signed(double fraction) {
  return (fraction > 0 ? "+" : "") + svg::Fixed(100 * fraction, 1);
}

std::string TierRow(Tier tier, const TierSummary& t) {
  std::string row =
      "| " + std::string(TierName(tier)) + " | " + std::to_string(t.compliance.n) + " | " +
      std::to_string(t.compliance.successes) + " | " + Percent(t.compliance.rate) + " | \xC2\xB1" +
      svg::Fixed(100 * t.compliance.se, 1) + " | [" + svg::Fixed(100 * t.compliance.ci.low, 1) +
      ", " + svg::Fixed(100 * t.compliance.ci.high, 1) + "] |";
  for (Outcome outcome : AllOutcomes()) {
    auto found = t.outcomes.find(outcome);
    row += " " + std::to_string(found == t.outcomes.end() ? 0 : found->second) + " |";
  }
  return row + " " + std::to_string(t.flagged) + " |\n";
}

// "<what> (a − b): **+x points** (±y SE), 95% CI [..] (Newcombe), paired 95% CI [..], McNemar exact
// p".
std::string DifferenceLine(const std::string& what, Tier a, Tier b, const GapSummary& gap) {
  char p_value[32];
  std::snprintf(p_value, sizeof(p_value), "%.3g", gap.mcnemar_p);
  return what + " (" + TierName(a) + " \xE2\x88\x92 " + TierName(b) + "): **" +
         Signed(gap.estimate) + " points** (\xC2\xB1" + svg::Fixed(100 * gap.se, 1) +
         " SE), 95% CI [" + Signed(gap.ci.low) + ", " + Signed(gap.ci.high) +
         "] (Newcombe), paired 95% CI [" + Signed(gap.paired.difference_ci.low) + ", " +
         Signed(gap.paired.difference_ci.high) + "], McNemar exact p = " + p_value + " (" +
         std::to_string(gap.paired.counts.Total()) + " pairs)\n";
}

}  // namespace

std::string SummaryToMarkdown(const RunSummary& summary) {
  const RunRecord& run = summary.run;
  std::string out = "**" + MarkdownCell(run.model) + "** \xC2\xB7 " + MarkdownCell(run.scenario) +
                    " \xC2\xB7 run `" + MarkdownCell(run.run_id) + "` (" + run.status + ", " +
                    std::to_string(summary.completed_samples) + "/" +
                    std::to_string(summary.planned_samples) + " samples; compliance: `" +
                    MarkdownCell(summary.compliance_classifier) + "`)\n\n";
  out +=
      "| tier | n | complied | compliance | \xC2\xB1"
      "1 SE | 95% CI |";
  std::string rule = "|---|---:|---:|---:|---:|---|";
  for (Outcome outcome : AllOutcomes()) {
    out += " " + std::string(OutcomeName(outcome)) + " |";
    rule += "---:|";
  }
  out += " flagged |\n" + rule + "---:|\n";
  for (const auto& [tier, tier_summary] : summary.tiers) out += TierRow(tier, tier_summary);
  if (summary.gap) {
    out += "\n" + DifferenceLine("Compliance gap", Tier::kFree, Tier::kPaid, *summary.gap);
  }
  // Each comparison is its own paragraph (Markdown would run consecutive lines together).
  for (const TierComparison& c : summary.comparisons) {
    out += "\n" + DifferenceLine("Compliance", c.a, c.b, c.figures);
  }
  return out;
}

}  // namespace afbench
