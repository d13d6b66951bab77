#include "afbench/llama_backend.h"

#include <algorithm>
#include <utility>

#include "afbench/hash.h"
#include "chat_format.h"
#include "llama_engine.h"
#include "token_memo.h"

namespace afbench {
namespace {

using llama::Token;

// Enough remembered turns that the Sample between two turns always finds its previous one, even
// with as many Runner workers as sequences finishing turns in between.
size_t MemoCapacity(int parallel) {
  return std::max<size_t>(64, 4 * static_cast<size_t>(parallel));
}

// The draw of a request depends only on the Sample's seed and the turn (the number of messages),
// never on which sequence, batch or thread serves it; the turns of a Sample draw from different
// streams.
uint32_t RequestSeed(const GenerateRequest& request, const Conversation& conversation) {
  const uint64_t mixed = MixSeed(request.sampling.seed.value_or(0), conversation.messages.size());
  auto seed = static_cast<uint32_t>(mixed ^ (mixed >> 32));
  // llama.cpp reads this one value as "pick a random seed".
  if (seed == LLAMA_DEFAULT_SEED) seed = 0;
  return seed;
}

Status CheckOptions(const LlamaBackendOptions& options) {
  if (options.top_p <= 0 || options.top_p > 1) {
    return Fail(ErrorKind::kInvalidInput, "llama: --top-p must be in (0, 1]");
  }
  return {};
}

}  // namespace

class LlamaBackend::Impl {
 public:
  struct Prompt {
    std::string text;
    std::vector<Token> tokens;
  };

  Result<Prompt> MakePrompt(const Conversation& conversation, std::string_view prefill) const;
  Result<llama::SamplingOptions> Sampling(const Conversation& conversation,
                                          const GenerateRequest& request) const;

  LlamaBackendOptions options;
  std::string chat_template;
  std::unique_ptr<llama::Engine> engine;
  std::unique_ptr<llama::TokenMemo> memo;

