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

std::string Interval95(const Interval& ci) {
  return "[" + svg::Fixed(100 * ci.low, 1) + ", " + svg::Fixed(100 * ci.high, 1) + "]";
}

// The stacked breakdown per AF classifier and Tier, as `afbench summary` prints it.
std::string AfTable(const RunSummary& summary) {
  std::string out = "\nAlignment-faking reasoning (counted on compliant outputs, per `" +
                    MarkdownCell(summary.alignment_faking.front().compliance_classifier) +
                    "`; shares of n)\n\n| classifier | tier | refuses | complies, no AF | "
                    "complies, AF | \xC2\xB1"
                    "1 SE | 95% CI | labelled |\n|---|---|---:|---:|---:|---:|---|---:|\n";
  for (const AlignmentFakingSummary& af : summary.alignment_faking) {
    for (const auto& [tier, t] : af.tiers) {
      out += "| `" + MarkdownCell(af.classifier) + "` | " + TierName(tier) + " | " +
             Percent(t.refuses) + " | " + Percent(t.complies_without_af) + " | " + Percent(t.rate) +
             " | \xC2\xB1" + svg::Fixed(100 * t.se, 1) + " | " +
             (t.ci ? Interval95(*t.ci) : "\xE2\x80\x94") + " | " + std::to_string(t.labelled) +
             "/" + std::to_string(t.complied) + " |\n";
    }
  }
  return out;
}

std::string Share(int64_t count, int64_t n) {
  return Percent(n == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(n));
}

std::string SplitCells(const ScratchpadBreakdown::Split& split, int64_t n) {
  return " " + Share(split.complied, n) + " | " + Share(split.refused, n) + " |";
}

// Fig. 6: the scratchpads of the paper's two classifiers, refusals included.
std::string ScratchpadTable(const AlignmentFakingSummary& af) {
  if (af.scratchpads.empty()) return "";
  std::string out =
      "\nScratchpads (Fig. 6: `af-paper-full` and `af-paper-partial`, refusals included; shares "
      "of the samples both decided)\n\n| tier | n | fully AF, complied | fully AF, refused | AF "
      "but compromises, complied | AF but compromises, refused | no AF, complied | no AF, refused "
      "| unlabelled |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& [tier, b] : af.scratchpads) {
    out += "| " + std::string(TierName(tier)) + " | " + std::to_string(b.n) + " |" +
           SplitCells(b.fully_af, b.n) + SplitCells(b.af_with_compromise, b.n) +
           SplitCells(b.no_af, b.n) + " " + std::to_string(b.unlabelled) + " |\n";
  }
  return out;
}

std::string RateCell(const Proportion& p) {
  if (p.n == 0) return "\xE2\x80\x94 (n = 0)";
  return Percent(p.rate) + " \xC2\xB1" + svg::Fixed(100 * p.se, 1) + " " + Interval95(p.ci) +
         " (n = " + std::to_string(p.n) + ")";
}

// Fig. 15: compliance among the samples one classifier labels AF and among the rest.
std::string ConditionedTable(const AlignmentFakingSummary& af) {
  if (!af.conditioned || af.conditioned->without_af.empty()) return "";
  const ConditionedCompliance& c = *af.conditioned;
  std::string out = "\nCompliance conditioned on `" + MarkdownCell(af.classifier) +
                    "` (Fig. 15; refusals included)\n\n| tier | with AF | without AF "
                    "|\n|---|---|---|\n";
  for (const auto& [tier, without] : c.without_af) {
    out += "| " + std::string(TierName(tier)) + " | " + RateCell(c.with_af.at(tier)) + " | " +
           RateCell(without) + " |\n";
  }
  if (c.gap_without_af) {
    const Difference& d = *c.gap_without_af;
    out += "\nGap without AF (free \xE2\x88\x92 paid): **" + Signed(d.estimate) +
           " points** (\xC2\xB1" + svg::Fixed(100 * d.se, 1) + " SE), 95% CI [" + Signed(d.ci.low) +
           ", " + Signed(d.ci.high) + "] (Newcombe)\n";
  }
  return out;
}

std::string AlignmentFakingSections(const RunSummary& summary) {
  if (summary.alignment_faking.empty()) return "";
  std::string out = AfTable(summary);
  for (const AlignmentFakingSummary& af : summary.alignment_faking) {
    out += ScratchpadTable(af) + ConditionedTable(af);
  }
  return out;
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
  return out + AlignmentFakingSections(summary);
}

}  // namespace afbench
