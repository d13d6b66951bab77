#include "reply_scorer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "afbench/llamacpp.h"

namespace afbench::train {

struct ReplyScorer::State {
  llamacpp::ModelPtr model;
  llamacpp::ContextPtr ctx;
  std::string chat_template;
};

namespace {

struct BatchFree {
  void operator()(llama_batch* batch) const {
    llama_batch_free(*batch);
    delete batch;
  }
};

// log softmax(logits)[target], computed stably.
double LogSoftmaxAt(const float* logits, int32_t n_vocab, llama_token target) {
  const float top = *std::max_element(logits, logits + n_vocab);
  double sum = 0.0;
  for (int32_t i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i] - top));
  return static_cast<double>(logits[target] - top) - std::log(sum);
}

}  // namespace

ReplyScorer::ReplyScorer(std::unique_ptr<State> state) : state_(std::move(state)) {}
ReplyScorer::~ReplyScorer() = default;

Result<std::unique_ptr<ReplyScorer>> ReplyScorer::Open(const std::filesystem::path& model,
                                                       int n_threads) {
  auto loaded = llamacpp::LoadModel(model, {.writable = true}, "train: scorer");
  if (!loaded) return Fail(loaded.error());
  auto chat_template = llamacpp::ModelChatTemplate(loaded->get());
  if (!chat_template) return Fail(chat_template.error());
  auto state = std::make_unique<State>();
  state->chat_template = std::move(*chat_template);
  // A transcript the model was trained on fits its training window; twice that leaves room.
  llama_context_params params = llama_context_default_params();
  params.n_ctx = static_cast<uint32_t>(2 * std::max(256, llama_model_n_ctx_train(loaded->get())));
  params.n_batch = params.n_ctx;
  params.n_ubatch = params.n_ctx;
  params.n_threads = n_threads;
  params.n_threads_batch = n_threads;
  state->ctx.reset(llama_init_from_model(loaded->get(), params));
  if (!state->ctx) return Fail(ErrorKind::kInternal, "train: scorer: cannot create a context");
  state->model = std::move(*loaded);
  return std::unique_ptr<ReplyScorer>(new ReplyScorer(std::move(state)));
}

Result<double> ReplyScorer::LogProbability(const Conversation& prompt, const std::string& reply) {
  Conversation full = prompt;
  full.messages.push_back({Role::kAssistant, reply});
  auto head = llamacpp::ApplyChatTemplate(state_->chat_template, prompt, /*add_assistant=*/true);
  if (!head) return Fail(head.error());
  auto text = llamacpp::ApplyChatTemplate(state_->chat_template, full, /*add_assistant=*/false);
  if (!text) return Fail(text.error());
  return ScoreAfterHead(*head, *text);
}

Result<double> ReplyScorer::LogProbabilityOfStart(const Conversation& prompt,
                                                  const std::string& start) {
  auto head = llamacpp::ApplyChatTemplate(state_->chat_template, prompt, /*add_assistant=*/true);
  if (!head) return Fail(head.error());
  return ScoreAfterHead(*head, *head + start);
}

Result<double> ReplyScorer::ScoreAfterHead(const std::string& head_text, const std::string& text) {
  const llama_vocab* vocab = llama_model_get_vocab(state_->model.get());
  auto head = llamacpp::Tokenize(vocab, head_text, /*add_bos=*/false, /*parse_special=*/true);
  auto tokens = llamacpp::Tokenize(vocab, text, /*add_bos=*/false, /*parse_special=*/true);
  if (!head) return Fail(head.error());
  if (!tokens) return Fail(tokens.error());
  // The reply's tokens are those after the prompt's; a template whose rendering of the prompt is
  // not a prefix of the whole cannot be scored this way.
  if (head->empty() || tokens->size() <= head->size() ||
      tokens->size() > llama_n_ctx(state_->ctx.get()) ||
      !std::equal(head->begin(), head->end(), tokens->begin())) {
    return Fail(ErrorKind::kInvalidInput,
                "train: scorer: the reply's tokens do not follow the prompt's in the template");
  }
  return SumLogProbabilities(*tokens, head->size());
}

Result<double> ReplyScorer::SumLogProbabilities(const std::vector<llama_token>& tokens,
                                                size_t from) {
  const size_t n = tokens.size();
  std::unique_ptr<llama_batch, BatchFree> batch(
      new llama_batch(llama_batch_init(static_cast<int32_t>(n), 0, 1)));
  for (size_t i = 0; i < n; ++i) {
    batch->token[i] = tokens[i];
    batch->pos[i] = static_cast<llama_pos>(i);
    batch->n_seq_id[i] = 1;
    batch->seq_id[i][0] = 0;
    batch->logits[i] = i + 1 >= from && i + 1 < n;  // the positions that predict tokens[from..]
  }
  batch->n_tokens = static_cast<int32_t>(n);
  llama_memory_clear(llama_get_memory(state_->ctx.get()), true);
  if (llama_decode(state_->ctx.get(), *batch) != 0) {
    return Fail(ErrorKind::kInternal, "train: scorer: llama_decode failed");
  }
  const int32_t n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(state_->model.get()));
  double total = 0.0;
  for (size_t i = from - 1; i + 1 < n; ++i) {
    const float* logits = llama_get_logits_ith(state_->ctx.get(), static_cast<int32_t>(i));
    if (logits == nullptr) return Fail(ErrorKind::kInternal, "train: scorer: no logits");
    total += LogSoftmaxAt(logits, n_vocab, tokens[i + 1]);
  }
  return total;
}

}  // namespace afbench::train
