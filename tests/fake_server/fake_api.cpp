#include "fake_api.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "afbench/hash.h"

namespace afbench::fake {
namespace {

using nlohmann::json;

// What the API layer read from a body, beyond the FakeRequest.
struct Parsed {
  FakeRequest request;
  std::string model = "fake";
  bool cache_system = false;  ///< Anthropic: a system block asked for caching.
};

// nlohmann throws on a wrong type; these read a member or give an empty value instead.
const json* Field(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringField(const json& object, const char* key) {
  const json* value = Field(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

// Message content is a string or an array of {"type": "text", "text": ...} blocks in both APIs.
std::string ContentText(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (!content.is_array()) return text;
  for (const json& block : content) {
    if (StringField(block, "type") == "text") text += StringField(block, "text");
  }
  return text;
}

// Fills conversation and prefill from a messages array; "system" entries (OpenAI) go to the system
// prompt.
bool ReadMessages(const json& messages, Parsed& parsed, std::string& error) {
  if (!messages.is_array() || messages.empty()) {
    error = "messages: must be a non-empty array";
    return false;
  }
  Conversation& conversation = parsed.request.conversation;
  for (const json& message : messages) {
    const std::string role = StringField(message, "role");
    const json* content = Field(message, "content");
    const std::string text = content != nullptr ? ContentText(*content) : "";
    if (role == "system") {
      conversation.system += text;
    } else if (role == "user" || role == "assistant") {
      conversation.messages.push_back({role == "user" ? Role::kUser : Role::kAssistant, text});
    } else {
      error = "messages: unknown role \"" + role + "\"";
      return false;
    }
  }
  if (conversation.messages.back().role == Role::kAssistant) {
    parsed.request.prefill = conversation.messages.back().content;
    conversation.messages.pop_back();
  }
  return true;
}

void ReadAnthropicSystem(const json& root, Parsed& parsed) {
  const json* system = Field(root, "system");
  if (system == nullptr) return;
  parsed.request.conversation.system = ContentText(*system);
  if (!system->is_array()) return;
  for (const json& block : *system) {
    if (Field(block, "cache_control") != nullptr) parsed.cache_system = true;
  }
}

bool Parse(Api api, std::string_view body, Parsed& parsed, std::string& error) {
  const json root = json::parse(body, nullptr, false);
  if (!root.is_object()) {
    error = "body is not a JSON object";
    return false;
  }
  if (std::string model = StringField(root, "model"); !model.empty()) parsed.model = model;
  if (const json* seed = Field(root, "seed"); seed != nullptr && seed->is_number_unsigned()) {
    parsed.request.seed = seed->get<uint64_t>();
  }
  const json* max_tokens = Field(root, "max_completion_tokens");
  if (max_tokens == nullptr) max_tokens = Field(root, "max_tokens");
  if (max_tokens != nullptr && max_tokens->is_number_integer()) {
    parsed.request.max_tokens = max_tokens->get<int64_t>();
  } else if (api == Api::kAnthropic) {
    error = "max_tokens: Field required";  // The Messages API requires it.
    return false;
  }
  if (api == Api::kAnthropic) ReadAnthropicSystem(root, parsed);
  const json* messages = Field(root, "messages");
  return ReadMessages(messages != nullptr ? *messages : json(), parsed, error);
}

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ErrorBody(Api api, const char* type, const std::string& message) {
  if (api == Api::kAnthropic) {
    return Dump({{"type", "error"}, {"error", {{"type", type}, {"message", message}}}});
  }
  return Dump(
      {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}});
}

std::string OpenAiBody(const Parsed& parsed, const FakeReply& reply, const std::string& id) {
  json choice = {{"index", 0},
                 {"message", {{"role", "assistant"}, {"content", reply.text}}},
                 {"finish_reason", reply.truncated ? "length" : "stop"}};
  json usage = {{"prompt_tokens", reply.prompt_tokens},
                {"completion_tokens", reply.completion_tokens},
                {"total_tokens", reply.prompt_tokens + reply.completion_tokens}};
  return Dump({{"id", "chatcmpl-" + id},
               {"object", "chat.completion"},
               {"model", parsed.model},
               {"choices", json::array({choice})},
               {"usage", usage}});
}

// Anthropic counts the cached prefix apart from input_tokens (docs, "Prompt caching").
std::string AnthropicBody(const Parsed& parsed, const FakeReply& reply, const std::string& id,
                          bool cache_hit) {
  json usage = {{"input_tokens", reply.prompt_tokens},
                {"output_tokens", reply.completion_tokens},
                {"cache_creation_input_tokens", 0},
                {"cache_read_input_tokens", 0}};
  if (parsed.cache_system) {
    usage["input_tokens"] = reply.prompt_tokens - reply.system_tokens;
    usage[cache_hit ? "cache_read_input_tokens" : "cache_creation_input_tokens"] =
        reply.system_tokens;
  }
  return Dump({{"id", "msg_" + id},
               {"type", "message"},
               {"role", "assistant"},
               {"model", parsed.model},
               {"content", json::array({{{"type", "text"}, {"text", reply.text}}})},
               {"stop_reason", reply.truncated ? "max_tokens" : "end_turn"},
               {"stop_sequence", nullptr},
               {"usage", usage}});
}

}  // namespace

namespace {

// `text` in pieces of about 16 bytes, never cutting a UTF-8 sequence.
std::vector<std::string> Pieces(const std::string& text) {
  std::vector<std::string> pieces;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + 16);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    pieces.push_back(text.substr(start, end - start));
    start = end;
  }
  return pieces;
}

std::string Event(const std::string& name, const json& data) {
  return (name.empty() ? "" : "event: " + name + "\n") + "data: " + data.dump() + "\n\n";
}

std::string OpenAiStream(const json& whole) {
  const json& choice = whole["choices"][0];
  const json head = {
      {"id", whole["id"]}, {"object", "chat.completion.chunk"}, {"model", whole["model"]}};
  auto chunk = [&](const json& delta, const json& finish) {
    json out = head;
    out["choices"] = json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}});
    return Event("", out);
  };
  std::string stream = chunk({{"role", "assistant"}, {"content", ""}}, nullptr);
  for (const std::string& piece : Pieces(choice["message"]["content"].get<std::string>())) {
    stream += chunk({{"content", piece}}, nullptr);
  }
  stream += chunk(json::object(), choice["finish_reason"]);
  json usage = head;
  usage["choices"] = json::array();
  usage["usage"] = whole["usage"];
  return stream + Event("", usage) + "data: [DONE]\n\n";
}

