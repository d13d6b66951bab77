#include "afbench/lease.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/test_paths.h"

namespace afbench {
namespace {

// A pid that certainly belonged to a process that is gone: a child that exited and was reaped.
int64_t DeadPid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

class LeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open((testing::MakeTempDir() / "lease.db").string());
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }
  // Plants a lease held by someone else.
  void Plant(const LeaseHolder& holder) {
    auto planted = store_->AcquireLease("run/r", holder, [](const LeaseHolder&) { return true; });
    ASSERT_TRUE(planted.has_value() && !planted->has_value());
  }
  std::unique_ptr<Store> store_;
};

TEST_F(LeaseTest, ASecondWriterIsRefusedNamingTheHolderUntilTheFirstReleases) {
  auto first = Lease::Acquire(*store_, "run/r");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  auto second = Lease::Acquire(*store_, "run/r");
  ASSERT_FALSE(second.has_value());
  EXPECT_NE(second.error().message.find("being written by process " + std::to_string(getpid())),
            std::string::npos)
      << second.error().message;
  EXPECT_TRUE(Lease::Acquire(*store_, "run/other").has_value());  // leases are per name
  first->reset();
  EXPECT_TRUE(Lease::Acquire(*store_, "run/r").has_value());
}

TEST_F(LeaseTest, TheLeaseOfAProcessThatIsGoneIsTakenOver) {
  Plant({"ghost", LeaseHostName(), DeadPid(), LeaseClockMs()});
  EXPECT_TRUE(Lease::Acquire(*store_, "run/r").has_value());
}

TEST_F(LeaseTest, ALiveHolderElsewhereKeepsItUntilItsHeartbeatIsStale) {
  Plant({"remote", "another-host", 1, LeaseClockMs()});
  EXPECT_FALSE(Lease::Acquire(*store_, "run/r").has_value());
  Plant({"remote", "another-host", 1, LeaseClockMs() - 60000});
  EXPECT_TRUE(Lease::Acquire(*store_, "run/r", {.heartbeat_ms = 5000, .stale_after_ms = 30000}));
}

TEST_F(LeaseTest, TheHolderRenewsItsHeartbeatAndNoticesATakeOver) {
  auto lease = Lease::Acquire(*store_, "run/r", {.heartbeat_ms = 10, .stale_after_ms = 30000});
  ASSERT_TRUE(lease.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE((*lease)->lost());
  Plant({"thief", "another-host", 1, LeaseClockMs()});
  for (int i = 0; i < 100 && !(*lease)->lost(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE((*lease)->lost());
}

}  // namespace
}  // namespace afbench
