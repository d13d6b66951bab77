// Scheduler: the continuous-batching loop over one llama_context, run by the engine's thread.
//
// Each Step() builds one batch from every running sequence (one token per generating sequence
// first, then prompt tokens up to the batch size, taken from the sequences in turn), decodes it,
// and samples a token for every sequence whose logits it asked for. A sequence that ends (end of
// generation, its token limit or the context's end) completes its request at once and frees its
// slot; Admit() fills free slots from the queue between steps. When the KV cache is full, idle
// sequences' cached tokens are dropped (SlotTable::NextEviction), and as a last resort the newest
// request is restarted later (its seeded sampler gives the same reply again).
//
// Not thread-safe: only the engine's thread calls it, and it alone touches the context.
#pragma once

#include <llama.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine_types.h"
#include "slot_table.h"

namespace afbench::llama {

struct SchedulerOptions {
  int slots = 1;
  int batch_tokens = 2048;
  int ctx_tokens = 4096;
  /// False for models whose memory cannot be cut at a position (recurrent, hybrid): every request
  /// then starts from an empty sequence.
  bool prefix_reuse = true;
};

using JobQueue = std::deque<std::unique_ptr<Job>>;

class Scheduler {
 public:
  Scheduler(llama_context* context, const SchedulerOptions& options, StatCounters* counters);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Starts queued requests in free slots, in queue order; requests waiting for a shared prefix
  /// that another slot is still evaluating stay queued.
  void Admit(JobQueue& queue);
  /// One decode step over the running requests. Requests preempted for room go back to the front
  /// of `queue`.
  void Step(JobQueue& queue);
  /// True while some request is running.
  bool Active() const;
  /// Fails every running request with `error` and empties their sequences.
  void FailAll(const Error& error);

 private:
  struct Running {
    std::unique_ptr<Job> job;
    SamplerPtr sampler;
    std::string text;
    std::vector<Token> tokens;
    int64_t generated = 0;
    int64_t evaluated = 0;
    int64_t reused = 0;
    std::optional<Token> next;  ///< Sampled, decoded in the next step.
    int32_t output_index = -1;  ///< Batch row whose logits are sampled after this step.
    int32_t batch_count = 0;    ///< Tokens of this sequence in the current batch.
    uint64_t admitted = 0;      ///< Admission order, for preemption.
  };

  void Start(std::unique_ptr<Job> job, Admission admission);
  void PlaceInCache(Admission& admission);
  void BuildBatch();
  void AddToBatch(int slot, Token token, size_t pos, bool output);
  void AddPromptChunk(int slot, int32_t& budget);
  void Commit();
  void SampleOutputs();
  void SampleOne(int slot);
  void Finish(int slot, bool stopped);
  void FailSlot(int slot, const Error& error);
  void MakeRoom(JobQueue& queue);
  void ClearSequence(int slot);

  llama_context* context_;
  const llama_vocab* vocab_;
  SchedulerOptions options_;
  StatCounters* counters_;
  SlotTable table_;
  std::vector<std::optional<Running>> running_;
  llama_batch batch_;
  int rotate_ = 0;
  /// Set when a request was preempted for room: nothing new starts until a request finishes
  /// (else the preempted one would come straight back and the cache would never drain).
  bool admission_paused_ = false;
  uint64_t admissions_ = 0;
};

}  // namespace afbench::llama
