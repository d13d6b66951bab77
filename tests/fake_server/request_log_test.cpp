#include "request_log.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench::fake {
namespace {

TEST(RequestLog, WritesOneJsonObjectPerLineInAFixedKeyOrder) {
  EXPECT_EQ(
      RequestLogLine("q1/free/e0", "/v1/messages", 429, 2),
      "{\"request_id\":\"q1/free/e0\",\"path\":\"/v1/messages\",\"status\":429,\"turn\":2}\n");
}

TEST(RequestLog, AppendsToAnExistingFile) {
  const auto file = testing::MakeTempDir() / "requests.jsonl";
  testing::WriteFile(file, "earlier\n");
  {
    RequestLog log;
    ASSERT_TRUE(log.Open(file.string()));
    log.Write("a", "/v1/chat/completions", 200, 1);
    // Flushed per line: readable before the log is closed.
    EXPECT_EQ(testing::ReadFile(file),
              "earlier\n" + RequestLogLine("a", "/v1/chat/completions", 200, 1));
  }
  RequestLog closed;
  closed.Write("ignored", "/x", 200, 1);  // Never opened: no effect, no crash.
  EXPECT_FALSE(closed.Open((testing::MakeTempDir() / "missing-dir" / "x.jsonl").string()));
}

}  // namespace
}  // namespace afbench::fake
