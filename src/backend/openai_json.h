// The OpenAI chat-completions wire format: request JSON from a Conversation, Generation from a
// response body.
//
// Works with OpenAI and with OpenAI-compatible servers (vLLM, llama.cpp's llama-server, ...). A
// prefill is sent as a trailing assistant message; vLLM and llama-server continue it, but OpenAI's
// own API and some other servers treat it as a finished turn and start a new message, so a
// prefilled Protocol is only meaningful on servers that continue it. Pure functions; thread-safe.
// Private to the backend component.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "afbench/backend.h"
#include "afbench/result.h"

namespace afbench {

/// The body of POST <base>/chat/completions: model, messages (system first, prefill last),
/// temperature, max_tokens, and seed when set; with `stream`, "stream": true and
/// stream_options.include_usage (so that the last chunk carries the usage).
std::string EncodeOpenAiRequest(std::string_view model, const Conversation& conversation,
                                const GenerateRequest& request, bool stream = false);

/// Decodes a 200 response. Generation.text = prefill + the returned content (see JoinPrefill); a
/// null content is empty text. Errors (kBadResponse): not JSON, no choices[0].message, content of
/// the wrong type.
Result<Generation> DecodeOpenAiResponse(std::string_view body, std::string_view prefill);

/// Content-Type plus `Authorization: Bearer <key>` (left out when the key is empty, as local
/// servers need none).
std::vector<std::pair<std::string, std::string>> OpenAiHeaders(const std::string& api_key);

}  // namespace afbench
