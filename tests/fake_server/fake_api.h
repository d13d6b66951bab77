// FakeApi: the wire side of afbench-fake-server. It reads an OpenAI chat-completions or Anthropic
// Messages request body, asks FakePolicy for the reply and writes the response body in the matching
// shape.
//
// It also holds the little state a real API has: which system prompts were already seen (to report
// Anthropic prompt-cache reads and writes) and which request ids were already answered (for
// --fail-every, which rate-limits every Nth first attempt so that the client's retry succeeds).
// Thread-safe: the state is guarded by a mutex, everything else is a pure function of the request.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fake_policy.h"

namespace afbench::fake {

enum class Api { kOpenAi, kAnthropic };

struct ServerOptions {
  PolicyOptions policy;
  int fail_every = 0;  ///< 0 = never; N = every Nth first attempt of a (request id, turn) gets 429.
};

/// One HTTP answer.
struct HttpReply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int turn = 0;  ///< The request's turn (0 when the body could not be read), for the request log.
  /// The request asked to stream: the server sends StreamBody(body) as server-sent events.
  bool event_stream = false;
};

/// The server-sent events the API streams for the non-streamed 200 `body` (documented shapes).
std::string StreamBody(Api api, const std::string& body);

class FakeApi {
 public:
  explicit FakeApi(ServerOptions options) : options_(options) {}

  /// Answers one POST body of `api`; `request_id` is the X-Afbench-Request-Id header ("" when
  /// absent).
  HttpReply Handle(Api api, std::string_view body, const std::string& request_id);

 private:
  /// True when this request is the Nth first attempt and must be rate-limited.
  bool ShouldFail(const std::string& request_id, int turn);
  /// True when `system` was seen before (a cache read); remembers it otherwise (a cache write).
  bool SeenSystem(const std::string& system);

  const ServerOptions options_;
  std::mutex mutex_;
  std::set<std::string> attempted_;
  long first_attempts_ = 0;
  std::set<std::string> systems_;
};

}  // namespace afbench::fake
