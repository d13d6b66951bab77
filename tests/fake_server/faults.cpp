#include "faults.h"

#include <nlohmann/json.hpp>

#include "afbench/hash.h"

namespace afbench::fake {

const char* FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNone:
      return "none";
    case Fault::kRateLimitRetryAfter:
      return "429_retry_after";
    case Fault::kRateLimitBare:
      return "429";
    case Fault::kServerError:
      return "500";
    case Fault::kBadGateway:
      return "502";
    case Fault::kUnavailable:
      return "503";
    case Fault::kOverloaded:
      return "529";
    case Fault::kReset:
      return "reset";
    case Fault::kStall:
      return "stall";
    case Fault::kTruncatedJson:
      return "truncated_json";
    case Fault::kInvalidJson:
      return "invalid_json";
    case Fault::kEmptyCompletion:
      return "empty";
    case Fault::kHugeCompletion:
      return "huge";
  }
  return "none";
}

const std::vector<Fault>& AllFaults() {
  static const std::vector<Fault> kAll = {Fault::kRateLimitRetryAfter,
                                          Fault::kRateLimitBare,
                                          Fault::kServerError,
                                          Fault::kBadGateway,
                                          Fault::kUnavailable,
                                          Fault::kOverloaded,
                                          Fault::kReset,
                                          Fault::kStall,
                                          Fault::kTruncatedJson,
                                          Fault::kInvalidJson,
                                          Fault::kEmptyCompletion,
                                          Fault::kHugeCompletion};
  return kAll;
}

double FaultInjector::NextUnit() {
  state_ = SplitMix64(state_);
  return static_cast<double>(state_ >> 11) * 0x1.0p-53;
}

Fault FaultInjector::Next() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (NextUnit() >= options_.rate) return Fault::kNone;
  const auto& faults = AllFaults();
  auto index = static_cast<size_t>(NextUnit() * static_cast<double>(faults.size()));
  return faults[std::min(index, faults.size() - 1)];
}

int FaultStatus(Fault fault) {
  switch (fault) {
    case Fault::kRateLimitRetryAfter:
    case Fault::kRateLimitBare:
      return 429;
    case Fault::kServerError:
      return 500;
    case Fault::kBadGateway:
      return 502;
    case Fault::kUnavailable:
      return 503;
    case Fault::kOverloaded:
      return 529;
    default:
      return 200;
  }
}

std::string ApplyBodyFault(Fault fault, const std::string& body, bool anthropic,
                           size_t huge_bytes) {
  switch (fault) {
    case Fault::kTruncatedJson:
      return body.substr(0, body.size() / 2);
    case Fault::kInvalidJson:
      return "<html><body>502 upstream hiccup</body></html>";
    case Fault::kEmptyCompletion:
    case Fault::kHugeCompletion:
      break;
    default:
      return body;
  }
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return body;
  std::string text = fault == Fault::kEmptyCompletion ? "" : std::string(huge_bytes, 'x');
  if (anthropic) {
    json["content"] = nlohmann::json::array({{{"type", "text"}, {"text", text}}});
  } else {
    json["choices"][0]["message"]["content"] = text;
  }
  return json.dump();
}

std::string EchoCredentials(int status, const std::string& body, bool anthropic,
                            const std::string& credential) {
  if (status != 200) {
    return nlohmann::json({{"error", {{"message", std::string(280, '.') + " " + credential}}}})
        .dump();
  }
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return body;
  nlohmann::json& text =
      anthropic ? json["content"][0]["text"] : json["choices"][0]["message"]["content"];
  if (text.is_string()) text = text.get<std::string>() + " (you sent " + credential + ")";
  return json.dump();
}

}  // namespace afbench::fake
