#include "http_client.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "loopback_server.h"

namespace afbench {
namespace {

using testing::LoopbackServer;
using Clock = std::chrono::steady_clock;

HttpRequest Post(const std::string& url, std::string body = "{}") {
  HttpRequest request;
  request.url = url;
  request.body = std::move(body);
  request.headers = {{"Content-Type", "application/json"}, {"X-Test", "yes"}};
  return request;
}

TEST(HttpClient, SendsBodyAndHeadersAndReturnsStatusBodyAndLowerCasedHeaders) {
  LoopbackServer server;
  server.http().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 201;
    res.set_header("Retry-After", "2");
    res.set_content(req.get_header_value("X-Test") + ":" + req.body, "text/plain");
  });
  server.Start();
  Result<HttpResponse> response = HttpClient().Post(Post(server.Url() + "/echo", "hello"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "yes:hello");
  EXPECT_EQ(response->headers["retry-after"], "2");
}

TEST(HttpClient, ReturnsErrorStatusesAsResponses) {
  LoopbackServer server;
  server.http().Post("/fail", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content("down", "text/plain");
  });
  server.Start();
  Result<HttpResponse> response = HttpClient().Post(Post(server.Url() + "/fail"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "down");
}

TEST(HttpClient, SendsLargeBodiesWithoutWaitingForContinue) {
  LoopbackServer server;
  server.http().Post("/size", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(std::to_string(req.body.size()), "text/plain");
  });
  server.Start();
  const auto start = Clock::now();
  Result<HttpResponse> response =
      HttpClient().Post(Post(server.Url() + "/size", std::string(300000, 'a')));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "300000");
  // libcurl waits up to 1 s for "100 Continue" unless the Expect header is suppressed.
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(900));
}

TEST(HttpClient, ReportsARefusedConnectionAsTransient) {
  testing::RefusingPort closed;
  Result<HttpResponse> response = HttpClient().Post(Post(closed.Url() + "/x"));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient);
  EXPECT_NE(response.error().message.find("onnect"), std::string::npos) << response.error().message;
}

TEST(HttpClient, GivesUpAfterTheRequestTimeout) {
  LoopbackServer server;
  server.http().Post("/slow", [&server](const httplib::Request&, httplib::Response& res) {
    server.SleepUnlessClosing(5000);
    res.set_content("late", "text/plain");
  });
  server.Start();
  HttpRequest request = Post(server.Url() + "/slow");
  request.request_timeout_ms = 300;
  const auto start = Clock::now();
  Result<HttpResponse> response = HttpClient().Post(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient);
  EXPECT_NE(response.error().message.find("imeout"), std::string::npos) << response.error().message;
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(3000));
}

TEST(HttpClient, GivesUpOnAServerThatSendsNothingWithinTheIdleTimeout) {
  LoopbackServer server;
  server.http().Post("/stall", [&server](const httplib::Request&, httplib::Response& res) {
    server.SleepUnlessClosing(8000);
    res.set_content("late", "text/plain");
  });
  server.Start();
  HttpRequest request = Post(server.Url() + "/stall");
  request.request_timeout_ms = 60000;
  request.idle_timeout_ms = 1000;
  Result<HttpResponse> response = HttpClient().Post(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient);
  EXPECT_NE(response.error().message.find("idle timeout"), std::string::npos)
      << response.error().message;
}

TEST(HttpClient, AbandonsAResponseLargerThanTheCap) {
  LoopbackServer server;
  server.http().Post("/huge", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(100000, 'x'), "text/plain");
  });
  server.Start();
  HttpRequest request = Post(server.Url() + "/huge");
  request.max_response_bytes = 1000;
  Result<HttpResponse> response = HttpClient().Post(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::kBadResponse);
  request.max_response_bytes = 200000;
  EXPECT_TRUE(HttpClient().Post(request).has_value());
}

TEST(HttpClient, RejectsAUrlItCannotUse) {
  Result<HttpResponse> response = HttpClient().Post(Post("ftp://127.0.0.1/x"));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::kInvalidRequest);
}

TEST(HttpClient, ReusesTheConnectionForConsecutiveRequests) {
  std::mutex mutex;
  std::set<int> client_ports;
  LoopbackServer server;
  server.http().Post("/x", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    client_ports.insert(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  server.Start();
  HttpClient client;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.Post(Post(server.Url() + "/x")));
  EXPECT_EQ(client_ports.size(), 1u) << "each request opened a new connection";
}

TEST(HttpClient, ServesManyThreadsAtOnce) {
  LoopbackServer server;
  server.http().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.body, "text/plain");
  });
  server.Start();
  HttpClient client;
  std::atomic<int> matched{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::string body = std::to_string(t) + "/" + std::to_string(i);
        Result<HttpResponse> response = client.Post(Post(server.Url() + "/echo", body));
        if (response && response->body == body) ++matched;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(matched.load(), 30);
}

}  // namespace
}  // namespace afbench
