#include "http_backend.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "afbench/backends.h"
#include "loopback_server.h"

namespace afbench {
namespace {

constexpr const char* kSecret = "test-secret-value-0123456789";

// One scripted reply for every request, plus what the last request carried.
struct Script {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int delay_ms = 0;
  bool echo_credentials = false;  ///< Appends the auth headers to the body, as some proxies do.
  std::string content_type = "application/json";

  std::mutex mutex;
  httplib::Headers seen_headers;
  std::string seen_path;
  std::string seen_body;
};

class HttpBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      server_.SleepUnlessClosing(script_.delay_ms);
      {
        std::lock_guard<std::mutex> lock(script_.mutex);
        script_.seen_headers = req.headers;
        script_.seen_path = req.path;
        script_.seen_body = req.body;
      }
      res.status = script_.status;
      for (const auto& [name, value] : script_.headers) res.set_header(name, value);
      std::string body = script_.body;
      if (script_.echo_credentials) {
        body += " auth=" + req.get_header_value("Authorization") +
                " key=" + req.get_header_value("x-api-key");
      }
      res.set_content(body, script_.content_type);
    };
    server_.http().Post("/v1/chat/completions", handler);
    server_.http().Post("/v1/messages", handler);
    server_.Start();
  }

  std::unique_ptr<Backend> Make(const std::string& spec, const std::string& base_url,
                                std::string key = kSecret, bool named = true) {
    BackendOptions options{.spec = spec, .base_url = base_url, .api_key = std::move(key)};
    options.base_url_named = named;
    options.request_timeout_ms = 300;
    auto backend = MakeBackend(options);
    EXPECT_TRUE(backend) << backend.error().message;
    return backend ? std::move(*backend) : nullptr;
  }
  std::unique_ptr<Backend> OpenAi() { return Make("openai/test-model", server_.Url() + "/v1/"); }
  std::unique_ptr<Backend> Anthropic() { return Make("anthropic/claude-test", server_.Url()); }

  Result<Generation> Send(Backend& backend) {
    Conversation conversation{"system text", {{Role::kUser, "hello"}}};
    GenerateRequest request;
    request.request_id = "q3/free/e0/t0";
    return backend.Generate(conversation, request);
  }

  Error SendExpectingError(Backend& backend) {
    Result<Generation> generation = Send(backend);
    EXPECT_FALSE(generation);
    if (generation) return Error{};
    EXPECT_EQ(generation.error().message.find(kSecret), std::string::npos)
        << "the API key leaked into: " << generation.error().message;
    return generation.error();
  }

  std::string SeenHeader(const std::string& name) {
    std::lock_guard<std::mutex> lock(script_.mutex);
    auto it = script_.seen_headers.find(name);
    return it == script_.seen_headers.end() ? "(absent)" : it->second;
  }

  Script script_;
  testing::LoopbackServer server_;
};

TEST_F(HttpBackendTest, OpenAiPostsToChatCompletionsWithBearerKeyAndRequestId) {
  script_.body =
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":11,"completion_tokens":1,"total_tokens":12}})";
  Result<Generation> generation = Send(*OpenAi());
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_EQ(generation->text, "hi");
  EXPECT_EQ(generation->usage.input_tokens, 11);
  EXPECT_EQ(script_.seen_path, "/v1/chat/completions");
  EXPECT_EQ(SeenHeader("Authorization"), std::string("Bearer ") + kSecret);
  EXPECT_EQ(SeenHeader("X-Afbench-Request-Id"), "q3/free/e0/t0");
  EXPECT_NE(script_.seen_body.find(R"("model":"test-model")"), std::string::npos);
}

TEST_F(HttpBackendTest, AnthropicPostsToMessagesWithKeyAndVersionHeaders) {
  script_.body =
      R"({"type":"message","content":[{"type":"text","text":"hey"}],"stop_reason":"max_tokens",)"
      R"("usage":{"input_tokens":5,"output_tokens":1,"cache_read_input_tokens":40}})";
  Result<Generation> generation = Send(*Anthropic());
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_EQ(generation->text, "hey");
  EXPECT_EQ(generation->finish, FinishReason::kLength);
  EXPECT_EQ(generation->usage.cache_read_tokens, 40);
  EXPECT_EQ(script_.seen_path, "/v1/messages");
  EXPECT_EQ(SeenHeader("x-api-key"), kSecret);
  EXPECT_EQ(SeenHeader("anthropic-version"), "2023-06-01");
  EXPECT_EQ(SeenHeader("X-Afbench-Request-Id"), "q3/free/e0/t0");
}

TEST_F(HttpBackendTest, OmitsAuthorizationWithoutAKey) {
  script_.body = R"({"choices":[{"message":{"content":"x"},"finish_reason":"stop"}]})";
  ASSERT_TRUE(Send(*Make("openai/m", server_.Url() + "/v1", "")));
  EXPECT_EQ(SeenHeader("Authorization"), "(absent)");
}

