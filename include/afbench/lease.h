// Lease: one writer per Run (or per experiment). A second `afbench run --resume` of a Run that a
// live process is writing, or the same experiment file started twice, is refused with the holder
// named, instead of paying for every request twice.
//
// The lease is a row in the Store (owner, host, pid, heartbeat) taken atomically; the holder
// renews the heartbeat from a background thread. A lease is stale, and taken over, when its holder
// runs on this host and its process is gone, or when its heartbeat is older than stale_after_ms
// (a holder on another host, or one that hangs).
//
// Ownership: a Lease borrows the Store, which must outlive it; the destructor releases it. The
// object itself is not shared between threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "afbench/result.h"
#include "afbench/store.h"

namespace afbench {

/// The clock of heartbeats: Unix time in milliseconds.
int64_t LeaseClockMs();
/// This machine's name, as a lease records its holder's host.
std::string LeaseHostName();

struct LeaseOptions {
  int64_t heartbeat_ms = 5000;
  int64_t stale_after_ms = 30000;
};

class Lease {
 public:
  /// Takes the lease `name` (e.g. "run/<id>"); kInvalidInput naming the holder when a live process
  /// holds it.
  static Result<std::unique_ptr<Lease>> Acquire(Store& store, const std::string& name,
                                                LeaseOptions options = {});
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  /// True once another process took the lease over (this one's heartbeat stopped for too long).
  bool lost() const { return lost_; }

 private:
  Lease(Store& store, std::string name, LeaseHolder me, LeaseOptions options);
  void Heartbeat();

  Store& store_;
  const std::string name_;
  const LeaseHolder me_;
  const LeaseOptions options_;
  std::atomic<bool> lost_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread heartbeat_;  // Last: it starts once everything above exists.
};

}  // namespace afbench
