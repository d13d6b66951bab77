// Rows of the leases table: who may write a Run or an experiment (see Store::AcquireLease). The
// caller (Store) holds the lock.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>

#include "afbench/store.h"

namespace afbench::rows {

/// Creates leases if the file has none.
Status CreateLeasesTable(sqlite3* db);
Result<std::optional<LeaseHolder>> SelectLease(sqlite3* db, const std::string& name);
/// Inserts or replaces the lease `name` with `holder`.
Status WriteLease(sqlite3* db, const std::string& name, const LeaseHolder& holder);
/// Updates the heartbeat of `owner`'s lease; returns the rows changed (0: not the holder).
Result<int64_t> TouchLease(sqlite3* db, const std::string& name, const std::string& owner,
                           int64_t heartbeat_ms);
Status DeleteLease(sqlite3* db, const std::string& name, const std::string& owner);

}  // namespace afbench::rows
