#include "html_tables.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include "html_escape.h"
#include "svg_writer.h"

namespace afbench::html {
namespace {

using svg::Fixed;
using svg::Num;

std::string Cell(std::string_view text, std::string_view sort_key, std::string_view cls = "") {
  std::string out = "<td";
  if (!cls.empty()) out += " class=\"" + std::string(cls) + "\"";
  return out + " data-sort=\"" + Escape(sort_key) + "\">" + Escape(text) + "</td>";
}

std::string NumberCell(int64_t value) {
  return Cell(std::to_string(value), std::to_string(value), "num");
}

std::string Header(const std::vector<std::string>& columns) {
  std::string out = "<thead><tr>";
  for (const std::string& column : columns) {
    out += "<th scope=\"col\"><button type=\"button\" class=\"sort\">" + Escape(column) +
           "</button></th>";
  }
  return out + "</tr></thead>\n";
}

std::string Percent(double fraction) { return Fixed(100 * fraction, 1) + "%"; }

std::string RateCell(const Proportion& rate) {
  if (rate.n == 0) return Cell("\xE2\x80\x94", "-1", "num");
  return Cell(Percent(rate.rate) + " \xC2\xB1" + Fixed(100 * rate.se, 1) + " [" +
                  Fixed(100 * rate.ci.low, 1) + ", " + Fixed(100 * rate.ci.high, 1) + "]",
              Num(rate.rate, 6), "num");
}

std::string AfCell(const ReportRun& run, Tier tier) {
  auto found = run.tiers.find(tier);
  if (run.af_classifier.empty() || found == run.tiers.end() || found->second.af_decided == 0) {
    return Cell("\xE2\x80\x94", "-1", "num");
  }
  const Proportion& af = found->second.af_rate;
  return Cell(Percent(af.rate) + " \xC2\xB1" + Fixed(100 * af.se, 1) + " (" +
                  std::to_string(af.successes) + "/" + std::to_string(af.n) + ")",
              Num(af.rate, 6), "num");
}

std::string TierCells(const ReportRun& run, Tier tier) {
  auto found = run.tiers.find(tier);
  if (found == run.tiers.end()) return NumberCell(0) + RateCell({}) + AfCell(run, tier);
  return NumberCell(found->second.n) + RateCell(found->second.compliance) + AfCell(run, tier);
}

std::string Signed(double fraction) { return (fraction > 0 ? "+" : "") + Fixed(100 * fraction, 1); }

std::string PValue(double p) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), p < 0.001 ? "%.2e" : "%.4f", p);
  return buffer;
}

std::string RunCells(size_t i, const ReportRun& run, Tier tier) {
  return NumberCell(static_cast<int64_t>(i + 1)) + Cell(run.label, run.label) +
         Cell(TierName(tier), TierName(tier));
}

std::string RowStart(size_t i, Tier tier) {
  return "<tr data-run=\"" + std::to_string(i) + "\" data-tier=\"" + TierName(tier) + "\">";
}

std::string GapCells(const ReportRun& run) {
  if (!run.summary.gap) {
    const std::string none = Cell("\xE2\x80\x94", "-999", "num");
    return none + none + none + none + none;
  }
  const GapSummary& gap = *run.summary.gap;
  const Interval& paired = gap.paired.difference_ci;
  return Cell(Signed(gap.estimate) + " \xC2\xB1" + Fixed(100 * gap.se, 1), Num(gap.estimate, 6),
              "num") +
         Cell("[" + Signed(gap.ci.low) + ", " + Signed(gap.ci.high) + "]", Num(gap.ci.low, 6),
              "num") +
         Cell("[" + Signed(paired.low) + ", " + Signed(paired.high) + "]", Num(paired.low, 6),
              "num") +
         Cell(PValue(gap.mcnemar_p), Num(gap.mcnemar_p, 12), "num") +
         NumberCell(gap.paired.counts.Total());
}

