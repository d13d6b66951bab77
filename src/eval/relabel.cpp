#include "afbench/relabel.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "afbench/lease.h"
#include "afbench/parallel.h"

namespace afbench {
namespace {

int64_t Count(const nlohmann::json& usage, const char* field) {
  return usage.contains(field) && usage[field].is_number_integer() ? usage[field].get<int64_t>()
                                                                   : 0;
}

// The tally, shared by the labelling threads.
struct SharedTally {
  std::mutex mutex;
  RelabelTally tally;

  void Add(const Label& label) {
    const auto detail = nlohmann::json::parse(label.detail_json, nullptr, false);
    std::lock_guard<std::mutex> lock(mutex);
    tally.labelled++;
    (label.value ? (*label.value ? tally.yes : tally.no) : tally.undecided)++;
    if (detail.is_object() && detail.contains("judge_error")) tally.judge_errors++;
    if (detail.is_object() && detail.contains("usage") && detail["usage"].is_object()) {
      tally.input_tokens += Count(detail["usage"], "input_tokens");
      tally.output_tokens += Count(detail["usage"], "output_tokens");
      tally.requests += Count(detail["usage"], "requests");
    }
  }
};

bool HasDecidedLabel(const StoredSample& sample, const Classifier& classifier) {
  for (const Label& label : sample.labels) {
    if (label.classifier_id == classifier.Id() &&
        label.classifier_version == classifier.Version() && label.value.has_value()) {
      return true;
    }
  }
  return false;
}

// The Samples to label: the chosen Tier, and (unless relabel) no decided label of this version
// yet, so that labelling again only retries judge errors and fills gaps.
std::vector<const StoredSample*> SamplesToLabel(const std::vector<StoredSample>& samples,
                                                const RelabelOptions& options,
                                                const Classifier& classifier, int64_t& skipped) {
  std::vector<const StoredSample*> out;
  for (const StoredSample& sample : samples) {
    if (options.tier != "all" && options.tier != TierName(sample.transcript.key.tier)) continue;
    if (!options.relabel && HasDecidedLabel(sample, classifier)) {
      skipped++;
      continue;
    }
    out.push_back(&sample);
  }
  return out;
}

// Errors after which no other Sample can be labelled either.
bool StopsEverything(const Error& error) {
  return error.kind == ErrorKind::kAuth || error.kind == ErrorKind::kCancelled ||
         error.kind == ErrorKind::kIo || error.kind == ErrorKind::kUnavailable;
}

void LabelOne(Store& store, const std::string& run_id, Classifier& classifier,
              const StoredSample& sample, SharedTally& shared, std::atomic<bool>& stop,
              RunObserver* observer) {
  Result<Label> label = classifier.Classify(sample.transcript);
  Status stored = label ? store.AddLabel(run_id, sample.transcript.key, *label)
                        : Status(Unexpected{label.error()});
  if (stored) return shared.Add(*label);
  std::lock_guard<std::mutex> lock(shared.mutex);
  shared.tally.failed++;
  const Error& error = stored.error();
  if (StopsEverything(error)) {
    if (!shared.tally.stop_error) shared.tally.stop_error = error;
    stop = true;
    return;
  }
  if (observer != nullptr) {
    observer->Notice(sample.transcript.key.ToString() + ": " + error.message);
  }
}

}  // namespace

Result<std::string> RunIdOrNewest(Store& store, const std::string& run_id) {
  if (!run_id.empty()) return run_id;
  auto runs = store.ListRuns();
  if (!runs) return Unexpected{runs.error()};
  if (runs->empty()) return Fail(ErrorKind::kNotFound, "store: no runs yet");
  return runs->front().run_id;
}

Result<JudgeOptions> StoredJudgeOptions(Store& store, const std::string& run_id) {
  auto run = store.LoadRun(run_id);
  if (!run) return Unexpected{run.error()};
  JudgeOptions options;
  options.store = &store;
  options.run_id = run_id;
  auto spec = RunSpecFromJson(run->config_json);
  if (!spec) return options;  // Older or foreign configs: only anti-ai-lab needs more.
  options.prompt_dir = spec->judge_prompt_dir;
  for (const auto& [index, extras] : spec->query_extras) {
    if (!extras.judge_question.empty()) options.questions[index] = extras.judge_question;
  }
  return options;
}

Result<RelabelTally> RelabelRun(Store& store, const std::string& run_id, Classifier& classifier,
                                const RelabelOptions& options) {
  // One labelling process per Run (two would pay for each vote twice), which first takes in the
  // votes an earlier one paid for but could not commit.
  auto lease = Lease::Acquire(store, "classify/" + run_id);
  if (!lease) return Unexpected{lease.error()};
  AFBENCH_RETURN_IF_ERROR(ImportUnsavedReplies(store, options.observer));
  auto samples = store.LoadSamples(run_id);
  if (!samples) return Unexpected{samples.error()};
  SharedTally shared;
  const auto todo = SamplesToLabel(*samples, options, classifier, shared.tally.skipped);
  std::atomic<bool> stop{false};
  ParallelFor(todo.size(), options.max_connections, stop, [&](size_t i) {
    if (options.cancel != nullptr && options.cancel->load()) {
      stop = true;
      return;
    }
    LabelOne(store, run_id, classifier, *todo[i], shared, stop, options.observer);
  });
  return shared.tally;
}

}  // namespace afbench
