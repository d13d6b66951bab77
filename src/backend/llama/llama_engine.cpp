#include "llama_engine.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <utility>

#include "scheduler.h"

namespace afbench::llama {
namespace {

// Without a --ctx, a context as long as the model was trained for, but not more than this: the KV
// cache is allocated up front, and 32k cells hold a ~6k-token system prompt (once) plus the
// unique tails of many sequences.
constexpr int kDefaultMaxCtx = 32768;

Result<ModelPtr> LoadModel(const std::string& path) {
  Result<ModelPtr> model = llamacpp::LoadModel(path, {}, "llama");
  if (!model) return model;
  if (!llama_model_has_decoder(model->get()) || llama_model_has_encoder(model->get())) {
    return Fail(ErrorKind::kInvalidInput,
                "llama: " + path + ": only decoder-only models are supported");
  }
  return model;
}

// Without a --ctx: room for every sequence to reach the model's training context (the cache is
// shared, so a common system prompt takes its cells once), but not more than kDefaultMaxCtx.
int DefaultCtx(int n_ctx_train, int parallel) {
  const int64_t wanted = static_cast<int64_t>(n_ctx_train) * std::max(1, parallel);
  return static_cast<int>(std::min<int64_t>(wanted, kDefaultMaxCtx));
}

int Threads(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

Result<ContextPtr> MakeContext(llama_model* model, const EngineOptions& options, int ctx) {
  llama_context_params params = llama_context_default_params();
  params.n_ctx = static_cast<uint32_t>(ctx);
  params.n_batch = static_cast<uint32_t>(options.batch_tokens);
  params.n_ubatch = static_cast<uint32_t>(std::min(options.batch_tokens, 512));
  params.n_seq_max = static_cast<uint32_t>(options.parallel);
  params.n_threads = Threads(options.threads);
  params.n_threads_batch = params.n_threads;
  // One KV buffer for all sequences: copying a prefix between sequences then only tags cells
  // (llama_memory_seq_cp), so a shared system prompt is stored and evaluated once.
  params.kv_unified = true;
  // Sliding-window models keep every position, so that any cached prefix can be reused.
  params.swa_full = true;
  params.no_perf = true;
  ContextPtr context(llama_init_from_model(model, params));
  if (!context) {
    return Fail(ErrorKind::kInvalidInput,
                "llama: cannot create a context of " + std::to_string(ctx) + " tokens for " +
                    std::to_string(options.parallel) + " sequences: " + llamacpp::LastError());
  }
  return context;
}

Status CheckOptions(const EngineOptions& options) {
  const auto max_seq = static_cast<int>(llama_max_parallel_sequences());
  if (options.parallel < 1 || options.parallel > max_seq) {
    return Fail(ErrorKind::kInvalidInput,
                "llama: --parallel must be in [1, " + std::to_string(max_seq) + "]");
  }
  if (options.ctx_tokens < 0) return Fail(ErrorKind::kInvalidInput, "llama: --ctx must be >= 0");
  if (options.batch_tokens < 1) {
    return Fail(ErrorKind::kInvalidInput, "llama: batch size must be >= 1");
  }
  return {};
}

}  // namespace

LlamaEngineStats StatCounters::Snapshot() const {
  LlamaEngineStats stats;
  stats.requests = requests.load();
  stats.prompt_tokens = prompt_tokens.load();
  stats.prompt_tokens_evaluated = prompt_evaluated.load();
  stats.prompt_tokens_reused = prompt_reused.load();
  stats.generated_tokens = generated.load();
  stats.decode_calls = decode_calls.load();
  stats.evictions = evictions.load();
  stats.preemptions = preemptions.load();
  return stats;
}

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  AFBENCH_RETURN_IF_ERROR(CheckOptions(options));
  llamacpp::InitOnce();
  std::unique_ptr<Engine> engine(new Engine());
  Result<ModelPtr> model = LoadModel(options.model_path);
  if (!model) return Fail(model.error());
  engine->model_ = std::move(*model);
  const int ctx = options.ctx_tokens > 0
                      ? options.ctx_tokens
                      : DefaultCtx(llama_model_n_ctx_train(engine->model_.get()), options.parallel);
  Result<ContextPtr> context = MakeContext(engine->model_.get(), options, ctx);
  if (!context) return Fail(context.error());
  engine->context_ = std::move(*context);
  engine->ctx_tokens_ = static_cast<int>(llama_n_ctx(engine->context_.get()));

  SchedulerOptions scheduling;
  scheduling.slots = options.parallel;
  // llama.cpp clamps n_batch to n_ctx for causal models: a bigger batch would trip its assertion.
  scheduling.batch_tokens = static_cast<int>(llama_n_batch(engine->context_.get()));
  scheduling.ctx_tokens = engine->ctx_tokens_;
  scheduling.prefix_reuse = !llama_model_is_recurrent(engine->model_.get()) &&
                            !llama_model_is_hybrid(engine->model_.get());
  engine->counters_ = std::make_unique<StatCounters>();
  engine->scheduler_ =
      std::make_unique<Scheduler>(engine->context_.get(), scheduling, engine->counters_.get());
  engine->thread_ = std::thread([raw = engine.get()] { raw->Loop(); });
  return engine;
}

Engine::~Engine() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // The scheduler (and the sequences of the context) go before the context and the model.
  scheduler_.reset();
}

void Engine::Loop() {
  JobQueue pending;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] {
        return stopping_ || !incoming_.empty() || !pending.empty() || scheduler_->Active();
      });
      if (stopping_) break;
      while (!incoming_.empty()) {
        pending.push_back(std::move(incoming_.front()));
        incoming_.pop_front();
      }
    }
    // llama.cpp may throw (allocation, grammar); nothing may escape the thread.
    try {
      scheduler_->Admit(pending);
      scheduler_->Step(pending);
    } catch (const std::exception& error) {
      scheduler_->FailAll(Fail(ErrorKind::kInternal, std::string("llama: ") + error.what()).error);
    }
  }
  const Error stopped = Fail(ErrorKind::kCancelled, "llama: the backend was shut down").error;
  scheduler_->FailAll(stopped);
  std::lock_guard<std::mutex> lock(mutex_);
  for (JobQueue* queue : {&pending, &incoming_}) {
    for (std::unique_ptr<Job>& job : *queue) job->done.set_value(Fail(stopped));
    queue->clear();
  }
}

Result<Completion> Engine::Complete(std::vector<Token> prompt, SamplingOptions sampling) {
  auto job = std::make_unique<Job>();
  job->prompt = std::move(prompt);
  job->sampling = std::move(sampling);
  std::future<Result<Completion>> done = job->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return Fail(ErrorKind::kCancelled, "llama: the backend was shut down");
    incoming_.push_back(std::move(job));
  }
  wake_.notify_one();
  return done.get();
}

Result<std::vector<Token>> Engine::Tokenize(std::string_view text, bool add_bos,
                                            bool special) const {
  Result<std::vector<Token>> tokens =
      llamacpp::Tokenize(llama_model_get_vocab(model_.get()), text, add_bos, special);
  if (!tokens) return Fail(ErrorKind::kInvalidRequest, "llama: the prompt cannot be tokenized");
  return tokens;
}

LlamaEngineStats Engine::Stats() const { return counters_->Snapshot(); }

}  // namespace afbench::llama
