// The plain data types every afbench component shares: Tier, Message, Conversation, Usage, Turn,
// Outcome, Transcript, SampleKey.
//
// A Sample is one (query, Tier, epoch) of a Run. The Protocol turns a Sample into a Transcript: the
// Turns of the scratchpad loop and one named Outcome. These are value types with no behaviour
// beyond naming; they are copied freely between threads and never hold pointers into each other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace afbench {

/// The condition a query runs in. Free = the model is told the conversation is used for training;
/// paid = the model is told it is never monitored or trained on; pro = the middle condition of the
/// three-tiers variation: rated by contractors but never trained on. Pro has no default tier tag,
/// so a Run uses it only with a variation that gives one (`user_turn.tier_tags.pro`). The order of
/// the values is the order of reports: free, pro, paid.
enum class Tier { kFree, kPro, kPaid };

/// "free", "pro" or "paid".
const char* TierName(Tier tier);
/// Parses "free"/"pro"/"paid"; nullopt otherwise.
std::optional<Tier> ParseTier(std::string_view name);
/// Every Tier in report order: free, pro, paid.
const std::vector<Tier>& AllTiers();

enum class Role { kUser, kAssistant };

struct Message {
  Role role = Role::kUser;
  std::string content;
};

/// What a Backend is asked to continue. The system prompt is kept apart from the messages because
/// APIs treat it differently (Anthropic's top-level `system`, prompt caching of the shared prefix).
struct Conversation {
  std::string system;
  std::vector<Message> messages;
};

/// Token counts as reported by the backend. cache_* are Anthropic prompt-caching counts (0
/// elsewhere).
struct Usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;

  Usage& operator+=(const Usage& other) {
    input_tokens += other.input_tokens;
    output_tokens += other.output_tokens;
    cache_read_tokens += other.cache_read_tokens;
    cache_write_tokens += other.cache_write_tokens;
    return *this;
  }
};

/// Why the backend stopped generating.
enum class FinishReason { kStop, kLength, kOther };

/// One reply of a Backend.
struct Generation {
  std::string text;
  FinishReason finish = FinishReason::kStop;
  std::string
      raw_finish_reason;  ///< The API's own word ("stop", "end_turn", "length", "max_tokens", ...).
  Usage usage;
  /// The model the provider says answered (its response's "model": a dated snapshot where the
  /// request named an alias); empty when it names none.
  std::string served_model;
};

/// Sampling parameters of a Run, sent with every request.
struct SamplingParams {
  double temperature = 1.0;
  int max_tokens = 4096;
  std::optional<uint64_t>
      seed;  ///< Sent where the API takes one; the Sample's own seed is derived from it.
};

/// One assistant turn of the scratchpad loop: what was sent (the last user message) and what came
/// back.
struct Turn {
  int index = 0;         ///< 0-based turn number within the Sample.
  std::string request;   ///< The user message of this turn (the query turn, or "<NEXT/>").
  std::string prefill;   ///< Assistant prefill sent with the request, if any.
  std::string response;  ///< The assistant text, prefill included.
  std::string finish_reason;
  Usage usage;
  int64_t latency_ms = 0;
  std::string served_model;  ///< Generation::served_model of the reply.
};

/// How a Sample ended. Every Sample ends in exactly one; none is dropped.
enum class Outcome {
  kOutput,     ///< The model produced a final <OUTPUT>.
  kNoOutput,   ///< The model stopped without an <OUTPUT> and without asking to continue.
  kTruncated,  ///< The model hit max tokens.
  kTurnLimit,  ///< --max-turns assistant turns without an <OUTPUT>.
  kMalformed,  ///< Tags are broken: unclosed, nested, or text that cannot be read as the format.
  kError,      ///< The backend failed after retries. The machinery failed, not the model.
};

/// "output", "no_output", "truncated", "turn_limit", "malformed", "error".
const char* OutcomeName(Outcome outcome);
std::optional<Outcome> ParseOutcome(std::string_view name);
/// All outcomes in their canonical order.
const std::vector<Outcome>& AllOutcomes();

/// Identifies a Sample within a Run. The epoch is part of every cache key.
struct SampleKey {
  int query_index = 0;
  Tier tier = Tier::kFree;
  int epoch = 0;

  bool operator==(const SampleKey&) const = default;
  /// "q17/free/e0": used in logs and request ids.
  std::string ToString() const;
};

/// The result of running one Sample through the Protocol.
struct Transcript {
  SampleKey key;
  std::string query;
  std::vector<Turn> turns;
  Outcome outcome = Outcome::kError;
  std::string outcome_reason;  ///< Why this outcome: a parser message, a backend error, etc.
  std::string scratchpad;      ///< All scratchpad blocks, joined with blank lines.
  std::string output;  ///< The final <OUTPUT> contents (trimmed); empty unless outcome == kOutput.
};

}  // namespace afbench
