// Row-level reads and writes of the model_calls table (judge votes and other calls that are not a
// Sample's Turns). The caller (Store) holds the lock.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "afbench/store.h"

namespace afbench::rows {

/// "stop", "length", "other": how a finish reason is stored, and back.
const char* FinishName(FinishReason finish);
FinishReason FinishFromName(const std::string& name);

/// Creates model_calls if the file has none (stores of format 1 gain it on open).
Status CreateModelCallsTable(sqlite3* db);
Status InsertModelCall(sqlite3* db, const ModelCallKey& key, const StoredModelCall& call);
Result<std::optional<StoredModelCall>> SelectModelCall(sqlite3* db, const ModelCallKey& key);
Result<int64_t> CountModelCalls(sqlite3* db, const std::string& run_id,
                                const std::string& caller_prefix);
Result<std::vector<std::pair<std::string, Usage>>> ModelCallUsage(sqlite3* db,
                                                                  const std::string& run_id);

}  // namespace afbench::rows
