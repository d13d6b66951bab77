// Trainer: causal-LM fine-tuning of a GGUF model on chat transcripts with llama.cpp's training API
// (llama_opt_init / llama_opt_epoch, as in llama.cpp's examples/training/finetune.cpp).
//
// Each transcript is rendered with the model's own chat template, tokenized with special tokens
// parsed, and occupies one window of llama.context_length tokens (padded with the end-of-text
// token; llama.cpp has no loss mask, so padding is learnt too, cheaply). One window per AdamW step,
// with a linear warm-up and cosine decay of the learning rate; a validation split is evaluated
// every eval_every steps and the curve is returned. The trained model is written with its chat
// template re-attached (llama_model_save_to_file drops it) and the given metadata.
//
// Needs the gradient-reset patch scripts/patches/llama/0001-*.patch (without it every step sees the
// sum of all earlier gradients and the loss climbs again). Weights and KV cache are F32 (the
// backward pass needs it). Train() is blocking and uses options.n_threads threads; it keeps no
// global state beyond llama.cpp's backend initialisation, but llama.cpp's training is not meant to
// run twice at once in one process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"
#include "lr_schedule.h"

namespace afbench::train {

/// What to train and how.
struct TrainOptions {
  std::filesystem::path model_in{};   ///< Start model (F32, untied head: start_model.h).
  std::filesystem::path model_out{};  ///< Written at the end.
  std::vector<Conversation> train{};  ///< Cycled in order, one per step.
  std::vector<Conversation> validation{};
  int64_t steps = 1000;
  double peak_lr = 1e-3;
  double min_lr = 1e-4;
  int64_t warmup_steps = 100;
  double weight_decay = 0.01;
  int64_t eval_every = 250;  ///< Steps between validation passes (and loss-curve points).
  int n_threads = 2;
  std::map<std::string, std::string> metadata{};  ///< String keys added to the written GGUF.
};

/// One point of the loss curve.
struct LossPoint {
  int64_t step = 0;         ///< Steps done.
  double train_loss = 0.0;  ///< Mean training loss over the steps since the previous point.
  double val_loss = 0.0;    ///< Mean loss on the validation split at `step`.
};

/// What training did.
struct TrainReport {
  std::vector<LossPoint> curve;
  int64_t window_tokens = 0;   ///< Tokens per window (llama.context_length).
  int64_t longest_tokens = 0;  ///< Longest rendered transcript.
  double seconds = 0.0;
};

/// Trains; fails with kInvalidInput when a transcript does not fit the window.
Result<TrainReport> Train(const TrainOptions& options);

}  // namespace afbench::train
