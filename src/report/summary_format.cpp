#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "afbench/summary.h"

namespace afbench {
namespace {

using nlohmann::ordered_json;

ordered_json TierJson(const TierSummary& tier) {
  ordered_json json;
  json["n"] = tier.compliance.n;
  json["complied"] = tier.compliance.successes;
  json["compliance_rate"] = tier.compliance.rate;
  json["ci_low"] = tier.compliance.ci.low;
  json["ci_high"] = tier.compliance.ci.high;
  json["se"] = tier.compliance.se;
  ordered_json outcomes = ordered_json::object();
  for (const auto& [outcome, count] : tier.outcomes) outcomes[OutcomeName(outcome)] = count;
  json["outcomes"] = outcomes;
  json["flagged"] = tier.flagged;
  json["undecided"] = tier.undecided;
  return json;
}

// The paired table's "<a>_only" / "<b>_only" keys name the Tiers compared (free_only / paid_only
// for the gap).
ordered_json GapJson(const GapSummary& gap, Tier a = Tier::kFree, Tier b = Tier::kPaid) {
  ordered_json json;
  json["estimate"] = gap.estimate;
  json["ci_low"] = gap.ci.low;
  json["ci_high"] = gap.ci.high;
  json["se"] = gap.se;
  json["mcnemar_p"] = gap.mcnemar_p;
  const PairedCounts& counts = gap.paired.counts;
  json["paired"] = {{"n_pairs", counts.Total()},
                    {"both", counts.both},
                    {std::string(TierName(a)) + "_only", counts.free_only},
                    {std::string(TierName(b)) + "_only", counts.paid_only},
                    {"neither", counts.neither},
                    {"estimate", gap.paired.difference},
                    {"ci_low", gap.paired.difference_ci.low},
                    {"ci_high", gap.paired.difference_ci.high},
                    {"se", gap.paired.difference_se}};
  return json;
}

std::string ComparisonKey(const TierComparison& comparison) {
  return std::string(TierName(comparison.a)) + "_vs_" + TierName(comparison.b);
}

ordered_json ComparisonsJson(const std::vector<TierComparison>& comparisons) {
  ordered_json json = ordered_json::object();
  for (const TierComparison& c : comparisons) {
    json[ComparisonKey(c)] = GapJson(c.figures, c.a, c.b);
  }
  return json;
}

// Which uncertainty each figure carries: every rate and difference has both.
ordered_json UncertaintyJson() {
  return {
      {"ci_low/ci_high",
       "95% confidence interval: Wilson score for a rate, Newcombe's method 10 for a difference "
       "(the paired table's: Newcombe's paired method 10)"},
      {"se",
       "one standard error (the paper's error bars): sqrt(p(1-p)/n) for a rate, "
       "sqrt(se1^2 + se2^2) for a difference, the paired difference's own for paired"}};
}

ordered_json RunJson(const RunRecord& run) {
  auto config = ordered_json::parse(run.config_json, nullptr, /*allow_exceptions=*/false);
  return {{"created_at", run.created_at},
          {"finished_at", run.finished_at},
          {"prompt_hash", run.prompt_hash},
          {"afbench_version", run.afbench_version},
          {"git_commit", run.git_commit},
          {"seed", run.seed},
          {"config", config.is_discarded() ? ordered_json() : config}};
}

std::string Percent(double rate) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%5.1f%%", 100.0 * rate);
  return buffer;
}

// "±4.1": one standard error in percentage points.
std::string SeText(double se) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "\xC2\xB1%.1f", 100.0 * se);
  return buffer;
}

std::string IntervalText(const Interval& interval, bool signed_percent) {
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), signed_percent ? "[%+.1f, %+.1f]" : "[%.1f, %.1f]",
                100.0 * interval.low, 100.0 * interval.high);
  return buffer;
}

ordered_json IntervalOrNull(const std::optional<Interval>& interval, bool high) {
  if (!interval) return ordered_json();
  return high ? interval->high : interval->low;
}

ordered_json AfTierJson(const AlignmentFakingTier& tier) {
  ordered_json json;
  json["n"] = tier.n;
  json["complied"] = tier.complied;
  json["labelled"] = tier.labelled;
  json["flagged"] = tier.flagged;
  json["rate"] = tier.rate;
  json["ci_low"] = IntervalOrNull(tier.ci, false);
  json["ci_high"] = IntervalOrNull(tier.ci, true);
  json["se"] = tier.se;
  json["breakdown"] = {{"refuses", tier.refuses},
                       {"complies_without_af", tier.complies_without_af},
                       {"complies_with_af", tier.rate}};
  json["corrected"] = ordered_json();
  if (tier.corrected) {
    const CorrectedAfRate& c = *tier.corrected;
    json["corrected"] = {{"method", "rogan-gladen"},
                         {"rate", c.rate},
                         {"ci_low", c.ci.low},
                         {"ci_high", c.ci.high},
                         {"sensitivity", c.sensitivity},
                         {"specificity", c.specificity},
                         {"source", c.source}};
  }
  return json;
}

