#include "afbench/stored_call.h"

#include "afbench/hash.h"

namespace afbench {
namespace {

// Length-prefixed fields: no two different requests serialise to the same text.
void Append(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out.append(field);
  out += ';';
}

}  // namespace

std::string RequestSha256(const std::string& model, const Conversation& conversation,
                          const GenerateRequest& request) {
  std::string text;
  Append(text, model);
  Append(text, conversation.system);
  for (const Message& message : conversation.messages) {
    Append(text, message.role == Role::kUser ? "user" : "assistant");
    Append(text, message.content);
  }
  Append(text, request.prefill);
  const SamplingParams& sampling = request.sampling;
  Append(text, std::to_string(sampling.temperature));
  Append(text, std::to_string(sampling.max_tokens));
  Append(text, sampling.seed ? std::to_string(*sampling.seed) : "-");
  return Sha256Hex(text);
}

Result<std::optional<Generation>> StoredCallSlot::Load() {
  auto stored = store_.LoadModelCall(key_);
  if (!stored) return Unexpected{stored.error()};
  if (!stored->has_value()) return std::optional<Generation>();
  return std::optional<Generation>(std::move((*stored)->generation));
}

Status StoredCallSlot::Save(const Generation& generation, const CallStats& stats) {
  return store_.SaveModelCall(key_, {generation, model_, stats.attempts, stats.latency_ms});
}

Status StoredCallSlot::Keep(const Generation& generation, const CallStats& stats) {
  return store_.JournalModelCall(key_, {generation, model_, stats.attempts, stats.latency_ms});
}

}  // namespace afbench
