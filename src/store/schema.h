// The store's schema and its version checks. docs/store-format.md documents every table and field;
// change both together and bump kSchemaVersion.
#pragma once

#include <sqlite3.h>

#include "afbench/result.h"

namespace afbench {

/// 'AFBS' in SQLite's application_id header field: marks a file as an afbench store.
constexpr int kApplicationId = 0x41464253;
/// PRAGMA user_version of the current format.
constexpr int kSchemaVersion = 4;  // 2: model_calls; 3: leases; 4: turns.served_model

/// Creates the tables in a new file, or checks that an existing file is an afbench store this build
/// can read, upgrading an older format in place. Never modifies a file that fails the check.
Status InitializeSchema(sqlite3* db, const std::string& path);

}  // namespace afbench
