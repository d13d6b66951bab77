// StoredCallSlot: a CallSlot (model_client.h) in the Store's model_calls table, for model calls
// that are not a Sample's Turns (a judge's votes; later generators and reward judges). The key
// holds a hash of the request itself (RequestSha256), so a changed prompt, model or sampling
// setting is a new call while an identical request is answered from the Store: vote k of judge J
// on Sample S is requested once, ever.
//
// A slot is a small value bound to one key; it borrows the Store. Thread-safe as the Store is.
#pragma once

#include <string>

#include "afbench/model_client.h"
#include "afbench/store.h"

namespace afbench {

/// SHA-256 of everything that decides a reply: model, conversation, prefill and sampling.
std::string RequestSha256(const std::string& model, const Conversation& conversation,
                          const GenerateRequest& request);

class StoredCallSlot final : public CallSlot {
 public:
  /// `key.request_sha256` is filled in by the caller (RequestSha256).
  StoredCallSlot(Store& store, ModelCallKey key, std::string model)
      : store_(store), key_(std::move(key)), model_(std::move(model)) {}

  Result<std::optional<Generation>> Load() override;
  Status Save(const Generation& generation, const CallStats& stats) override;
  Status Keep(const Generation& generation, const CallStats& stats) override;

 private:
  Store& store_;
  ModelCallKey key_;
  std::string model_;
};

}  // namespace afbench
