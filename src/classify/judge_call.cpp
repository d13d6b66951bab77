#include "judge_call.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

namespace afbench::judge {
namespace {

constexpr int64_t kSleepSliceMs = 100;  // How often a backoff checks for cancellation.

bool Cancelled(const JudgeOptions& options) {
  return options.cancel != nullptr && options.cancel->load();
}

double UnitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

void Sleep(const JudgeOptions& options, int64_t delay_ms) {
  if (options.sleep_ms) return options.sleep_ms(delay_ms);
  for (int64_t slept = 0; slept < delay_ms && !Cancelled(options); slept += kSleepSliceMs) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min(kSleepSliceMs, delay_ms - slept)));
  }
}

// Errors that another identical request cannot fix.
bool Permanent(const Error& error) {
  return error.kind == ErrorKind::kAuth || error.kind == ErrorKind::kInvalidRequest ||
         error.kind == ErrorKind::kInvalidInput || error.kind == ErrorKind::kCancelled ||
         error.kind == ErrorKind::kNotFound;
}

GenerateRequest AttemptRequest(const CallRequest& request, int attempt) {
  GenerateRequest out;
  out.sampling = request.sampling;
  out.request_id = request.request_id + "/a" + std::to_string(attempt);
  return out;
}

}  // namespace

int64_t BackoffDelayMs(const JudgeRetryPolicy& policy, const Error& error, int retry,
                       double unit_random) {
  double step = static_cast<double>(policy.base_delay_ms) * std::pow(2.0, std::max(0, retry - 1));
  step = std::min(step, static_cast<double>(policy.max_delay_ms));
  auto delay = static_cast<int64_t>(step * (0.5 + 0.5 * unit_random));
  if (error.retry_after_ms.has_value()) delay = std::max(delay, *error.retry_after_ms);
  return delay;
}

bool StopsLabelling(const Error& error) {
  return error.kind == ErrorKind::kAuth || error.kind == ErrorKind::kCancelled;
}

CallOutcome Call(Backend& backend, const CallRequest& request, const ReplyCheck& check,
                 const JudgeOptions& options) {
  CallOutcome outcome;
  int transport_failures = 0;
  int parse_failures = 0;
  for (int attempt = 1;; ++attempt) {
    if (Cancelled(options)) {
      outcome.error = Error{ErrorKind::kCancelled, "judge: cancelled", std::nullopt};
      return outcome;
    }
    outcome.requests++;
    Result<Generation> generation =
        backend.Generate(request.conversation, AttemptRequest(request, attempt));
    if (!generation) {
      const Error& error = generation.error();
      if (Permanent(error) || ++transport_failures >= std::max(1, options.retry.max_attempts)) {
        outcome.error = WithContext(error, "judge: " + request.request_id);
        return outcome;
      }
      Sleep(options, BackoffDelayMs(options.retry, error, transport_failures, UnitRandom()));
      continue;
    }
    outcome.usage += generation->usage;
    Status parsed = check(generation->text);
    if (parsed) {
      outcome.reply = std::move(generation->text);
      return outcome;
    }
    outcome.last_reply = std::move(generation->text);
    if (++parse_failures >= std::max(1, options.max_parse_attempts)) {
      outcome.error =
          Error{ErrorKind::kBadResponse,
                "judge: " + request.request_id + ": reply unparsable after " +
                    std::to_string(parse_failures) + " attempts: " + parsed.error().message,
                std::nullopt};
      return outcome;
    }
  }
}

}  // namespace afbench::judge
