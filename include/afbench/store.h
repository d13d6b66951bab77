// Store: the SQLite database that holds Runs, their queries, Samples, Turns and Labels.
//
// One file (WAL mode) per working directory by default. Raw results are written once and never
// rewritten: a Turn is committed the moment its response arrives (so a resumed Run never pays for
// it twice), a Sample is committed atomically with its outcome and its first Labels, and
// relabelling adds Labels beside the old ones. The format is specified field by field in
// docs/store-format.md.
//
// A Store owns its connection. All methods are safe to call from several threads (an internal mutex
// serialises them). Two processes may read one file at once; only one should write a given Run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "afbench/classifier.h"
#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench {

/// Everything that identifies how a Run was produced. config_json holds the full configuration.
struct RunRecord {
  std::string run_id;
  std::string created_at;   ///< UTC, ISO 8601.
  std::string finished_at;  ///< Empty while running.
  std::string status;       ///< "running", "completed", "interrupted", "failed".
  std::string model;        ///< The model spec, e.g. "openai/gpt-4o".
  std::string scenario;
  std::string prompt_hash;  ///< Sha256Hex of the rendered system prompt.
  std::string afbench_version;
  std::string git_commit;
  uint64_t seed = 0;
  std::string
      config_json;  ///< The full run configuration (sampling, protocol, user turn, dataset, ...).
  std::string system_prompt;  ///< The rendered system prompt, stored once per Run.
};

/// A query of a Run's plan, stored so that a resumed Run needs no dataset file.
struct StoredQuery {
  int query_index = 0;
  std::string text;
  int source_line = 0;
};

/// Identifies one model call that is not a Turn of a Sample: a judge's vote, and later a
/// generator's document or a reward judge's score. The Store keeps each reply under its key, so
/// that a call is requested once, ever: a resumed `afbench classify` replays it.
struct ModelCallKey {
  std::string run_id;
  std::string caller;  ///< Who asks, e.g. "judge/af-majority-vote/1" (classifier id and version).
  SampleKey sample;    ///< The Sample the call is about.
  std::string call;    ///< The call within (caller, sample), e.g. "v3/p0": vote 3, first attempt.
  std::string request_sha256;  ///< Hash of the request sent (prompt, sampling, model).
};

/// A stored model call's reply.
struct StoredModelCall {
  Generation generation;
  std::string model;     ///< The model spec that answered.
  int64_t attempts = 0;  ///< Requests it took (1 + retries).
  int64_t latency_ms = 0;
};

/// Who holds the right to write a Run (or an experiment): one writer at a time.
struct LeaseHolder {
  std::string owner;  ///< Unique per process and acquisition.
  std::string host;
  int64_t pid = 0;
  int64_t heartbeat_ms = 0;  ///< Unix time of the holder's last heartbeat.
};

/// What Store::ImportJournal did.
struct JournalImport {
  int64_t imported = 0;  ///< Replies moved into the store.
  int64_t already_stored = 0;
  std::vector<std::string> unreadable;  ///< "<journal>:<line>: why", kept in the journal.
};

/// A completed Sample as read back for summaries and exports.
struct StoredSample {
  Transcript transcript;
  std::string user_turn;
  std::vector<Label> labels;
  int64_t attempts = 0;  ///< Requests sent for this Sample, retries included.
};

class Store {
 public:
  /// Opens or creates the database at `path`. A file that is not an afbench store, or one written
  /// by a newer afbench, is refused with an error and left untouched.
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Status CreateRun(const RunRecord& run, const std::vector<StoredQuery>& queries);
  Result<RunRecord> LoadRun(const std::string& run_id);
  /// All Runs, newest first.
  Result<std::vector<RunRecord>> ListRuns();
  Status SetRunStatus(const std::string& run_id, const std::string& status, bool finished);
  Result<std::vector<StoredQuery>> LoadQueries(const std::string& run_id);

  /// A Turn stored earlier for this Sample, or nullopt.
  Result<std::optional<Turn>> LoadTurn(const std::string& run_id, const SampleKey& key,
                                       int turn_index);
  /// Commits one Turn; `attempts` counts the requests it took (1 + retries).
  Status SaveTurn(const std::string& run_id, const SampleKey& key, const Turn& turn,
                  int64_t attempts);
  /// Commits a finished Sample and its Labels in one transaction. `failed_attempts` counts requests
  /// that produced no stored Turn (the retries of a turn that finally failed). A Sample stored
  /// earlier with the `error` outcome is replaced (its failed attempts are added to the new row's);
  /// any other Sample is never replaced.
  Status SaveSample(const std::string& run_id, const Transcript& transcript,
                    const std::string& user_turn, const std::vector<Label>& labels,
                    int64_t failed_attempts);
  /// Keys of the Samples already completed in this Run (an `error` outcome is not completed).
  Result<std::vector<SampleKey>> CompletedSamples(const std::string& run_id);
  /// All completed Samples with their Turns and Labels, ordered by (query, tier, epoch).
  Result<std::vector<StoredSample>> LoadSamples(const std::string& run_id);
  /// Adds a Label; never replaces an existing one.
  Status AddLabel(const std::string& run_id, const SampleKey& key, const Label& label);

  /// A model call stored earlier under `key`, or nullopt.
  Result<std::optional<StoredModelCall>> LoadModelCall(const ModelCallKey& key);
  /// Commits one model call's reply. Saving a key twice keeps the first reply.
  Status SaveModelCall(const ModelCallKey& key, const StoredModelCall& call);
  /// Takes the lease `name` for `me` when it is free, already `me`'s, or stale (`is_stale` says so
  /// of the current holder); otherwise returns the holder. Atomic across processes.
  Result<std::optional<LeaseHolder>> AcquireLease(
      const std::string& name, const LeaseHolder& me,
      const std::function<bool(const LeaseHolder&)>& is_stale);
  /// Refreshes `owner`'s heartbeat; fails with kNotFound when the lease was taken over.
  Status RenewLease(const std::string& name, const std::string& owner, int64_t heartbeat_ms);
  /// Gives the lease up (no-op when `owner` no longer holds it).
  Status ReleaseLease(const std::string& name, const std::string& owner);

  /// How many model calls are stored for `run_id` and callers starting with `caller_prefix`.
  Result<int64_t> CountModelCalls(const std::string& run_id, const std::string& caller_prefix);
  /// Tokens of the model calls stored for `run_id` (judge votes), per model spec.
  Result<std::vector<std::pair<std::string, Usage>>> ModelCallUsage(const std::string& run_id);

  /// The journal of replies whose commit failed: `<db>.unsaved.jsonl` beside the database.
  const std::string& journal_path() const;
  /// Keeps a Turn that SaveTurn could not commit: appended to the journal and flushed to disk.
  Status JournalTurn(const std::string& run_id, const SampleKey& key, const Turn& turn,
                     int64_t attempts);
  /// Keeps a model call that SaveModelCall could not commit.
  Status JournalModelCall(const ModelCallKey& key, const StoredModelCall& call);
  /// Moves the journal's replies into the store in one transaction (one stored already is
  /// skipped), then empties the journal; unreadable lines stay in it and are named.
  Result<JournalImport> ImportJournal();

  /// Tests only: `fault` is asked before every commit ("turn", "sample", "label", "model_call")
  /// and an error it returns fails that commit, as a locked database or a full disk would.
  void SetCommitFaultForTesting(std::function<Status(std::string_view commit)> fault);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace afbench
