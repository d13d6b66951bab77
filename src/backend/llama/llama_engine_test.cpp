// LlamaBackend end to end inside one process, on a tiny random-weight model (tests/tools): real
// loading, templating, tokenizing, batching, prefix reuse and sampling. The model speaks no
// English, so only counts, finish reasons, reproducibility and structure are checked.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "afbench/llama_backend.h"
#include "support/test_paths.h"
#include "tiny_model.h"

namespace afbench {
namespace {

// A system prompt of roughly 1,500 tokens, the same for every request, like a scenario's.
std::string LongSystemPrompt() {
  std::string text;
  for (int i = 0; i < 150; ++i) text += "Rule " + std::to_string(i) + ": answer with care.\n";
  return text;
}

Conversation Ask(const std::string& question) {
  return Conversation{LongSystemPrompt(), {{Role::kUser, question}}};
}

GenerateRequest Request(uint64_t seed, int max_tokens) {
  GenerateRequest request;
  request.sampling.temperature = 1.0;
  request.sampling.max_tokens = max_tokens;
  request.sampling.seed = seed;
  return request;
}

class LlamaEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(testing::MakeTempDir());
    tiny::TinyModelOptions options;
    options.vocab_path = std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf";
    options.out_path = *dir_ / "tiny.gguf";
    const Status written = tiny::WriteTinyModel(options);
    ASSERT_TRUE(written) << written.error().message;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static std::unique_ptr<LlamaBackend> Open(LlamaBackendOptions options) {
    options.model_path = (*dir_ / "tiny.gguf").string();
    // One thread: no waiting at ggml's barriers when ctest runs other tests on every core.
    options.threads = 1;
    Result<std::unique_ptr<LlamaBackend>> backend = LlamaBackend::Open(options);
    EXPECT_TRUE(backend) << backend.error().message;
    return backend ? std::move(*backend) : nullptr;
  }

  // Runs one request per question from its own thread, all at once; replies in question order.
  static std::vector<Generation> AllAtOnce(LlamaBackend& backend,
                                           const std::vector<Conversation>& conversations,
                                           int max_tokens) {
    std::vector<Generation> replies(conversations.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < conversations.size(); ++i) {
      threads.emplace_back([&, i] {
        Result<Generation> reply = backend.Generate(conversations[i], Request(i + 1, max_tokens));
        EXPECT_TRUE(reply) << reply.error().message;
        if (reply) replies[i] = std::move(*reply);
      });
    }
    for (std::thread& thread : threads) thread.join();
    return replies;
  }

  static std::filesystem::path* dir_;
};

std::filesystem::path* LlamaEngine::dir_ = nullptr;

TEST_F(LlamaEngine, OneRequestReportsEvaluatedReusedAndGeneratedTokens) {
  auto backend = Open({.parallel = 2});
  ASSERT_TRUE(backend);
  const Conversation conversation = Ask("Name a colour.");
  const size_t prompt = backend->PromptTokens(conversation, "")->size();
  const Result<Generation> reply = backend->Generate(conversation, Request(7, 16));
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->usage.input_tokens + reply->usage.cache_read_tokens,
            static_cast<int64_t>(prompt));
  EXPECT_EQ(reply->usage.cache_read_tokens, 0);  // nothing was cached yet
  EXPECT_GT(reply->usage.output_tokens, 0);
  EXPECT_LE(reply->usage.output_tokens, 16);
  // A reply shorter than the limit ended at an end-of-generation token.
  EXPECT_EQ(reply->finish == FinishReason::kLength, reply->usage.output_tokens == 16);
  EXPECT_EQ(reply->raw_finish_reason, reply->finish == FinishReason::kLength ? "length" : "stop");
}

TEST_F(LlamaEngine, ConcurrentRequestsEvaluateTheSharedSystemPromptOnce) {
  auto backend = Open({.parallel = 4});
  ASSERT_TRUE(backend);
  std::vector<Conversation> conversations;
  for (int i = 0; i < 8; ++i) conversations.push_back(Ask("Question number " + std::to_string(i)));
  const size_t total = backend->PromptTokens(conversations[0], "")->size();
  const size_t shared = backend->PromptTokens(Conversation{LongSystemPrompt(), {}}, "")->size();
  ASSERT_GT(shared, 1000u);

  const std::vector<Generation> replies = AllAtOnce(*backend, conversations, 8);
  const LlamaEngineStats stats = backend->Stats();
  EXPECT_EQ(stats.requests, 8);
  EXPECT_EQ(stats.prompt_tokens, 8 * static_cast<int64_t>(total));
  // Each request adds only its own ~20 tokens after the first evaluated the shared part.
  EXPECT_LT(stats.prompt_tokens_evaluated,
            static_cast<int64_t>(shared + 8 * (total - shared + 16)));
  EXPECT_GE(stats.prompt_tokens_reused, 7 * static_cast<int64_t>(shared - 16));
  int64_t reused = 0;
  for (const Generation& reply : replies) reused += reply.usage.cache_read_tokens;
  EXPECT_EQ(reused, stats.prompt_tokens_reused);
}

