#include "trainer.h"

#include <ggml-opt.h>

#include <chrono>
#include <memory>

#include "afbench/llamacpp.h"
#include "gguf_meta.h"

namespace afbench::train {
namespace {

struct DatasetFree {
  void operator()(ggml_opt_dataset* dataset) const { ggml_opt_dataset_free(dataset); }
};
struct ResultFree {
  void operator()(ggml_opt_result* result) const { ggml_opt_result_free(result); }
};
using DatasetPtr = std::unique_ptr<ggml_opt_dataset, DatasetFree>;
using OptResultPtr = std::unique_ptr<ggml_opt_result, ResultFree>;
using Window = std::vector<llama_token>;

// The optimizer asks for its parameters once per step: the schedule's rate for that step.
struct OptState {
  LrSchedule schedule;
  double weight_decay = 0.0;
  int64_t step = 0;
};

ggml_opt_optimizer_params NextStepParams(void* user_data) {
  auto* state = static_cast<OptState*>(user_data);
  ggml_opt_optimizer_params params = ggml_opt_get_default_optimizer_params(nullptr);
  params.adamw.alpha = static_cast<float>(state->schedule.At(state->step));
  params.adamw.wd = static_cast<float>(state->weight_decay);
  ++state->step;
  return params;
}

// Renders and tokenizes every transcript into window + 1 tokens (inputs and shifted labels).
Result<std::vector<Window>> MakeWindows(const llama_model* model,
                                        const std::vector<Conversation>& transcripts,
                                        int64_t window, int64_t& longest) {
  auto tmpl = llamacpp::ModelChatTemplate(model);
  if (!tmpl) return Fail(tmpl.error());
  const llama_vocab* vocab = llama_model_get_vocab(model);
  const llama_token pad = llama_vocab_eos(vocab);
  std::vector<Window> windows;
  for (size_t i = 0; i < transcripts.size(); ++i) {
    auto text = llamacpp::ApplyChatTemplate(*tmpl, transcripts[i], /*add_assistant=*/false);
    if (!text) return Fail(text.error());
    auto tokens = llamacpp::Tokenize(vocab, *text, /*add_bos=*/false, /*parse_special=*/true);
    if (!tokens) return Fail(tokens.error());
    longest = std::max(longest, static_cast<int64_t>(tokens->size()));
    if (static_cast<int64_t>(tokens->size()) > window + 1) {
      return Fail(ErrorKind::kInvalidInput,
                  "train: transcript " + std::to_string(i) + ": " + std::to_string(tokens->size()) +
                      " tokens do not fit the window of " + std::to_string(window));
    }
    tokens->resize(static_cast<size_t>(window + 1), pad);
    windows.push_back(std::move(*tokens));
  }
  return windows;
}

// A dataset of `count` windows starting at `first` (cycling): data = tokens, labels = next tokens.
DatasetPtr MakeDataset(const std::vector<Window>& windows, size_t first, int64_t count,
                       int64_t window) {
  DatasetPtr dataset(
      ggml_opt_dataset_init(GGML_TYPE_I32, GGML_TYPE_I32, window, window, count, /*shard=*/1));
  auto* data = static_cast<int32_t*>(ggml_opt_dataset_data(dataset.get())->data);
  auto* labels = static_cast<int32_t*>(ggml_opt_dataset_labels(dataset.get())->data);
  for (int64_t i = 0; i < count; ++i) {
    const Window& w = windows[(first + static_cast<size_t>(i)) % windows.size()];
    for (int64_t j = 0; j < window; ++j) {
      data[i * window + j] = w[static_cast<size_t>(j)];
      labels[i * window + j] = w[static_cast<size_t>(j + 1)];
    }
  }
  return dataset;
}

double MeanLoss(ggml_opt_result* result) {
  double loss = 0.0;
  double uncertainty = 0.0;
  ggml_opt_result_loss(result, &loss, &uncertainty);
  return loss;
}

Result<llamacpp::ContextPtr> MakeTrainingContext(llama_model* model, int64_t window,
                                                 int n_threads) {
  llama_context_params params = llama_context_default_params();
  params.n_ctx = static_cast<uint32_t>(window);
  params.n_batch = params.n_ctx;  // one window per optimizer step
  params.n_ubatch = params.n_ctx;
  params.n_threads = n_threads;
  params.n_threads_batch = n_threads;
  params.type_k = GGML_TYPE_F32;  // OUT_PROD has no F16 backward (finetune.cpp)
  params.type_v = GGML_TYPE_F32;
  params.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  llamacpp::ContextPtr ctx(llama_init_from_model(model, params));
  if (!ctx) return Fail(ErrorKind::kInternal, "train: cannot create a llama context");
  return ctx;
}

Status SaveModel(const llama_model* model, const TrainOptions& options) {
  const std::filesystem::path raw = options.model_out.string() + ".raw";
  llama_model_save_to_file(model, raw.c_str());
  auto tmpl = llamacpp::ModelChatTemplate(model);
  std::map<std::string, std::string> values = options.metadata;
  if (tmpl) values["tokenizer.chat_template"] = *tmpl;
  Status status = SetGgufStrings(raw, options.model_out, values);
  std::error_code error;
  std::filesystem::remove(raw, error);
  return status;
}

}  // namespace

Result<TrainReport> Train(const TrainOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.train.empty() || options.validation.empty() || options.steps < 1) {
    return Fail(ErrorKind::kInvalidInput, "train: need training and validation transcripts");
  }
  auto model = llamacpp::LoadModel(options.model_in, {.writable = true}, "train");
  if (!model) return Fail(model.error());
  TrainReport report;
  report.window_tokens = llama_model_n_ctx_train(model->get());
  auto train =
      MakeWindows(model->get(), options.train, report.window_tokens, report.longest_tokens);
  if (!train) return Fail(train.error());
  auto validation =
      MakeWindows(model->get(), options.validation, report.window_tokens, report.longest_tokens);
  if (!validation) return Fail(validation.error());
  auto ctx = MakeTrainingContext(model->get(), report.window_tokens, options.n_threads);
  if (!ctx) return Fail(ctx.error());
  OptState state{.schedule = {.peak_lr = options.peak_lr,
                              .min_lr = options.min_lr,
                              .warmup_steps = options.warmup_steps,
                              .total_steps = options.steps},
                 .weight_decay = options.weight_decay};
  llama_opt_init(ctx->get(), model->get(),
                 {.n_ctx_train = 0,
                  .param_filter = llama_opt_param_filter_all,
                  .param_filter_ud = nullptr,
                  .get_opt_pars = NextStepParams,
                  .get_opt_pars_ud = &state,
                  .optimizer_type = GGML_OPT_OPTIMIZER_TYPE_ADAMW});
  OptResultPtr result_train(ggml_opt_result_init());
  OptResultPtr result_eval(ggml_opt_result_init());
  DatasetPtr val_set =
      MakeDataset(*validation, 0, static_cast<int64_t>(validation->size()), report.window_tokens);
  for (int64_t done = 0; done < options.steps;) {
    const int64_t chunk = std::min(std::max<int64_t>(1, options.eval_every), options.steps - done);
    DatasetPtr chunk_set =
        MakeDataset(*train, static_cast<size_t>(done), chunk, report.window_tokens);
    llama_opt_epoch(ctx->get(), chunk_set.get(), result_train.get(), result_eval.get(), chunk,
                    nullptr, nullptr);
    done += chunk;
    LossPoint point{.step = done, .train_loss = MeanLoss(result_train.get())};
    ggml_opt_result_reset(result_train.get());
    llama_opt_epoch(ctx->get(), val_set.get(), result_train.get(), result_eval.get(), 0, nullptr,
                    nullptr);
    point.val_loss = MeanLoss(result_eval.get());
    ggml_opt_result_reset(result_eval.get());
    ggml_opt_result_reset(result_train.get());
    report.curve.push_back(point);
  }
  AFBENCH_RETURN_IF_ERROR(SaveModel(model->get(), options));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace afbench::train
