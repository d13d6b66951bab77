#include "schema.h"

#include <string>

#include "call_rows.h"
#include "lease_rows.h"
#include "sqlite.h"

namespace afbench {
namespace {

constexpr const char* kCreateTables = R"sql(
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  model TEXT NOT NULL,
  scenario TEXT NOT NULL,
  prompt_hash TEXT NOT NULL,
  afbench_version TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  seed INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  system_prompt TEXT NOT NULL
);
CREATE TABLE queries (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  query_index INTEGER NOT NULL,
  text TEXT NOT NULL,
  source_line INTEGER NOT NULL,
  PRIMARY KEY (run_id, query_index)
);
CREATE TABLE turns (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  query_index INTEGER NOT NULL,
  tier TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  turn_index INTEGER NOT NULL,
  request TEXT NOT NULL,
  prefill TEXT NOT NULL,
  response TEXT NOT NULL,
  finish_reason TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  served_model TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, query_index, tier, epoch, turn_index)
);
CREATE TABLE samples (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  query_index INTEGER NOT NULL,
  tier TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  user_turn TEXT NOT NULL,
  outcome TEXT NOT NULL,
  outcome_reason TEXT NOT NULL,
  scratchpad TEXT NOT NULL,
  output TEXT NOT NULL,
  turn_count INTEGER NOT NULL,
  failed_attempts INTEGER NOT NULL,
  completed_at TEXT NOT NULL,
  PRIMARY KEY (run_id, query_index, tier, epoch)
);
CREATE TABLE labels (
  label_id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  query_index INTEGER NOT NULL,
  tier TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  classifier_id TEXT NOT NULL,
  classifier_version TEXT NOT NULL,
  value INTEGER,
  score REAL NOT NULL,
  detail_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX labels_by_sample ON labels (run_id, query_index, tier, epoch);
)sql";

Result<int64_t> PragmaInt(sqlite3* db, const char* pragma) {
  auto statement = sqlite::Prepare(db, std::string("PRAGMA ") + pragma);
  if (!statement) return Unexpected{statement.error()};
  auto row = statement->Step();
  if (!row) return Unexpected{row.error()};
  return *row ? statement->Int(0) : 0;
}

Result<bool> HasTables(sqlite3* db) {
  auto statement = sqlite::Prepare(db, "SELECT count(*) FROM sqlite_master");
  if (!statement) return Unexpected{statement.error()};
  auto row = statement->Step();
  if (!row) return Unexpected{row.error()};
  return statement->Int(0) > 0;
}

// What a file holds before it is opened as a store.
struct SchemaState {
  int64_t application_id = 0;
  bool has_tables = false;
  int64_t version = 0;

  bool Empty() const { return application_id == 0 && !has_tables; }
};

Result<SchemaState> ReadState(sqlite3* db) {
  SchemaState state;
  auto application_id = PragmaInt(db, "application_id");
  if (!application_id) return Unexpected{application_id.error()};
  state.application_id = *application_id;
  auto has_tables = HasTables(db);
  if (!has_tables) return Unexpected{has_tables.error()};
  state.has_tables = *has_tables;
  auto version = PragmaInt(db, "user_version");
  if (!version) return Unexpected{version.error()};
  state.version = *version;
  return state;
}

// ReadState in one read transaction: the three reads see one version of the file even while
// another process is creating it.
Result<SchemaState> ReadSnapshot(sqlite3* db) {
  AFBENCH_RETURN_IF_ERROR(sqlite::Exec(db, "BEGIN"));
  auto state = ReadState(db);
  (void)sqlite::Exec(db, state ? "COMMIT" : "ROLLBACK");
  return state;
}

Status CheckOurs(const SchemaState& state, const std::string& path) {
  if (state.Empty()) return {};
  if (state.application_id != kApplicationId) {
    return Fail(
        ErrorKind::kInvalidInput,
        "store: " + path + " is a SQLite database of another application; refusing to touch it");
  }
  if (state.version > kSchemaVersion) {
    return Fail(ErrorKind::kInvalidInput, "store: " + path + " has format version " +
                                              std::to_string(state.version) +
                                              "; this afbench reads up to " +
                                              std::to_string(kSchemaVersion) + ": upgrade afbench");
  }
  return {};
}

Status CreateSchema(sqlite3* db) {
  AFBENCH_RETURN_IF_ERROR(sqlite::Exec(db, kCreateTables));
  AFBENCH_RETURN_IF_ERROR(rows::CreateModelCallsTable(db));
  AFBENCH_RETURN_IF_ERROR(rows::CreateLeasesTable(db));
  AFBENCH_RETURN_IF_ERROR(
      sqlite::Exec(db, "PRAGMA application_id = " + std::to_string(kApplicationId)));
  return sqlite::Exec(db, "PRAGMA user_version = " + std::to_string(kSchemaVersion));
}

Result<bool> TurnsHaveServedModel(sqlite3* db) {
  auto statement = sqlite::Prepare(db,
                                   "SELECT count(*) FROM pragma_table_info('turns') WHERE name = "
                                   "'served_model'");
  if (!statement) return Unexpected{statement.error()};
  auto row = statement->Step();
  if (!row) return Unexpected{row.error()};
  return *row && statement->Int(0) > 0;
}

// Format 1 had no model_calls table, format 2 no leases table, format 3 no turns.served_model;
// CREATE IF NOT EXISTS and ADD COLUMN add what is missing and change nothing an older format relies
// on (turns stored before the upgrade have an empty served_model).
Status Upgrade(sqlite3* db) {
  AFBENCH_RETURN_IF_ERROR(rows::CreateModelCallsTable(db));
  AFBENCH_RETURN_IF_ERROR(rows::CreateLeasesTable(db));
  auto has_column = TurnsHaveServedModel(db);
  if (!has_column) return Unexpected{has_column.error()};
  if (!*has_column) {
    AFBENCH_RETURN_IF_ERROR(
        sqlite::Exec(db, "ALTER TABLE turns ADD COLUMN served_model TEXT NOT NULL DEFAULT ''"));
  }
  return sqlite::Exec(db, "PRAGMA user_version = " + std::to_string(kSchemaVersion));
}

// Inside the write lock the file is read again: another process may have created or upgraded it
// since it was first read, and the tables must be created once.
Status CreateOrUpgrade(sqlite3* db, const std::string& path) {
  return sqlite::InTransaction(db, [&]() -> Status {
    auto state = ReadState(db);
    if (!state) return Unexpected{state.error()};
    AFBENCH_RETURN_IF_ERROR(CheckOurs(*state, path));
    if (state->Empty()) return CreateSchema(db);
    return state->version < kSchemaVersion ? Upgrade(db) : Status{};
  });
}

}  // namespace

Status InitializeSchema(sqlite3* db, const std::string& path) {
  // Reading the header fails on files that are not SQLite databases at all ("file is not a
  // database").
  auto state = ReadSnapshot(db);
  if (!state) {
    return Fail(ErrorKind::kInvalidInput,
                "store: " + path + " is not an afbench database: " + state.error().message);
  }
  AFBENCH_RETURN_IF_ERROR(CheckOurs(*state, path));
  // A current store is opened without a write lock, so a read-only copy can still be read.
  if (!state->Empty() && state->version == kSchemaVersion) return {};
  return CreateOrUpgrade(db, path);
}

}  // namespace afbench
