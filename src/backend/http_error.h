// Classification of HTTP error responses into afbench Errors, shared by the OpenAI and Anthropic
// backends.
//
// The Runner retries by ErrorKind, so the mapping below is the retry policy's input: 429 and
// Anthropic's 529
// ("overloaded") -> kRateLimited; 408 and 5xx -> kTransient; 401/403 -> kAuth; other statuses ->
// kInvalidRequest. The server's requested pause (Retry-After or retry-after-ms) is carried in
// Error::retry_after_ms. Pure functions; thread-safe. Private to the backend component.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "afbench/result.h"
#include "http_client.h"

namespace afbench {

/// The pause a server asks for, in milliseconds: OpenAI's `retry-after-ms`, else `Retry-After` as
/// delay-seconds or an HTTP-date (RFC 9110 section 10.2.3) measured from `now`. nullopt when absent
/// or unreadable. `headers` has lower-case names, as HttpResponse keeps them.
std::optional<int64_t> RetryAfterMs(const std::map<std::string, std::string>& headers,
                                    std::chrono::system_clock::time_point now);

/// The API's own message from an error body: `error.message` (OpenAI and Anthropic), else a
/// top-level `message` or `detail` (vLLM, FastAPI-based servers), else the body itself; truncated
/// to 300 bytes.
std::string ApiErrorMessage(std::string_view body);

/// The Error for a non-2xx response: "backend: <provider>: HTTP <status>: <api message>".
/// OpenAI's 429 "insufficient_quota" is kInvalidRequest: waiting does not add credit.
Error HttpStatusError(std::string_view provider, const HttpResponse& response,
                      std::chrono::system_clock::time_point now);

}  // namespace afbench
