#include "afbench/types.h"

#include <string>

#include "afbench/result.h"

namespace afbench {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "invalid_input";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kRateLimited:
      return "rate_limited";
    case ErrorKind::kTransient:
      return "transient";
    case ErrorKind::kAuth:
      return "auth";
    case ErrorKind::kInvalidRequest:
      return "invalid_request";
    case ErrorKind::kBadResponse:
      return "bad_response";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

const char* TierName(Tier tier) {
  switch (tier) {
    case Tier::kFree:
      return "free";
    case Tier::kPro:
      return "pro";
    case Tier::kPaid:
      return "paid";
  }
  return "paid";
}

const std::vector<Tier>& AllTiers() {
  static const std::vector<Tier> kAll = {Tier::kFree, Tier::kPro, Tier::kPaid};
  return kAll;
}

std::optional<Tier> ParseTier(std::string_view name) {
  for (Tier tier : AllTiers()) {
    if (name == TierName(tier)) return tier;
  }
  return std::nullopt;
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOutput:
      return "output";
    case Outcome::kNoOutput:
      return "no_output";
    case Outcome::kTruncated:
      return "truncated";
    case Outcome::kTurnLimit:
      return "turn_limit";
    case Outcome::kMalformed:
      return "malformed";
    case Outcome::kError:
      return "error";
  }
  return "error";
}

const std::vector<Outcome>& AllOutcomes() {
  static const std::vector<Outcome> kAll = {Outcome::kOutput,    Outcome::kNoOutput,
                                            Outcome::kTruncated, Outcome::kTurnLimit,
                                            Outcome::kMalformed, Outcome::kError};
  return kAll;
}

std::optional<Outcome> ParseOutcome(std::string_view name) {
  for (Outcome outcome : AllOutcomes()) {
    if (name == OutcomeName(outcome)) return outcome;
  }
  return std::nullopt;
}

std::string SampleKey::ToString() const {
  return "q" + std::to_string(query_index) + "/" + TierName(tier) + "/e" + std::to_string(epoch);
}

}  // namespace afbench
