// HttpClient: one HTTP POST per call over libcurl, nothing more.
//
// The client makes exactly one attempt and reports transport failures (refused, reset, timeout,
// TLS) as ErrorKind::kTransient with libcurl's message; any HTTP status, 4xx and 5xx included, is a
// successful transfer that the caller classifies (see http_error.h). It keeps a small pool of idle
// curl easy handles so that consecutive requests reuse their keep-alive connections. Safe to call
// from several threads at once: each call takes its own handle out of the pool. Private to the
// backend component.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "afbench/result.h"

namespace afbench {

/// One POST request.
struct HttpRequest {
  std::string url;
  /// Name/value pairs. They may carry credentials, so they are never copied into an error message.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t connect_timeout_ms = 10000;
  int64_t request_timeout_ms = 600000;  ///< Total time for the transfer, connection included.
  /// Longest silence allowed: before the first response byte and between bytes. Stops a stalled
  /// connection from holding a worker until the total timeout. 0 = no limit.
  int64_t idle_timeout_ms = 300000;
  /// A larger response is abandoned (kBadResponse) instead of filling memory.
  size_t max_response_bytes = size_t{64} << 20;
};

/// What came back. Header names are lower-cased; a repeated header keeps its last value.
struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request` once. Errors: kTransient for transport failures (message = libcurl's, without
  /// headers), kInvalidRequest for a URL libcurl cannot use.
  Result<HttpResponse> Post(const HttpRequest& request);

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

}  // namespace afbench
