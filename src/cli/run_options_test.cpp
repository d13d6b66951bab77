#include "run_options.h"

#include <gtest/gtest.h>

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
