#include "turn_source.h"

#include <chrono>
#include <thread>

#include "backoff.h"

namespace afbench {
namespace {

Generation FromStoredTurn(const Turn& turn) {
  Generation generation;
  generation.text = turn.response;
  generation.finish = ParseFinishReasonText(turn.finish_reason);
  generation.raw_finish_reason = turn.finish_reason;
  generation.usage = turn.usage;
  return generation;
}

// A rough token count for rate budgets before the API reports the real one: ~4 characters per
// token.
int64_t EstimateTokens(const Conversation& conversation, int max_tokens) {
  size_t characters = conversation.system.size();
  for (const Message& message : conversation.messages) characters += message.content.size();
  return static_cast<int64_t>(characters / 4) + max_tokens;
}

GateSignal SignalFor(const Result<Generation>& generation) {
  if (generation) return GateSignal::kSuccess;
  return generation.error().kind == ErrorKind::kRateLimited ? GateSignal::kRateLimited
                                                            : GateSignal::kOtherFailure;
}

std::string LastUserMessage(const Conversation& conversation) {
  for (auto it = conversation.messages.rbegin(); it != conversation.messages.rend(); ++it) {
    if (it->role == Role::kUser) return it->content;
  }
  return "";
}

}  // namespace

TurnSource::TurnSource(const TurnSourceContext& context, const SampleKey& key)
    : context_(context),
      key_(key),
      // Jitter only spreads retries in time; it never influences what is stored.
      jitter_(std::random_device{}()) {}

bool TurnSource::Cancelled() const {
  const auto* cancel = context_.options->cancel;
  return cancel != nullptr && cancel->load();
}

bool TurnSource::SleepUnlessCancelled(int64_t delay_ms) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(delay_ms, 50)));
  }
  return !Cancelled();
}

Result<Generation> TurnSource::Generate(const Conversation& conversation, int turn_index,
                                        const std::string& prefill) {
  auto stored = context_.store->LoadTurn(context_.run_id, key_, turn_index);
  if (!stored) return Unexpected{stored.error()};
  if (stored->has_value()) {
    context_.counters->cached_turns++;
    return FromStoredTurn(**stored);
  }
  auto started = std::chrono::steady_clock::now();
  int64_t attempts = 0;
  auto generation = RequestWithRetries(conversation, turn_index, prefill, attempts);
  if (!generation) {
    failed_attempts_ += attempts;
    return generation;
  }
  Turn turn;
  turn.index = turn_index;
  turn.request = LastUserMessage(conversation);
  turn.prefill = prefill;
  turn.response = generation->text;
  turn.finish_reason = FinishReasonText(*generation);
  turn.usage = generation->usage;
  turn.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  // Committed before the Protocol sees the reply: from here on a resumed Run replays it for free.
  AFBENCH_RETURN_IF_ERROR(context_.store->SaveTurn(context_.run_id, key_, turn, attempts));
  return generation;
}

Result<Generation> TurnSource::RequestWithRetries(const Conversation& conversation, int turn_index,
                                                  const std::string& prefill, int64_t& attempts) {
  const RunnerOptions& options = *context_.options;
  GenerateRequest request;
  request.sampling = options.sampling;
  if (options.sampling.seed.has_value()) {
    request.sampling.seed = SampleSeed(*options.sampling.seed, key_);
  }
  request.prefill = prefill;
  request.request_id = context_.run_id + "/" + key_.ToString() + "/t" + std::to_string(turn_index);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int64_t slept_ms = 0;
  for (int attempt = 1;; ++attempt) {
    if (Cancelled()) return Fail(ErrorKind::kCancelled, "runner: cancelled");
    const int64_t estimate = EstimateTokens(conversation, request.sampling.max_tokens);
    if (!context_.gate->Acquire(estimate, options.cancel)) {
      return Fail(ErrorKind::kCancelled, "runner: cancelled");
    }
    attempts++;
    context_.counters->requests++;
    auto generation = context_.backend->Generate(conversation, request);
    context_.gate->Release(
        SignalFor(generation), estimate,
        generation ? generation->usage.input_tokens + generation->usage.output_tokens : 0);
    if (generation) {
      context_.counters->input_tokens += generation->usage.input_tokens;
      context_.counters->output_tokens += generation->usage.output_tokens;
      context_.counters->cache_read_tokens += generation->usage.cache_read_tokens;
      context_.counters->cache_write_tokens += generation->usage.cache_write_tokens;
      return generation;
    }
    const Error& error = generation.error();
    if (!error.IsRetryable() || attempt >= options.retry.max_attempts) {
      return Fail(WithContext(error, "after " + std::to_string(attempt) + " attempt(s)"));
    }
    int64_t delay_ms = BackoffDelayMs(options.retry, error, attempt, unit(jitter_));
    if (slept_ms + delay_ms > options.retry.max_total_delay_ms) {
      return Fail(WithContext(
          error, "retry budget exhausted after " + std::to_string(attempt) + " attempt(s)"));
    }
    slept_ms += delay_ms;
    if (!SleepUnlessCancelled(delay_ms)) return Fail(ErrorKind::kCancelled, "runner: cancelled");
  }
}

}  // namespace afbench
