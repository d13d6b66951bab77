#include "turn_source.h"

namespace afbench {
namespace {

std::string LastUserMessage(const Conversation& conversation) {
  for (auto it = conversation.messages.rbegin(); it != conversation.messages.rend(); ++it) {
    if (it->role == Role::kUser) return it->content;
  }
  return "";
}

// A Turn's row in the Store as the client's CallSlot.
class TurnSlot final : public CallSlot {
 public:
  TurnSlot(Store& store, const std::string& run_id, const SampleKey& key, Turn turn)
      : store_(store), run_id_(run_id), key_(key), turn_(std::move(turn)) {}

  Result<std::optional<Generation>> Load() override {
    auto stored = store_.LoadTurn(run_id_, key_, turn_.index);
    if (!stored) return Unexpected{stored.error()};
    if (!stored->has_value()) return std::optional<Generation>();
    Generation generation;
    generation.text = (*stored)->response;
    generation.finish = ParseFinishReasonText((*stored)->finish_reason);
    generation.raw_finish_reason = (*stored)->finish_reason;
    generation.usage = (*stored)->usage;
    generation.served_model = (*stored)->served_model;
    return std::optional<Generation>(std::move(generation));
  }

  Status Save(const Generation& generation, const CallStats& stats) override {
    Fill(generation, stats);
    return store_.SaveTurn(run_id_, key_, turn_, stats.attempts);
  }

  Status Keep(const Generation& generation, const CallStats& stats) override {
    Fill(generation, stats);
    return store_.JournalTurn(run_id_, key_, turn_, stats.attempts);
  }

 private:
  void Fill(const Generation& generation, const CallStats& stats) {
    turn_.response = generation.text;
    turn_.finish_reason = FinishReasonText(generation);
    turn_.usage = generation.usage;
    turn_.latency_ms = stats.latency_ms;
    turn_.served_model = generation.served_model;
  }

  Store& store_;
  const std::string& run_id_;
  const SampleKey& key_;
  Turn turn_;
};

}  // namespace

TurnSource::TurnSource(const TurnSourceContext& context, const SampleKey& key)
    : context_(context), key_(key) {}

Result<Generation> TurnSource::Generate(const Conversation& conversation, int turn_index,
                                        const std::string& prefill) {
  const RunnerOptions& options = *context_.options;
  GenerateRequest request;
  request.sampling = options.sampling;
  if (options.sampling.seed.has_value()) {
    request.sampling.seed = SampleSeed(*options.sampling.seed, key_);
  }
  request.prefill = prefill;
  request.request_id = context_.run_id + "/" + key_.ToString() + "/t" + std::to_string(turn_index);
  Turn turn;
  turn.index = turn_index;
  turn.request = LastUserMessage(conversation);
  turn.prefill = prefill;
  TurnSlot slot(*context_.store, context_.run_id, key_, std::move(turn));
  CallStats stats;
  auto generation = context_.client->Generate(conversation, request, &slot, &stats);
  context_.counters->requests += stats.attempts;
  if (!generation) {
    failed_attempts_ += stats.attempts;
    return generation;
  }
  Count(*generation, stats);
  return generation;
}

void TurnSource::Count(const Generation& generation, const CallStats& stats) {
  if (stats.replayed) {
    context_.counters->cached_turns++;
    return;
  }
  context_.counters->input_tokens += generation.usage.input_tokens;
  context_.counters->output_tokens += generation.usage.output_tokens;
  context_.counters->cache_read_tokens += generation.usage.cache_read_tokens;
  context_.counters->cache_write_tokens += generation.usage.cache_write_tokens;
}

}  // namespace afbench
