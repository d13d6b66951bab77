#include "afbench/lease.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <random>

namespace afbench {
namespace {

bool ProcessIsGone(int64_t pid) {
  return pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

LeaseHolder Me() {
  LeaseHolder me;
  me.host = LeaseHostName();
  me.pid = static_cast<int64_t>(getpid());
  me.owner = me.host + "/" + std::to_string(me.pid) + "/" +
             std::to_string(std::random_device{}() & 0xffffffffu);
  me.heartbeat_ms = LeaseClockMs();
  return me;
}

std::string Describe(const LeaseHolder& holder) {
  const int64_t age_s = (LeaseClockMs() - holder.heartbeat_ms) / 1000;
  return "process " + std::to_string(holder.pid) + " on " + holder.host + " (last heartbeat " +
         std::to_string(age_s) + " s ago)";
}

}  // namespace

int64_t LeaseClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string LeaseHostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

Result<std::unique_ptr<Lease>> Lease::Acquire(Store& store, const std::string& name,
                                              LeaseOptions options) {
  const LeaseHolder me = Me();
  const auto is_stale = [&](const LeaseHolder& holder) {
    if (holder.host == me.host && ProcessIsGone(holder.pid)) return true;
    return LeaseClockMs() - holder.heartbeat_ms > options.stale_after_ms;
  };
  auto holder = store.AcquireLease(name, me, is_stale);
  if (!holder) return Unexpected{holder.error()};
  if (holder->has_value()) {
    return Fail(ErrorKind::kInvalidInput,
                "store: " + name + " is being written by " + Describe(**holder) +
                    "; refusing to write it twice (wait for it to finish, or stop it first)");
  }
  return std::unique_ptr<Lease>(new Lease(store, name, me, options));
}

Lease::Lease(Store& store, std::string name, LeaseHolder me, LeaseOptions options)
    : store_(store),
      name_(std::move(name)),
      me_(std::move(me)),
      options_(options),
      heartbeat_([this] { Heartbeat(); }) {}

Lease::~Lease() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  heartbeat_.join();
  (void)store_.ReleaseLease(name_, me_.owner);
}

void Lease::Heartbeat() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(options_.heartbeat_ms),
                         [this] { return stopping_; })) {
    if (!store_.RenewLease(name_, me_.owner, LeaseClockMs())) lost_ = true;
  }
}

}  // namespace afbench
