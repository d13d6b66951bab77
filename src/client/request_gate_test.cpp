#include "afbench/request_gate.h"

#include <gtest/gtest.h>

#include <thread>

namespace afbench {
namespace {

TEST(RequestGate, HalvesTheLimitOncePerRateLimitEpisodeAndRecoversAdditively) {
  RequestGate gate({8, 0, 0, std::chrono::milliseconds(10000)});
  EXPECT_EQ(gate.limit(), 8);
  for (int i = 0; i < 3; ++i) {  // one burst of 429s: one decrease
    ASSERT_TRUE(gate.Acquire(1, nullptr));
    gate.Release(GateSignal::kRateLimited, 1, 0);
  }
  EXPECT_EQ(gate.limit(), 4);
  // Each success adds 1/limit: about one slot per window of `limit` successes (4 + 1/4 + 1/4.25 +
  // ...).
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(gate.Acquire(1, nullptr));
    gate.Release(GateSignal::kSuccess, 1, 0);
  }
  EXPECT_EQ(gate.limit(), 4);
  {
    ASSERT_TRUE(gate.Acquire(1, nullptr));
    gate.Release(GateSignal::kSuccess, 1, 0);
  }
  EXPECT_EQ(gate.limit(), 5);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(gate.Acquire(1, nullptr));
    gate.Release(GateSignal::kSuccess, 1, 0);
  }
  EXPECT_EQ(gate.limit(), 8);  // never above the configured maximum
}

TEST(RequestGate, NeverGoesBelowOneInFlight) {
  RequestGate gate({2, 0, 0, std::chrono::milliseconds(0)});
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(gate.Acquire(1, nullptr));
    gate.Release(GateSignal::kRateLimited, 1, 0);
  }
  EXPECT_EQ(gate.limit(), 1);
}

TEST(RequestGate, BlocksAtTheLimitUntilARelease) {
  RequestGate gate({1, 0, 0, std::chrono::milliseconds(0)});
  ASSERT_TRUE(gate.Acquire(1, nullptr));
  std::atomic<bool> second_started{false};
  std::thread second([&] {
    ASSERT_TRUE(gate.Acquire(1, nullptr));
    second_started = true;
    gate.Release(GateSignal::kSuccess, 1, 0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_started);
  gate.Release(GateSignal::kSuccess, 1, 0);
  second.join();
  EXPECT_TRUE(second_started);
}

TEST(RequestGate, EnforcesRequestsPerMinuteAndGivesUpWhenCancelled) {
  RequestGate gate({10, 2, 0, std::chrono::milliseconds(0)});
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(gate.Acquire(1, nullptr));
    gate.Release(GateSignal::kSuccess, 1, 0);
  }
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    cancel = true;
  });
  EXPECT_FALSE(gate.Acquire(1, &cancel));  // the third request of the minute must wait
  canceller.join();
  EXPECT_EQ(gate.in_flight(), 0);
}

TEST(RequestGate, EnforcesTokensPerMinuteButLetsOneOversizedRequestThrough) {
  RequestGate gate({10, 0, 100, std::chrono::milliseconds(0)});
  ASSERT_TRUE(gate.Acquire(500, nullptr));      // alone in the window: allowed
  gate.Release(GateSignal::kSuccess, 500, 60);  // the real count replaces the estimate
  ASSERT_TRUE(gate.Acquire(40, nullptr));       // 60 + 40 <= 100
  gate.Release(GateSignal::kSuccess, 40, 0);
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(gate.Acquire(1, &cancel));
}

}  // namespace
}  // namespace afbench
