#include "sse.h"

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "http_error.h"
#include "json_util.h"

namespace afbench {
namespace {

using nlohmann::json;

std::string_view NextLine(std::string_view& rest) {
  const size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

// Adds one "field: value" line to `event`.
void AddField(std::string_view line, SseEvent& event, bool& has_data) {
  const size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  if (field == "event") {
    event.event = value;
  } else if (field == "data") {
    if (has_data) event.data += '\n';
    event.data += value;
    has_data = true;
  }
}

Error StreamError(std::string_view provider, std::string_view what, std::string_view stream) {
  Error error = BadResponse(provider, what, stream);
  error.kind = ErrorKind::kTransient;  // a cut stream: asking again is the remedy
  return error;
}

// The HTTP status an API gives the error type when it is not streaming (Anthropic's "Errors"
// page; OpenAI's error types), so that an error in a stream is classified as that response is.
int StatusOfErrorType(std::string_view type) {
  static constexpr std::pair<std::string_view, int> kStatuses[] = {
      {"invalid_request_error", 400}, {"authentication_error", 401}, {"permission_error", 403},
      {"not_found_error", 404},       {"rate_limit_error", 429},     {"rate_limit_exceeded", 429},
      {"insufficient_quota", 429},    {"overloaded_error", 529},     {"server_is_overloaded", 529}};
  for (const auto& [name, status] : kStatuses) {
    if (type == name) return status;
  }
  return 500;  // api_error, server_error, or a type this table does not know: the server's fault
}

// An error object sent inside the stream: classified by HttpStatusError as the response of its
// type's status (rate limits, exhausted quota, rejected keys alike).
Error InStreamError(std::string_view provider, const json& error) {
  const std::string type = StringField(error, "type");
  HttpResponse response;
  response.status = StatusOfErrorType(type);
  response.body = DumpJson({{"error", error}});
  Error classified = HttpStatusError(provider, response, std::chrono::system_clock::now());
  classified.message = "backend: " + std::string(provider) +
                       ": error in the stream: " + (type.empty() ? "" : type + ": ") +
                       ApiErrorMessage(response.body);
  return classified;
}

struct OpenAiParts {
  std::string model;  // the first chunk's
  std::string content;
  json finish_reason;  // null until a chunk sets it
  json usage;
  bool done = false;
};

Status AddOpenAiChunk(const json& chunk, OpenAiParts& parts) {
  if (const json* error = FindField(chunk, "error")) return Fail(InStreamError("openai", *error));
  if (parts.model.empty()) parts.model = StringField(chunk, "model");
  if (const json* usage = FindField(chunk, "usage"); usage != nullptr && usage->is_object()) {
    parts.usage = *usage;
  }
  const json* choices = FindField(chunk, "choices");
  if (choices == nullptr || !choices->is_array() || choices->empty()) return {};
  const json& choice = (*choices)[0];
  if (const json* delta = FindField(choice, "delta"))
    parts.content += StringField(*delta, "content");
  if (const json* finish = FindField(choice, "finish_reason"); finish && !finish->is_null()) {
    parts.finish_reason = *finish;
  }
  return {};
}

struct AnthropicParts {
  std::string model;                    // message_start's
  std::map<int64_t, std::string> text;  // by content block index
  json usage = json::object();
  json stop_reason;
  bool stopped = false;
};

void MergeUsage(const json* usage, AnthropicParts& parts) {
  if (usage == nullptr || !usage->is_object()) return;
  for (const auto& [name, value] : usage->items()) {
    if (value.is_number_integer()) parts.usage[name] = value;
  }
}

Status AddAnthropicEvent(const json& data, AnthropicParts& parts) {
  const std::string type = StringField(data, "type");
  if (type == "error") {
    const json* error = FindField(data, "error");
    return Fail(InStreamError("anthropic", error != nullptr ? *error : json::object()));
  }
  if (type == "message_start") {
    if (const json* message = FindField(data, "message")) {
      MergeUsage(FindField(*message, "usage"), parts);
      parts.model = StringField(*message, "model");
    }
  } else if (type == "content_block_start") {
    const json* block = FindField(data, "content_block");
    if (block != nullptr && StringField(*block, "type") == "text") {
      parts.text[IntField(data, "index")] += StringField(*block, "text");
    }
  } else if (type == "content_block_delta") {
    const json* delta = FindField(data, "delta");
    if (delta != nullptr && StringField(*delta, "type") == "text_delta") {
      parts.text[IntField(data, "index")] += StringField(*delta, "text");
    }
  } else if (type == "message_delta") {
    if (const json* delta = FindField(data, "delta")) {
      if (const json* reason = FindField(*delta, "stop_reason")) parts.stop_reason = *reason;
    }
    MergeUsage(FindField(data, "usage"), parts);
  } else if (type == "message_stop") {
    parts.stopped = true;
  }
  return {};
}

}  // namespace

std::vector<SseEvent> ParseSse(std::string_view stream) {
  std::vector<SseEvent> events;
  SseEvent event;
  bool has_data = false;
  while (!stream.empty()) {
    const std::string_view line = NextLine(stream);
    if (line.empty()) {
      if (has_data || !event.event.empty()) events.push_back(std::move(event));
      event = {};
      has_data = false;
    } else if (!line.starts_with(':')) {
      AddField(line, event, has_data);
    }
  }
  if (has_data || !event.event.empty()) events.push_back(std::move(event));
  return events;
}

Result<std::string> AssembleOpenAiStream(std::string_view stream) {
  OpenAiParts parts;
  for (const SseEvent& event : ParseSse(stream)) {
    if (event.data == "[DONE]") {
      parts.done = true;
      break;
    }
    const json chunk = json::parse(event.data, nullptr, false);
    if (chunk.is_discarded()) return Fail(StreamError("openai", "a chunk is not JSON", event.data));
    AFBENCH_RETURN_IF_ERROR(AddOpenAiChunk(chunk, parts));
  }
  if (!parts.done) return Fail(StreamError("openai", "the stream ended before [DONE]", stream));
  json body = {
      {"choices", json::array({{{"index", 0},
                                {"message", {{"role", "assistant"}, {"content", parts.content}}},
                                {"finish_reason", parts.finish_reason}}})}};
  if (!parts.usage.is_null()) body["usage"] = parts.usage;
  if (!parts.model.empty()) body["model"] = parts.model;
  return DumpJson(body);
}

Result<std::string> AssembleAnthropicStream(std::string_view stream) {
  AnthropicParts parts;
  for (const SseEvent& event : ParseSse(stream)) {
    const json data = json::parse(event.data, nullptr, false);
    if (data.is_discarded()) {
      return Fail(StreamError("anthropic", "an event is not JSON", event.data));
    }
    AFBENCH_RETURN_IF_ERROR(AddAnthropicEvent(data, parts));
    if (parts.stopped) break;
  }
  if (!parts.stopped) {
    return Fail(StreamError("anthropic", "the stream ended before message_stop", stream));
  }
  json content = json::array();
  for (const auto& [index, text] : parts.text)
    content.push_back({{"type", "text"}, {"text", text}});
  json body = {{"type", "message"},
               {"role", "assistant"},
               {"content", std::move(content)},
               {"stop_reason", parts.stop_reason},
               {"usage", parts.usage}};
  if (!parts.model.empty()) body["model"] = parts.model;
  return DumpJson(body);
}

}  // namespace afbench
