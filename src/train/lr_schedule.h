// LrSchedule: the learning rate of each optimizer step, linear warm-up then cosine decay.
//
// A pure value type with no state beyond its options; safe to share between threads.
#pragma once

#include <cstdint>

namespace afbench::train {

/// Warm-up from 0 to peak over warmup_steps, then cosine decay to min_lr at total_steps.
struct LrSchedule {
  double peak_lr = 1e-3;
  double min_lr = 1e-4;
  int64_t warmup_steps = 100;
  int64_t total_steps = 1000;

  /// The rate for 0-based `step`; steps past total_steps get min_lr.
  double At(int64_t step) const;
};

}  // namespace afbench::train
