// The Anthropic Messages API wire format: request JSON from a Conversation, Generation from a
// response body.
//
// The system prompt is sent as a one-block array marked `cache_control: {"type": "ephemeral"}`:
// every Sample of a Run shares the same long system prompt, and prompt caching makes the repeated
// prefix cheaper and faster (Anthropic docs, "Prompt caching"). A prefill is a trailing assistant
// message; the API rejects one that ends in whitespace, so it is sent trimmed, and the API returns
// only the continuation, which JoinPrefill puts back behind the prefill. Pure functions;
// thread-safe. Private to the backend component.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "afbench/backend.h"
#include "afbench/result.h"

namespace afbench {

/// The version header value this codec is written against.
inline constexpr const char* kAnthropicVersion = "2023-06-01";

/// The body of POST <base>/v1/messages: model, max_tokens, temperature, system (cached), messages;
/// "stream": true with `stream`.
std::string EncodeAnthropicRequest(std::string_view model, const Conversation& conversation,
                                   const GenerateRequest& request, bool stream = false);

/// Decodes a 200 response: the text blocks of `content` joined (other block types skipped), behind
/// the prefill. Errors (kBadResponse): not JSON, no `content` array.
Result<Generation> DecodeAnthropicResponse(std::string_view body, std::string_view prefill);

/// Content-Type, `anthropic-version` and `x-api-key` (left out when the key is empty).
std::vector<std::pair<std::string, std::string>> AnthropicHeaders(const std::string& api_key);

}  // namespace afbench
