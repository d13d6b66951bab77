#include "generator.h"

#include <string>

#include "llama_util.h"

namespace afbench::train {

struct Generator::Impl {
  ModelPtr model;
  ContextPtr ctx;
  SamplerPtr sampler;
  std::string chat_template;
};

Generator::Generator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Generator::~Generator() = default;

Result<std::unique_ptr<Generator>> Generator::Open(const std::filesystem::path& model_path,
                                                   uint64_t seed, int n_threads) {
  auto impl = std::make_unique<Impl>();
  auto model = LoadModel(model_path, /*vocab_only=*/false);
  if (!model) return Fail(model.error());
  impl->model = std::move(*model);
  auto tmpl = ModelChatTemplate(impl->model.get());
  if (!tmpl) return Fail(tmpl.error());
  impl->chat_template = *tmpl;
  llama_context_params params = llama_context_default_params();
  params.n_ctx = 1024;
  params.n_batch = 1024;
  params.n_threads = n_threads;
  params.n_threads_batch = n_threads;
  impl->ctx.reset(llama_init_from_model(impl->model.get(), params));
  if (!impl->ctx) return Fail(ErrorKind::kInternal, "generator: cannot create a llama context");
  impl->sampler.reset(llama_sampler_chain_init(llama_sampler_chain_default_params()));
  llama_sampler_chain_add(impl->sampler.get(),
                          llama_sampler_init_dist(static_cast<uint32_t>(seed & 0xffffffffU)));
  return std::unique_ptr<Generator>(new Generator(std::move(impl)));
}

Result<Generation> Generator::Generate(const Conversation& conversation, int max_tokens) {
  auto text = RenderChat(impl_->chat_template, conversation, /*add_assistant=*/true);
  if (!text) return Fail(text.error());
  const llama_vocab* vocab = llama_model_get_vocab(impl_->model.get());
  auto tokens = Tokenize(vocab, *text);
  if (!tokens) return Fail(tokens.error());
  const auto n_ctx = static_cast<int64_t>(llama_n_ctx(impl_->ctx.get()));
  if (static_cast<int64_t>(tokens->size()) + max_tokens > n_ctx) {
    return Fail(ErrorKind::kInvalidRequest, "generator: prompt of " +
                                                std::to_string(tokens->size()) +
                                                " tokens leaves no room in the context");
  }
  llama_memory_clear(llama_get_memory(impl_->ctx.get()), true);
  Generation generation;
  generation.usage.input_tokens = static_cast<int64_t>(tokens->size());
  llama_batch batch = llama_batch_get_one(tokens->data(), static_cast<int32_t>(tokens->size()));
  llama_token next = 0;
  for (int i = 0;; ++i) {
    if (llama_decode(impl_->ctx.get(), batch) != 0) {
      return Fail(ErrorKind::kInternal, "generator: llama_decode failed");
    }
    next = llama_sampler_sample(impl_->sampler.get(), impl_->ctx.get(), -1);
    if (llama_vocab_is_eog(vocab, next)) break;
    if (i == max_tokens) {
      generation.finish = FinishReason::kLength;
      break;
    }
    char piece[256];
    const int32_t n = llama_token_to_piece(vocab, next, piece, sizeof(piece), 0, false);
    if (n > 0) generation.text.append(piece, static_cast<size_t>(n));
    ++generation.usage.output_tokens;
    batch = llama_batch_get_one(&next, 1);
  }
  generation.raw_finish_reason = generation.finish == FinishReason::kLength ? "length" : "stop";
  return generation;
}

}  // namespace afbench::train
