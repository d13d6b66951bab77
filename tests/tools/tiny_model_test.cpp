// The tiny model writer against the real llama.cpp loader: the file loads, has the requested shape,
// the copied vocabulary and the chat template, evaluates a prompt, and is reproducible per seed.
#include "tiny_model.h"

#include <gguf.h>
#include <gtest/gtest.h>
#include <llama.h>

#include <cmath>
#include <memory>
#include <vector>

#include "afbench/hash.h"
#include "afbench/llamacpp.h"
#include "support/test_paths.h"

namespace afbench::tiny {
namespace {

constexpr int32_t kQwen2VocabSize = 151936;  // tokenizer.ggml.tokens in ggml-vocab-qwen2.gguf

std::filesystem::path Vocab(const char* name) {
  return std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / name;
}

using llamacpp::ContextPtr;
using llamacpp::ModelPtr;

class TinyModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { llamacpp::InitOnce(); }

  std::filesystem::path Write(TinyModelOptions options, const std::string& file) {
    if (options.vocab_path.empty()) options.vocab_path = Vocab("ggml-vocab-qwen2.gguf");
    options.out_path = dir_ / file;
    const Status status = WriteTinyModel(options);
    EXPECT_TRUE(status) << status.error().message;
    return options.out_path;
  }

  // Three 25 MB models per test add up; kept for inspection when the test failed.
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  static ModelPtr Load(const std::filesystem::path& path) {
    llama_model_params params = llama_model_default_params();
    params.n_gpu_layers = 0;
    return ModelPtr(llama_model_load_from_file(path.c_str(), params));
  }

  std::filesystem::path dir_ = testing::MakeTempDir();
};

std::vector<llama_token> Tokenize(const llama_vocab* vocab, const std::string& text) {
  std::vector<llama_token> tokens(text.size() + 8);
  const int32_t n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()),
                                   tokens.data(), static_cast<int32_t>(tokens.size()),
                                   /*add_special=*/true, /*parse_special=*/true);
  tokens.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return tokens;
}

TEST_F(TinyModel, LoadsWithTheRequestedShapeVocabularyAndChatTemplate) {
  const auto path =
      Write({.n_layer = 3, .n_embd = 96, .n_head = 6, .n_head_kv = 6, .n_ff = 192}, "m.gguf");
  ModelPtr model = Load(path);
  ASSERT_TRUE(model) << "llama_model_load_from_file failed for " << path;
  EXPECT_EQ(llama_model_n_layer(model.get()), 3);
  EXPECT_EQ(llama_model_n_embd(model.get()), 96);
  EXPECT_EQ(llama_model_n_head(model.get()), 6);
  EXPECT_EQ(llama_model_n_ctx_train(model.get()), 32768);
  EXPECT_EQ(llama_vocab_n_tokens(llama_model_get_vocab(model.get())), kQwen2VocabSize);
  const char* chat_template = llama_model_chat_template(model.get(), nullptr);
  ASSERT_NE(chat_template, nullptr);
  EXPECT_EQ(std::string(chat_template), std::string(ChatMlTemplate()));
  // 96 x 151936 F16 embeddings dominate: "a few MB" per 32 dimensions of width.
  EXPECT_LT(std::filesystem::file_size(path), 40u << 20);
}

TEST_F(TinyModel, TokenizesChatMlMarkersAsSingleSpecialTokensAndEvaluatesAPrompt) {
  ModelPtr model = Load(Write({}, "m.gguf"));
  ASSERT_TRUE(model);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  const std::vector<llama_token> marker = Tokenize(vocab, "<|im_start|>");
  ASSERT_EQ(marker.size(), 1u);
  EXPECT_TRUE(llama_vocab_is_control(vocab, marker[0]));

  llama_context_params params = llama_context_default_params();
  params.n_ctx = 256;
  params.n_threads = params.n_threads_batch = 2;
  ContextPtr ctx(llama_init_from_model(model.get(), params));
  ASSERT_TRUE(ctx);
  std::vector<llama_token> prompt =
      Tokenize(vocab, "<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n");
  ASSERT_GT(prompt.size(), 5u);
  ASSERT_EQ(llama_decode(ctx.get(),
                         llama_batch_get_one(prompt.data(), static_cast<int32_t>(prompt.size()))),
            0);
  const float* logits = llama_get_logits_ith(ctx.get(), -1);
  ASSERT_NE(logits, nullptr);
  for (int32_t i = 0; i < kQwen2VocabSize; ++i) ASSERT_TRUE(std::isfinite(logits[i])) << i;
}

