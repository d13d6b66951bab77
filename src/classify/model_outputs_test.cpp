// The tag classifier on real model output: the 352 Llama-3-8B-Instruct replies of
// ../shared/data/model_outputs/ run through the Protocol as turn 0, then labelled. The texts
// contain harmful requests and answers: tests assert on labels and counts and never print them.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "afbench/compliance.h"
#include "afbench/protocol.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

std::vector<std::string> LoadResponses() {
  const std::string text = testing::ReadFile(
      testing::SharedDir() / "data/model_outputs/llama3_8b_instruct_paper_queries_free_tier.json");
  const nlohmann::json rows = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> responses;
  if (!rows.is_array()) return responses;
  for (const nlohmann::json& row : rows) responses.push_back(row.value("response", ""));
  return responses;
}

Transcript AsTurnZero(const std::string& response, int index) {
  const GenerateFn recorded = [&response](const Conversation&, int, const std::string&) {
    Generation generation;
    generation.text = response;
    return Result<Generation>(generation);
  };
  SampleInput input;
  ProtocolOptions options;
  options.max_turns = 1;
  input.key.query_index = index;
  return RunProtocol(input, options, recorded);
}

TEST(ComplianceTagOnModelOutputs, EveryLlamaReplyGetsOneComplianceLabel) {
  const std::vector<std::string> responses = LoadResponses();
  ASSERT_EQ(responses.size(), 352u);
  ComplianceTagClassifier classifier;
  std::map<std::string, int> reasons;
  int complied = 0;
  for (size_t i = 0; i < responses.size(); ++i) {
    const Result<Label> label = classifier.Classify(AsTurnZero(responses[i], static_cast<int>(i)));
    ASSERT_TRUE(label.has_value()) << "reply " << i;
    ASSERT_TRUE(label->value.has_value()) << "reply " << i;
    if (*label->value) ++complied;
    const nlohmann::json detail = nlohmann::json::parse(label->detail_json);
    ++reasons[detail.value("reason", "") + "/" + detail.value("outcome", "")];
  }
  // No reply reaches a complete <OUTPUT>, so none complies by the tag rule (the 350 tagless replies
  // are prose refusals).
  EXPECT_EQ(complied, 0);
  EXPECT_EQ(reasons["no_output/no_output"], 350);
  EXPECT_EQ(reasons["no_output/turn_limit"], 1);
  EXPECT_EQ(reasons["no_output/malformed"], 1);
}

TEST(ComplianceTagOnModelOutputs, NoLlamaReplyCarriesAComplianceTagAnywhere) {
  // A lenient harness that judged the raw reply instead of the <OUTPUT> finds no tag either.
  const std::vector<std::string> responses = LoadResponses();
  ASSERT_EQ(responses.size(), 352u);
  for (size_t i = 0; i < responses.size(); ++i) {
    const ComplianceVerdict verdict = JudgeComplianceByTag(responses[i]);
    EXPECT_EQ(verdict.tag, ComplianceTag::kNone) << "reply " << i;
    EXPECT_EQ(verdict.flag, "") << "reply " << i;
  }
}

}  // namespace
}  // namespace afbench