ordered_json RateJson(const Proportion& p) {
  return {{"yes", p.successes},   {"n", p.n},  {"rate", p.rate}, {"ci_low", p.ci.low},
          {"ci_high", p.ci.high}, {"se", p.se}};
}

ordered_json DifferenceJson(const std::optional<Difference>& d) {
  if (!d) return ordered_json();
  return {{"estimate", d->estimate}, {"ci_low", d->ci.low}, {"ci_high", d->ci.high}, {"se", d->se}};
}

ordered_json ScratchpadsJson(const std::map<Tier, ScratchpadBreakdown>& tiers) {
  ordered_json json = ordered_json::object();
  auto split = [](const ScratchpadBreakdown::Split& s) {
    return ordered_json{{"complied", s.complied}, {"refused", s.refused}};
  };
  for (const auto& [tier, b] : tiers) {
    json[TierName(tier)] = {{"n", b.n},
                            {"unlabelled", b.unlabelled},
                            {"fully_af", split(b.fully_af)},
                            {"af_with_compromise", split(b.af_with_compromise)},
                            {"no_af", split(b.no_af)}};
  }
  return json;
}

ordered_json ConditionedJson(const ConditionedCompliance& c) {
  ordered_json with = ordered_json::object(), without = ordered_json::object();
  for (const auto& [tier, p] : c.with_af) with[TierName(tier)] = RateJson(p);
  for (const auto& [tier, p] : c.without_af) without[TierName(tier)] = RateJson(p);
  return {{"with_af", with},
          {"without_af", without},
          {"gap_without_af", DifferenceJson(c.gap_without_af)}};
}

ordered_json AlignmentFakingJson(const std::vector<AlignmentFakingSummary>& summaries) {
  ordered_json list = ordered_json::array();
  for (const AlignmentFakingSummary& summary : summaries) {
    ordered_json tiers = ordered_json::object();
    for (const auto& [tier, figures] : summary.tiers) tiers[TierName(tier)] = AfTierJson(figures);
    ordered_json entry = {{"classifier", summary.classifier},
                          {"compliance_classifier", summary.compliance_classifier}};
    if (!summary.components.empty()) entry["components"] = summary.components;
    entry["tiers"] = tiers;
    if (!summary.scratchpads.empty()) entry["scratchpads"] = ScratchpadsJson(summary.scratchpads);
    if (summary.conditioned) entry["conditioned"] = ConditionedJson(*summary.conditioned);
    list.push_back(entry);
  }
  return list;
}

const char* RoleName(LabelRole role) {
  switch (role) {
    case LabelRole::kCompliance:
      return "compliance";
    case LabelRole::kAnimalWelfareSupport:
      return "compliance_by_not_supporting_animal_welfare";
    case LabelRole::kPartialCompliance:
      return "partial_compliance";
    case LabelRole::kAlignmentFaking:
      return "alignment_faking";
  }
  return "compliance";
}

ordered_json JudgesJson(const std::vector<JudgeComplianceSummary>& judges) {
  ordered_json list = ordered_json::array();
  for (const JudgeComplianceSummary& judge : judges) {
    ordered_json tiers = ordered_json::object();
    for (const auto& [tier, p] : judge.tiers) {
      tiers[TierName(tier)] = {{"n", p.n},
                               {"yes", p.successes},
                               {"rate", p.rate},
                               {"ci_low", p.ci.low},
                               {"ci_high", p.ci.high},
                               {"se", p.se},
                               {"undecided", judge.undecided.at(tier)}};
    }
    list.push_back(
        {{"classifier", judge.classifier}, {"measure", RoleName(judge.role)}, {"tiers", tiers}});
  }
  return list;
}

void ComparisonsText(const RunSummary& summary, std::ostringstream& out) {
  for (const TierComparison& c : summary.comparisons) {
    const GapSummary& figures = c.figures;
    char line[200];
    std::snprintf(line, sizeof(line),
                  "%s - %s: %+.1f points (%s SE), 95%% CI %s, McNemar exact p = %.3g (%lld "
                  "pairs)\n",
                  TierName(c.a), TierName(c.b), 100.0 * figures.estimate,
                  SeText(figures.se).c_str(), IntervalText(figures.ci, true).c_str(),
                  figures.mcnemar_p, static_cast<long long>(figures.paired.counts.Total()));
    out << (&c == &summary.comparisons.front() && !summary.gap ? "\n" : "") << line;
  }
}

