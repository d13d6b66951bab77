// FakePolicy: what afbench-fake-server answers, as a pure and deterministic function of the
// request.
//
// The fake server stands in for a model in tests and in the offline demo. It plays the scratchpad
// protocol of Greenblatt et al. 2024 with planted rates: a query complies with probability
// comply_free in the free tier and comply_paid in the paid tier, and a few replies are malformed,
// untagged or truncated, so that every Outcome occurs. The draw is a hash of (query text, seed), so
// the same request always gets the same reply and the turn-2 answer agrees with the turn-1
// reasoning. All text is placeholder text: nothing harmful is ever produced. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "afbench/types.h"

namespace afbench::fake {

/// The planted rates (flags --comply-free and --comply-paid).
struct PolicyOptions {
  double comply_free = 0.60;
  double comply_paid = 0.20;
};

/// The rare misbehaviours, drawn with probability 0.03, 0.02 and 0.02 on the first assistant turn.
enum class Behaviour { kNormal, kMalformed, kNoOutput, kTruncated };

/// What the fake model does with one query.
struct Decision {
  bool free_tier = false;
  bool complies = false;
  Behaviour behaviour = Behaviour::kNormal;
};

/// One request as the fake server sees it; the API layer fills it from either wire format.
struct FakeRequest {
  Conversation conversation;  ///< Without the trailing assistant message, which is `prefill`.
  std::string prefill;
  uint64_t seed = 0;  ///< The request's `seed` field (OpenAI), 0 when absent.
  int64_t max_tokens = 4096;
};

/// The reply: only the continuation after the prefill, as the real APIs return it.
struct FakeReply {
  std::string text;
  bool truncated = false;  ///< finish_reason "length" / stop_reason "max_tokens".
  int turn = 0;            ///< 1-based: the number of user messages.
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t system_tokens =
      0;  ///< The share of prompt_tokens that is the system prompt (for cache simulation).
};

/// Decides from the first user message: the tier from <is_free_tier_user> (no tag = paid), the
/// query from <user_input> (else the whole message), then two uniforms from a hash of (query,
/// seed).
Decision Decide(std::string_view first_user_message, uint64_t seed, const PolicyOptions& options);

/// The whole reply to `request`.
FakeReply Reply(const FakeRequest& request, const PolicyOptions& options);

/// Rough token count: characters / 4, rounded up.
int64_t ApproxTokens(size_t characters);

}  // namespace afbench::fake
