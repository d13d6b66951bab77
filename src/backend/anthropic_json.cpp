#include "anthropic_json.h"

#include <nlohmann/json.hpp>

#include "json_util.h"
#include "text_util.h"

namespace afbench {
namespace {

using nlohmann::json;

constexpr const char* kProvider = "anthropic";

FinishReason MapFinish(std::string_view reason) {
  if (reason == "end_turn" || reason == "stop_sequence") return FinishReason::kStop;
  if (reason == "max_tokens") return FinishReason::kLength;
  return FinishReason::kOther;
}

// input_tokens excludes the cached prefix, which is counted apart as read or written (Anthropic
// docs, "Prompt caching", tracking cache performance).
Usage DecodeUsage(const json& root) {
  Usage usage;
  const json* fields = FindField(root, "usage");
  if (fields == nullptr) return usage;
  usage.input_tokens = IntField(*fields, "input_tokens");
  usage.output_tokens = IntField(*fields, "output_tokens");
  usage.cache_read_tokens = IntField(*fields, "cache_read_input_tokens");
  usage.cache_write_tokens = IntField(*fields, "cache_creation_input_tokens");
  return usage;
}

}  // namespace

std::string EncodeAnthropicRequest(std::string_view model, const Conversation& conversation,
                                   const GenerateRequest& request, bool stream) {
  json messages = json::array();
  for (const Message& message : conversation.messages) {
    const char* role = message.role == Role::kUser ? "user" : "assistant";
    messages.push_back({{"role", role}, {"content", message.content}});
  }
  std::string_view prefill = TrimTrailingWhitespace(request.prefill);
  if (!prefill.empty()) messages.push_back({{"role", "assistant"}, {"content", prefill}});
  json body = {{"model", model},
               {"max_tokens", request.sampling.max_tokens},
               {"temperature", request.sampling.temperature},
               {"messages", std::move(messages)}};
  // The API rejects empty text blocks, so an empty system prompt is left out.
  if (!conversation.system.empty()) {
    body["system"] = json::array({{{"type", "text"},
                                   {"text", conversation.system},
                                   {"cache_control", {{"type", "ephemeral"}}}}});
  }
  if (stream) body["stream"] = true;
  return DumpJson(body);
}

Result<Generation> DecodeAnthropicResponse(std::string_view body, std::string_view prefill) {
  json root = json::parse(body, nullptr, false);
  if (root.is_discarded()) return Fail(BadResponse(kProvider, "not JSON", body));
  const json* content = FindField(root, "content");
  if (content == nullptr || !content->is_array()) {
    return Fail(BadResponse(kProvider, "no content array", body));
  }
  std::string text;
  for (const json& block : *content) {
    if (StringField(block, "type") == "text") text += StringField(block, "text");
  }
  Generation generation;
  generation.text = JoinPrefill(prefill, text);
  generation.raw_finish_reason = StringField(root, "stop_reason");
  generation.finish = MapFinish(generation.raw_finish_reason);
  generation.usage = DecodeUsage(root);
  generation.served_model = ServedModel(root);
  return generation;
}

std::vector<std::pair<std::string, std::string>> AnthropicHeaders(const std::string& api_key) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"}, {"anthropic-version", kAnthropicVersion}};
  if (!api_key.empty()) headers.emplace_back("x-api-key", api_key);
  return headers;
}

}  // namespace afbench
