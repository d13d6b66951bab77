// HttpBackend: a Backend that speaks one JSON-over-HTTP API, described by an ApiDialect.
//
// OpenAI and Anthropic differ only in path, headers and JSON codec, so both are one HttpBackend
// with a different dialect. Each Generate is one POST: no retry, no sleep. Failures are classified
// by http_error.h; transport failures are kTransient. The backend owns its HttpClient and a copy of
// the API key, which it only ever puts in a request header (every error message is redacted as a
// last line of defence). Thread-safe. Private to the backend component; callers use MakeBackend
// (afbench/backends.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "afbench/backend.h"
#include "http_client.h"

namespace afbench {

/// What makes one HTTP API different from another.
struct ApiDialect {
  const char* provider;  ///< "openai": the prefix of error messages.
  const char* path;      ///< Appended to the base URL, e.g. "/chat/completions".
  std::string (*encode)(std::string_view model, const Conversation& conversation,
                        const GenerateRequest& request, bool stream);
  Result<Generation> (*decode)(std::string_view body, std::string_view prefill);
  /// A streamed reply (server-sent events) as the body `decode` reads (sse.h).
  Result<std::string> (*assemble)(std::string_view stream);
  std::vector<std::pair<std::string, std::string>> (*headers)(const std::string& api_key);
};

/// The OpenAI chat-completions dialect (path "/chat/completions" under a ".../v1" base URL).
const ApiDialect& OpenAiDialect();
/// The Anthropic Messages dialect (path "/v1/messages" under the host's base URL).
const ApiDialect& AnthropicDialect();

struct HttpBackendOptions {
  ApiDialect dialect;
  std::string model;
  std::string base_url;  ///< A trailing '/' is ignored.
  std::string api_key;
  std::string auth_hint;  ///< Appended to a 401/403's message (why no key was sent).
  int64_t connect_timeout_ms = 10000;
  int64_t request_timeout_ms = 600000;
  int64_t idle_timeout_ms = 300000;
  bool stream = false;  ///< Ask for server-sent events; the idle timeout then runs between chunks.
};

class HttpBackend : public Backend {
 public:
  explicit HttpBackend(HttpBackendOptions options);

  /// One POST. Sends `X-Afbench-Request-Id` when request.request_id is set.
  Result<Generation> Generate(const Conversation& conversation,
                              const GenerateRequest& request) override;

 private:
  Error Redacted(Error error) const;

  HttpBackendOptions options_;
  std::string url_;
  HttpClient client_;
};

}  // namespace afbench
