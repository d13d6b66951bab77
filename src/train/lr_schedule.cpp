#include "lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace afbench::train {

// Warm-up avoids large AdamW steps while its second-moment estimate is still noisy; cosine decay
// (Loshchilov & Hutter 2017, without restarts) settles the weights for the final model.
double LrSchedule::At(int64_t step) const {
  if (step < warmup_steps) {
    return peak_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  }
  const int64_t decay_steps = std::max<int64_t>(1, total_steps - warmup_steps);
  const double progress =
      std::min(1.0, static_cast<double>(step - warmup_steps) / static_cast<double>(decay_steps));
  return min_lr + 0.5 * (peak_lr - min_lr) * (1.0 + std::cos(std::numbers::pi * progress));
}

}  // namespace afbench::train