TEST_F(HttpBackendTest, RateLimitCarriesRetryAfter) {
  script_.status = 429;
  script_.body = R"({"error":{"message":"slow down","type":"requests"}})";
  script_.headers = {{"Retry-After", "2"}};
  Error error = SendExpectingError(*OpenAi());
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_EQ(error.retry_after_ms, 2000);
  EXPECT_TRUE(error.message.starts_with("backend: openai: HTTP 429: slow down")) << error.message;
}

TEST_F(HttpBackendTest, ServerErrorIsTransient) {
  script_.status = 500;
  script_.body = R"({"error":{"message":"internal"}})";
  Error error = SendExpectingError(*OpenAi());
  EXPECT_EQ(error.kind, ErrorKind::kTransient);
  EXPECT_TRUE(error.message.starts_with("backend: openai: HTTP 500: internal")) << error.message;
}

TEST_F(HttpBackendTest, AnthropicOverloadIsRateLimited) {
  script_.status = 529;
  script_.body = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
  Error error = SendExpectingError(*Anthropic());
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_TRUE(error.message.starts_with("backend: anthropic: HTTP 529: Overloaded"))
      << error.message;
}

TEST_F(HttpBackendTest, RejectedKeyIsAnAuthErrorThatNeverQuotesTheKey) {
  script_.status = 401;
  script_.body = "unauthorized";  // Not JSON: the message falls back to the body, key included.
  script_.echo_credentials = true;
  EXPECT_EQ(SendExpectingError(*OpenAi()).kind, ErrorKind::kAuth);
  Error error = SendExpectingError(*Anthropic());
  EXPECT_EQ(error.kind, ErrorKind::kAuth);
  EXPECT_NE(error.message.find("[redacted]"), std::string::npos) << error.message;
}

TEST_F(HttpBackendTest, AKeyEchoedAcrossTheTruncationPointIsRedactedFirst) {
  // The message is cut at 300 bytes: the key straddles the cut, so redacting afterwards would leave
  // its first half in the message.
  script_.status = 500;
  script_.body = std::string(275, 'x');
  script_.echo_credentials = true;
  Error error = SendExpectingError(*OpenAi());
  EXPECT_EQ(error.message.find(std::string(kSecret).substr(0, 8)), std::string::npos)
      << error.message;
}

TEST_F(HttpBackendTest, AReplyThatEchoesTheKeyIsRedactedBeforeItIsReturned) {
  script_.body = std::string(R"({"choices":[{"message":{"content":"your key is )") + kSecret +
                 R"("},"finish_reason":"stop"}]})";
  Result<Generation> generation = Send(*OpenAi());
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_EQ(generation->text, "your key is [redacted]");
}

TEST_F(HttpBackendTest, AKeyEchoedInAStreamSplitAcrossItsChunksIsRedacted) {
  const std::string key(kSecret);
  auto delta = [](const std::string& text) {
    return R"(data: {"choices":[{"index":0,"delta":{"content":")" + text +
           R"("},"finish_reason":null}]})" + "\n\n";
  };
  script_.content_type = "text/event-stream";
  script_.body = delta("key: " + key.substr(0, 10)) + delta(key.substr(10)) +
                 R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})" +
                 "\n\ndata: [DONE]\n\n";
  BackendOptions options{.spec = "openai/m", .base_url = server_.Url() + "/v1", .api_key = key};
  options.base_url_named = true;
  options.stream = true;
  auto backend = MakeBackend(options);
  ASSERT_TRUE(backend) << backend.error().message;
  Result<Generation> generation = Send(**backend);
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_EQ(generation->text, "key: [redacted]");
}

TEST_F(HttpBackendTest, TheKeyGoesToAHostTheUserDidNotNameOnlyWhenItIsTheProvidersOwn) {
  script_.status = 401;
  script_.body = R"({"error":{"message":"no key"}})";
  Error error = SendExpectingError(*Make("openai/m", server_.Url() + "/v1", kSecret, false));
  EXPECT_EQ(SeenHeader("Authorization"), "(absent)");
  EXPECT_EQ(error.kind, ErrorKind::kAuth);
  EXPECT_NE(error.message.find("OPENAI_API_KEY was not sent to 127.0.0.1"), std::string::npos)
      << error.message;
  SendExpectingError(*Make("openai/m", server_.Url() + "/v1", kSecret, true));
  EXPECT_EQ(SeenHeader("Authorization"), std::string("Bearer ") + kSecret);
}

TEST_F(HttpBackendTest, InvalidJsonIsABadResponse) {
  script_.body = "{\"choices\": [";
  EXPECT_EQ(SendExpectingError(*OpenAi()).kind, ErrorKind::kBadResponse);
  EXPECT_EQ(SendExpectingError(*Anthropic()).kind, ErrorKind::kBadResponse);
}

