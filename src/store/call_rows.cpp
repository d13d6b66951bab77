// Rows of the model_calls table: one stored reply per ModelCallKey (see store.h).
#include "call_rows.h"

#include "afbench/utc_time.h"
#include "sqlite.h"
#include "store_rows.h"

namespace afbench::rows {

const char* FinishName(FinishReason finish) {
  switch (finish) {
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kOther:
      return "other";
  }
  return "other";
}

FinishReason FinishFromName(const std::string& name) {
  if (name == "stop") return FinishReason::kStop;
  if (name == "length") return FinishReason::kLength;
  return FinishReason::kOther;
}

namespace {

void BindCallKey(sqlite::Statement& statement, const ModelCallKey& key) {
  statement.Bind(1, key.run_id).Bind(2, key.caller).Bind(3, int64_t{key.sample.query_index});
  statement.Bind(4, std::string(TierName(key.sample.tier))).Bind(5, int64_t{key.sample.epoch});
  statement.Bind(6, key.call).Bind(7, key.request_sha256);
}

StoredModelCall CallFromRow(const sqlite::Statement& row) {
  StoredModelCall call;
  call.model = row.Text(0);
  call.generation.text = row.Text(1);
  call.generation.finish = FinishFromName(row.Text(2));
  call.generation.raw_finish_reason = row.Text(3);
  call.generation.usage = {row.Int(4), row.Int(5), row.Int(6), row.Int(7)};
  call.latency_ms = row.Int(8);
  call.attempts = row.Int(9);
  return call;
}

}  // namespace

Status CreateModelCallsTable(sqlite3* db) {
  return sqlite::Exec(db, R"sql(
CREATE TABLE IF NOT EXISTS model_calls (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  caller TEXT NOT NULL,
  query_index INTEGER NOT NULL,
  tier TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  call TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  model TEXT NOT NULL,
  response TEXT NOT NULL,
  finish TEXT NOT NULL,
  raw_finish_reason TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, caller, query_index, tier, epoch, call, request_sha256)
);
)sql");
}

Status InsertModelCall(sqlite3* db, const ModelCallKey& key, const StoredModelCall& call) {
  // OR IGNORE: two writers that raced for one key both paid, but the first reply stays the one.
  auto statement = sqlite::Prepare(
      db,
      "INSERT OR IGNORE INTO model_calls (run_id, caller, query_index, tier, epoch, call, "
      "request_sha256, model, response, finish, raw_finish_reason, input_tokens, output_tokens, "
      "cache_read_tokens, cache_write_tokens, latency_ms, attempts, created_at) VALUES (?1, ?2, "
      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
  if (!statement) return Unexpected{statement.error()};
  BindCallKey(*statement, key);
  const Generation& generation = call.generation;
  statement->Bind(8, call.model).Bind(9, generation.text);
  statement->Bind(10, std::string(FinishName(generation.finish)));
  statement->Bind(11, generation.raw_finish_reason);
  statement->Bind(12, generation.usage.input_tokens).Bind(13, generation.usage.output_tokens);
  statement->Bind(14, generation.usage.cache_read_tokens);
  statement->Bind(15, generation.usage.cache_write_tokens);
  statement->Bind(16, call.latency_ms).Bind(17, call.attempts).Bind(18, UtcNow());
  return statement->Run();
}

Result<std::optional<StoredModelCall>> SelectModelCall(sqlite3* db, const ModelCallKey& key) {
  auto statement = sqlite::Prepare(
      db,
      "SELECT model, response, finish, raw_finish_reason, input_tokens, output_tokens, "
      "cache_read_tokens, cache_write_tokens, latency_ms, attempts FROM model_calls WHERE "
      "run_id = ?1 AND caller = ?2 AND query_index = ?3 AND tier = ?4 AND epoch = ?5 AND "
      "call = ?6 AND request_sha256 = ?7");
  if (!statement) return Unexpected{statement.error()};
  BindCallKey(*statement, key);
  auto row = statement->Step();
  if (!row) return Unexpected{row.error()};
  if (!*row) return std::optional<StoredModelCall>();
  return std::optional<StoredModelCall>(CallFromRow(*statement));
}

Result<int64_t> CountModelCalls(sqlite3* db, const std::string& run_id,
                                const std::string& caller_prefix) {
  auto statement = sqlite::Prepare(
      db, "SELECT count(*) FROM model_calls WHERE run_id = ?1 AND substr(caller, 1, ?2) = ?3");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, run_id).Bind(2, static_cast<int64_t>(caller_prefix.size()));
  statement->Bind(3, caller_prefix);
  auto row = statement->Step();
  if (!row) return Unexpected{row.error()};
  return *row ? statement->Int(0) : 0;
}

Result<std::vector<std::pair<std::string, Usage>>> ModelCallUsage(sqlite3* db,
                                                                  const std::string& run_id) {
  auto statement = sqlite::Prepare(
      db,
      "SELECT model, sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), "
      "sum(cache_write_tokens) FROM model_calls WHERE run_id = ?1 GROUP BY model ORDER BY model");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, run_id);
  std::vector<std::pair<std::string, Usage>> usage;
  for (;;) {
    auto row = statement->Step();
    if (!row) return Unexpected{row.error()};
    if (!*row) return usage;
    usage.emplace_back(statement->Text(0), Usage{statement->Int(1), statement->Int(2),
                                                 statement->Int(3), statement->Int(4)});
  }
}

}  // namespace afbench::rows
