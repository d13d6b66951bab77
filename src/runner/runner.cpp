#include "afbench/runner.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "afbench/hash.h"
#include "turn_source.h"

namespace afbench {
namespace {

using KeyTuple = std::tuple<int, int, int>;
KeyTuple TupleOf(const SampleKey& key) {
  return {key.query_index, static_cast<int>(key.tier), key.epoch};
}

// State shared by the workers of one ExecuteRun call.
struct RunState {
  std::vector<const PlannedSample*> pending;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  TurnCounters counters;
  std::mutex mutex;  // guards everything below
  Progress progress;
  std::optional<Error> fatal;
  ModelClient* client = nullptr;
};

bool IsCancellation(const Transcript& transcript) {
  return transcript.outcome == Outcome::kError &&
         transcript.outcome_reason.rfind(ErrorKindName(ErrorKind::kCancelled), 0) == 0;
}

bool IsAuthFailure(const Transcript& transcript) {
  return transcript.outcome == Outcome::kError &&
         transcript.outcome_reason.rfind(ErrorKindName(ErrorKind::kAuth), 0) == 0;
}

// An error while the client's breaker is open is the endpoint's failure, not this Sample's.
std::optional<Error> EndpointFailure(const Transcript& transcript, const ModelClient& client) {
  if (transcript.outcome != Outcome::kError) return std::nullopt;
  auto reason = client.stopped_reason();
  if (!reason) return std::nullopt;
  return Error{ErrorKind::kUnavailable,
               "runner: stopped starting samples: " + client.model() + ": " + *reason,
               std::nullopt};
}

Result<std::vector<Label>> ClassifyAll(const RunnerOptions& options, const Transcript& transcript) {
  std::vector<Label> labels;
  for (Classifier* classifier : options.classifiers) {
    auto label = classifier->Classify(transcript);
    if (!label) return Unexpected{label.error()};
    labels.push_back(std::move(*label));
  }
  return labels;
}

void RecordFatal(RunState& state, Error error) {
  std::lock_guard lock(state.mutex);
  if (!state.fatal) state.fatal = std::move(error);
  state.stop = true;
}

void Snapshot(RunState& state, Progress& progress) {
  progress.concurrency_limit = state.client != nullptr ? state.client->gate().limit() : 0;
  progress.requests = state.counters.requests;
  progress.cached_turns = state.counters.cached_turns;
  progress.usage.input_tokens = state.counters.input_tokens;
  progress.usage.output_tokens = state.counters.output_tokens;
  progress.usage.cache_read_tokens = state.counters.cache_read_tokens;
  progress.usage.cache_write_tokens = state.counters.cache_write_tokens;
}

// Runs one Sample and stores it. Returns false when the Run must stop.
bool RunOneSample(RunState& state, const TurnSourceContext& context,
                  const std::string& system_prompt, const PlannedSample& planned) {
  TurnSource source(context, planned.key);
  SampleInput input{planned.key, planned.query, system_prompt, planned.user_turn};
  Transcript transcript = RunProtocol(
      input, context.options->protocol,
      [&source](const Conversation& conversation, int turn_index, const std::string& prefill) {
        return source.Generate(conversation, turn_index, prefill);
      });
  // A cancelled or unauthorised Sample is not the model's doing: leave it unstored so resume redoes
  // it.
  if (IsCancellation(transcript)) return false;
  if (IsAuthFailure(transcript)) {
    RecordFatal(state,
                Error{ErrorKind::kAuth, "runner: " + transcript.outcome_reason, std::nullopt});
    return false;
  }
  if (auto failure = EndpointFailure(transcript, *context.client)) {
    RecordFatal(state, std::move(*failure));
    return false;
  }
  auto labels = ClassifyAll(*context.options, transcript);
  if (!labels) {
    RecordFatal(state, labels.error());
    return false;
  }
  Status saved = context.store->SaveSample(context.run_id, transcript, planned.user_turn, *labels,
                                           source.failed_attempts());
  if (!saved) {
    RecordFatal(state, saved.error());
    return false;
  }
  std::lock_guard lock(state.mutex);
  state.progress.done++;
  state.progress.outcomes[transcript.outcome]++;
  Snapshot(state, state.progress);
  if (context.options->on_progress) context.options->on_progress(state.progress);
  return true;
}

void Worker(RunState& state, const TurnSourceContext& context, const std::string& system_prompt) {
  const auto* cancel = context.options->cancel;
  while (!state.stop && !(cancel != nullptr && cancel->load())) {
    size_t index = state.next.fetch_add(1);
    if (index >= state.pending.size()) return;
    if (!RunOneSample(state, context, system_prompt, *state.pending[index])) return;
  }
}

void RunWorkers(RunState& state, const TurnSourceContext& context, const std::string& system_prompt,
                int max_connections) {
  int workers = std::clamp(max_connections, 1, 1024);
  workers = std::min<int>(workers, static_cast<int>(std::max<size_t>(1, state.pending.size())));
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&] { Worker(state, context, system_prompt); });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace

uint64_t SampleSeed(uint64_t run_seed, const SampleKey& key) {
  return MixSeed(run_seed, static_cast<uint64_t>(key.query_index),
                 static_cast<uint64_t>(key.epoch));
}

std::string FinishReasonText(const Generation& generation) {
  switch (generation.finish) {
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kOther:
      return "other:" + generation.raw_finish_reason;
  }
  return "other:";
}

FinishReason ParseFinishReasonText(const std::string& text) {
  if (text == "stop") return FinishReason::kStop;
  if (text == "length") return FinishReason::kLength;
  return FinishReason::kOther;
}

Result<Progress> ExecuteRun(Store& store, ModelClient& client, const std::string& run_id,
                            const std::string& system_prompt,
                            const std::vector<PlannedSample>& plan, const RunnerOptions& options) {
  auto completed = store.CompletedSamples(run_id);
  if (!completed) return Unexpected{completed.error()};
  std::set<KeyTuple> done;
  for (const SampleKey& key : *completed) done.insert(TupleOf(key));

  RunState state;
  for (const PlannedSample& planned : plan) {
    if (!done.contains(TupleOf(planned.key))) state.pending.push_back(&planned);
  }
  state.client = &client;
  state.progress.total = static_cast<int64_t>(plan.size());
  state.progress.concurrency_limit = client.gate().limit();
  state.progress.resumed = static_cast<int64_t>(plan.size() - state.pending.size());
  state.progress.done = state.progress.resumed;
  if (options.on_progress) options.on_progress(state.progress);

  TurnSourceContext context{&store, &client, &options, &state.counters, run_id};
  RunWorkers(state, context, system_prompt, options.max_connections);

  Snapshot(state, state.progress);
  if (state.fatal) return Unexpected{*state.fatal};
  if (state.progress.done < state.progress.total) {
    return Fail(ErrorKind::kCancelled, "runner: run " + run_id + " interrupted with " +
                                           std::to_string(state.progress.done) + "/" +
                                           std::to_string(state.progress.total) + " samples done");
  }
  return state.progress;
}

}  // namespace afbench
