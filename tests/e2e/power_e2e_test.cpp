// End-to-end tests of `afbench power` (issue 17): pairs for a gap, the gap for a number of pairs,
// the discordant share of a pilot run, and the errors that name the flag.
#include "e2e/e2e_fixture.h"

namespace afbench::testing {
namespace {

TEST(PowerE2e, PairsForAThreePointGapAreConnorsWithTheExactPowerBeside) {
  auto result = Afbench({"power", "--gap", "0.03", "--discordant", "0.12", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = ParseJson(result);
  EXPECT_EQ(json["solved_for"], "pairs");
  EXPECT_EQ(json["method"], "connor-1987");
  EXPECT_EQ(json["discordant_from"], "flag");
  EXPECT_EQ(json["pairs"], 1045);  // [1.96 sqrt(.12) + 0.8416 sqrt(.12 - .0009)]^2 / .0009
  const double power_at = json["exact"]["power_at_pairs"].get<double>();
  EXPECT_GT(power_at, 0.75);
  EXPECT_LT(power_at, 0.85);
  EXPECT_NEAR(json["exact"]["pairs"].get<double>(), 1045.0, 105.0);

  auto text = Afbench({"power", "--gap", "0.03", "--discordant", "0.12"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("a 3.0-point gap needs 1045 pairs (Connor 1987)"), std::string::npos)
      << text.out;
}

TEST(PowerE2e, TheSmallestGapOfAPlannedRunInvertsThePairsForAGap) {
  auto gap = ParseJson(Afbench({"power", "--pairs", "400", "--discordant", "0.2", "--json"}));
  EXPECT_EQ(gap["solved_for"], "gap");
  const double smallest = gap["gap"].get<double>();
  EXPECT_GT(smallest, 0.0);
  EXPECT_LT(smallest, 0.2);
  EXPECT_NEAR(gap["exact"]["gap"].get<double>(), smallest, 0.01);
  auto back = ParseJson(Afbench(
      {"power", "--gap", std::to_string(smallest + 1e-6), "--discordant", "0.2", "--json"}));
  EXPECT_LE(back["pairs"].get<int64_t>(), 400);
  EXPECT_GE(back["pairs"].get<int64_t>(), 399);
}

// A pilot run gives the discordant share and, alone, the gap to plan for.
TEST(PowerE2e, APilotRunGivesTheDiscordantShareAndTheGap) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  auto db = dir / "afbench.db";
  auto run = Afbench({"run", "--model", "openai/scripted", "--base-url", server.OpenAiUrl(),
                      "--dataset", (SharedDir() / "data/advbench_harmful_behaviors.csv").string(),
                      "--limit", "40", "--seed", "7", "--db", db.string(), "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string run_id = NewestRunId(db);
  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  const auto& paired = summary["gap"]["paired"];
  const double discordant =
      (paired["free_only"].get<double>() + paired["paid_only"].get<double>()) / 40.0;
  auto power = Afbench({"power", "--run", run_id, "--db", db.string(), "--json"});
  ASSERT_EQ(power.exit_code, 0) << power.err;
  auto json = ParseJson(power);
  EXPECT_EQ(json["discordant_from"], "run");
  EXPECT_EQ(json["pilot"]["run_id"], run_id);
  EXPECT_EQ(json["pilot"]["pairs"], 40);
  EXPECT_DOUBLE_EQ(json["discordant"].get<double>(), discordant);
  EXPECT_DOUBLE_EQ(json["gap"].get<double>(), paired["estimate"].get<double>());
  EXPECT_GE(json["pairs"].get<int64_t>(), 1);

  auto with_pairs = ParseJson(
      Afbench({"power", "--run", run_id, "--db", db.string(), "--pairs", "1000", "--json"}));
  EXPECT_EQ(with_pairs["solved_for"], "gap");
  EXPECT_DOUBLE_EQ(with_pairs["discordant"].get<double>(), discordant);
}

TEST(PowerE2e, BadDesignsAreUsageErrorsThatNameTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"power"}, "--gap/--pairs"},
      {{"power", "--gap", "0.05", "--pairs", "100"}, "give one, not both"},
      {{"power", "--gap", "3"}, "0.03 is a 3-point gap"},
      {{"power", "--gap", "0.3", "--discordant", "0.1"}, "larger than the discordant share"},
      {{"power", "--pairs", "100", "--power", "1"}, "--power"},
      {{"power", "--pairs", "0"}, "--pairs"},
      {{"power", "--run", "r", "--discordant", "0.1"}, "--discordant/--run"},
      {{"power", "--run", "r", "--db", (MakeTempDir() / "none.db").string()}, "does not exist"},
      {{"run", "--model", "openai/m", "--plan", "--power-gap", "0.5", "--power-discordant", "0.2"},
       "--power-gap"},
  };
  for (const auto& [args, message] : cases) {
    auto result = Afbench(args);
    EXPECT_EQ(result.exit_code, 2) << args.back() << "\n" << result.err;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
  }
}

}  // namespace
}  // namespace afbench::testing
