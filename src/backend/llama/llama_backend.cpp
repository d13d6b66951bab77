#include "afbench/llama_backend.h"

#include <utility>

#include "afbench/hash.h"
#include "chat_format.h"
#include "llama_engine.h"

namespace afbench {

class LlamaBackend::Impl {
 public:
  LlamaBackendOptions options;
  std::string chat_template;
  std::unique_ptr<llama::Engine> engine;
};

namespace {

// The draw of a request depends only on the Sample's seed and the turn (the number of messages):
// never on which sequence, batch or thread serves it. Different turns of a Sample draw from
// different streams.
uint32_t RequestSeed(const GenerateRequest& request, const Conversation& conversation) {
  const uint64_t mixed = MixSeed(request.sampling.seed.value_or(0), conversation.messages.size());
  auto seed = static_cast<uint32_t>(mixed ^ (mixed >> 32));
  // llama.cpp reads this one value as "pick a random seed".
  if (seed == LLAMA_DEFAULT_SEED) seed = 0;
  return seed;
}

Result<llama::SamplingOptions> SamplingFor(const LlamaBackendOptions& options,
                                           const llama::Engine& engine,
                                           const Conversation& conversation,
                                           const GenerateRequest& request) {
  llama::SamplingOptions sampling;
  sampling.temperature = request.sampling.temperature;
  sampling.top_p = options.top_p;
  sampling.seed = RequestSeed(request, conversation);
  sampling.max_tokens = std::max(1, request.sampling.max_tokens);
  if (options.force_format) {
    sampling.grammar = std::string(llama::ReplyFormatGrammar());
    Result<std::vector<llama::Token>> prefix =
        engine.Tokenize(request.prefill, /*add_bos=*/false, /*special=*/false);
    if (!prefix) return Fail(prefix.error());
    sampling.grammar_prefix = std::move(*prefix);
  }
  return sampling;
}

Status CheckOptions(const LlamaBackendOptions& options) {
  if (options.top_p <= 0 || options.top_p > 1) {
    return Fail(ErrorKind::kInvalidInput, "llama: --top-p must be in (0, 1]");
  }
  return {};
}

}  // namespace

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
  return std::unique_ptr<LlamaBackend>(new LlamaBackend(std::move(impl)));
}

Result<std::vector<int32_t>> LlamaBackend::PromptTokens(const Conversation& conversation,
                                                        std::string_view prefill) const {
  Result<std::string> text = llama::RenderPrompt(impl_->chat_template, conversation, prefill);
  if (!text) return Fail(text.error());
  // Special tokens parsed: the template's markers (<|im_start|>, ...) are single tokens.
  return impl_->engine->Tokenize(*text, /*add_bos=*/true, /*special=*/true);
}

Result<std::vector<int32_t>> LlamaBackend::ReplyTokens(std::string_view text) const {
  return impl_->engine->Tokenize(text, /*add_bos=*/false, /*special=*/false);
}

Result<Generation> LlamaBackend::Generate(const Conversation& conversation,
                                          const GenerateRequest& request) {
  Result<std::vector<int32_t>> prompt = PromptTokens(conversation, request.prefill);
  if (!prompt) return Fail(prompt.error());
  Result<llama::SamplingOptions> sampling = SamplingFor(impl_->options, *impl_->engine, conversation, request);
  if (!sampling) return Fail(sampling.error());
  Result<llama::Completion> completion =
      impl_->engine->Complete(std::move(*prompt), std::move(*sampling));
  if (!completion) return Fail(completion.error());
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
