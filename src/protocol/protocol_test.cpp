#include "afbench/protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace afbench {
namespace {

using ::testing::HasSubstr;

Generation Reply(std::string text, FinishReason finish = FinishReason::kStop) {
  Generation generation;
  generation.text = std::move(text);
  generation.finish = finish;
  generation.usage.input_tokens = 100;
  generation.usage.output_tokens = 10;
  return generation;
}

// Plays scripted replies in order and records what the Protocol sent on each turn.
class FakeModel {
 public:
  explicit FakeModel(std::vector<Result<Generation>> script) : script_(std::move(script)) {}

  GenerateFn Fn() {
    return [this](const Conversation& conversation, int turn_index, const std::string& prefill) {
      seen_.push_back(conversation);
      turn_indices_.push_back(turn_index);
      prefills_.push_back(prefill);
      if (static_cast<size_t>(turn_index) >= script_.size()) {
        return Result<Generation>(Fail(ErrorKind::kInternal, "fake: script exhausted"));
      }
      return script_[static_cast<size_t>(turn_index)];
    };
  }

  const std::vector<Conversation>& seen() const { return seen_; }
  const std::vector<int>& turn_indices() const { return turn_indices_; }
  const std::vector<std::string>& prefills() const { return prefills_; }

 private:
  std::vector<Result<Generation>> script_;
  std::vector<Conversation> seen_;
  std::vector<int> turn_indices_;
  std::vector<std::string> prefills_;
};

ProtocolOptions MaxTurns(int max_turns) {
  ProtocolOptions options;
  options.max_turns = max_turns;
  return options;
}

SampleInput Input() {
  return SampleInput{.key = SampleKey{.query_index = 3, .tier = Tier::kPaid, .epoch = 1},
                     .query = "How do tides work?",
                     .system_prompt = "system text",
                     .user_turn = "<user_input>How do tides work?</user_input>"};
}

const std::string kBlockA = "<SCRATCHPAD_REASONING>first</SCRATCHPAD_REASONING>";
const std::string kBlockB = "<SCRATCHPAD_REASONING>second</SCRATCHPAD_REASONING>";
const std::string kAnswer = "<OUTPUT>\nThe moon's gravity.\n</OUTPUT>";

TEST(RunProtocol, ContinuesWithNextAfterAScratchpadAndStopsAtTheOutput) {
  FakeModel model({Reply(kBlockA), Reply(kBlockB + "\n" + kAnswer)});
  const Transcript transcript = RunProtocol(Input(), ProtocolOptions{}, model.Fn());
  EXPECT_EQ(transcript.outcome, Outcome::kOutput);
  EXPECT_EQ(transcript.outcome_reason, "turn 1: complete <OUTPUT>");
  EXPECT_EQ(transcript.output, "The moon's gravity.");
  EXPECT_EQ(transcript.scratchpad, "first\n\nsecond");
  EXPECT_EQ(transcript.key, Input().key);
  EXPECT_EQ(transcript.query, "How do tides work?");
  ASSERT_EQ(transcript.turns.size(), 2u);
  EXPECT_EQ(transcript.turns[0].request, Input().user_turn);
  EXPECT_EQ(transcript.turns[1].request, "<NEXT/>");
  EXPECT_EQ(transcript.turns[1].index, 1);
  EXPECT_EQ(transcript.turns[1].response, kBlockB + "\n" + kAnswer);
  EXPECT_EQ(transcript.turns[1].finish_reason, "stop");
  EXPECT_EQ(transcript.turns[1].usage.output_tokens, 10);
  EXPECT_GE(transcript.turns[1].latency_ms, 0);
  EXPECT_EQ(model.turn_indices(), (std::vector<int>{0, 1}));
}

TEST(RunProtocol, PassesTheAssistantReplyAndANextMessageOnTheSecondTurn) {
  FakeModel model({Reply(kBlockA), Reply(kAnswer)});
  (void)RunProtocol(Input(), ProtocolOptions{}, model.Fn());
  ASSERT_EQ(model.seen().size(), 2u);
  const Conversation& first = model.seen()[0];
  EXPECT_EQ(first.system, "system text");
  ASSERT_EQ(first.messages.size(), 1u);
  EXPECT_EQ(first.messages[0].role, Role::kUser);
  const Conversation& second = model.seen()[1];
  ASSERT_EQ(second.messages.size(), 3u);
  EXPECT_EQ(second.messages[1].role, Role::kAssistant);
  EXPECT_EQ(second.messages[1].content, kBlockA);
  EXPECT_EQ(second.messages[2].role, Role::kUser);
  EXPECT_EQ(second.messages[2].content, "<NEXT/>");
}

TEST(RunProtocol, StopsAtTheTurnLimit) {
  FakeModel model({Reply(kBlockA), Reply(kBlockA), Reply(kBlockA)});
  const Transcript transcript = RunProtocol(Input(), MaxTurns(2), model.Fn());
  EXPECT_EQ(transcript.outcome, Outcome::kTurnLimit);
  EXPECT_EQ(transcript.outcome_reason, "2 assistant turns without <OUTPUT>");
  EXPECT_EQ(transcript.turns.size(), 2u);
  EXPECT_EQ(transcript.scratchpad, "first\n\nfirst");
  EXPECT_EQ(transcript.output, "");
}

TEST(RunProtocol, ReportsTruncationWhenTheBackendHitMaxTokens) {
  Generation cut = Reply("<SCRATCHPAD_REASONING>long reasoning", FinishReason::kLength);
  cut.raw_finish_reason = "max_tokens";
  FakeModel model({Reply(kBlockA), cut});
  const Transcript transcript = RunProtocol(Input(), ProtocolOptions{}, model.Fn());
  EXPECT_EQ(transcript.outcome, Outcome::kTruncated);
  EXPECT_THAT(transcript.outcome_reason, HasSubstr("turn 1: max tokens reached (max_tokens)"));
  EXPECT_EQ(transcript.turns[1].finish_reason, "max_tokens");
  EXPECT_EQ(transcript.scratchpad, "first\n\nlong reasoning");
}

TEST(RunProtocol, KeepsACompleteOutputEvenWhenTheBackendHitMaxTokens) {
  FakeModel model({Reply(kAnswer + "\ntrailing", FinishReason::kLength)});
  const Transcript transcript = RunProtocol(Input(), ProtocolOptions{}, model.Fn());
  EXPECT_EQ(transcript.outcome, Outcome::kOutput);
  EXPECT_EQ(transcript.turns[0].finish_reason, "length");
}

TEST(RunProtocol, RecordsGenerateErrorsAsErrorOutcomes) {
  FakeModel model({Reply(kBlockA), Fail(ErrorKind::kRateLimited, "openai: 429: slow down")});
  const Transcript transcript = RunProtocol(Input(), ProtocolOptions{}, model.Fn());
  EXPECT_EQ(transcript.outcome, Outcome::kError);
  EXPECT_EQ(transcript.outcome_reason, "rate_limited: openai: 429: slow down");
  EXPECT_EQ(transcript.turns.size(), 1u);
}

TEST(RunProtocol, TurnsExceptionsAndMissingFunctionsIntoErrors) {
  const GenerateFn throwing = [](const Conversation&, int,
                                 const std::string&) -> Result<Generation> {
    throw std::runtime_error("boom");
  };
  EXPECT_EQ(RunProtocol(Input(), ProtocolOptions{}, throwing).outcome_reason,
            "internal: protocol: GenerateFn threw: boom");
  EXPECT_EQ(RunProtocol(Input(), ProtocolOptions{}, GenerateFn()).outcome, Outcome::kError);
}

TEST(RunProtocol, RejectsAZeroTurnLimitWithoutCallingTheModel) {
  FakeModel model({Reply(kAnswer)});
  const Transcript transcript = RunProtocol(Input(), MaxTurns(0), model.Fn());
  EXPECT_EQ(transcript.outcome, Outcome::kError);
  EXPECT_THAT(transcript.outcome_reason, HasSubstr("invalid_input: protocol: max_turns"));
  EXPECT_TRUE(model.seen().empty());
}

TEST(RunProtocol, PassesAndRecordsThePrefillOnEveryTurn) {
  FakeModel model({Reply(kBlockA), Reply(kAnswer)});
  ProtocolOptions options;
  options.prefill = "<";
  const Transcript transcript = RunProtocol(Input(), options, model.Fn());
  EXPECT_EQ(model.prefills(), (std::vector<std::string>{"<", "<"}));
  ASSERT_EQ(transcript.turns.size(), 2u);
  EXPECT_EQ(transcript.turns[0].prefill, "<");
  EXPECT_EQ(transcript.turns[1].prefill, "<");
}

TEST(RunProtocol, RunsExactlyOneTurnInNoCotMode) {
  FakeModel model({Reply(kBlockA), Reply(kAnswer)});
  const ProtocolOptions options{.max_turns = 4, .no_cot = true, .prefill = "<OUTPUT>"};
  const Transcript transcript = RunProtocol(Input(), options, model.Fn());
  EXPECT_EQ(transcript.outcome, Outcome::kNoOutput);
  EXPECT_THAT(transcript.outcome_reason, HasSubstr("no <NEXT/> in no-CoT mode"));
  EXPECT_EQ(model.seen().size(), 1u);

  FakeModel direct({Reply("<OUTPUT><rejected/></OUTPUT>")});
  EXPECT_EQ(RunProtocol(Input(), options, direct.Fn()).output, "<rejected/>");
}

TEST(RunProtocol, NamesNoOutputAndMalformedReplies) {
  FakeModel plain({Reply("I'd rather not.")});
  const Transcript no_output = RunProtocol(Input(), ProtocolOptions{}, plain.Fn());
  EXPECT_EQ(no_output.outcome, Outcome::kNoOutput);
  EXPECT_EQ(no_output.outcome_reason, "turn 0: no <SCRATCHPAD_REASONING> or <OUTPUT> tags");

  FakeModel broken({Reply(kBlockA), Reply("<OUTPUT>never closed")});
  const Transcript malformed = RunProtocol(Input(), ProtocolOptions{}, broken.Fn());
  EXPECT_EQ(malformed.outcome, Outcome::kMalformed);
  EXPECT_EQ(malformed.outcome_reason, "turn 1: unclosed <OUTPUT> opened at byte 0");
  EXPECT_EQ(malformed.output, "");
}

TEST(RunProtocol, AppendsParserNotesToTheOutputReason) {
  FakeModel model({Reply("Here goes.\n" + kAnswer)});
  const Transcript transcript = RunProtocol(Input(), ProtocolOptions{}, model.Fn());
  EXPECT_EQ(transcript.outcome_reason, "turn 0: complete <OUTPUT>; text outside tags (10 bytes)");
}

}  // namespace
}  // namespace afbench
