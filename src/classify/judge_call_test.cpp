#include "judge_call.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "fake_judge_backend.h"

namespace afbench::judge {
namespace {

using testing::FakeJudgeBackend;

Status NeedsOk(std::string_view reply) {
  if (reply == "ok") return {};
  return Fail(ErrorKind::kBadResponse, "expected ok");
}

class JudgeCallTest : public ::testing::Test {
 protected:
  CallOutcome CallWith(FakeJudgeBackend& backend, const std::atomic<bool>* cancel = nullptr) {
    auto client = testing::FastClient(backend, &sleeps_);
    if (cancel != nullptr || max_attempts_ != 6) {
      ModelClientOptions options;
      options.model = "fake/judge";
      options.retry.base_delay_ms = 100;
      options.retry.max_attempts = max_attempts_;
      options.cancel = cancel;
      options.sleep_ms = [this](int64_t delay_ms) { sleeps_.push_back(delay_ms); };
      client = std::make_unique<ModelClient>(backend, options);
    }
    CallRequest request{
        {"", {{Role::kUser, "judge this"}}}, {}, "judge/x/1", {0, Tier::kFree, 0}, ""};
    return Call(*client, request, NeedsOk, options_);
  }

  int max_attempts_ = 6;

  JudgeOptions options_;
  std::vector<int64_t> sleeps_;
};

// Fails with `errors` in order, then replies "ok".
FakeJudgeBackend::Script FailThenOk(std::vector<Error> errors) {
  auto next = std::make_shared<size_t>(0);
  return [errors, next](const Conversation&, const GenerateRequest&) -> Result<Generation> {
    if (*next < errors.size()) return Unexpected{errors[(*next)++]};
    return Generation{"ok", FinishReason::kStop, "stop", {3, 1, 0, 0}, ""};
  };
}

TEST_F(JudgeCallTest, RetriesTransientFailuresWithBackoffHonouringRetryAfter) {
  FakeJudgeBackend backend(FailThenOk(
      {{ErrorKind::kTransient, "503", std::nullopt}, {ErrorKind::kRateLimited, "429", 5000}}));
  const CallOutcome outcome = CallWith(backend);
  ASSERT_TRUE(outcome.reply.has_value());
  EXPECT_EQ(*outcome.reply, "ok");
  EXPECT_EQ(outcome.requests, 3);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_GE(sleeps_[0], 50);
  EXPECT_LE(sleeps_[0], 100);
  EXPECT_GE(sleeps_[1], 5000);  // Retry-After is longer than the 200 ms step.
  EXPECT_LE(sleeps_[1], 6000);
  EXPECT_EQ(outcome.usage.input_tokens, 3);
  const auto requests = backend.requests();
  EXPECT_EQ(requests[0].request.request_id, "judge/x/1/q0/free/e0/p0");
}

TEST_F(JudgeCallTest, GivesUpAfterMaxAttemptsOfTransportFailures) {
  max_attempts_ = 3;
  FakeJudgeBackend backend(FailThenOk(std::vector<Error>(10, {ErrorKind::kTransient, "503", {}})));
  const CallOutcome outcome = CallWith(backend);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind, ErrorKind::kTransient);
  EXPECT_EQ(outcome.requests, 3);
  EXPECT_FALSE(StopsLabelling(*outcome.error));
}

TEST_F(JudgeCallTest, StopsAtOnceOnAnAuthenticationFailure) {
  FakeJudgeBackend backend(FailThenOk({{ErrorKind::kAuth, "401", std::nullopt}}));
  const CallOutcome outcome = CallWith(backend);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.requests, 1);
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_TRUE(StopsLabelling(*outcome.error));
}

TEST_F(JudgeCallTest, AsksAgainForAnUnparsableReplyABoundedNumberOfTimes) {
  FakeJudgeBackend unparsable(FakeJudgeBackend::Replies({"garbage 1", "garbage 2", "garbage 3"}));
  const CallOutcome failed = CallWith(unparsable);
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->kind, ErrorKind::kBadResponse);
  EXPECT_NE(failed.error->message.find("unparsable after 3 attempts"), std::string::npos);
  EXPECT_EQ(failed.last_reply, "garbage 3");
  EXPECT_EQ(failed.requests, 3);
  EXPECT_EQ(failed.usage.input_tokens, 30);

  FakeJudgeBackend recovers(FakeJudgeBackend::Replies({"garbage", "ok"}));
  const CallOutcome outcome = CallWith(recovers);
  ASSERT_TRUE(outcome.reply.has_value());
  EXPECT_EQ(outcome.requests, 2);
}

TEST_F(JudgeCallTest, ACancelledCallSendsNothing) {
  std::atomic<bool> cancel{true};
  FakeJudgeBackend backend(FakeJudgeBackend::Replies({"ok"}));
  const CallOutcome outcome = CallWith(backend, &cancel);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind, ErrorKind::kCancelled);
  EXPECT_TRUE(backend.requests().empty());
}

}  // namespace
}  // namespace afbench::judge