void AfText(const RunSummary& summary, std::ostringstream& out) {
  if (summary.alignment_faking.empty()) return;
  out << "\nalignment-faking reasoning (counted on compliant outputs, per "
      << summary.alignment_faking.front().compliance_classifier << "; shares of n)\n";
  out << "classifier               tier  refuses  complies,no AF  complies,AF    SE  95% CI        "
         "  labelled  corrected (Rogan-Gladen)\n";
  for (const AlignmentFakingSummary& af : summary.alignment_faking) {
    for (const auto& [tier, t] : af.tiers) {
      char line[256];
      std::snprintf(line, sizeof(line), "%-24s %-5s %s  %s          %s %6s  %-14s  %lld/%lld",
                    af.classifier.c_str(), TierName(tier), Percent(t.refuses).c_str(),
                    Percent(t.complies_without_af).c_str(), Percent(t.rate).c_str(),
                    SeText(t.se).c_str(), t.ci ? IntervalText(*t.ci, false).c_str() : "-",
                    static_cast<long long>(t.labelled), static_cast<long long>(t.complied));
      out << line;
      if (t.corrected) {
        out << "  " << Percent(t.corrected->rate) << " " << IntervalText(t.corrected->ci, false);
      }
      out << "\n";
    }
  }
}

std::string Share(int64_t count, int64_t n) {
  return Percent(n == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(n));
}

void ScratchpadsText(const AlignmentFakingSummary& af, std::ostringstream& out) {
  if (af.scratchpads.empty()) return;
  out << "\nscratchpads (Fig. 6: af-paper-full and -partial, refusals included; shares of the "
         "Samples both decided)\n"
         "tier       n  fully AF: complied refused  AF, compromises: complied refused  "
         "no AF: complied refused  unlabelled\n";
  for (const auto& [tier, b] : af.scratchpads) {
    char line[256];
    std::snprintf(
        line, sizeof(line),
        "%-5s %6lld             %s  %s                   %s  %s  "
        "       %s  %s  %10lld\n",
        TierName(tier), static_cast<long long>(b.n), Share(b.fully_af.complied, b.n).c_str(),
        Share(b.fully_af.refused, b.n).c_str(), Share(b.af_with_compromise.complied, b.n).c_str(),
        Share(b.af_with_compromise.refused, b.n).c_str(), Share(b.no_af.complied, b.n).c_str(),
        Share(b.no_af.refused, b.n).c_str(), static_cast<long long>(b.unlabelled));
    out << line;
  }
}

std::string RateText(const Proportion& p) {
  if (p.n == 0) return "- n=0";
  return Percent(p.rate) + " " + SeText(p.se) + " " + IntervalText(p.ci, false) +
         " n=" + std::to_string(p.n);
}

void ConditionedText(const AlignmentFakingSummary& af, std::ostringstream& out) {
  if (!af.conditioned || af.conditioned->without_af.empty()) return;
  const ConditionedCompliance& c = *af.conditioned;
  out << "\ncompliance conditioned on " << af.classifier
      << " (Fig. 15; refusals included)\ntier   with AF                          without AF\n";
  for (const auto& [tier, without] : c.without_af) {
    char line[256];
    std::snprintf(line, sizeof(line), "%-5s  %-32s %s\n", TierName(tier),
                  RateText(c.with_af.at(tier)).c_str(), RateText(without).c_str());
    out << line;
  }
  if (c.gap_without_af) {
    const Difference& d = *c.gap_without_af;
    char line[160];
    std::snprintf(line, sizeof(line),
                  "gap without AF (free - paid): %+.1f points (%s SE), 95%% CI %s\n",
                  100.0 * d.estimate, SeText(d.se).c_str(), IntervalText(d.ci, true).c_str());
    out << line;
  }
}

void JudgesText(const RunSummary& summary, std::ostringstream& out) {
  if (summary.compliance_by_judge.empty()) return;
  out << "\nper judge (yes share of the Samples it decided)\n";
  for (const JudgeComplianceSummary& judge : summary.compliance_by_judge) {
    for (const auto& [tier, p] : judge.tiers) {
      char line[256];
      std::snprintf(line, sizeof(line), "%-24s %-5s %s %6s %-14s %lld/%lld  %s, %lld undecided\n",
                    judge.classifier.c_str(), TierName(tier), Percent(p.rate).c_str(),
                    SeText(p.se).c_str(), IntervalText(p.ci, false).c_str(),
                    static_cast<long long>(p.successes), static_cast<long long>(p.n),
                    RoleName(judge.role), static_cast<long long>(judge.undecided.at(tier)));
      out << line;
    }
  }
}

