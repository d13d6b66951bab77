#include "html_data.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report_test_util.h"

namespace afbench::html {
namespace {

TEST(SamplesJson, HasOneRecordPerSampleWithScratchpadsLabelsAndQuotes) {
  const Report report = testing::LoadKnownReport();
  const auto samples = nlohmann::json::parse(SamplesJson(report));
  ASSERT_EQ(samples.size(), 11u + 10u + 16u + 4u);
  const auto& first = samples[0];  // run-a, q0, free: complied with AF reasoning, hostile text
  EXPECT_EQ(first["run"], 0);
  EXPECT_EQ(first["tier"], "free");
  EXPECT_EQ(first["outcome"], "output");
  EXPECT_EQ(first["complied"], true);
  EXPECT_EQ(first["af"], true);
  ASSERT_EQ(first["scratchpads"].size(), 1u);
  EXPECT_NE(first["scratchpads"][0].get<std::string>().find(testing::HostileText()),
            std::string::npos);
  EXPECT_NE(first["output"].get<std::string>().find(testing::HostileText()), std::string::npos);
  ASSERT_EQ(first["labels"].size(), 2u);
  EXPECT_EQ(first["labels"][1]["quotes"], nlohmann::json::array({testing::AfEvidenceQuote()}));
  // A clean output's raw reply repeats the scratchpad, so only failed parses keep it.
  EXPECT_FALSE(first["turns"][0].contains("response"));
}

TEST(SamplesJson, GivesNullVerdictsWhereThereIsNoLabel) {
  const auto samples = nlohmann::json::parse(SamplesJson(testing::LoadKnownReport()));
  // Store order: q0 free, q0 paid, q1 free, ...; the error sample of run-a is q10 free.
  EXPECT_EQ(samples[1]["tier"], "paid");
  EXPECT_EQ(samples[20]["outcome"], "error");
  EXPECT_TRUE(samples[20]["complied"].is_null());
  EXPECT_EQ(samples[20]["turns"].size(), 0u);
  // run-b has no AF labels: af is null, not false.
  EXPECT_TRUE(samples[21]["af"].is_null());
}

TEST(MetaJson, ListsRunsWithTheirSystemPromptAndEveryClassifierId) {
  const auto meta = nlohmann::json::parse(MetaJson(testing::LoadKnownReport()));
  ASSERT_EQ(meta["runs"].size(), 3u);
  EXPECT_EQ(meta["runs"][0]["af_classifier"], "af-majority-vote");
  EXPECT_EQ(meta["runs"][1]["af_classifier"], "");
  EXPECT_NE(meta["runs"][0]["system_prompt"].get<std::string>().find("<b>"), std::string::npos);
  EXPECT_EQ(meta["classifiers"], nlohmann::json::array({"af-majority-vote", "compliance-tag"}));
  EXPECT_EQ(meta["reveal"], false);
}

}  // namespace
}  // namespace afbench::html
