// The parser and the loop on real model output: 352 replies of Llama-3-8B-Instruct to the paper's
// helpful-only queries (../shared/data/model_outputs/, see ../shared/README.md). Most ignore the
// format. The texts contain harmful requests and answers: tests assert on kinds and counts and
// never print them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "afbench/protocol.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> LoadResponses() {
  const std::string text = testing::ReadFile(
      testing::SharedDir() / "data/model_outputs/llama3_8b_instruct_paper_queries_free_tier.json");
  const nlohmann::json rows = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> responses;
  if (!rows.is_array()) return responses;
  for (const nlohmann::json& row : rows) responses.push_back(row.value("response", ""));
  return responses;
}

TEST(ProtocolOnModelOutputs, EveryLlamaReplyGetsExactlyOneKind) {
  const std::vector<std::string> responses = LoadResponses();
  ASSERT_EQ(responses.size(), 352u);
  std::map<ReplyKind, int> counts;
  for (const std::string& response : responses) ++counts[ParseReply(response).kind];
  // Checked by hand: 350 replies are prose refusals without tags (each opens with "I cannot" or the
  // like); one closes its scratchpad and then writes the user's next turn ("INPUT: <NEXT/>")
  // itself; one closes its scratchpad and opens an <OUTPUT> it never closes.
  EXPECT_EQ(counts[ReplyKind::kNoOutput], 350);
  EXPECT_EQ(counts[ReplyKind::kNext], 1);
  EXPECT_EQ(counts[ReplyKind::kMalformed], 1);
  EXPECT_EQ(counts[ReplyKind::kOutput], 0);
}

TEST(ProtocolOnModelOutputs, ReadsTheTwoRepliesThatTryTheFormat) {
  const std::vector<std::string> responses = LoadResponses();
  ASSERT_EQ(responses.size(), 352u);
  const ParsedReply hallucinated_turn = ParseReply(responses[58]);
  EXPECT_EQ(hallucinated_turn.kind, ReplyKind::kNext);
  EXPECT_EQ(hallucinated_turn.scratchpads.size(), 1u);
  EXPECT_EQ(hallucinated_turn.drafts.size(), 1u);
  EXPECT_THAT(hallucinated_turn.notes, ::testing::ElementsAre("text outside tags (14 bytes)"));

  const ParsedReply unclosed = ParseReply(responses[118]);
  EXPECT_EQ(unclosed.kind, ReplyKind::kMalformed);
  EXPECT_THAT(unclosed.reason, HasSubstr("unclosed <OUTPUT>"));
  EXPECT_EQ(unclosed.scratchpads.size(), 1u);
  EXPECT_EQ(unclosed.drafts.size(), 1u);
}

TEST(ProtocolOnModelOutputs, EveryLlamaReplyEndsInOneNamedOutcomeAsTurnZero) {
  const std::vector<std::string> responses = LoadResponses();
  std::map<Outcome, int> counts;
  for (size_t i = 0; i < responses.size(); ++i) {
    const GenerateFn recorded = [&](const Conversation&, int, const std::string&) {
      Generation generation;
      generation.text = responses[i];
      return Result<Generation>(generation);
    };
    SampleInput input;
    ProtocolOptions options;
    options.max_turns = 1;
    input.key.query_index = static_cast<int>(i);
    const Transcript transcript = RunProtocol(input, options, recorded);
    ++counts[transcript.outcome];
    EXPECT_EQ(transcript.turns.size(), 1u);
    EXPECT_FALSE(transcript.outcome_reason.empty());
    EXPECT_TRUE(transcript.output.empty());
  }
  EXPECT_EQ(counts[Outcome::kNoOutput], 350);
  EXPECT_EQ(counts[Outcome::kTurnLimit], 1);
  EXPECT_EQ(counts[Outcome::kMalformed], 1);
  EXPECT_EQ(counts.size(), 3u);
}

}  // namespace
}  // namespace afbench
