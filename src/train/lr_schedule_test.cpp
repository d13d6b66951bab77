#include "lr_schedule.h"

#include <gtest/gtest.h>

namespace afbench::train {
namespace {

TEST(LrSchedule, RisesLinearlyDuringWarmUp) {
  const LrSchedule schedule{.peak_lr = 1.0, .min_lr = 0.1, .warmup_steps = 4, .total_steps = 20};
  EXPECT_DOUBLE_EQ(schedule.At(0), 0.25);
  EXPECT_DOUBLE_EQ(schedule.At(1), 0.5);
  EXPECT_DOUBLE_EQ(schedule.At(3), 1.0);
}

TEST(LrSchedule, DecaysAlongACosineToTheMinimum) {
  const LrSchedule schedule{.peak_lr = 1.0, .min_lr = 0.1, .warmup_steps = 0, .total_steps = 10};
  EXPECT_DOUBLE_EQ(schedule.At(0), 1.0);
  EXPECT_NEAR(schedule.At(5), 0.55, 1e-12);
  EXPECT_DOUBLE_EQ(schedule.At(10), 0.1);
  EXPECT_DOUBLE_EQ(schedule.At(50), 0.1);
}

}  // namespace
}  // namespace afbench::train
