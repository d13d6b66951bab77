#include "store_rows.h"

#include <map>
#include <tuple>

#include "afbench/utc_time.h"
#include "sqlite.h"

namespace afbench::rows {
namespace {

using SampleTuple = std::tuple<int, std::string, int>;

SampleTuple TupleOf(const SampleKey& key) {
  return {key.query_index, TierName(key.tier), key.epoch};
}

SampleKey KeyFromColumns(const sqlite::Statement& row, int first_column) {
  SampleKey key;
  key.query_index = static_cast<int>(row.Int(first_column));
  key.tier = ParseTier(row.Text(first_column + 1)).value_or(Tier::kFree);
  key.epoch = static_cast<int>(row.Int(first_column + 2));
  return key;
}

void BindKey(sqlite::Statement& statement, int first, const std::string& run_id,
             const SampleKey& key) {
  statement.Bind(first, run_id)
      .Bind(first + 1, int64_t{key.query_index})
      .Bind(first + 2, std::string(TierName(key.tier)))
      .Bind(first + 3, int64_t{key.epoch});
}

RunRecord RunFromRow(const sqlite::Statement& row) {
  RunRecord run;
  run.run_id = row.Text(0);
  run.created_at = row.Text(1);
  run.finished_at = row.Text(2);
  run.status = row.Text(3);
  run.model = row.Text(4);
  run.scenario = row.Text(5);
  run.prompt_hash = row.Text(6);
  run.afbench_version = row.Text(7);
  run.git_commit = row.Text(8);
  run.seed = static_cast<uint64_t>(row.Int(9));
  run.config_json = row.Text(10);
  run.system_prompt = row.Text(11);
  return run;
}

Turn TurnFromRow(const sqlite::Statement& row, int first) {
  Turn turn;
  turn.index = static_cast<int>(row.Int(first));
  turn.request = row.Text(first + 1);
  turn.prefill = row.Text(first + 2);
  turn.response = row.Text(first + 3);
  turn.finish_reason = row.Text(first + 4);
  turn.usage.input_tokens = row.Int(first + 5);
  turn.usage.output_tokens = row.Int(first + 6);
  turn.usage.cache_read_tokens = row.Int(first + 7);
  turn.usage.cache_write_tokens = row.Int(first + 8);
  turn.latency_ms = row.Int(first + 9);
  turn.served_model = row.Text(first + 10);
  return turn;
}

constexpr const char* kTurnColumns =
    "turn_index, request, prefill, response, finish_reason, input_tokens, output_tokens, "
    "cache_read_tokens, cache_write_tokens, latency_ms, served_model";

Label LabelFromRow(const sqlite::Statement& row, int first) {
  Label label;
  label.classifier_id = row.Text(first);
  label.classifier_version = row.Text(first + 1);
  if (!row.IsNull(first + 2)) label.value = row.Int(first + 2) != 0;
  label.score = row.Double(first + 3);
  label.detail_json = row.Text(first + 4);
  return label;
}

}  // namespace

Status InsertRun(sqlite3* db, const RunRecord& run) {
  auto statement = sqlite::Prepare(
      db,
      "INSERT INTO runs (run_id, created_at, finished_at, status, model, scenario, prompt_hash, "
      "afbench_version, git_commit, seed, config_json, system_prompt) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, run.run_id)
      .Bind(2, run.created_at)
      .Bind(3, run.finished_at)
      .Bind(4, run.status);
  statement->Bind(5, run.model).Bind(6, run.scenario).Bind(7, run.prompt_hash);
  statement->Bind(8, run.afbench_version).Bind(9, run.git_commit);
  // SQLite integers are signed: the seed's bits are stored as-is and read back the same way.
  statement->Bind(10, static_cast<int64_t>(run.seed)).Bind(11, run.config_json);
  statement->Bind(12, run.system_prompt);
  return statement->Run();
}

Result<std::vector<RunRecord>> SelectRuns(sqlite3* db, const std::string& run_id) {
  std::string sql =
      "SELECT run_id, created_at, finished_at, status, model, scenario, prompt_hash, "
      "afbench_version, git_commit, seed, config_json, system_prompt FROM runs";
  sql += run_id.empty() ? " ORDER BY created_at DESC, rowid DESC" : " WHERE run_id = ?1";
  auto statement = sqlite::Prepare(db, sql);
  if (!statement) return Unexpected{statement.error()};
  if (!run_id.empty()) statement->Bind(1, run_id);
  std::vector<RunRecord> runs;
  for (;;) {
    auto row = statement->Step();
    if (!row) return Unexpected{row.error()};
    if (!*row) break;
    runs.push_back(RunFromRow(*statement));
  }
  return runs;
}

Status InsertQuery(sqlite3* db, const std::string& run_id, const StoredQuery& query) {
  auto statement = sqlite::Prepare(
      db, "INSERT INTO queries (run_id, query_index, text, source_line) VALUES (?1, ?2, ?3, ?4)");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, run_id).Bind(2, int64_t{query.query_index}).Bind(3, query.text);
  statement->Bind(4, int64_t{query.source_line});
  return statement->Run();
}

Result<std::vector<StoredQuery>> SelectQueries(sqlite3* db, const std::string& run_id) {
  auto statement = sqlite::Prepare(db,
                                   "SELECT query_index, text, source_line FROM queries "
                                   "WHERE run_id = ?1 ORDER BY query_index");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, run_id);
  std::vector<StoredQuery> queries;
  for (;;) {
    auto row = statement->Step();
    if (!row) return Unexpected{row.error()};
    if (!*row) break;
    queries.push_back({static_cast<int>(statement->Int(0)), statement->Text(1),
                       static_cast<int>(statement->Int(2))});
  }
  return queries;
}

