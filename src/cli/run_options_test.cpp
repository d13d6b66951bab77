#include "run_options.h"

#include <gtest/gtest.h>

#include <cmath>

namespace afbench::cli {
namespace {

RunFlags ValidFlags() {
  RunFlags flags;
  flags.model = "openai/gpt-4o";
  flags.dataset = "queries.csv";
  return flags;
}

TEST(ParseTiers, AcceptsEitherOrderAndRejectsRepeatsAndUnknowns) {
  EXPECT_EQ(*ParseTiers("free,paid"), (std::vector<Tier>{Tier::kFree, Tier::kPaid}));
  EXPECT_EQ(*ParseTiers("paid"), std::vector<Tier>{Tier::kPaid});
  EXPECT_FALSE(ParseTiers("free,free").has_value());
  EXPECT_EQ(*ParseTiers("free,pro,paid"),
            (std::vector<Tier>{Tier::kFree, Tier::kPro, Tier::kPaid}));
  EXPECT_NE(ParseTiers("free,enterprise").error().message.find("enterprise"), std::string::npos);
  EXPECT_NE(ParseTiers("free,enterprise").error().message.find("free, pro or paid"),
            std::string::npos);
  EXPECT_FALSE(ParseTiers("").has_value());
}

TEST(ConfigFromFlags, TranslatesTheUserTurnSwitches) {
  RunFlags flags = ValidFlags();
  flags.no_input_wrapper = true;
  flags.lowercase_bool = true;
  flags.suffix_inside = true;
  flags.seed = 5;
  auto config = ConfigFromFlags(flags);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_FALSE(config->user_turn.wrap_in_input);
  EXPECT_FALSE(config->user_turn.capitalized_bool);
  EXPECT_TRUE(config->user_turn.suffix);
  EXPECT_EQ(config->user_turn.suffix_placement, SuffixPlacement::kInsideUserInput);
  EXPECT_EQ(config->sampling.seed, 5u);
  EXPECT_EQ(config->dataset.seed, 5u);
}

TEST(ConfigFromFlags, NoCotMeansExactlyOneTurn) {
  RunFlags flags = ValidFlags();
  flags.no_cot = true;
  EXPECT_EQ(ConfigFromFlags(flags)->protocol.max_turns, 1);
}

TEST(ConfigFromFlags, NamesTheOffendingFlag) {
  RunFlags flags = ValidFlags();
  flags.epochs = 0;
  EXPECT_NE(ConfigFromFlags(flags).error().message.find("--epochs"), std::string::npos);
  flags = ValidFlags();
  flags.model = "";
  EXPECT_NE(ConfigFromFlags(flags).error().message.find("--model"), std::string::npos);
  flags = ValidFlags();
  flags.variables = {"company"};
  EXPECT_NE(ConfigFromFlags(flags).error().message.find("--var"), std::string::npos);
  flags = ValidFlags();
  flags.model = "nosuch/model";
  EXPECT_FALSE(ConfigFromFlags(flags).has_value());
  flags = ValidFlags();
  flags.temperature = -1;
  EXPECT_EQ(ConfigFromFlags(flags).error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace afbench::cli

namespace afbench::cli {
namespace {

TEST(ConfigFromFlags, RejectsNonFiniteAndAbsurdNumbersNamingTheFlag) {
  const auto error_of = [](auto change) {
    RunFlags flags = ValidFlags();
    change(flags);
    auto config = ConfigFromFlags(flags);
    return config ? std::string() : config.error().message;
  };
  EXPECT_NE(error_of([](RunFlags& f) { f.temperature = std::nan(""); }).find("--temperature"),
            std::string::npos);
  EXPECT_NE(error_of([](RunFlags& f) { f.timeout_s = INFINITY; }).find("--timeout-s"),
            std::string::npos);
  EXPECT_NE(error_of([](RunFlags& f) {
              f.first_byte_timeout_s = std::nan("");
            }).find("--first-byte-timeout-s"),
            std::string::npos);
  EXPECT_NE(error_of([](RunFlags& f) { f.epochs = 1000000; }).find("--epochs"), std::string::npos);
  EXPECT_NE(error_of([](RunFlags& f) { f.max_cost_usd = std::nan(""); }).find("--max-cost-usd"),
            std::string::npos);
  EXPECT_EQ(error_of([](RunFlags&) {}), "");
}

TEST(ResumeOverridesFromFlags, AppliesLimitsAndEndpointsAndRefusesWhatChangesResults) {
  RunFlags flags;
  flags.resume = "r";
  flags.rpm = 30;
  flags.base_url = "http://127.0.0.1:9/v1";
  flags.timeout_s = 5;
  flags.given = {"--resume", "--rpm", "--base-url", "--timeout-s"};
  auto overrides = ResumeOverridesFromFlags(flags);
  ASSERT_TRUE(overrides.has_value()) << overrides.error().message;
  EXPECT_EQ(overrides->requests_per_minute, 30);
  EXPECT_EQ(overrides->base_url, "http://127.0.0.1:9/v1");
  EXPECT_EQ(overrides->request_timeout_ms, 5000);
  EXPECT_FALSE(overrides->max_connections.has_value());  // not given: the stored value stays
  EXPECT_EQ(overrides->names, (std::vector<std::string>{"--rpm", "--base-url", "--timeout-s"}));
  for (const char* flag : {"--model", "--temperature", "--dataset", "--scenario", "--seed",
                           "--epochs", "--variation", "--judge", "--max-tokens"}) {
    flags.given = {"--resume", flag};
    auto refused = ResumeOverridesFromFlags(flags);
    ASSERT_FALSE(refused.has_value()) << flag;
    EXPECT_NE(refused.error().message.find(flag), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("change the run's results"), std::string::npos);
  }
}

}  // namespace
}  // namespace afbench::cli
