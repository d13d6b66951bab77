// Relabelling as a library: label the stored Samples of a Run with a Classifier, without
// generating anything again (`afbench classify` parses flags, builds the classifier, calls
// RelabelRun and prints the tally).
//
// Resumable: a Sample that already has a decided label of this classifier version is skipped
// (unless `relabel`), and an LLM judge's calls are stored per call through its ModelClient, so a
// labelling killed halfway and run again pays for no vote whose reply was stored. One labelling
// process per Run (a lease); it first imports the replies a killed one journaled.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "afbench/classifier.h"
#include "afbench/judges.h"
#include "afbench/result.h"
#include "afbench/runs.h"
#include "afbench/store.h"

namespace afbench {

struct RelabelOptions {
  std::string tier = "all";  ///< "free", "pro", "paid" or "all".
  bool relabel = false;      ///< Also Samples that have a decided label of this version.
  int max_connections = 8;   ///< Samples labelled at once.
  const std::atomic<bool>* cancel = nullptr;
  RunObserver* observer = nullptr;  ///< Hears per-Sample failures and the journal import.
};

/// What one relabelling did.
struct RelabelTally {
  int64_t labelled = 0, yes = 0, no = 0, undecided = 0, judge_errors = 0, failed = 0;
  int64_t skipped = 0;  ///< Already labelled by this classifier version.
  int64_t input_tokens = 0, output_tokens = 0, requests = 0;  ///< The judge's, from the labels.
  /// An error that stopped the labelling early (rejected credentials, cancellation, the store, a
  /// judge the client stopped sending to).
  std::optional<Error> stop_error;
};

/// `run_id`, or the newest Run of the store when it is empty.
Result<std::string> RunIdOrNewest(Store& store, const std::string& run_id);

/// What a stored Run tells its judges: where to store their calls, and for the anti-ai-lab judge
/// the scenario's questions and prompt folder.
Result<JudgeOptions> StoredJudgeOptions(Store& store, const std::string& run_id);

/// Labels the Samples of `run_id` (those of `options.tier`) with `classifier`.
Result<RelabelTally> RelabelRun(Store& store, const std::string& run_id, Classifier& classifier,
                                const RelabelOptions& options);

}  // namespace afbench
