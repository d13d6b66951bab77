// ReplyScorer: teacher-forced scoring of assistant replies. It gives the log-probability a model
// assigns to an exact reply after a conversation, rendered with the model's own chat template, the
// way the trainer renders transcripts. Reading a trained organism's decision probabilities this way
// has no sampling noise (issue 8: the planted rates are checked against them).
//
// Not thread-safe: one scorer owns one llama context.
#pragma once

#include <llama.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::train {

class ReplyScorer {
 public:
  static Result<std::unique_ptr<ReplyScorer>> Open(const std::filesystem::path& model,
                                                   int n_threads);
  ~ReplyScorer();
  ReplyScorer(const ReplyScorer&) = delete;
  ReplyScorer& operator=(const ReplyScorer&) = delete;

  /// log P(reply, then the end of the assistant turn | prompt), natural log. `prompt` ends with a
  /// user message.
  Result<double> LogProbability(const Conversation& prompt, const std::string& reply);

  /// log P(the reply starts with `start` | prompt): the reply may go on in any way. `start` should
  /// end at a word boundary, where its tokens are the same as in any longer reply.
  Result<double> LogProbabilityOfStart(const Conversation& prompt, const std::string& start);

 private:
  struct State;
  explicit ReplyScorer(std::unique_ptr<State> state);
  /// log P(text's tokens after head's | head), where head is the rendered prompt and text starts
  /// with it.
  Result<double> ScoreAfterHead(const std::string& head, const std::string& text);
  /// One decode of `tokens` from an empty cache; the sum of log P(tokens[i]) for i >= from >= 1.
  Result<double> SumLogProbabilities(const std::vector<llama_token>& tokens, size_t from);
  std::unique_ptr<State> state_;
};

}  // namespace afbench::train
