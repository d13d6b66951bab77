#include "scheduler.h"

#include <algorithm>
#include <exception>
#include <span>
#include <utility>

#include "sampler.h"
#include "token_bytes.h"

namespace afbench::llama {
namespace {

size_t ToIndex(int slot) { return static_cast<size_t>(slot); }

}  // namespace

Scheduler::Scheduler(llama_context* context, const SchedulerOptions& options,
                     StatCounters* counters)
    : context_(context),
      vocab_(llama_model_get_vocab(llama_get_model(context))),
      options_(options),
      counters_(counters),
      table_(options.slots),
      running_(ToIndex(options.slots)),
      batch_(llama_batch_init(options.batch_tokens, 0, 1)) {}

Scheduler::~Scheduler() {
  FailAll(Fail(ErrorKind::kCancelled, "llama: the backend was shut down").error);
  llama_batch_free(batch_);
}

bool Scheduler::Active() const {
  return std::any_of(running_.begin(), running_.end(),
                     [](const std::optional<Running>& r) { return r.has_value(); });
}

void Scheduler::Admit(JobQueue& queue) {
  if (admission_paused_) return;
  for (auto it = queue.begin(); it != queue.end() && table_.IdleCount() > 0;) {
    const std::vector<Token>& prompt = (*it)->prompt;
    if (prompt.empty() || prompt.size() >= static_cast<size_t>(options_.ctx_tokens)) {
      Error error{ErrorKind::kInvalidRequest,
                  "llama: a prompt of " + std::to_string(prompt.size()) +
                      " tokens does not fit the context of " + std::to_string(options_.ctx_tokens) +
                      " tokens (raise --ctx)",
                  std::nullopt};
      // The long shared system prompt makes every other Sample's prompt as long: stop the Run.
      error.permanent = !prompt.empty();
      (*it)->done.set_value(Unexpected{std::move(error)});
      it = queue.erase(it);
      continue;
    }
    const PlanResult plan = table_.Plan(prompt);
    if (!plan.admission) {
      ++it;  // waits for a slot that is still evaluating the shared prefix
      continue;
    }
    Start(std::move(*it), *plan.admission);
    it = queue.erase(it);
  }
}

void Scheduler::PlaceInCache(Admission& admission) {
  llama_memory_t memory = llama_get_memory(context_);
  if (!options_.prefix_reuse) admission = {admission.slot, -1, 0};
  if (admission.source == admission.slot) {
    // In place: keep the shared prefix, drop the rest.
    if (llama_memory_seq_rm(memory, admission.slot, static_cast<llama_pos>(admission.reuse), -1)) {
      return;
    }
    admission = {admission.slot, -1, 0};
  }
  llama_memory_seq_rm(memory, admission.slot, -1, -1);
  if (admission.source >= 0 && admission.reuse > 0) {
    // One unified KV cache: the copy only tags the source's cells with this sequence too.
    llama_memory_seq_cp(memory, admission.source, admission.slot, 0,
                        static_cast<llama_pos>(admission.reuse));
  }
}

void Scheduler::Start(std::unique_ptr<Job> job, Admission admission) {
  PlaceInCache(admission);
  table_.Admit(admission, job->prompt);
  Result<SamplerPtr> sampler = MakeSampler(vocab_, job->sampling);
  if (!sampler) {
    job->done.set_value(Fail(sampler.error()));
    table_.Release(admission.slot);
    return;
  }
  const auto reused = static_cast<int64_t>(table_.cached(admission.slot).size());
  counters_->requests++;
  counters_->prompt_tokens += static_cast<int64_t>(job->prompt.size());
  counters_->prompt_reused += reused;
  Running running;
  running.job = std::move(job);
  running.sampler = std::move(*sampler);
  running.reused = reused;
  running.admitted = ++admissions_;
  running_[ToIndex(admission.slot)] = std::move(running);
}

void Scheduler::AddToBatch(int slot, Token token, size_t pos, bool output) {
  const int32_t i = batch_.n_tokens++;
  batch_.token[i] = token;
  batch_.pos[i] = static_cast<llama_pos>(pos);
  batch_.n_seq_id[i] = 1;
  batch_.seq_id[i][0] = slot;
  batch_.logits[i] = output ? 1 : 0;
}

void Scheduler::AddPromptChunk(int slot, int32_t& budget) {
  Running& running = *running_[ToIndex(slot)];
  const size_t remaining = table_.PromptRemaining(slot);
  if (remaining == 0 || budget <= 0) return;
  const size_t count = std::min(remaining, static_cast<size_t>(budget));
  const size_t start = table_.cached(slot).size();
  const std::vector<Token>& target = table_.target(slot);
  for (size_t i = 0; i < count; ++i) {
    // Logits only for the prompt's last token: the first reply token is sampled from them.
    const bool last = i + 1 == count && count == remaining;
    if (last) running.output_index = batch_.n_tokens;
    AddToBatch(slot, target[start + i], start + i, last);
  }
  running.batch_count = static_cast<int32_t>(count);
  budget -= static_cast<int32_t>(count);
}

void Scheduler::BuildBatch() {
  batch_.n_tokens = 0;
  for (std::optional<Running>& running : running_) {
    if (running) running->output_index = -1, running->batch_count = 0;
  }
  // Generating sequences first, so that long prompts never stall the replies in progress.
  for (int s = 0; s < table_.size(); ++s) {
    std::optional<Running>& running = running_[ToIndex(s)];
    if (!running || !running->next) continue;
    running->output_index = batch_.n_tokens;
    running->batch_count = 1;
    AddToBatch(s, *running->next, table_.cached(s).size(), true);
  }
  int32_t budget = options_.batch_tokens - batch_.n_tokens;
  for (int k = 0; k < table_.size(); ++k) {
    const int s = (rotate_ + k) % table_.size();
    if (running_[ToIndex(s)] && !running_[ToIndex(s)]->next) AddPromptChunk(s, budget);
  }
  rotate_ = (rotate_ + 1) % table_.size();
}

void Scheduler::Step(JobQueue& queue) {
  if (!Active()) return;
  BuildBatch();
  if (batch_.n_tokens == 0) return;
  const int32_t status = llama_decode(context_, batch_);
  counters_->decode_calls++;
  if (status == 1) {  // no room in the KV cache; the cache is as it was before the call
    MakeRoom(queue);
    return;
  }
  if (status != 0) {
    const Error error = Fail(ErrorKind::kInternal,
                             "llama: llama_decode failed with status " + std::to_string(status))
                            .error;
    for (int s = 0; s < table_.size(); ++s) {
      if (running_[ToIndex(s)] && running_[ToIndex(s)]->batch_count > 0) FailSlot(s, error);
    }
    return;
  }
  Commit();
  SampleOutputs();
}

void Scheduler::Commit() {
  for (int s = 0; s < table_.size(); ++s) {
    std::optional<Running>& running = running_[ToIndex(s)];
    if (!running || running->batch_count == 0) continue;
    if (running->next) {
      const Token token = *running->next;
      table_.Append(s, std::span<const Token>(&token, 1));
      running->next.reset();
      continue;
    }
    const std::span<const Token> target(table_.target(s));
    table_.Append(
        s, target.subspan(table_.cached(s).size(), static_cast<size_t>(running->batch_count)));
    running->evaluated += running->batch_count;
    counters_->prompt_evaluated += running->batch_count;
  }
}

void Scheduler::SampleOutputs() {
  for (int s = 0; s < table_.size(); ++s) {
    if (running_[ToIndex(s)] && running_[ToIndex(s)]->output_index >= 0) SampleOne(s);
  }
}

void Scheduler::SampleOne(int slot) {
  Running& running = *running_[ToIndex(slot)];
  Token token = 0;
  try {
    token = llama_sampler_sample(running.sampler.get(), context_, running.output_index);
  } catch (const std::exception& error) {
    FailSlot(slot,
             Fail(ErrorKind::kInternal, std::string("llama: sampling: ") + error.what()).error);
    return;
  }
  if (llama_vocab_is_eog(vocab_, token)) {
    Finish(slot, true);
    return;
  }
  AppendTokenBytes(vocab_, token, running.text);
  running.tokens.push_back(token);
  running.generated++;
  counters_->generated++;
  // The token would go at position cached().size(): stop where the limit or the context ends.
  const bool full = table_.cached(slot).size() >= static_cast<size_t>(options_.ctx_tokens);
  if (running.generated >= running.job->sampling.max_tokens || full) {
    Finish(slot, false);
    return;
  }
  running.next = token;
}

void Scheduler::Finish(int slot, bool stopped) {
  Running& running = *running_[ToIndex(slot)];
  Completion completion;
  completion.text = std::move(running.text);
  completion.tokens = std::move(running.tokens);
  completion.stopped = stopped;
  completion.prompt_tokens = static_cast<int64_t>(running.job->prompt.size());
  completion.prompt_evaluated = running.job->evaluated_before + running.evaluated;
  completion.prompt_reused = running.reused;
  completion.generated = running.generated;
  running.job->done.set_value(std::move(completion));
  running_[ToIndex(slot)].reset();
  table_.Release(slot);
  admission_paused_ = false;
}

void Scheduler::ClearSequence(int slot) {
  llama_memory_seq_rm(llama_get_memory(context_), slot, -1, -1);
  table_.Truncate(slot, 0);
}

void Scheduler::FailSlot(int slot, const Error& error) {
  running_[ToIndex(slot)]->job->done.set_value(Fail(error));
  running_[ToIndex(slot)].reset();
  table_.Release(slot);
  ClearSequence(slot);
  admission_paused_ = false;
}

void Scheduler::FailAll(const Error& error) {
  for (int s = 0; s < table_.size(); ++s) {
    if (running_[ToIndex(s)]) FailSlot(s, error);
  }
}

void Scheduler::MakeRoom(JobQueue& queue) {
  if (std::optional<Eviction> eviction = table_.NextEviction()) {
    llama_memory_t memory = llama_get_memory(context_);
    size_t keep = eviction->keep;
    if (!llama_memory_seq_rm(memory, eviction->slot, static_cast<llama_pos>(keep), -1)) {
      llama_memory_seq_rm(memory, eviction->slot, -1, -1);
      keep = 0;
    }
    table_.Truncate(eviction->slot, keep);
    counters_->evictions++;
    return;
  }
  // Nothing idle left to drop: restart the newest request once the others have made room.
  int victim = -1;
  int running_count = 0;
  for (int s = 0; s < table_.size(); ++s) {
    const std::optional<Running>& running = running_[ToIndex(s)];
    if (!running) continue;
    ++running_count;
    if (victim < 0 || running->admitted > running_[ToIndex(victim)]->admitted) victim = s;
  }
  if (running_count <= 1) {
    FailSlot(victim, Fail(ErrorKind::kInvalidRequest,
                          "llama: the KV cache of " + std::to_string(options_.ctx_tokens) +
                              " tokens is full (raise --ctx or lower --parallel)")
                         .error);
    return;
  }
  Running& preempted = *running_[ToIndex(victim)];
  preempted.job->evaluated_before += preempted.evaluated;
  queue.push_front(std::move(preempted.job));
  running_[ToIndex(victim)].reset();
  table_.Release(victim);
  ClearSequence(victim);
  counters_->preemptions++;
  admission_paused_ = true;
}

}  // namespace afbench::llama