Status InsertTurn(sqlite3* db, const std::string& run_id, const SampleKey& key, const Turn& turn,
                  int64_t attempts) {
  auto statement = sqlite::Prepare(
      db,
      "INSERT INTO turns (run_id, query_index, tier, epoch, turn_index, request, prefill, "
      "response, "
      "finish_reason, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
      "latency_ms, attempts, created_at, served_model) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
  if (!statement) return Unexpected{statement.error()};
  BindKey(*statement, 1, run_id, key);
  statement->Bind(5, int64_t{turn.index}).Bind(6, turn.request).Bind(7, turn.prefill);
  statement->Bind(8, turn.response).Bind(9, turn.finish_reason);
  statement->Bind(10, turn.usage.input_tokens).Bind(11, turn.usage.output_tokens);
  statement->Bind(12, turn.usage.cache_read_tokens).Bind(13, turn.usage.cache_write_tokens);
  statement->Bind(14, turn.latency_ms).Bind(15, attempts).Bind(16, UtcNow());
  statement->Bind(17, turn.served_model);
  return statement->Run();
}

Result<std::optional<Turn>> SelectTurn(sqlite3* db, const std::string& run_id, const SampleKey& key,
                                       int turn_index) {
  auto statement = sqlite::Prepare(
      db, std::string("SELECT ") + kTurnColumns +
              " FROM turns WHERE run_id = ?1 AND query_index = ?2 AND tier = ?3 AND epoch = ?4 "
              "AND turn_index = ?5");
  if (!statement) return Unexpected{statement.error()};
  BindKey(*statement, 1, run_id, key);
  statement->Bind(5, int64_t{turn_index});
  auto row = statement->Step();
  if (!row) return Unexpected{row.error()};
  if (!*row) return std::optional<Turn>();
  return std::optional<Turn>(TurnFromRow(*statement, 0));
}

Status InsertSample(sqlite3* db, const std::string& run_id, const Transcript& transcript,
                    const std::string& user_turn, int64_t failed_attempts) {
  auto statement = sqlite::Prepare(
      db,
      "INSERT INTO samples (run_id, query_index, tier, epoch, user_turn, outcome, outcome_reason, "
      "scratchpad, output, turn_count, failed_attempts, completed_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!statement) return Unexpected{statement.error()};
  BindKey(*statement, 1, run_id, transcript.key);
  statement->Bind(5, user_turn).Bind(6, std::string(OutcomeName(transcript.outcome)));
  statement->Bind(7, transcript.outcome_reason).Bind(8, transcript.scratchpad);
  statement->Bind(9, transcript.output).Bind(10, static_cast<int64_t>(transcript.turns.size()));
  statement->Bind(11, failed_attempts).Bind(12, UtcNow());
  return statement->Run();
}

Result<int64_t> RemoveErroredSample(sqlite3* db, const std::string& run_id, const SampleKey& key) {
  auto select = sqlite::Prepare(db,
                                "SELECT failed_attempts FROM samples WHERE run_id = ?1 AND "
                                "query_index = ?2 AND tier = ?3 AND epoch = ?4 AND outcome = ?5");
  if (!select) return Unexpected{select.error()};
  BindKey(*select, 1, run_id, key);
  select->Bind(5, std::string(OutcomeName(Outcome::kError)));
  auto row = select->Step();
  if (!row) return Unexpected{row.error()};
  if (!*row) return int64_t{0};
  const int64_t failed_attempts = select->Int(0);
  for (const char* table : {"labels", "samples"}) {
    auto remove = sqlite::Prepare(db, std::string("DELETE FROM ") + table +
                                          " WHERE run_id = ?1 AND query_index = ?2 AND "
                                          "tier = ?3 AND epoch = ?4");
    if (!remove) return Unexpected{remove.error()};
    BindKey(*remove, 1, run_id, key);
    AFBENCH_RETURN_IF_ERROR(remove->Run());
  }
  return failed_attempts;
}

Result<std::vector<SampleKey>> SelectCompletedKeys(sqlite3* db, const std::string& run_id) {
  auto statement = sqlite::Prepare(
      db, "SELECT query_index, tier, epoch FROM samples WHERE run_id = ?1 AND outcome != 'error'");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, run_id);
  std::vector<SampleKey> keys;
  for (;;) {
    auto row = statement->Step();
    if (!row) return Unexpected{row.error()};
    if (!*row) break;
    keys.push_back(KeyFromColumns(*statement, 0));
  }
  return keys;
}

namespace {

StoredSample SampleFromRow(const sqlite::Statement& row) {
  StoredSample sample;
  Transcript& transcript = sample.transcript;
  transcript.key = KeyFromColumns(row, 0);
  sample.user_turn = row.Text(3);
  transcript.outcome = ParseOutcome(row.Text(4)).value_or(Outcome::kError);
  transcript.outcome_reason = row.Text(5);
  transcript.scratchpad = row.Text(6);
  transcript.output = row.Text(7);
  transcript.query = row.Text(8);
  sample.attempts = row.Int(9);
  return sample;
}

// Attaches every turn and label of the run to its sample; rows of unfinished samples are skipped.
Status AttachTurnsAndLabels(sqlite3* db, const std::string& run_id,
                            std::map<SampleTuple, StoredSample*>& by_key) {
  auto turns =
      sqlite::Prepare(db, std::string("SELECT query_index, tier, epoch, attempts, ") +
                              kTurnColumns + " FROM turns WHERE run_id = ?1 ORDER BY turn_index");
  if (!turns) return Unexpected{turns.error()};
  turns->Bind(1, run_id);
  for (;;) {
    auto row = turns->Step();
    if (!row) return Unexpected{row.error()};
    if (!*row) break;
    auto found = by_key.find(TupleOf(KeyFromColumns(*turns, 0)));
    if (found == by_key.end()) continue;
    found->second->transcript.turns.push_back(TurnFromRow(*turns, 4));
    found->second->attempts += turns->Int(3);
  }
  auto labels =
      sqlite::Prepare(db,
                      "SELECT query_index, tier, epoch, classifier_id, classifier_version, "
                      "value, score, detail_json FROM labels WHERE run_id = ?1 "
                      "ORDER BY label_id");
  if (!labels) return Unexpected{labels.error()};
  labels->Bind(1, run_id);
  for (;;) {
    auto row = labels->Step();
    if (!row) return Unexpected{row.error()};
    if (!*row) break;
    auto found = by_key.find(TupleOf(KeyFromColumns(*labels, 0)));
    if (found != by_key.end()) found->second->labels.push_back(LabelFromRow(*labels, 3));
  }
  return {};
}

}  // namespace

Result<std::vector<StoredSample>> SelectSamples(sqlite3* db, const std::string& run_id) {
  auto statement = sqlite::Prepare(
      db,
      "SELECT s.query_index, s.tier, s.epoch, s.user_turn, s.outcome, s.outcome_reason, "
      "s.scratchpad, s.output, q.text, s.failed_attempts FROM samples s JOIN queries q "
      "ON q.run_id = s.run_id AND q.query_index = s.query_index WHERE s.run_id = ?1 "
      "ORDER BY s.query_index, s.tier, s.epoch");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, run_id);
  std::vector<StoredSample> samples;
  for (;;) {
    auto row = statement->Step();
    if (!row) return Unexpected{row.error()};
    if (!*row) break;
    samples.push_back(SampleFromRow(*statement));
  }
  std::map<SampleTuple, StoredSample*> by_key;
  for (StoredSample& sample : samples) by_key[TupleOf(sample.transcript.key)] = &sample;
  AFBENCH_RETURN_IF_ERROR(AttachTurnsAndLabels(db, run_id, by_key));
  return samples;
}

Status InsertLabel(sqlite3* db, const std::string& run_id, const SampleKey& key,
                   const Label& label) {
  auto statement = sqlite::Prepare(
      db,
      "INSERT INTO labels (run_id, query_index, tier, epoch, classifier_id, classifier_version, "
      "value, score, detail_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!statement) return Unexpected{statement.error()};
  BindKey(*statement, 1, run_id, key);
  statement->Bind(5, label.classifier_id).Bind(6, label.classifier_version);
  if (label.value.has_value()) {
    statement->Bind(7, int64_t{*label.value ? 1 : 0});
  } else {
    statement->BindNull(7);
  }
  statement->BindDouble(8, label.score).Bind(9, label.detail_json).Bind(10, UtcNow());
  return statement->Run();
}

}  // namespace afbench::rows
