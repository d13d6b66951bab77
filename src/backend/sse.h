// Server-sent events (the `text/event-stream` format both the OpenAI and the Anthropic API stream
// in) and the two assemblers that turn a streamed reply back into the body the API would have
// sent without streaming, so that one decoder reads both and a streamed Turn is stored exactly as
// the non-streamed one (decode(assemble(stream)) == decode(body)).
//
// A stream that ends before the API's own end marker (OpenAI `data: [DONE]`, Anthropic
// `message_stop`) is a transient failure, never a shorter reply; an error event in the stream is
// an error of the kind its type says. Pure functions; thread-safe. Private to src/backend.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "afbench/result.h"

namespace afbench {

struct SseEvent {
  std::string event;  ///< The `event:` field; empty when the event named none.
  std::string data;   ///< The `data:` lines joined with '\n'.
};

/// The events of a complete stream (LF or CRLF lines; comments and unknown fields ignored).
std::vector<SseEvent> ParseSse(std::string_view stream);

/// The chat-completions body equivalent to an OpenAI stream (choices[0].delta pieces joined,
/// finish_reason, the usage chunk of stream_options.include_usage).
Result<std::string> AssembleOpenAiStream(std::string_view stream);

/// The Messages body equivalent to an Anthropic stream (text blocks, stop_reason, and usage from
/// message_start updated by message_delta).
Result<std::string> AssembleAnthropicStream(std::string_view stream);

}  // namespace afbench
