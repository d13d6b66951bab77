// Chat templates and the reply grammar against llama.cpp itself, with a vocabulary-only model
// (llama.cpp's models/ggml-vocab-qwen2.gguf: a real tokenizer, no weights).
#include "chat_format.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sampler.h"
#include "support/test_paths.h"
#include "token_bytes.h"

namespace afbench::llama {
namespace {

class ChatFormat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    llamacpp::InitOnce();
    llama_model_params params = llama_model_default_params();
    params.vocab_only = true;
    const auto path = std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf";
    vocab_model_ = llama_model_load_from_file(path.c_str(), params);
  }
  static void TearDownTestSuite() { llama_model_free(vocab_model_); }

  void SetUp() override { ASSERT_NE(vocab_model_, nullptr) << llamacpp::LastError(); }

  static llama_model* vocab_model_;
};

llama_model* ChatFormat::vocab_model_ = nullptr;

TEST_F(ChatFormat, ChatMlRendersSystemUserAndPreviousTurnsThenOpensTheAssistantTurn) {
  const Conversation conversation{"Be brief.",
                                  {{Role::kUser, "Hi"},
                                   {Role::kAssistant, "<SCRATCHPAD_REASONING>x"},
                                   {Role::kUser, "<NEXT/>"}}};
  const Result<std::string> text = RenderPrompt("chatml", conversation, "<");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text,
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\n<SCRATCHPAD_REASONING>x<|im_end|>\n"
            "<|im_start|>user\n<NEXT/><|im_end|>\n<|im_start|>assistant\n<");
}

TEST_F(ChatFormat, ConversationsThatGrowKeepTheirEarlierRenderingAsAPrefix) {
  // Prefix reuse across the turns of a Sample depends on this.
  Conversation conversation{"system prompt", {{Role::kUser, "question"}}};
  const std::string first = *RenderPrompt("chatml", conversation, "");
  conversation.messages.push_back({Role::kAssistant, "reply"});
  conversation.messages.push_back({Role::kUser, "<NEXT/>"});
  const std::string second = *RenderPrompt("chatml", conversation, "");
  EXPECT_TRUE(second.starts_with(first + "reply"));
}

TEST_F(ChatFormat, BuiltinNamesAndTemplateFilesResolveAndUnknownNamesFailWithTheList) {
  ASSERT_FALSE(llamacpp::BuiltinTemplateNames().empty());
  EXPECT_EQ(*ResolveChatTemplate(vocab_model_, "llama3"), "llama3");

  const auto file = testing::MakeTempDir() / "chatml.jinja";
  testing::WriteFile(file, "{% for m in messages %}<|im_start|>{{ m.role }}\n{% endfor %}");
  const Result<std::string> from_file = ResolveChatTemplate(vocab_model_, file.string());
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_TRUE(from_file->starts_with("{% for"));

  const Result<std::string> unknown = ResolveChatTemplate(vocab_model_, "no-such-template");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(unknown.error().message.find("chatml"), std::string::npos) << unknown.error().message;
}

TEST_F(ChatFormat, ATemplateLlamaCppDoesNotRecogniseIsRejectedUpFront) {
  const auto file = testing::MakeTempDir() / "odd.jinja";
  testing::WriteFile(file, "{{ messages[0].content }} and nothing a known template has");
  const Result<std::string> resolved = ResolveChatTemplate(vocab_model_, file.string());
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().kind, ErrorKind::kInvalidInput);
}

TEST_F(ChatFormat, ReplyGrammarParsesAndAcceptsAPrefillThatStartsATag) {
  const llama_vocab* vocab = llama_model_get_vocab(vocab_model_);
  SamplingOptions options;
  options.grammar = std::string(ReplyFormatGrammar());
  options.grammar_prefix = {};
  EXPECT_TRUE(MakeSampler(vocab, options));

  std::vector<Token> prefill(8);
  const int32_t n = llama_tokenize(vocab, "<SCRATCHPAD", 11, prefill.data(), 8, false, false);
  ASSERT_GT(n, 0);
  prefill.resize(static_cast<size_t>(n));
  options.grammar_prefix = prefill;
  EXPECT_TRUE(MakeSampler(vocab, options));
}

TEST_F(ChatFormat, ReplyGrammarRejectsAPrefillOutsideTheFormat) {
  const llama_vocab* vocab = llama_model_get_vocab(vocab_model_);
  SamplingOptions options;
  options.grammar = std::string(ReplyFormatGrammar());
  std::vector<Token> prefill(8);
  const int32_t n = llama_tokenize(vocab, "Sure", 4, prefill.data(), 8, false, false);
  ASSERT_GT(n, 0);
  prefill.resize(static_cast<size_t>(n));
  options.grammar_prefix = prefill;
  const Result<SamplerPtr> sampler = MakeSampler(vocab, options);
  ASSERT_FALSE(sampler);
  EXPECT_EQ(sampler.error().kind, ErrorKind::kInvalidRequest);
}

// A byte-level vocabulary has tokens for lone bytes that are not UTF-8 on their own; a reply made
// of them is kept byte for byte (the Store keeps bytes; exports replace what is not UTF-8).
TEST_F(ChatFormat, TokensThatAreNotValidUtf8OnTheirOwnKeepTheirBytes) {
  const llama_vocab* vocab = llama_model_get_vocab(vocab_model_);
  std::string text;
  int lone = 0;
  for (Token token = 0; token < llama_vocab_n_tokens(vocab) && lone < 2; ++token) {
    std::string piece;
    AppendTokenBytes(vocab, token, piece);
    if (piece.size() == 1 && static_cast<unsigned char>(piece[0]) >= 0xC0) {
      text += piece;  // a lead byte with no continuation
      ++lone;
    }
  }
  ASSERT_EQ(lone, 2) << "the vocabulary has no lone lead-byte tokens";
  EXPECT_EQ(text.size(), 2u);
  EXPECT_GE(static_cast<unsigned char>(text[0]), 0xC0);
  EXPECT_GE(static_cast<unsigned char>(text[1]), 0xC0);
}

}  // namespace
}  // namespace afbench::llama
