#include "afbench/model_client.h"

#include <chrono>
#include <random>
#include <thread>

#include "backoff.h"

namespace afbench {
namespace {

constexpr int64_t kSleepSliceMs = 50;    // How often a backoff checks for cancellation.
constexpr int kSaveRetries = 4;          // Tries after a failed commit of a reply: 4 more,
constexpr int64_t kSaveBackoffMs = 100;  // waiting 0.1, 0.2, 0.4 and 0.8 s.

double UnitRandom() {
  // Jitter only spreads retries in time; it never influences what is stored.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

GateSignal SignalFor(const Result<Generation>& generation) {
  if (generation) return GateSignal::kSuccess;
  return generation.error().kind == ErrorKind::kRateLimited ? GateSignal::kRateLimited
                                                            : GateSignal::kOtherFailure;
}

int64_t MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

std::string Seconds(int64_t ms) { return std::to_string((ms + 999) / 1000) + " s"; }

}  // namespace

int64_t EstimateTokens(const Conversation& conversation, int max_tokens) {
  size_t characters = conversation.system.size();
  for (const Message& message : conversation.messages) characters += message.content.size();
  return static_cast<int64_t>(characters / 4) + max_tokens;
}

bool StopsEndpoint(const Error& error) { return error.permanent || error.kind == ErrorKind::kAuth; }

ModelClient::ModelClient(Backend& backend, ModelClientOptions options)
    : backend_(backend),
      options_(std::move(options)),
      gate_(options_.gate ? options_.gate : std::make_shared<RequestGate>(options_.gate_options)) {}

Result<Generation> ModelClient::Generate(const Conversation& conversation,
                                         const GenerateRequest& request, CallSlot* slot,
                                         CallStats* stats) {
  CallStats local;
  CallStats& out = stats != nullptr ? *stats : local;
  out = CallStats{};
  if (slot != nullptr) {
    auto stored = slot->Load();
    if (!stored) return Unexpected{stored.error()};
    if (stored->has_value()) {
      out.replayed = true;
      std::lock_guard lock(mutex_);
      usage_.calls++;
      usage_.replayed++;
      return std::move(**stored);
    }
  }
  auto generation = Send(conversation, request, out);
  if (!generation) return generation;
  // Committed before the caller sees the reply: from here on a resumed caller replays it.
  if (slot != nullptr) {
    Status saved = SaveWithRetries(*slot, *generation, out);
    if (!saved) return Unexpected{KeepUnsaved(*slot, *generation, out, saved.error())};
  }
  return generation;
}

// The reply is paid for: kept in the journal when the store cannot take it, and the call fails so
// that the caller stores no result built on it; the breaker stops the spending.
Error ModelClient::KeepUnsaved(CallSlot& slot, const Generation& generation, const CallStats& stats,
                               const Error& unsaved) {
  Status kept = slot.Keep(generation, stats);
  const std::string reason = kept ? "the store cannot commit replies (" + unsaved.message +
                                        "); this one is kept in the journal and a resume imports it"
                                  : "the store cannot commit replies (" + unsaved.message +
                                        ") and the journal failed too (" + kept.error().message +
                                        "): a reply is lost";
  {
    std::lock_guard lock(mutex_);
    if (kept) usage_.kept++;
  }
  Stop(reason);
  return Error{ErrorKind::kIo, "client: " + reason, std::nullopt};
}

// A paid reply is worth a few tries: a locked database or a full disk may clear up.
Status ModelClient::SaveWithRetries(CallSlot& slot, const Generation& generation,
                                    const CallStats& stats) const {
  Status saved = slot.Save(generation, stats);
  for (int retry = 1; !saved && retry <= kSaveRetries && !Cancelled(); ++retry) {
    Sleep(kSaveBackoffMs << (retry - 1));
    saved = slot.Save(generation, stats);
  }
  return saved;
}

Result<Generation> ModelClient::Send(const Conversation& conversation,
                                     const GenerateRequest& request, CallStats& stats) {
  const auto started = std::chrono::steady_clock::now();
  const int64_t estimate = EstimateTokens(conversation, request.sampling.max_tokens);
  int64_t slept_ms = 0;
  for (int attempt = 1;; ++attempt) {
    if (Cancelled()) return Fail(ErrorKind::kCancelled, "client: cancelled");
    if (stopped_reason()) return Unexpected{Unavailable()};
    if (!gate_->Acquire(estimate, options_.cancel)) {
      return Fail(ErrorKind::kCancelled, "client: cancelled");
    }
    stats.attempts++;
    {
      std::lock_guard lock(mutex_);
      usage_.requests++;
    }
    auto generation = backend_.Generate(conversation, request);
    gate_->Release(
        SignalFor(generation), estimate,
        generation ? generation->usage.input_tokens + generation->usage.output_tokens : 0);
    if (generation) {
      stats.latency_ms = MillisecondsSince(started);
      OnSuccess(*generation);
      return generation;
    }
    int64_t delay_ms = 0;
    if (auto give_up = OnFailure(generation.error(), attempt, slept_ms, delay_ms)) {
      return Unexpected{*give_up};
    }
    Sleep(delay_ms);
  }
}

std::optional<Error> ModelClient::OnFailure(const Error& error, int attempt, int64_t& slept_ms,
                                            int64_t& delay_ms) {
  const std::string attempts = std::to_string(attempt) + " attempt(s)";
  if (StopsEndpoint(error)) {
    Stop(ErrorKindName(error.kind) + std::string(": ") + error.message);
    return WithContext(error, "after " + attempts);
  }
  if (!error.IsRetryable() || attempt >= options_.retry.max_attempts) {
    if (error.IsRetryable()) OnCallFailed();
    return WithContext(error, "after " + attempts);
  }
  const int64_t cap = options_.breaker.max_retry_after_ms;
  if (error.retry_after_ms && cap > 0 && *error.retry_after_ms > cap) {
    Stop("the server asks to wait " + Seconds(*error.retry_after_ms) + " (Retry-After), over the " +
         Seconds(cap) + " cap: " + error.message);
    return WithContext(error, "after " + attempts);
  }
  delay_ms = BackoffDelayMs(options_.retry, error, attempt, UnitRandom());
  if (slept_ms + delay_ms > options_.retry.max_total_delay_ms) {
    OnCallFailed();
    return WithContext(error, "retry budget exhausted after " + attempts);
  }
  slept_ms += delay_ms;
  return std::nullopt;
}

void ModelClient::OnSuccess(const Generation& generation) {
  std::lock_guard lock(mutex_);
  usage_.calls++;
  usage_.tokens += generation.usage;
  failed_calls_in_row_ = 0;
}

void ModelClient::OnCallFailed() {
  std::string reason;
  {
    std::lock_guard lock(mutex_);
    usage_.failed_calls++;
    const int limit = options_.breaker.max_failed_calls;
    if (limit <= 0 || ++failed_calls_in_row_ < limit) return;
    reason = std::to_string(failed_calls_in_row_) + " calls in a row failed after " +
             std::to_string(options_.retry.max_attempts) + " attempts each";
  }
  Stop(reason);
}

void ModelClient::Stop(const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (!stopped_) stopped_ = reason;
}

std::optional<std::string> ModelClient::stopped_reason() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

ClientUsage ModelClient::usage() const {
  std::lock_guard lock(mutex_);
  return usage_;
}

Error ModelClient::Unavailable() const {
  return Error{ErrorKind::kUnavailable,
               "client: stopped sending to " + options_.model + ": " +
                   stopped_reason().value_or("unknown reason"),
               std::nullopt};
}

bool ModelClient::Cancelled() const {
  return options_.cancel != nullptr && options_.cancel->load();
}

void ModelClient::Sleep(int64_t delay_ms) const {
  if (options_.sleep_ms) return options_.sleep_ms(delay_ms);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
  while (std::chrono::steady_clock::now() < deadline && !Cancelled()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(delay_ms, kSleepSliceMs)));
  }
}

}  // namespace afbench
