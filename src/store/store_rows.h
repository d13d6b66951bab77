// Row-level reads and writes of the store's tables: one function per statement, each mapping
// between a table row and an afbench type. The caller (Store) holds the lock and the transaction.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include "afbench/store.h"

namespace afbench::rows {

Status InsertRun(sqlite3* db, const RunRecord& run);
/// One run when `run_id` is set, else all runs, newest first.
Result<std::vector<RunRecord>> SelectRuns(sqlite3* db, const std::string& run_id);
Status InsertQuery(sqlite3* db, const std::string& run_id, const StoredQuery& query);
Result<std::vector<StoredQuery>> SelectQueries(sqlite3* db, const std::string& run_id);

Status InsertTurn(sqlite3* db, const std::string& run_id, const SampleKey& key, const Turn& turn,
                  int64_t attempts);
Result<std::optional<Turn>> SelectTurn(sqlite3* db, const std::string& run_id, const SampleKey& key,
                                       int turn_index);
Status InsertSample(sqlite3* db, const std::string& run_id, const Transcript& transcript,
                    const std::string& user_turn, int64_t failed_attempts);
/// Deletes a Sample stored with the `error` outcome, and its Labels, before it is stored again;
/// returns its failed attempts (0 when there was none), which the new row adds to its own.
Result<int64_t> RemoveErroredSample(sqlite3* db, const std::string& run_id, const SampleKey& key);
/// Keys of the Samples whose outcome is not `error`.
Result<std::vector<SampleKey>> SelectCompletedKeys(sqlite3* db, const std::string& run_id);
Result<std::vector<StoredSample>> SelectSamples(sqlite3* db, const std::string& run_id);
Status InsertLabel(sqlite3* db, const std::string& run_id, const SampleKey& key,
                   const Label& label);

}  // namespace afbench::rows