TEST_F(TinyModel, SameSeedGivesAByteIdenticalFileAndAnotherSeedDoesNot) {
  const std::string first = testing::ReadFile(Write({.seed = 7}, "a.gguf"));
  const std::string again = testing::ReadFile(Write({.seed = 7}, "b.gguf"));
  const std::string other = testing::ReadFile(Write({.seed = 8}, "c.gguf"));
  ASSERT_GT(first.size(), 1u << 20);
  EXPECT_TRUE(first == again) << "two runs with seed 7 differ";
  ASSERT_EQ(other.size(), first.size());
  EXPECT_FALSE(first == other) << "seeds 7 and 8 wrote the same weights";
}

// The bytes of a tiny model change only on purpose: tests and benchmarks compare runs over them.
TEST_F(TinyModel, WritesTheSameBytesForTheSameOptionsAcrossVersions) {
  const std::string f16 = testing::ReadFile(Write({.seed = 5}, "f16.gguf"));
  EXPECT_EQ(Sha256Hex(f16), "bff657a02e171a4c54f4fdc55ce29908716b127e3d22ec72337f51d47e800e0d");
  const std::string gqa =
      testing::ReadFile(Write({.seed = 5, .n_head_kv = 2, .f16 = false}, "gqa.gguf"));
  EXPECT_EQ(Sha256Hex(gqa), "5243b533e9eda44acf60d52b55836853903bf06645ab8d2cf0b94a1f813ddacc");
}

TEST_F(TinyModel, GroupedQueryAttentionF32AndASmallerVocabularyAlsoLoad) {
  ModelPtr model = Load(Write({.vocab_path = Vocab("ggml-vocab-llama-spm.gguf"),
                               .n_head_kv = 2,
                               .f16 = false,
                               .chat_template = "{{ messages[0]['content'] }}"},
                              "m.gguf"));
  ASSERT_TRUE(model);
  EXPECT_EQ(llama_model_n_head_kv(model.get()), 2);
  EXPECT_EQ(llama_vocab_n_tokens(llama_model_get_vocab(model.get())), 32000);
  EXPECT_STREQ(llama_model_chat_template(model.get(), nullptr), "{{ messages[0]['content'] }}");
}

TEST_F(TinyModel, RejectsAMissingVocabularyAndInconsistentShapes) {
  const Status missing =
      WriteTinyModel({.vocab_path = dir_ / "nope.gguf", .out_path = dir_ / "m.gguf"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(missing.error().message.find("nope.gguf"), std::string::npos);

  const Status odd = WriteTinyModel({.vocab_path = Vocab("ggml-vocab-qwen2.gguf"),
                                     .out_path = dir_ / "m.gguf",
                                     .n_embd = 60,
                                     .n_head = 8});
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(odd.error().message.rfind("tiny-model: shape:", 0), 0u) << odd.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "m.gguf"));
}

TEST_F(TinyModel, RejectsFilesThatAreNotGgufVocabularies) {
  TinyModelOptions options{.vocab_path = dir_ / "garbage.gguf", .out_path = dir_ / "m.gguf"};
  testing::WriteFile(options.vocab_path, "GGUF but not really");
  const Status garbage = WriteTinyModel(options);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(garbage.error().message.find("garbage.gguf: not a readable GGUF file"),
            std::string::npos)
      << garbage.error().message;

  options.vocab_path = dir_ / "empty.gguf";
  gguf_context* empty = gguf_init_empty();
  ASSERT_TRUE(gguf_write_to_file(empty, options.vocab_path.c_str(), /*only_meta=*/false));
  gguf_free(empty);
  const Status no_tokens = WriteTinyModel(options);
  ASSERT_FALSE(no_tokens);
  EXPECT_NE(no_tokens.error().message.find("no tokenizer.ggml.tokens"), std::string::npos)
      << no_tokens.error().message;
  EXPECT_FALSE(std::filesystem::exists(options.out_path));
}

}  // namespace
}  // namespace afbench::tiny
