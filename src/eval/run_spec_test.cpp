#include "afbench/run_spec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace afbench {
namespace {

TEST(RunSpec, RoundTripsThroughJson) {
  RunSpec config;
  config.model = "anthropic/claude-3-opus";
  config.base_url = "http://127.0.0.1:1/v1";
  config.scenario.name_or_path = "helpful-only";
  config.scenario.variables = {{"company", "OpenAI"}};
  config.dataset.path = "q.csv";
  config.dataset.limit = 50;
  config.dataset.seed = 7;
  config.dataset_hash = "abc";
  config.tiers = {Tier::kPaid};
  config.epochs = 3;
  config.sampling = {0.5, 1000, 1234567890123ULL};
  config.protocol = {2, false, "<"};
  config.user_turn = {false, false, true, SuffixPlacement::kInsideUserInput};
  config.user_suffix = "suffix text";
  config.max_connections = 16;
  config.planned_samples = 150;
  auto back = RunSpecFromJson(RunSpecToJson(config));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->model, config.model);
  EXPECT_EQ(back->scenario.variables.at("company"), "OpenAI");
  EXPECT_EQ(back->dataset.seed, 7u);
  EXPECT_EQ(back->tiers, std::vector<Tier>{Tier::kPaid});
  EXPECT_EQ(back->epochs, 3);
  EXPECT_EQ(back->sampling.seed, 1234567890123ULL);
  EXPECT_EQ(back->protocol.prefill, "<");
  EXPECT_EQ(back->user_turn.suffix_placement, SuffixPlacement::kInsideUserInput);
  EXPECT_FALSE(back->user_turn.capitalized_bool);
  EXPECT_EQ(back->user_suffix, "suffix text");
  EXPECT_EQ(back->planned_samples, 150);
}

TEST(RunSpec, ProTierAndItsTagSurviveTheRoundTripSoAResumeSendsThem) {
  RunSpec config;
  config.model = "openai/m";
  config.tiers = {Tier::kFree, Tier::kPro, Tier::kPaid};
  config.tier_tags = {{Tier::kPro, "<subscription_tier>pro</subscription_tier>"},
                      {Tier::kPaid, "<subscription_tier>enterprise</subscription_tier>"}};
  auto back = RunSpecFromJson(RunSpecToJson(config));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->tiers, config.tiers);
  EXPECT_EQ(back->tier_tags, config.tier_tags);
  const auto json = nlohmann::json::parse(RunSpecToJson(config));
  EXPECT_EQ(json["tiers"], nlohmann::json({"free", "pro", "paid"}));
}

TEST(RunSpec, RemembersWhichBaseUrlsCameFromAFileSoAResumeWithholdsTheKeyToo) {
  RunSpec config;
  config.model = "openai/m";
  config.base_url = "http://host.example/v1";
  config.judge_model = "openai/j";
  config.judge_base_url = "http://judge.example/v1";
  EXPECT_EQ(nlohmann::json::parse(RunSpecToJson(config)).count("base_url_from_file"), 0u);
  config.base_url_from_file = true;
  config.judge_base_url_from_file = true;
  auto back = RunSpecFromJson(RunSpecToJson(config));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_TRUE(back->base_url_from_file);
  EXPECT_TRUE(back->judge_base_url_from_file);
}

TEST(RunSpec, NamesTheMissingFieldOfABrokenConfig) {
  auto config = RunSpecFromJson(R"({"base_url": ""})");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("model"), std::string::npos);
  EXPECT_FALSE(RunSpecFromJson("not json").has_value());
}

TEST(RunSpec, NeverContainsAnApiKeyField) {
  EXPECT_EQ(RunSpecToJson(RunSpec{}).find("key"), std::string::npos);
}

TEST(RunSpec, StoresTheLlamaEngineSettingsOnlyForLlamaRuns) {
  RunSpec config;
  config.model = "llama/models/tiny.gguf";
  config.max_connections = 6;
  config.llama = {0, 8192, "chatml", 0.9, true};
  auto back = RunSpecFromJson(RunSpecToJson(config));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->llama.ctx_tokens, 8192);
  EXPECT_EQ(back->llama.chat_template, "chatml");
  EXPECT_DOUBLE_EQ(back->llama.top_p, 0.9);
  EXPECT_TRUE(back->llama.force_format);

  config.model = "openai/gpt-4o";
  EXPECT_EQ(RunSpecToJson(config).find("\"llama\""), std::string::npos);
}

TEST(RunSpec, LlamaBackendRunsAsManySequencesAsConnectionsUnlessToldOtherwise) {
  RunSpec config;
  config.max_connections = 6;
  config.llama.ctx_tokens = 4096;
  LlamaBackendOptions options = LlamaBackendOptionsFor(config, "llama/dir/m.gguf");
  EXPECT_EQ(options.model_path, "dir/m.gguf");
  EXPECT_EQ(options.parallel, 6);
  EXPECT_EQ(options.ctx_tokens, 4096);
  config.llama.parallel = 2;
  EXPECT_EQ(LlamaBackendOptionsFor(config, "llama/m.gguf").parallel, 2);
}

}  // namespace
}  // namespace afbench
