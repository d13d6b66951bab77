// Test-only: a Backend that plays scripted judge replies and records every request it gets.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "afbench/backend.h"
#include "afbench/model_client.h"

namespace afbench::testing {

class FakeJudgeBackend final : public Backend {
 public:
  using Script = std::function<Result<Generation>(const Conversation&, const GenerateRequest&)>;

  struct Request {
    Conversation conversation;
    GenerateRequest request;
  };

  explicit FakeJudgeBackend(Script script) : script_(std::move(script)) {}

  /// Replies with `replies` in order (the last one repeats), each with 10 input / 5 output tokens.
  static Script Replies(std::vector<std::string> replies) {
    auto next = std::make_shared<size_t>(0);
    auto mutex = std::make_shared<std::mutex>();
    return [replies = std::move(replies), next, mutex](
               const Conversation&, const GenerateRequest&) -> Result<Generation> {
      std::lock_guard<std::mutex> lock(*mutex);
      const size_t index = std::min(*next, replies.size() - 1);
      ++*next;
      Generation generation;
      generation.text = replies[index];
      generation.usage.input_tokens = 10;
      generation.usage.output_tokens = 5;
      return generation;
    };
  }

  Result<Generation> Generate(const Conversation& conversation,
                              const GenerateRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back({conversation, request});
    }
    return script_(conversation, request);
  }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  Script script_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
};

/// A client over `backend` as judges get their model, recording its backoffs instead of sleeping.
inline std::unique_ptr<ModelClient> FastClient(Backend& backend,
                                               std::vector<int64_t>* sleeps = nullptr) {
  ModelClientOptions options;
  options.model = "fake/judge";
  options.retry.base_delay_ms = 100;
  options.sleep_ms = [sleeps](int64_t delay_ms) {
    if (sleeps != nullptr) sleeps->push_back(delay_ms);
  };
  return std::make_unique<ModelClient>(backend, std::move(options));
}

}  // namespace afbench::testing
