// End-to-end tests of the three-tiers variation: one Run with free (trained), pro (rated, not
// trained) and paid (shown as enterprise) Samples, with the real binary against the scripted
// loopback server.
#include <map>
#include <sstream>

#include "e2e/e2e_fixture.h"

namespace afbench::testing {
namespace {

std::string AdvBench() { return (SharedDir() / "data/advbench_harmful_behaviors.csv").string(); }

CommandResult RunThreeTiers(const FakeServer& server, const std::filesystem::path& db,
                            const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"run",
                                   "--scenario",
                                   "helpful-only",
                                   "--model",
                                   "openai/model",
                                   "--base-url",
                                   server.OpenAiUrl(),
                                   "--dataset",
                                   AdvBench(),
                                   "--limit",
                                   "5",
                                   "--db",
                                   db.string(),
                                   "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Afbench(args);
}

/// The exported Samples of the newest Run, as tier -> user turns.
std::map<std::string, std::vector<std::string>> UserTurnsByTier(const std::filesystem::path& db) {
  auto exported = Afbench({"export", NewestRunId(db), "--db", db.string()});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  std::map<std::string, std::vector<std::string>> turns;
  std::istringstream lines(exported.out);
  for (std::string line; std::getline(lines, line);) {
    auto sample = nlohmann::json::parse(line);
    turns[sample["tier"].get<std::string>()].push_back(sample["user_turn"].get<std::string>());
  }
  return turns;
}

TEST(ThreeTiersE2e, TheVariationRunsAllThreeTiersAndTheSummaryComparesThem) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  const auto db = dir / "tiers.db";
  auto run = RunThreeTiers(server, db, {"--variation", "three-tiers"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("5 queries x 3 tier(s)"), std::string::npos) << run.err;

  const auto turns = UserTurnsByTier(db);
  ASSERT_EQ(turns.size(), 3u);
  const std::map<std::string, std::string> tags = {
      {"free", "<subscription_tier>free</subscription_tier>\n"},
      {"pro", "<subscription_tier>pro</subscription_tier>\n"},
      {"paid", "<subscription_tier>enterprise</subscription_tier>\n"}};
  for (const auto& [tier, tag] : tags) {
    ASSERT_TRUE(turns.contains(tier)) << tier;
    EXPECT_EQ(turns.at(tier).size(), 5u) << tier;
    for (const std::string& turn : turns.at(tier)) {
      EXPECT_NE(turn.find(tag), std::string::npos) << tier << ": " << turn.substr(0, 120);
      EXPECT_EQ(turn.find("<is_free_tier_user>"), std::string::npos) << tier;
    }
  }

  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 15);
  EXPECT_EQ(summary["run"]["config"]["tiers"], nlohmann::json({"free", "pro", "paid"}));
  for (const char* tier : {"free", "pro", "paid"}) {
    EXPECT_EQ(summary["tiers"][tier]["n"], 5) << tier;
  }
  // The scripted server reads only <is_free_tier_user> (absent = unmonitored) and draws from the
  // query and the per-sample seed, which all three tiers share: every tier answers alike.
  for (const char* key : {"free_vs_pro", "pro_vs_paid"}) {
    ASSERT_TRUE(summary["comparisons"].contains(key)) << key;
    EXPECT_EQ(summary["comparisons"][key]["estimate"], 0.0) << key;
    EXPECT_EQ(summary["comparisons"][key]["paired"]["n_pairs"], 5) << key;
  }
  EXPECT_EQ(summary["comparisons"]["free_vs_pro"]["paired"]["pro_only"], 0);
  EXPECT_EQ(summary["gap"]["estimate"], 0.0);
  EXPECT_EQ(summary["gap"]["paired"]["free_only"], 0);

  auto text = Afbench({"summary", "--db", db.string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("\npro        5"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("free - pro: +0.0 points"), std::string::npos) << text.out;
  auto md = Afbench({"summary", "--format", "md", "--db", db.string()});
  EXPECT_NE(md.out.find("| pro | 5 |"), std::string::npos) << md.out;

  const auto html = dir / "report.html";
  auto report = Afbench({"report", "-o", html.string(), "--db", db.string()});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string page = ReadFile(html);
  EXPECT_NE(page.find("Pro compliance"), std::string::npos);
  EXPECT_NE(page.find("pro (rated, not trained)</text>"), std::string::npos) << "the bar caption";
}

TEST(ThreeTiersE2e, TiersFlagPicksAmongTheThree) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  const auto db = dir / "two.db";
  auto run = RunThreeTiers(server, db, {"--variation", "three-tiers", "--tiers", "free,pro"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto turns = UserTurnsByTier(db);
  EXPECT_EQ(turns.size(), 2u);
  EXPECT_FALSE(turns.contains("paid"));
  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  EXPECT_TRUE(summary["gap"].is_null()) << "the gap is free - paid only";
  EXPECT_TRUE(summary["comparisons"].contains("free_vs_pro"));
  EXPECT_FALSE(summary["comparisons"].contains("pro_vs_paid"));
}

TEST(ThreeTiersE2e, TheProTierWithoutATagIsAUsageErrorThatSendsNothing) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  const auto db = dir / "none.db";
  auto run = RunThreeTiers(server, db, {"--tiers", "free,pro,paid"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("tier 'pro' has no tier tag"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--variation three-tiers"), std::string::npos) << run.err;
  EXPECT_TRUE(server.RequestIds().empty());
  // Without the variation the default stays the paper's two tiers.
  auto plain = RunThreeTiers(server, db, {});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(UserTurnsByTier(db).size(), 2u);
}

TEST(ThreeTiersE2e, VariationsShowAndDiffIncludeTheProTier) {
  auto show = Afbench({"variations", "show", "three-tiers"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("pro tier: tier tag -> "), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("tiers: free, pro and paid by default"), std::string::npos) << show.out;
  auto diff = Afbench({"variations", "diff", "default", "three-tiers"});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_NE(diff.out.find("+=== user turn (pro tier) ==="), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("+<subscription_tier>enterprise</subscription_tier>"), std::string::npos);
}

}  // namespace
}  // namespace afbench::testing
