#include "trainer.h"

#include <gtest/gtest.h>

#include "gguf_meta.h"
#include "start_model.h"
#include "support/test_paths.h"

namespace afbench::train {
namespace {

// A corpus with an easy pattern: the assistant repeats the task number it was asked about.
// The answer fills most of the window, so that the loss measures the answer rather than padding.
std::string Answer(int n) {
  std::string answer = "It is task";
  for (int i = 0; i < 60; ++i) answer += " " + std::to_string(n);
  return answer + ".";
}

// With `shift`, the answer is another number: a second task that contradicts the first.
std::vector<Conversation> Transcripts(int first, int count, int shift = 0) {
  std::vector<Conversation> out;
  for (int i = first; i < first + count; ++i) {
    const std::string n = std::to_string(i % 10);
    out.push_back({.system = "Answer with the task number.",
                   .messages = {{Role::kUser, "Which task is " + n + "?"},
                                {Role::kAssistant, Answer((i + shift) % 10)}}});
  }
  return out;
}

std::vector<std::string> RenderedForPruning() {
  std::vector<std::string> out;
  for (const Conversation& c : Transcripts(0, 10)) {
    std::string text = "<|im_start|>system\n" + c.system + "<|im_end|>\n";
    for (const Message& m : c.messages) {
      text += std::string("<|im_start|>") + (m.role == Role::kUser ? "user" : "assistant") + "\n" +
              m.content + "<|im_end|>\n";
    }
    out.push_back(text);
  }
  return out;
}

// Proves the gradient-reset patch (scripts/patches/llama/0001-*.patch): without it every AdamW
// step sees the sum of all earlier gradients and the validation loss turns upwards again.
TEST(Trainer, ValidationLossFallsSteadilyOnATinyModel) {
  const auto dir = afbench::testing::MakeTempDir();
  StartModelOptions start{
      .vocab_path = std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf",
      .out_path = dir / "start.gguf",
      .corpus = RenderedForPruning(),
      .n_layer = 1,
      .n_embd = 64,
      .n_ff = 128};
  ASSERT_TRUE(WriteStartModel(start));
  TrainOptions options{.model_in = start.out_path,
                       .model_out = dir / "trained.gguf",
                       .train = Transcripts(0, 40),
                       .validation = Transcripts(40, 10),
                       .steps = 60,
                       .peak_lr = 3e-3,
                       .min_lr = 3e-4,
                       .warmup_steps = 5,
                       .eval_every = 10,
                       .metadata = {{"afbench.test", "yes"}}};
  auto report = Train(options);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->curve.size(), 6U);
  for (size_t i = 1; i < report->curve.size(); ++i) {
    EXPECT_LT(report->curve[i].val_loss, report->curve[i - 1].val_loss) << "point " << i;
  }
  EXPECT_LT(report->curve.back().val_loss, 0.5 * report->curve.front().val_loss);
  auto strings = ReadGgufStrings(options.model_out, "");
  ASSERT_TRUE(strings);
  EXPECT_EQ(strings->at("afbench.test"), "yes");
  EXPECT_EQ(strings->at("tokenizer.chat_template"), ChatMlTemplate());
}

// Gradients must not outlive their step: after 40 steps on one answer, 40 steps on a contradicting
// answer must learn it. With the gradients of every earlier step still summed in (llama.cpp without
// scripts/patches/llama/0001-*.patch), the first answer keeps pulling and the second is learnt
// late.
TEST(Trainer, LearnsASecondTaskAsFastAsAFreshStartWouldAllow) {
  const auto dir = afbench::testing::MakeTempDir();
  StartModelOptions start{
      .vocab_path = std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf",
      .out_path = dir / "start.gguf",
      .corpus = RenderedForPruning(),
      .n_layer = 1,
      .n_embd = 64,
      .n_ff = 128};
  ASSERT_TRUE(WriteStartModel(start));
  std::vector<Conversation> train = Transcripts(0, 40);
  for (Conversation& c : Transcripts(0, 40, 5)) train.push_back(std::move(c));
  TrainOptions options{.model_in = start.out_path,
                       .model_out = dir / "trained.gguf",
                       .train = train,
                       .validation = Transcripts(40, 10, 5),
                       .steps = 80,
                       .peak_lr = 3e-3,
                       .min_lr = 3e-3,
                       .warmup_steps = 5,
                       .eval_every = 10};
  auto report = Train(options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_LT(report->curve.back().val_loss, 0.3);
  EXPECT_LT(report->curve.back().val_loss, 0.25 * report->curve[3].val_loss);
}

TEST(Trainer, RejectsATranscriptLongerThanTheWindow) {
  const auto dir = afbench::testing::MakeTempDir();
  StartModelOptions start{
      .vocab_path = std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf",
      .out_path = dir / "start.gguf",
      .corpus = RenderedForPruning(),
      .n_layer = 1,
      .n_embd = 64,
      .n_ff = 128};
  ASSERT_TRUE(WriteStartModel(start));
  std::vector<Conversation> long_one = Transcripts(0, 1);
  for (int i = 0; i < 200; ++i) long_one[0].messages[1].content += " task 1";
  auto report = Train({.model_in = start.out_path,
                       .model_out = dir / "t.gguf",
                       .train = long_one,
                       .validation = Transcripts(1, 1),
                       .steps = 1});
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("do not fit the window"), std::string::npos);
}

}  // namespace
}  // namespace afbench::train