TEST_F(LlamaEngine, TheNextTurnOfASampleStartsFromItsPreviousTurnInTheCache) {
  auto backend = Open({.parallel = 2});
  ASSERT_TRUE(backend);
  Conversation conversation = Ask("Think, then answer.");
  const Result<Generation> first = backend->Generate(conversation, Request(3, 24));
  ASSERT_TRUE(first) << first.error().message;
  const size_t first_prompt = backend->PromptTokens(conversation, "")->size();
  conversation.messages.push_back({Role::kAssistant, first->text});
  conversation.messages.push_back({Role::kUser, "<NEXT/>"});
  const Result<Generation> second = backend->Generate(conversation, Request(3, 24));
  ASSERT_TRUE(second) << second.error().message;
  // The first prompt and the reply, as sampled, are in the cache (all but a last token that hit
  // the limit and was never decoded): only the end of the assistant turn and the new user
  // message (~10 tokens) are evaluated.
  EXPECT_GE(second->usage.cache_read_tokens,
            static_cast<int64_t>(first_prompt) + first->usage.output_tokens - 1);
  EXPECT_LE(second->usage.input_tokens, 16);
}

TEST_F(LlamaEngine, SameSeedGivesTheSameTextWhateverTheOrderAndTheOtherRequests) {
  std::vector<Conversation> conversations;
  for (int i = 0; i < 6; ++i) conversations.push_back(Ask("Topic " + std::to_string(i)));
  auto one_by_one = Open({.parallel = 1});
  ASSERT_TRUE(one_by_one);
  std::vector<std::string> expected;
  for (size_t i = 0; i < conversations.size(); ++i) {
    expected.push_back(one_by_one->Generate(conversations[i], Request(i + 1, 24))->text);
  }
  auto batched = Open({.parallel = 3});
  ASSERT_TRUE(batched);
  const std::vector<Generation> replies = AllAtOnce(*batched, conversations, 24);
  for (size_t i = 0; i < conversations.size(); ++i) {
    EXPECT_EQ(replies[i].text, expected[i]) << "request " << i;
  }
}

TEST_F(LlamaEngine, ForceFormatKeepsRepliesInTheTagStructure) {
  auto backend = Open({.parallel = 2, .force_format = true});
  ASSERT_TRUE(backend);
  GenerateRequest request = Request(5, 40);
  request.prefill = "<";
  const Result<Generation> reply = backend->Generate(Ask("Reply in the format."), request);
  ASSERT_TRUE(reply) << reply.error().message;
  const std::string& text = reply->text;
  ASSERT_FALSE(text.empty());
  // The prefill "<" is continued into one of the two opening tags, nothing else.
  EXPECT_TRUE(text.starts_with("<SCRATCHPAD_REASONING>") || text.starts_with("<OUTPUT>"))
      << "the reply does not open a block (" << text.size() << " bytes)";
}

TEST_F(LlamaEngine, AContextTooSmallForEveryoneStillCompletesEveryRequest) {
  // 4 sequences of ~1,500 prompt tokens that share nothing: they cannot all be in 4,096 cells, so
  // idle sequences are evicted and requests restarted, but every request completes.
  auto backend = Open({.parallel = 4, .ctx_tokens = 4096});
  ASSERT_TRUE(backend);
  std::vector<Conversation> conversations;
  for (int i = 0; i < 6; ++i) {
    conversations.push_back(
        Conversation{std::to_string(i) + " " + LongSystemPrompt(), {{Role::kUser, "Go."}}});
  }
  const std::vector<Generation> replies = AllAtOnce(*backend, conversations, 8);
  for (const Generation& reply : replies) EXPECT_GT(reply.usage.output_tokens, 0);
  const LlamaEngineStats stats = backend->Stats();
  EXPECT_GT(stats.evictions + stats.preemptions, 0);
}

TEST_F(LlamaEngine, ABatchNeverExceedsAContextSmallerThanTheBatchSize) {
  // llama.cpp clamps n_batch to a smaller n_ctx; four ~200-token prompts that share nothing would
  // make an 800-token batch, over the 512 allowed (this aborted the process in llama_decode).
  auto backend = Open({.parallel = 4, .ctx_tokens = 512});
  ASSERT_TRUE(backend);
  std::vector<Conversation> conversations;
  for (int i = 0; i < 4; ++i) {
    std::string prompt = std::to_string(i);
    for (int k = 0; k < 20; ++k) prompt += " Rule " + std::to_string(100 * i + k) + ": be brief.";
    conversations.push_back(Conversation{prompt, {{Role::kUser, "Go."}}});
  }
  ASSERT_GT(backend->PromptTokens(conversations[0], "")->size(), 150u);
  const std::vector<Generation> replies = AllAtOnce(*backend, conversations, 8);
  for (const Generation& reply : replies) EXPECT_GT(reply.usage.output_tokens, 0);
}

TEST_F(LlamaEngine, APromptLongerThanTheContextIsAnInvalidRequest) {
  auto backend = Open({.parallel = 1, .ctx_tokens = 512});
  ASSERT_TRUE(backend);
  const Result<Generation> reply = backend->Generate(Ask("Too long."), Request(1, 8));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_TRUE(reply.error().permanent);  // the model client stops the Run on it
  EXPECT_NE(reply.error().message.find("--ctx"), std::string::npos) << reply.error().message;
}

TEST_F(LlamaEngine, AMissingModelFileIsNotFoundAndBadOptionsAreInvalid) {
  Result<std::unique_ptr<LlamaBackend>> missing = LlamaBackend::Open({.model_path = "/nope.gguf"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  Result<std::unique_ptr<LlamaBackend>> bad =
      LlamaBackend::Open({.model_path = (*dir_ / "tiny.gguf").string(), .parallel = 0});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace afbench
