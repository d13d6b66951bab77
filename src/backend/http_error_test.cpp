#include "http_error.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench {
namespace {

using Clock = std::chrono::system_clock;

std::string Recorded(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() / "src/backend/testdata" / name);
}

HttpResponse Response(int status, const std::string& body,
                      std::map<std::string, std::string> headers = {}) {
  return HttpResponse{status, std::move(headers), body};
}

// 2015-10-21 07:28:00 UTC, the example date of RFC 9110.
Clock::time_point ExampleNow() { return Clock::from_time_t(1445412480); }

TEST(RetryAfter, ReadsDelaySecondsIncludingFractions) {
  EXPECT_EQ(RetryAfterMs({{"retry-after", "2"}}, ExampleNow()), 2000);
  EXPECT_EQ(RetryAfterMs({{"retry-after", "0"}}, ExampleNow()), 0);
  EXPECT_EQ(RetryAfterMs({{"retry-after", "1.5"}}, ExampleNow()), 1500);
}

TEST(RetryAfter, PrefersMillisecondHeader) {
  EXPECT_EQ(RetryAfterMs({{"retry-after", "2"}, {"retry-after-ms", "1234"}}, ExampleNow()), 1234);
}

TEST(RetryAfter, ReadsHttpDateRelativeToNow) {
  EXPECT_EQ(RetryAfterMs({{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}}, ExampleNow()), 30000);
  EXPECT_EQ(RetryAfterMs({{"retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"}}, ExampleNow()), 0)
      << "a date in the past means retry now";
}

TEST(RetryAfter, IgnoresMissingOrUnreadableValues) {
  EXPECT_FALSE(RetryAfterMs({}, ExampleNow()).has_value());
  EXPECT_FALSE(RetryAfterMs({{"retry-after", "soon"}}, ExampleNow()).has_value());
  EXPECT_FALSE(RetryAfterMs({{"retry-after", "-3"}}, ExampleNow()).has_value());
}

TEST(RetryAfter, RejectsNonFiniteAndAbsurdValuesWithoutOverflow) {
  for (const char* value : {"inf", "nan", "1e300", "1e20", "99999999999"}) {
    EXPECT_FALSE(RetryAfterMs({{"retry-after", value}}, ExampleNow()).has_value()) << value;
    EXPECT_FALSE(RetryAfterMs({{"retry-after-ms", value}}, ExampleNow()).has_value()) << value;
  }
  EXPECT_FALSE(RetryAfterMs({{"retry-after", "Fri, 01 Jan 9999 00:00:00 GMT"}}, ExampleNow()));
  EXPECT_EQ(RetryAfterMs({{"retry-after", "3600"}}, ExampleNow()), 3600000);  // the client caps it
}

TEST(HttpStatusError, MarksFailuresEveryLaterRequestWouldHitAsPermanent) {
  EXPECT_TRUE(HttpStatusError("openai", Response(404, Recorded("fastapi_error_not_found.json"), {}),
                              ExampleNow())
                  .permanent);
  EXPECT_TRUE(HttpStatusError("openai",
                              Response(429, Recorded("openai_error_insufficient_quota.json"), {}),
                              ExampleNow())
                  .permanent);
  EXPECT_FALSE(HttpStatusError("openai",
                               Response(429, Recorded("openai_error_rate_limit.json"), {}),
                               ExampleNow())
                   .permanent);
  EXPECT_FALSE(HttpStatusError("openai", Response(503, "busy", {}), ExampleNow()).permanent);
}

TEST(ApiErrorMessage, ReadsTheMessageOfEachKnownErrorShape) {
  EXPECT_EQ(ApiErrorMessage(Recorded("anthropic_error_overloaded.json")), "Overloaded");
  EXPECT_EQ(ApiErrorMessage(Recorded("openai_error_insufficient_quota.json")),
            "You exceeded your current quota, please check your plan and billing details.");
  EXPECT_TRUE(ApiErrorMessage(Recorded("vllm_error_context_length.json"))
                  .starts_with("This model's maximum context length is 8192 tokens."));
  EXPECT_EQ(ApiErrorMessage(Recorded("fastapi_error_not_found.json")), "Not Found");
  EXPECT_EQ(ApiErrorMessage("upstream connect error"), "upstream connect error");
  EXPECT_EQ(ApiErrorMessage(""), "(empty body)");
}

TEST(ApiErrorMessage, TruncatesLongBodies) {
  std::string message = ApiErrorMessage(std::string(5000, 'x'));
  EXPECT_LE(message.size(), 303u);
  EXPECT_TRUE(message.ends_with("..."));
}

TEST(HttpStatusError, ClassifiesRateLimitsWithTheirPause) {
  Error error = HttpStatusError(
      "openai", Response(429, Recorded("openai_error_rate_limit.json"), {{"retry-after", "2"}}),
      ExampleNow());
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_EQ(error.retry_after_ms, 2000);
  EXPECT_TRUE(
      error.message.starts_with("backend: openai: HTTP 429: Rate limit reached for gpt-4o"));
}

TEST(HttpStatusError, TreatsAnthropicOverloadAsRateLimit) {
  Error error = HttpStatusError(
      "anthropic", Response(529, Recorded("anthropic_error_overloaded.json")), ExampleNow());
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_EQ(error.message, "backend: anthropic: HTTP 529: Overloaded");
  EXPECT_FALSE(error.retry_after_ms.has_value());
}

TEST(HttpStatusError, DoesNotRetryAnExhaustedQuota) {
  Error error = HttpStatusError(
      "openai", Response(429, Recorded("openai_error_insufficient_quota.json")), ExampleNow());
  EXPECT_EQ(error.kind, ErrorKind::kInvalidRequest);
}

TEST(HttpStatusError, MapsEachStatusClassToItsKind) {
  const std::vector<std::pair<int, ErrorKind>> cases = {
      {500, ErrorKind::kTransient},      {502, ErrorKind::kTransient},
      {503, ErrorKind::kTransient},      {408, ErrorKind::kTransient},
      {401, ErrorKind::kAuth},           {403, ErrorKind::kAuth},
      {400, ErrorKind::kInvalidRequest}, {404, ErrorKind::kInvalidRequest},
      {413, ErrorKind::kInvalidRequest}, {301, ErrorKind::kInvalidRequest}};
  for (const auto& [status, kind] : cases) {
    EXPECT_EQ(HttpStatusError("openai", Response(status, "{}"), ExampleNow()).kind, kind) << status;
  }
}

TEST(HttpStatusError, QuotesTheApiMessageOfAnInvalidRequest) {
  Error error = HttpStatusError(
      "anthropic", Response(400, Recorded("anthropic_error_invalid_request.json")), ExampleNow());
  EXPECT_EQ(error.message,
            "backend: anthropic: HTTP 400: messages: final assistant content cannot end with "
            "trailing whitespace");
}

}  // namespace
}  // namespace afbench
