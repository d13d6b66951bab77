#include "afbench/request_gate.h"

#include <algorithm>
#include <cmath>

namespace afbench {

namespace {
constexpr auto kWindow = std::chrono::seconds(60);
constexpr auto kPoll = std::chrono::milliseconds(50);
}  // namespace

RequestGate::RequestGate(const RequestGateOptions& options)
    : options_(options), limit_(std::max(1, options.max_in_flight)) {}

int RequestGate::limit() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(limit_);
}

int RequestGate::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

void RequestGate::ForgetOldEntries(std::chrono::steady_clock::time_point now) {
  while (!window_.empty() && now - window_.front().at >= kWindow) {
    window_tokens_ -= window_.front().tokens;
    window_.pop_front();
  }
}

bool RequestGate::MayStart(int64_t estimated_tokens, std::chrono::steady_clock::time_point now) {
  if (in_flight_ >= static_cast<int>(limit_)) return false;
  ForgetOldEntries(now);
  if (options_.requests_per_minute > 0 &&
      static_cast<int64_t>(window_.size()) >= options_.requests_per_minute) {
    return false;
  }
  // A single request larger than the whole budget may go alone, or it would wait forever.
  if (options_.tokens_per_minute > 0 && !window_.empty() &&
      window_tokens_ + estimated_tokens > options_.tokens_per_minute) {
    return false;
  }
  return true;
}

bool RequestGate::Acquire(int64_t estimated_tokens, const std::atomic<bool>* cancel) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (cancel != nullptr && cancel->load()) return false;
    auto now = std::chrono::steady_clock::now();
    if (MayStart(estimated_tokens, now)) {
      in_flight_++;
      window_.push_back({now, estimated_tokens});
      window_tokens_ += estimated_tokens;
      return true;
    }
    // Polling bounds the wait for budget that frees up by time passing rather than by a Release.
    changed_.wait_for(lock, kPoll);
  }
}

void RequestGate::Release(GateSignal signal, int64_t estimated_tokens, int64_t actual_tokens) {
  std::lock_guard lock(mutex_);
  in_flight_ = std::max(0, in_flight_ - 1);
  if (actual_tokens > 0) {
    // Correct the newest matching estimate; an approximate match is enough for a budget.
    for (auto it = window_.rbegin(); it != window_.rend(); ++it) {
      if (it->tokens == estimated_tokens) {
        window_tokens_ += actual_tokens - it->tokens;
        it->tokens = actual_tokens;
        break;
      }
    }
  }
  auto now = std::chrono::steady_clock::now();
  if (signal == GateSignal::kRateLimited) {
    if (now - last_decrease_ >= options_.decrease_cooldown) {
      limit_ = std::max(1.0, std::floor(limit_ / 2));
      last_decrease_ = now;
    }
  } else if (signal == GateSignal::kSuccess) {
    limit_ =
        std::min(static_cast<double>(std::max(1, options_.max_in_flight)), limit_ + 1.0 / limit_);
  }
  changed_.notify_all();
}

}  // namespace afbench