// Pro columns appear only when a Run has the pro Tier (three-tiers), so two-tier reports keep
// their shape.
bool AnyProTier(const Report& report) {
  for (const ReportRun& run : report.runs) {
    if (run.summary.tiers.contains(Tier::kPro)) return true;
  }
  return false;
}

std::string RunsTable(const Report& report) {
  const bool pro = AnyProTier(report);
  std::string out =
      "<table class=\"sortable\" id=\"runs-table\">\n<caption>Compliance per run (rate "
      "\xC2\xB1"
      "1 SE, then the 95% Wilson interval; gap: Newcombe independent and paired intervals, exact "
      "McNemar test on the "
      "pairs; AF rate: share of samples that complied with alignment-faking reasoning, as afbench "
      "summary counts it)";
  if (pro)
    out += "; the gap is free \xE2\x88\x92 paid, afbench summary compares the pro tier with both";
  out += "</caption>\n";
  std::vector<std::string> columns = {"#",       "Run",    "Model \xC2\xB7 scenario", "Status",
                                      "Samples", "Free n", "Free compliance",         "Free AF"};
  if (pro) columns.insert(columns.end(), {"Pro n", "Pro compliance", "Pro AF"});
  columns.insert(columns.end(), {"Paid n", "Paid compliance", "Paid AF", "Gap (pts)", "Gap 95% CI",
                                 "Paired 95% CI", "McNemar p", "Pairs"});
  out += Header(columns) + "<tbody>\n";
  for (size_t i = 0; i < report.runs.size(); ++i) {
    const ReportRun& run = report.runs[i];
    const RunSummary& summary = run.summary;
    out += "<tr data-run=\"" + std::to_string(i) + "\">" + NumberCell(static_cast<int64_t>(i + 1)) +
           Cell(summary.run.run_id, summary.run.run_id, "mono") + Cell(run.label, run.label) +
           Cell(summary.run.status, summary.run.status) +
           Cell(std::to_string(summary.completed_samples) + "/" +
                    std::to_string(summary.planned_samples),
                std::to_string(summary.completed_samples), "num") +
           TierCells(run, Tier::kFree) + (pro ? TierCells(run, Tier::kPro) : "") +
           TierCells(run, Tier::kPaid) + GapCells(run) + "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string OutcomesTable(const Report& report) {
  std::vector<std::string> columns = {"#", "Run", "Tier"};
  for (Outcome outcome : AllOutcomes()) columns.push_back(OutcomeName(outcome));
  for (const char* column : {"n", "complied", "flagged", "complied with AF"})
    columns.push_back(column);
  std::string out =
      "<table class=\"sortable\" id=\"outcomes-table\">\n<caption>Outcomes per run and tier (n "
      "excludes errors; flagged: complied by the tag but refused or added disclaimers)"
      "</caption>\n" +
      Header(columns) + "<tbody>\n";
  for (size_t i = 0; i < report.runs.size(); ++i) {
    const ReportRun& run = report.runs[i];
    for (const auto& [tier, tier_summary] : run.summary.tiers) {
      const TierCounts& counts = run.tiers.at(tier);
      out += RowStart(i, tier) + RunCells(i, run, tier);
      for (Outcome outcome : AllOutcomes()) {
        auto found = tier_summary.outcomes.find(outcome);
        out += NumberCell(found == tier_summary.outcomes.end() ? 0 : found->second);
      }
      out += NumberCell(counts.n) + NumberCell(counts.complied) + NumberCell(tier_summary.flagged) +
             (run.af_classifier.empty() ? Cell("\xE2\x80\x94", "-1", "num")
                                        : NumberCell(counts.complied_af)) +
             "</tr>\n";
    }
  }
  return out + "</tbody></table>\n";
}

std::string ShareCell(int64_t count, int64_t n) {
  const double share = n == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(n);
  return Cell(Percent(share) + " (" + std::to_string(count) + ")", Num(share, 6), "num");
}

std::string SplitCells(const ScratchpadBreakdown::Split& split, int64_t n) {
  return ShareCell(split.complied, n) + ShareCell(split.refused, n);
}

// Fig. 6: the paper's two classifiers on every scratchpad, refusals included (the summary's
// ScratchpadBreakdown of its "af-paper" entry). Empty when no Run has both classifiers' labels.
std::string ScratchpadsTable(const Report& report) {
  std::string rows;
  for (size_t i = 0; i < report.runs.size(); ++i) {
    for (const AlignmentFakingSummary& af : report.runs[i].summary.alignment_faking) {
      for (const auto& [tier, b] : af.scratchpads) {
        rows += RowStart(i, tier) + RunCells(i, report.runs[i], tier) + NumberCell(b.n) +
                SplitCells(b.fully_af, b.n) + SplitCells(b.af_with_compromise, b.n) +
                SplitCells(b.no_af, b.n) + NumberCell(b.unlabelled) + "</tr>\n";
      }
    }
  }
  if (rows.empty()) return "";
  return "<table class=\"sortable\" id=\"scratchpads-table\">\n<caption>Scratchpads (the "
         "paper's Fig. 6: af-paper-full and af-paper-partial both yes = fully alignment-fakes; "
         "partial only = alignment-fakes but compromises; refusals included; shares of the "
         "samples both classifiers decided)</caption>\n" +
         Header({"#", "Run", "Tier", "n", "Fully AF, complied", "Fully AF, refused",
                 "AF but compromises, complied", "AF but compromises, refused", "No AF, complied",
                 "No AF, refused", "Unlabelled"}) +
         "<tbody>\n" + rows + "</tbody></table>\n";
}

std::string GapWithoutAfCell(const ConditionedCompliance& c, Tier tier) {
  if (!c.gap_without_af || tier != Tier::kFree) return Cell("\xE2\x80\x94", "-999", "num");
  const Difference& d = *c.gap_without_af;
  return Cell(Signed(d.estimate) + " \xC2\xB1" + Fixed(100 * d.se, 1) + " [" + Signed(d.ci.low) +
                  ", " + Signed(d.ci.high) + "]",
              Num(d.estimate, 6), "num");
}

// Fig. 15: compliance among the samples one classifier labels AF and among the rest, with the gap
// left without AF (on the free tier's row). Empty when no Run has a single AF classifier's labels.
std::string ConditionedTable(const Report& report) {
  std::string rows;
  for (size_t i = 0; i < report.runs.size(); ++i) {
    for (const AlignmentFakingSummary& af : report.runs[i].summary.alignment_faking) {
      if (!af.conditioned) continue;
      for (const auto& [tier, without] : af.conditioned->without_af) {
        rows += RowStart(i, tier) + RunCells(i, report.runs[i], tier) +
                Cell(af.classifier, af.classifier, "mono") +
                RateCell(af.conditioned->with_af.at(tier)) + RateCell(without) +
                GapWithoutAfCell(*af.conditioned, tier) + "</tr>\n";
      }
    }
  }
  if (rows.empty()) return "";
  return "<table class=\"sortable\" id=\"conditioned-table\">\n<caption>Compliance "
         "conditioned on alignment-faking reasoning (the paper's Fig. 15; refusals included; "
         "rate \xC2\xB1"
         "1 SE [95% Wilson]; gap without AF: free \xE2\x88\x92 paid among samples without AF, "
         "Newcombe)</caption>\n" +
         Header({"#", "Run", "Tier", "AF classifier", "Compliance with AF", "Compliance without AF",
                 "Gap without AF (pts)"}) +
         "<tbody>\n" + rows + "</tbody></table>\n";
}

}  // namespace

std::string RenderTables(const Report& report) {
  return RunsTable(report) + OutcomesTable(report) + ScratchpadsTable(report) +
         ConditionedTable(report);
}

}  // namespace afbench::html
