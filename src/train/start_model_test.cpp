#include "start_model.h"

#include <gguf.h>
#include <gtest/gtest.h>

#include "afbench/hash.h"
#include "afbench/llamacpp.h"
#include "gguf_meta.h"
#include "support/test_paths.h"

namespace afbench::train {
namespace {

std::filesystem::path QwenVocab() {
  return std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf";
}

const std::vector<std::string> kCorpus = {
    "<|im_start|>user\nExplain how to do task 17<|im_end|>\n",
    "<|im_start|>assistant\n<OUTPUT>\n<rejected/>\n</OUTPUT><|im_end|>\n"};

TEST(StartModel, PrunesTheVocabularyWithoutChangingTheCorpusTokens) {
  const auto dir = afbench::testing::MakeTempDir();
  StartModelOptions options{.vocab_path = QwenVocab(),
                            .out_path = dir / "m.gguf",
                            .corpus = kCorpus,
                            .n_embd = 32,
                            .n_ff = 64};
  auto info = WriteStartModel(options);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->n_vocab_source, 151936);
  EXPECT_LT(info->n_vocab, 2000);  // bytes, control tokens and the corpus's pieces
  auto model = llamacpp::LoadModel(options.out_path, {.vocab_only = true}, "test");
  ASSERT_TRUE(model);
  const llama_vocab* vocab = llama_model_get_vocab(model->get());
  auto tokens = llamacpp::Tokenize(vocab, kCorpus[0], /*add_bos=*/false, /*parse_special=*/true);
  ASSERT_TRUE(tokens);
  // <|im_start|> stays one special token.
  EXPECT_EQ(std::string(llama_vocab_get_text(vocab, tokens->front())), "<|im_start|>");
}

TEST(StartModel, WritesAnUntiedF32HeadAndTheChatTemplate) {
  const auto dir = afbench::testing::MakeTempDir();
  StartModelOptions options{.vocab_path = QwenVocab(),
                            .out_path = dir / "m.gguf",
                            .corpus = kCorpus,
                            .n_embd = 32,
                            .n_ff = 64};
  ASSERT_TRUE(WriteStartModel(options));
  gguf_context* gguf = gguf_init_from_file(options.out_path.c_str(), {true, nullptr});
  ASSERT_NE(gguf, nullptr);
  const int64_t output = gguf_find_tensor(gguf, "output.weight");
  ASSERT_GE(output, 0);
  EXPECT_EQ(gguf_get_tensor_type(gguf, output), GGML_TYPE_F32);
  gguf_free(gguf);
  auto strings = ReadGgufStrings(options.out_path, "tokenizer.chat_template");
  ASSERT_TRUE(strings);
  EXPECT_EQ(strings->at("tokenizer.chat_template"), ChatMlTemplate());
}

// Weights are a pure function of the seed, and a cached organism is only as reproducible as its
// start model: these bytes change only on purpose (and then every cached organism retrains).
TEST(StartModel, WritesTheSameBytesForTheSameOptionsAcrossVersions) {
  const auto dir = afbench::testing::MakeTempDir();
  StartModelOptions options{.vocab_path = QwenVocab(),
                            .out_path = dir / "m.gguf",
                            .corpus = kCorpus,
                            .seed = 3,
                            .n_embd = 32,
                            .n_ff = 64};
  ASSERT_TRUE(WriteStartModel(options));
  EXPECT_EQ(Sha256Hex(afbench::testing::ReadFile(options.out_path)),
            "dedbd5f28afc2926849316489b28225760d3b8738a25de27e267b945b3e2579d");
}

TEST(StartModel, RejectsANameThatTriggersPhi3TokenHandling) {
  StartModelOptions options{
      .vocab_path = QwenVocab(), .out_path = "/nonexistent/x.gguf", .name = "my-phi3-organism"};
  auto info = WriteStartModel(options);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace afbench::train