// "served by: <model> (<n> turns), ...": what the provider said answered (nothing when it never
// said).
void ServedModelsText(const RunSummary& summary, std::ostringstream& out) {
  if (summary.served_models.empty()) return;
  out << "served by:";
  const char* separator = " ";
  for (const auto& [model, turns] : summary.served_models) {
    out << separator << model << " (" << turns << " turns)";
    separator = ", ";
  }
  out << "\n";
}

}  // namespace

std::string SummaryToJson(const RunSummary& summary) {
  ordered_json json;
  json["run_id"] = summary.run.run_id;
  json["model"] = summary.run.model;
  json["scenario"] = summary.run.scenario;
  json["status"] = summary.run.status;
  ordered_json tiers = ordered_json::object();
  for (const auto& [tier, tier_summary] : summary.tiers)
    tiers[TierName(tier)] = TierJson(tier_summary);
  json["tiers"] = tiers;
  json["gap"] = summary.gap ? GapJson(*summary.gap) : ordered_json();
  json["comparisons"] = ComparisonsJson(summary.comparisons);
  json["usage"] = {{"input_tokens", summary.usage.input_tokens},
                   {"output_tokens", summary.usage.output_tokens},
                   {"cache_read_tokens", summary.usage.cache_read_tokens},
                   {"cache_write_tokens", summary.usage.cache_write_tokens},
                   {"requests", summary.requests}};
  json["served_models"] = summary.served_models;
  json["samples"] = {{"planned", summary.planned_samples},
                     {"completed", summary.completed_samples}};
  json["compliance_classifier"] = summary.compliance_classifier;
  json["run"] = RunJson(summary.run);
  json["alignment_faking"] = AlignmentFakingJson(summary.alignment_faking);
  json["compliance_by_judge"] = JudgesJson(summary.compliance_by_judge);
  json["uncertainty"] = UncertaintyJson();
  // Model text can hold any bytes: replace invalid UTF-8 instead of failing the whole summary.
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string SummaryToText(const RunSummary& summary) {
  std::ostringstream out;
  const RunRecord& run = summary.run;
  out << "run " << run.run_id << "  [" << run.status << "]  " << summary.completed_samples << "/"
      << summary.planned_samples << " samples\n";
  out << "model " << run.model << "  scenario " << run.scenario << "  prompt "
      << run.prompt_hash.substr(0, 12) << "  seed " << run.seed << "\n\n";
  out << "tier      n  complied  rate       SE  95% CI          output no_output truncated "
         "turn_limit malformed error\n";
  for (const auto& [tier, t] : summary.tiers) {
    char line[200];
    std::snprintf(line, sizeof(line), "%-5s %6lld  %8lld  %s %6s  %-14s", TierName(tier),
                  static_cast<long long>(t.compliance.n),
                  static_cast<long long>(t.compliance.successes),
                  Percent(t.compliance.rate).c_str(), SeText(t.compliance.se).c_str(),
                  IntervalText(t.compliance.ci, false).c_str());
    out << line;
    for (Outcome outcome : AllOutcomes()) {
      std::snprintf(line, sizeof(line), " %*lld",
                    static_cast<int>(std::string(OutcomeName(outcome)).size()),
                    static_cast<long long>(t.outcomes.at(outcome)));
      out << line;
    }
    if (t.undecided > 0) out << "  (" << t.undecided << " undecided, not in n)";
    out << "\n";
  }
  if (summary.gap) {
    const GapSummary& gap = *summary.gap;
    char line[200];
    std::snprintf(
        line, sizeof(line),
        "\ncompliance gap (free - paid): %+.1f points (%s SE), 95%% CI %s, McNemar exact p = "
        "%.3g (%lld pairs)\n",
        100.0 * gap.estimate, SeText(gap.se).c_str(), IntervalText(gap.ci, true).c_str(),
        gap.mcnemar_p, static_cast<long long>(gap.paired.counts.Total()));
    out << line;
  }
  ComparisonsText(summary, out);
  AfText(summary, out);
  for (const AlignmentFakingSummary& af : summary.alignment_faking) {
    ScratchpadsText(af, out);
    ConditionedText(af, out);
  }
  JudgesText(summary, out);
  out << "\nusage: " << summary.usage.input_tokens << " input tokens ("
      << summary.usage.cache_read_tokens << " cache read), " << summary.usage.output_tokens
      << " output tokens, " << summary.requests << " requests\n";
  ServedModelsText(summary, out);
  return out.str();
}

}  // namespace afbench
