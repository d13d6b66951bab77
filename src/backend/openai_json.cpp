#include "openai_json.h"

#include <nlohmann/json.hpp>

#include "json_util.h"
#include "text_util.h"

namespace afbench {
namespace {

using nlohmann::json;

constexpr const char* kProvider = "openai";

FinishReason MapFinish(std::string_view reason) {
  if (reason == "stop") return FinishReason::kStop;
  if (reason == "length") return FinishReason::kLength;
  return FinishReason::kOther;
}

// Content is a string, null (e.g. when all tokens went to hidden reasoning) or, on some compatible
// servers, an array of {"type": "text", "text": ...} parts.
Result<std::string> ContentText(const json& message, std::string_view body) {
  const json* content = FindField(message, "content");
  if (content == nullptr || content->is_null()) return std::string();
  if (content->is_string()) return content->get<std::string>();
  if (content->is_array()) {
    std::string text;
    for (const json& part : *content) text += StringField(part, "text");
    return text;
  }
  return Fail(BadResponse(kProvider, "choices[0].message.content is neither text nor null", body));
}

Usage DecodeUsage(const json& root) {
  Usage usage;
  const json* fields = FindField(root, "usage");
  if (fields == nullptr) return usage;
  usage.input_tokens = IntField(*fields, "prompt_tokens");
  usage.output_tokens = IntField(*fields, "completion_tokens");
  if (const json* details = FindField(*fields, "prompt_tokens_details")) {
    usage.cache_read_tokens = IntField(*details, "cached_tokens");
  }
  return usage;
}

}  // namespace

std::string EncodeOpenAiRequest(std::string_view model, const Conversation& conversation,
                                const GenerateRequest& request, bool stream) {
  json messages = json::array();
  if (!conversation.system.empty()) {
    messages.push_back({{"role", "system"}, {"content", conversation.system}});
  }
  for (const Message& message : conversation.messages) {
    const char* role = message.role == Role::kUser ? "user" : "assistant";
    messages.push_back({{"role", role}, {"content", message.content}});
  }
  if (!request.prefill.empty()) {
    messages.push_back({{"role", "assistant"}, {"content", request.prefill}});
  }
  json body = {{"model", model},
               {"messages", std::move(messages)},
               {"temperature", request.sampling.temperature},
               {"max_tokens", request.sampling.max_tokens}};
  if (request.sampling.seed.has_value()) body["seed"] = *request.sampling.seed;
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return DumpJson(body);
}

Result<Generation> DecodeOpenAiResponse(std::string_view body, std::string_view prefill) {
  json root = json::parse(body, nullptr, false);
  if (root.is_discarded()) return Fail(BadResponse(kProvider, "not JSON", body));
  const json* choices = FindField(root, "choices");
  if (choices == nullptr || !choices->is_array() || choices->empty()) {
    return Fail(BadResponse(kProvider, "no choices", body));
  }
  const json* message = FindField((*choices)[0], "message");
  if (message == nullptr || !message->is_object()) {
    return Fail(BadResponse(kProvider, "no choices[0].message", body));
  }
  Result<std::string> content = ContentText(*message, body);
  if (!content) return Fail(content.error());
  Generation generation;
  generation.text = JoinPrefill(prefill, *content);
  generation.raw_finish_reason = StringField((*choices)[0], "finish_reason");
  generation.finish = MapFinish(generation.raw_finish_reason);
  generation.usage = DecodeUsage(root);
  generation.served_model = ServedModel(root);
  return generation;
}

std::vector<std::pair<std::string, std::string>> OpenAiHeaders(const std::string& api_key) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  if (!api_key.empty()) headers.emplace_back("Authorization", "Bearer " + api_key);
  return headers;
}

}  // namespace afbench