 private:
  std::optional<std::vector<Token>> FromMemo(const Conversation& conversation,
                                             std::string_view text) const;
};

// A conversation that ends with [assistant reply, user message] extends the text of the request
// that produced the reply: its prompt text followed by the reply. Those tokens are remembered.
std::optional<std::vector<Token>> LlamaBackend::Impl::FromMemo(const Conversation& conversation,
                                                               std::string_view text) const {
  const std::vector<Message>& messages = conversation.messages;
  if (messages.size() < 2 || messages[messages.size() - 2].role != Role::kAssistant) {
    return std::nullopt;
  }
  const Conversation before{conversation.system, {messages.begin(), messages.end() - 2}};
  Result<std::string> head =
      llama::RenderPrompt(chat_template, before, messages[messages.size() - 2].content);
  if (!head || !text.starts_with(*head)) return std::nullopt;
  std::optional<std::vector<Token>> tokens = memo->Find(*head);
  if (!tokens) return std::nullopt;
  Result<std::vector<Token>> rest = engine->Tokenize(text.substr(head->size()), false, true);
  if (!rest) return std::nullopt;
  tokens->insert(tokens->end(), rest->begin(), rest->end());
  return tokens;
}

Result<LlamaBackend::Impl::Prompt> LlamaBackend::Impl::MakePrompt(const Conversation& conversation,
                                                                  std::string_view prefill) const {
  Result<std::string> text = llama::RenderPrompt(chat_template, conversation, prefill);
  if (!text) return Fail(text.error());
  if (std::optional<std::vector<Token>> tokens = FromMemo(conversation, *text)) {
    return Prompt{std::move(*text), std::move(*tokens)};
  }
  // Special tokens parsed: the template's markers (<|im_start|>, ...) are single tokens.
  Result<std::vector<Token>> tokens = engine->Tokenize(*text, /*add_bos=*/true, /*special=*/true);
  if (!tokens) return Fail(tokens.error());
  return Prompt{std::move(*text), std::move(*tokens)};
}

Result<llama::SamplingOptions> LlamaBackend::Impl::Sampling(const Conversation& conversation,
                                                            const GenerateRequest& request) const {
  llama::SamplingOptions sampling;
  sampling.temperature = request.sampling.temperature;
  sampling.top_p = options.top_p;
  sampling.seed = RequestSeed(request, conversation);
  sampling.max_tokens = std::max(1, request.sampling.max_tokens);
  if (options.force_format) {
    sampling.grammar = std::string(llama::ReplyFormatGrammar());
    Result<std::vector<Token>> prefix =
        engine->Tokenize(request.prefill, /*add_bos=*/false, /*special=*/false);
    if (!prefix) return Fail(prefix.error());
    sampling.grammar_prefix = std::move(*prefix);
  }
  return sampling;
}

LlamaBackend::LlamaBackend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LlamaBackend::~LlamaBackend() = default;

Result<std::unique_ptr<LlamaBackend>> LlamaBackend::Open(const LlamaBackendOptions& options) {
  AFBENCH_RETURN_IF_ERROR(CheckOptions(options));
  llama::EngineOptions engine_options;
  engine_options.model_path = options.model_path;
  engine_options.parallel = options.parallel;
  engine_options.ctx_tokens = options.ctx_tokens;
  engine_options.batch_tokens = options.batch_tokens;
  engine_options.threads = options.threads;
  Result<std::unique_ptr<llama::Engine>> engine = llama::Engine::Open(engine_options);
  if (!engine) return Fail(engine.error());
  Result<std::string> chat_template =
      llama::ResolveChatTemplate((*engine)->model(), options.chat_template);
  if (!chat_template) return Fail(chat_template.error());
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->chat_template = std::move(*chat_template);
  impl->engine = std::move(*engine);
  impl->memo = std::make_unique<llama::TokenMemo>(MemoCapacity(options.parallel));
  return std::unique_ptr<LlamaBackend>(new LlamaBackend(std::move(impl)));
}

Result<std::vector<int32_t>> LlamaBackend::PromptTokens(const Conversation& conversation,
                                                        std::string_view prefill) const {
  Result<Impl::Prompt> prompt = impl_->MakePrompt(conversation, prefill);
  if (!prompt) return Fail(prompt.error());
  return std::move(prompt->tokens);
}

Result<std::vector<int32_t>> LlamaBackend::ReplyTokens(std::string_view text) const {
  return impl_->engine->Tokenize(text, /*add_bos=*/false, /*special=*/false);
}

Result<Generation> LlamaBackend::Generate(const Conversation& conversation,
                                          const GenerateRequest& request) {
  Result<Impl::Prompt> prompt = impl_->MakePrompt(conversation, request.prefill);
  if (!prompt) return Fail(prompt.error());
  Result<llama::SamplingOptions> sampling = impl_->Sampling(conversation, request);
  if (!sampling) return Fail(sampling.error());
  Result<llama::Completion> completion =
      impl_->engine->Complete(prompt->tokens, std::move(*sampling));
  if (!completion) return Fail(completion.error());

  std::vector<Token> history = std::move(prompt->tokens);
  history.insert(history.end(), completion->tokens.begin(), completion->tokens.end());
  impl_->memo->Remember(prompt->text + completion->text, std::move(history));

  Generation generation;
  generation.text = request.prefill + completion->text;
  generation.finish = completion->stopped ? FinishReason::kStop : FinishReason::kLength;
  generation.raw_finish_reason = completion->stopped ? "stop" : "length";
  generation.usage.input_tokens = completion->prompt_evaluated;
  generation.usage.cache_read_tokens = completion->prompt_reused;
  generation.usage.output_tokens = completion->generated;
  return generation;
}

LlamaEngineStats LlamaBackend::Stats() const { return impl_->engine->Stats(); }

}  // namespace afbench
