#include "power_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "afbench/stats.h"
#include "afbench/summary.h"
#include "afbench/text.h"
#include "exit_codes.h"

namespace afbench::cli {
namespace {

Unexpected PowerError(const std::string& flag, const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, "power: " + flag + ": " + what);
}

bool Given(const PowerFlags& flags, const std::string& name) {
  return std::find(flags.given.begin(), flags.given.end(), name) != flags.given.end();
}

Status ValidateFlags(const PowerFlags& flags) {
  if (flags.gap && flags.pairs) return PowerError("--gap/--pairs", "give one, not both");
  if (!flags.gap && !flags.pairs && flags.run_id.empty()) {
    return PowerError("--gap/--pairs", "give one (or --run, to plan for a pilot run's gap)");
  }
  if (flags.gap && !(std::abs(*flags.gap) > 0 && std::abs(*flags.gap) <= 1)) {
    return PowerError("--gap", "a share in (0, 1]: 0.03 is a 3-point gap");
  }
  if (flags.pairs && *flags.pairs < 1) return PowerError("--pairs", "must be >= 1");
  if (!(flags.alpha > 0 && flags.alpha < 1)) return PowerError("--alpha", "must be in (0, 1)");
  if (!(flags.power >= 0.5 && flags.power < 1)) return PowerError("--power", "must be in [0.5, 1)");
  if (!(flags.discordant > 0 && flags.discordant <= 1)) {
    return PowerError("--discordant", "a share in (0, 1]");
  }
  if (!flags.run_id.empty() && Given(flags, "--discordant")) {
    return PowerError("--discordant/--run", "give one: the run's pairs give the discordant share");
  }
  return {};
}

// What the answer assumes, and the pilot Run's pairs when they supplied it.
struct Design {
  PowerAssumptions assumptions;
  std::optional<double> gap;
  std::optional<int64_t> pairs;
  std::optional<GapSummary> pilot;
};

Result<GapSummary> PilotPairs(const PowerFlags& flags, const CommonOptions& common) {
  auto store = OpenExisting(common.db_path);
  if (!store) return Unexpected{store.error()};
  auto summary = Summarize(**store, flags.run_id, flags.classifier);
  if (!summary) return Unexpected{summary.error()};
  const PairedCounts& counts = summary->gap ? summary->gap->paired.counts : PairedCounts{};
  if (counts.Total() == 0) {
    return PowerError("--run", "run " + flags.run_id +
                                   " has no query answered in both the free "
                                   "and the paid tier");
  }
  if (counts.free_only + counts.paid_only == 0) {
    return PowerError("--run", "no pair of run " + flags.run_id +
                                   " differs between the tiers; give --discordant instead");
  }
  return *summary->gap;
}

Result<Design> DesignFromFlags(const PowerFlags& flags, const CommonOptions& common) {
  AFBENCH_RETURN_IF_ERROR(ValidateFlags(flags));
  Design design{{flags.discordant, flags.alpha, flags.power}, flags.gap, flags.pairs, {}};
  if (!flags.run_id.empty()) {
    auto pilot = PilotPairs(flags, common);
    if (!pilot) return Unexpected{pilot.error()};
    const PairedCounts& c = pilot->paired.counts;
    design.assumptions.discordant =
        static_cast<double>(c.free_only + c.paid_only) / static_cast<double>(c.Total());
    if (!design.gap && !design.pairs) design.gap = pilot->paired.difference;
    design.pilot = *pilot;
  }
  if (design.gap && *design.gap == 0) return PowerError("--gap", "the pilot run's gap is 0");
  if (design.gap && !GapFitsDiscordant(*design.gap, design.assumptions.discordant)) {
    return PowerError("--gap", "larger than the discordant share " +
                                   PointsText(design.assumptions.discordant) +
                                   "%: a gap cannot exceed the share of pairs that differ");
  }
  return design;
}

nlohmann::json Optional(const auto& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::ordered_json DesignJson(const Design& d, const PowerFlags& flags) {
  nlohmann::ordered_json out = {{"test", "mcnemar-exact"},
                                {"alpha", d.assumptions.alpha},
                                {"power", d.assumptions.power},
                                {"discordant", d.assumptions.discordant},
                                {"discordant_from", d.pilot ? "run" : "flag"}};
  if (d.pilot) {
    const PairedCounts& c = d.pilot->paired.counts;
    out["pilot"] = {{"run_id", flags.run_id},
                    {"pairs", c.Total()},
                    {"free_only", c.free_only},
                    {"paid_only", c.paid_only},
                    {"gap", d.pilot->paired.difference}};
  }
  out["method"] = "connor-1987";
  return out;
}

std::string Percent(const std::optional<double>& share) {
  if (!share) return "not computed (more than " + std::to_string(kMaxExactPowerPairs) + " pairs)";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f%%", 100 * *share);
  return buffer;
}

std::string DesignText(const Design& d, const PowerFlags& flags) {
  char line[512];
  std::snprintf(line, sizeof(line),
                "McNemar's paired test, two-sided alpha %.3g, %.0f%% power, discordant share "
                "%s%%",
                d.assumptions.alpha, 100 * d.assumptions.power,
                PointsText(d.assumptions.discordant).c_str());
  std::string out = line;
  if (d.pilot) {
    const PairedCounts& c = d.pilot->paired.counts;
    std::snprintf(line, sizeof(line),
                  " (run %s: %lld pairs, %lld free-only, %lld paid-only, gap %+.1f points)",
                  flags.run_id.c_str(), static_cast<long long>(c.Total()),
                  static_cast<long long>(c.free_only), static_cast<long long>(c.paid_only),
                  100 * d.pilot->paired.difference);
    out += line;
  }
  return out + "\n";
}

// --gap (or the pilot's): the pairs needed.
int PairsForGap(const Design& d, const PowerFlags& flags) {
  const double gap = *d.gap;
  const auto pairs = PairsToDetectGap(gap, d.assumptions);
  if (!pairs) return ReportError(PowerError("--gap", "too small a gap to plan a run for").error);
  const auto exact = ExactPairsToDetectGap(gap, d.assumptions);
  const auto power_at =
      McNemarExactPower(*pairs, gap, d.assumptions.discordant, d.assumptions.alpha);
  if (flags.json) {
    nlohmann::ordered_json out = DesignJson(d, flags);
    out["solved_for"] = "pairs";
    out["gap"] = gap;
    out["pairs"] = *pairs;
    out["exact"] = {{"pairs", Optional(exact)}, {"power_at_pairs", Optional(power_at)}};
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::string text = DesignText(d, flags);
  text += "a " + PointsText(gap) + "-point gap needs " + std::to_string(*pairs) +
          " pairs (Connor 1987); exact power there: " + Percent(power_at) + "\n";
  text += "the exact test reaches the power at " +
          (exact ? std::to_string(*exact) + " pairs" : Percent(std::nullopt)) + "\n";
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

// --pairs: the smallest gap they detect.
int GapForPairs(const Design& d, const PowerFlags& flags) {
  const int64_t pairs = *d.pairs;
  const auto gap = SmallestDetectableGap(pairs, d.assumptions);
  const auto exact = ExactSmallestDetectableGap(pairs, d.assumptions);
  std::optional<double> power_at;
  if (gap) power_at = McNemarExactPower(pairs, *gap, d.assumptions.discordant, d.assumptions.alpha);
  if (flags.json) {
    nlohmann::ordered_json out = DesignJson(d, flags);
    out["solved_for"] = "gap";
    out["pairs"] = pairs;
    out["gap"] = Optional(gap);
    out["exact"] = {{"gap", Optional(exact)}, {"power_at_gap", Optional(power_at)}};
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::string text = DesignText(d, flags);
  if (!gap) {
    text += std::to_string(pairs) +
            " pairs detect no gap, not even one of the whole discordant share\n";
  } else {
    text += std::to_string(pairs) + " pairs detect gaps of " + PointsText(*gap) +
            " points or more (Connor 1987); exact power there: " + Percent(power_at) + "\n";
    text += "the exact test detects gaps of " +
            (exact ? PointsText(*exact) + " points or more" : Percent(std::nullopt)) + "\n";
  }
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

CLI::App* AddPowerCommand(CLI::App& app, PowerFlags& flags, CommonOptions& common) {
  CLI::App* command = app.add_subcommand(
      "power",
      "Pairs needed to detect a compliance gap (McNemar's paired test), or the smallest "
      "gap a number of pairs detects");
  command->add_option("--gap", flags.gap, "Gap to detect, as a share (0.03 = 3 points)");
  command->add_option("--pairs", flags.pairs, "Pairs (queries x epochs in both tiers) planned");
  command
      ->add_option("--discordant", flags.discordant,
                   "Share of pairs whose outcome differs between the tiers")
      ->capture_default_str();
  command->add_option("--run", flags.run_id,
                      "Pilot run: its pairs give the discordant share (and, without --gap or "
                      "--pairs, the gap)");
  command->add_option("--classifier", flags.classifier, "The pilot run's compliance classifier")
      ->capture_default_str();
  command->add_option("--power", flags.power, "Power wanted")->capture_default_str();
  command->add_option("--alpha", flags.alpha, "Two-sided level of the test")->capture_default_str();
  command->add_flag("--json", flags.json, "Print JSON");
  command->add_option("--db", common.db_path, "SQLite store (with --run)")->capture_default_str();
  command->final_callback([command, &flags] {
    for (const CLI::Option* option : command->get_options()) {
      if (option->count() > 0) flags.given.push_back(option->get_name());
    }
  });
  return command;
}

int PowerCommand(const PowerFlags& flags, const CommonOptions& common) {
  auto design = DesignFromFlags(flags, common);
  if (!design) return ReportError(design.error());
  return design->pairs ? GapForPairs(*design, flags) : PairsForGap(*design, flags);
}

}  // namespace afbench::cli