TEST_F(HttpBackendTest, SlowServerTimesOutAsTransient) {
  script_.delay_ms = 2000;
  script_.body = R"({"choices":[{"message":{"content":"late"},"finish_reason":"stop"}]})";
  Error error = SendExpectingError(*OpenAi());
  EXPECT_EQ(error.kind, ErrorKind::kTransient);
  EXPECT_TRUE(error.message.starts_with("backend: openai: ")) << error.message;
}

// A generation that takes longer than the idle timeout: sent whole, nothing arrives until it is
// done and the request is abandoned; streamed, chunks keep arriving and it completes.
TEST(HttpBackend, AStreamedSlowGenerationOutlivesTheIdleTimeoutThatAWholeOneDiesOf) {
  testing::LoopbackServer server;
  constexpr int kChunks = 8;
  constexpr int kChunkMs = 400;
  server.http().Post("/v1/chat/completions", [&server](const httplib::Request& req,
                                                       httplib::Response& res) {
    const bool stream = nlohmann::json::parse(req.body).value("stream", false);
    if (!stream) {
      server.SleepUnlessClosing(kChunks * kChunkMs);
      res.set_content(R"({"choices":[{"message":{"content":"late"},"finish_reason":"stop"}]})",
                      "application/json");
      return;
    }
    res.set_chunked_content_provider("text/event-stream", [&server](size_t,
                                                                    httplib::DataSink& sink) {
      for (int i = 0; i < kChunks; ++i) {
        server.SleepUnlessClosing(kChunkMs);
        const std::string chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" +
                                  std::to_string(i) + " \"},\"finish_reason\":null}]}\n\n";
        if (!sink.write(chunk.data(), chunk.size())) return false;
      }
      const std::string end =
          "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":6}}\n\n"
          "data: [DONE]\n\n";
      sink.write(end.data(), end.size());
      sink.done();
      return true;
    });
  });
  server.Start();
  auto make = [&](bool stream) {
    BackendOptions options{.spec = "openai/m", .base_url = server.Url() + "/v1"};
    options.idle_timeout_ms = 1000;  // libcurl checks about once a second
    options.stream = stream;
    auto backend = MakeBackend(options);
    EXPECT_TRUE(backend) << backend.error().message;
    return std::move(*backend);
  };
  const Conversation conversation{"", {{Role::kUser, "hi"}}};
  auto whole = make(false)->Generate(conversation, GenerateRequest{});
  ASSERT_FALSE(whole.has_value());
  EXPECT_EQ(whole.error().kind, ErrorKind::kTransient);
  auto streamed = make(true)->Generate(conversation, GenerateRequest{});
  ASSERT_TRUE(streamed.has_value()) << streamed.error().message;
  EXPECT_EQ(streamed->text, "w0 w1 w2 w3 w4 w5 w6 w7 ");
  EXPECT_EQ(streamed->finish, FinishReason::kStop);
  EXPECT_EQ(streamed->usage.output_tokens, 6);
}

// Streaming is the default, and some OpenAI-compatible servers ignore "stream": their whole JSON
// body is the reply. A body that says it is an event stream must still end with its end marker.
TEST(HttpBackend, AStreamedRequestAnsweredWithOneJsonBodyIsReadAsThatBody) {
  testing::LoopbackServer server;
  std::string type = "application/json";
  std::string body = R"({"choices":[{"message":{"content":"whole"},"finish_reason":"stop"}],)"
                     R"("usage":{"prompt_tokens":3,"completion_tokens":1}})";
  server.http().Post("/v1/chat/completions", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, type);
  });
  server.Start();
  BackendOptions options{.spec = "openai/m", .base_url = server.Url() + "/v1"};
  options.stream = true;
  auto backend = MakeBackend(options);
  ASSERT_TRUE(backend) << backend.error().message;
  const Conversation conversation{"", {{Role::kUser, "hi"}}};
  auto whole = (*backend)->Generate(conversation, GenerateRequest{});
  ASSERT_TRUE(whole.has_value()) << whole.error().message;
  EXPECT_EQ(whole->text, "whole");
  EXPECT_EQ(whole->usage.input_tokens, 3);

  type = "text/event-stream";
  body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut\"}}]}\n\n";
  auto cut = (*backend)->Generate(conversation, GenerateRequest{});
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().kind, ErrorKind::kTransient) << cut.error().message;
}

TEST(HttpBackend, RefusedConnectionIsTransient) {
  testing::RefusingPort closed;
  auto backend = MakeBackend({.spec = "anthropic/m",
                              .base_url = closed.Url(),
                              .api_key = kSecret,
                              .base_url_named = true});
  ASSERT_TRUE(backend);
  Result<Generation> generation =
      (*backend)->Generate(Conversation{"", {{Role::kUser, "hi"}}}, GenerateRequest{});
  ASSERT_FALSE(generation);
  EXPECT_EQ(generation.error().kind, ErrorKind::kTransient);
  EXPECT_TRUE(generation.error().message.starts_with("backend: anthropic: "));
  EXPECT_EQ(generation.error().message.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace afbench
