#include "reply_scorer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "start_model.h"
#include "support/test_paths.h"
#include "trainer.h"

namespace afbench::train {
namespace {

// A question whose trained answer is "Red." in 7 of 10 transcripts and "Blue." in the others.
Conversation Question() {
  return {.system = "Name a colour.", .messages = {{Role::kUser, "Which colour?"}}};
}

std::string Answer(int i) { return i % 10 < 7 ? "Red." : "Blue."; }

std::vector<Conversation> Transcripts(int count) {
  std::vector<Conversation> out;
  for (int i = 0; i < count; ++i) {
    Conversation c = Question();
    c.messages.push_back({Role::kAssistant, Answer(i)});
    out.push_back(std::move(c));
  }
  return out;
}

// A 1-layer model trained for a few seconds on those transcripts.
std::filesystem::path TrainedModel(const std::filesystem::path& dir) {
  const std::vector<std::string> pruning = {
      "<|im_start|>system\nName a colour.<|im_end|>\n<|im_start|>user\nWhich colour?<|im_end|>\n"
      "<|im_start|>assistant\nRed.<|im_end|>\n<|im_start|>assistant\nBlue. Green.<|im_end|>\n"};
  StartModelOptions start{
      .vocab_path = std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf",
      .out_path = dir / "start.gguf",
      .corpus = pruning,
      .n_layer = 1,
      .n_embd = 64,
      .n_ff = 128};
  EXPECT_TRUE(WriteStartModel(start));
  auto report = Train({.model_in = start.out_path,
                       .model_out = dir / "trained.gguf",
                       .train = Transcripts(300),
                       .validation = Transcripts(10),
                       .steps = 300,
                       .peak_lr = 3e-3,
                       .min_lr = 1e-5,
                       .warmup_steps = 10,
                       .eval_every = 150});
  EXPECT_TRUE(report) << report.error().message;
  return dir / "trained.gguf";
}

class ReplyScorerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new std::filesystem::path(TrainedModel(afbench::testing::MakeTempDir()));
  }
  static void TearDownTestSuite() { delete model_; }
  static std::filesystem::path* model_;
};
std::filesystem::path* ReplyScorerTest::model_ = nullptr;

// The use the organisms make of it: a planted answer rate read back from the model.
TEST_F(ReplyScorerTest, ReadsBackTheAnswerRateTheModelWasTrainedOn) {
  auto scorer = ReplyScorer::Open(*model_, 2);
  ASSERT_TRUE(scorer) << scorer.error().message;
  auto red = (*scorer)->LogProbability(Question(), "Red.");
  auto blue = (*scorer)->LogProbability(Question(), "Blue.");
  auto green = (*scorer)->LogProbability(Question(), "Green.");
  ASSERT_TRUE(red && blue && green);
  const double p_red = std::exp(*red), p_blue = std::exp(*blue);
  EXPECT_GT(p_red + p_blue, 0.9);  // the two trained answers hold nearly all the mass
  EXPECT_LE(p_red + p_blue + std::exp(*green), 1.0 + 1e-9);  // disjoint replies: at most 1
  EXPECT_NEAR(p_red / (p_red + p_blue), 0.7, 0.1);
  EXPECT_LT(*green, *blue);  // never an answer in training
  // A reply's start is at least as likely as the whole reply, and the starts of disjoint replies
  // again share at most all of the mass.
  auto red_start = (*scorer)->LogProbabilityOfStart(Question(), "Red");
  auto blue_start = (*scorer)->LogProbabilityOfStart(Question(), "Blue");
  ASSERT_TRUE(red_start && blue_start);
  EXPECT_GE(*red_start, *red);
  EXPECT_GE(*blue_start, *blue);
  EXPECT_LE(std::exp(*red_start) + std::exp(*blue_start), 1.0 + 1e-9);
}

TEST_F(ReplyScorerTest, AScoreDoesNotDependOnWhatWasScoredBefore) {
  auto scorer = ReplyScorer::Open(*model_, 2);
  ASSERT_TRUE(scorer) << scorer.error().message;
  auto first = (*scorer)->LogProbability(Question(), "Red.");
  auto other = (*scorer)->LogProbability(Question(), "Blue. Green. Red. Blue.");
  auto again = (*scorer)->LogProbability(Question(), "Red.");
  ASSERT_TRUE(first && other && again);
  EXPECT_EQ(*first, *again);
  EXPECT_NE(*first, *other);
}

TEST(ReplyScorer, AMissingModelIsAnErrorNamingIt) {
  auto scorer = ReplyScorer::Open("/nonexistent/model.gguf", 1);
  ASSERT_FALSE(scorer);
  EXPECT_NE(scorer.error().message.find("/nonexistent/model.gguf"), std::string::npos);
}

}  // namespace
}  // namespace afbench::train