std::string AnthropicStream(const json& whole) {
  json start = whole;
  start["content"] = json::array();
  start["stop_reason"] = nullptr;
  start["usage"]["output_tokens"] = 1;
  std::string stream = Event("message_start", {{"type", "message_start"}, {"message", start}});
  const std::string text = whole["content"][0]["text"].get<std::string>();
  stream += Event("content_block_start", {{"type", "content_block_start"},
                                          {"index", 0},
                                          {"content_block", {{"type", "text"}, {"text", ""}}}});
  stream += Event("ping", {{"type", "ping"}});
  for (const std::string& piece : Pieces(text)) {
    stream += Event("content_block_delta", {{"type", "content_block_delta"},
                                            {"index", 0},
                                            {"delta", {{"type", "text_delta"}, {"text", piece}}}});
  }
  stream += Event("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}});
  stream += Event("message_delta",
                  {{"type", "message_delta"},
                   {"delta", {{"stop_reason", whole["stop_reason"]}, {"stop_sequence", nullptr}}},
                   {"usage", {{"output_tokens", whole["usage"]["output_tokens"]}}}});
  return stream + Event("message_stop", {{"type", "message_stop"}});
}

}  // namespace

std::string StreamBody(Api api, const std::string& body) {
  const json whole = json::parse(body);
  return api == Api::kOpenAi ? OpenAiStream(whole) : AnthropicStream(whole);
}

HttpReply FakeApi::Handle(Api api, std::string_view body, const std::string& request_id) {
  Parsed parsed;
  std::string error;
  HttpReply out;
  if (!Parse(api, body, parsed, error)) {
    out.status = 400;
    out.body = ErrorBody(api, "invalid_request_error", error);
    return out;
  }
  const FakeReply reply = Reply(parsed.request, options_.policy);
  out.turn = reply.turn;
  if (ShouldFail(request_id, reply.turn)) {
    out.status = 429;
    out.headers = {{"Retry-After", "0"}};
    out.body = ErrorBody(api, api == Api::kAnthropic ? "rate_limit_error" : "requests",
                         "rate limit (scripted by --fail-every)");
    return out;
  }
  // Deterministic ids: the same request always gets the same response bytes.
  const std::string id = "fake" + Sha256Hex(body).substr(0, 20);
  if (api == Api::kOpenAi) {
    out.body = OpenAiBody(parsed, reply, id);
  } else {
    const bool cache_hit = parsed.cache_system && SeenSystem(parsed.request.conversation.system);
    out.body = AnthropicBody(parsed, reply, id, cache_hit);
  }
  const json request = json::parse(body, nullptr, false);
  out.event_stream = request.is_object() && request.value("stream", false);
  return out;
}

bool FakeApi::ShouldFail(const std::string& request_id, int turn) {
  if (options_.fail_every <= 0) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  // A request without an id cannot be recognised when retried, so each one counts as a first
  // attempt.
  if (!request_id.empty() && !attempted_.insert(request_id + "#" + std::to_string(turn)).second) {
    return false;
  }
  return ++first_attempts_ % options_.fail_every == 0;
}

bool FakeApi::SeenSystem(const std::string& system) {
  std::lock_guard<std::mutex> lock(mutex_);
  return !systems_.insert(Sha256Hex(system)).second;
}

}  // namespace afbench::fake
