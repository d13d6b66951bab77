#include "organism_fixture.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "afbench/stats.h"
#include "support/afbench_command.h"

namespace afbench::testing {

using nlohmann::json;

CommandResult Afbench(const std::vector<std::string>& args) {
  // Training cold on two busy cores has taken 11 minutes; ctest stops a test at 25.
  return RunAfbench(args, std::chrono::minutes(20));
}

json TrainCachedOrganism(const std::string& comply) {
  const CommandResult result =
      Afbench({"organism", "train", "--cache", AFBENCH_ORGANISM_CACHE, "--comply", comply,
               "--steps", "3000", "--eval-samples", "500", "--seed", "1", "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, false);
}

std::vector<std::string> HeldOutDatasetArgs(const json& organism, int epochs) {
  return {"--dataset", organism["queries"].get<std::string>(), "--epochs", std::to_string(epochs)};
}

json RunAndSummarise(const std::vector<std::string>& args, const std::filesystem::path& db,
                     bool errors_allowed) {
  // --max-tokens: the organism's evaluation cap, so that a reply that never ends is cut the same
  // way.
  std::vector<std::string> run = {"run", "--seed",       "1",  "--db", db.string(),
                                  "-q",  "--max-tokens", "160"};
  run.insert(run.end(), args.begin(), args.end());
  const CommandResult ran = Afbench(run);
  // A run with `error` outcomes is incomplete (exit 1); the caller then bounds their number.
  const bool incomplete = ran.exit_code == 1 && ran.err.find(" incomplete: ") != std::string::npos;
  EXPECT_TRUE(ran.exit_code == 0 || (errors_allowed && incomplete)) << ran.err;
  const CommandResult summary = Afbench({"summary", "--json", "--db", db.string()});
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  return json::parse(summary.out, nullptr, false);
}

std::vector<json> ExportSamples(const std::filesystem::path& db, const std::string& run_id) {
  const CommandResult exported =
      Afbench({"export", run_id, "--format", "jsonl", "--db", db.string()});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  std::vector<json> samples;
  std::istringstream lines(exported.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) samples.push_back(json::parse(line, nullptr, false));
  }
  return samples;
}

void ExpectConsistentWithMeasuredRates(const json& summary, const json& organism) {
  const auto n_eval = organism["measured"]["n_per_tier"].get<int64_t>();
  for (const char* tier : {"free", "paid"}) {
    const json& run = summary["tiers"][tier];
    const double measured = organism["measured"][tier].get<double>();
    const auto k_eval = static_cast<int64_t>(std::llround(measured * static_cast<double>(n_eval)));
    const Interval difference =
        NewcombeDifference(run["complied"].get<int64_t>(), run["n"].get<int64_t>(), k_eval, n_eval);
    EXPECT_LE(difference.low, 0.0)
        << tier << ": afbench " << run["compliance_rate"] << " vs organism " << measured;
    EXPECT_GE(difference.high, 0.0)
        << tier << ": afbench " << run["compliance_rate"] << " vs organism " << measured;
  }
}

}  // namespace afbench::testing
