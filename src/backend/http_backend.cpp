#include "http_backend.h"

#include <chrono>

#include "anthropic_json.h"
#include "http_error.h"
#include "openai_json.h"
#include "sse.h"
#include "text_util.h"

namespace afbench {
namespace {

// The reply is server-sent events, not one JSON body (header names are lower-cased by HttpClient).
bool IsEventStream(const HttpResponse& response) {
  const auto type = response.headers.find("content-type");
  return type != response.headers.end() &&
         type->second.find("text/event-stream") != std::string::npos;
}

}  // namespace

const ApiDialect& OpenAiDialect() {
  static const ApiDialect dialect = {"openai",
                                     "/chat/completions",
                                     &EncodeOpenAiRequest,
                                     &DecodeOpenAiResponse,
                                     &AssembleOpenAiStream,
                                     &OpenAiHeaders};
  return dialect;
}

const ApiDialect& AnthropicDialect() {
  static const ApiDialect dialect = {"anthropic",
                                     "/v1/messages",
                                     &EncodeAnthropicRequest,
                                     &DecodeAnthropicResponse,
                                     &AssembleAnthropicStream,
                                     &AnthropicHeaders};
  return dialect;
}

HttpBackend::HttpBackend(HttpBackendOptions options) : options_(std::move(options)) {
  std::string_view base = options_.base_url;
  while (base.ends_with('/')) base.remove_suffix(1);
  url_ = std::string(base) + options_.dialect.path;
}

Result<Generation> HttpBackend::Generate(const Conversation& conversation,
                                         const GenerateRequest& request) {
  const ApiDialect& dialect = options_.dialect;
  HttpRequest http;
  http.url = url_;
  http.headers = dialect.headers(options_.api_key);
  if (!request.request_id.empty())
    http.headers.emplace_back("X-Afbench-Request-Id", request.request_id);
  http.body = dialect.encode(options_.model, conversation, request, options_.stream);
  http.connect_timeout_ms = options_.connect_timeout_ms;
  http.request_timeout_ms = options_.request_timeout_ms;
  http.idle_timeout_ms = options_.idle_timeout_ms;
  Result<HttpResponse> response = client_.Post(http);
  if (!response) {
    return Fail(
        Redacted(WithContext(response.error(), "backend: " + std::string(dialect.provider))));
  }
  // Before anything reads the body: a reply or an error that echoes the key is redacted before an
  // error message is cut to length (which could leave a prefix of the key) and before it is stored.
  response->body = Redact(response->body, options_.api_key);
  if (response->status < 200 || response->status > 299) {
    Error error = HttpStatusError(dialect.provider, *response, std::chrono::system_clock::now());
    if (error.kind == ErrorKind::kAuth) error.message += options_.auth_hint;
    return Fail(Redacted(std::move(error)));
  }
  // A server that cannot stream may answer a streamed request with the whole reply as JSON.
  if (options_.stream && IsEventStream(*response)) {
    Result<std::string> assembled = dialect.assemble(response->body);
    if (!assembled) return Fail(Redacted(assembled.error()));
    // Again once assembled: a key echoed in a streamed reply arrives split across its chunks.
    response->body = Redact(*assembled, options_.api_key);
  }
  Result<Generation> generation = dialect.decode(response->body, request.prefill);
  if (!generation) return Fail(Redacted(generation.error()));
  return generation;
}

Error HttpBackend::Redacted(Error error) const {
  error.message = Redact(error.message, options_.api_key);
  return error;
}

}  // namespace afbench
