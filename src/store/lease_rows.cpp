#include "lease_rows.h"

#include "sqlite.h"

namespace afbench::rows {

Status CreateLeasesTable(sqlite3* db) {
  return sqlite::Exec(db, R"sql(
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  heartbeat_ms INTEGER NOT NULL
);
)sql");
}

Result<std::optional<LeaseHolder>> SelectLease(sqlite3* db, const std::string& name) {
  auto statement =
      sqlite::Prepare(db, "SELECT owner, host, pid, heartbeat_ms FROM leases WHERE name = ?1");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, name);
  auto row = statement->Step();
  if (!row) return Unexpected{row.error()};
  if (!*row) return std::optional<LeaseHolder>();
  return std::optional<LeaseHolder>(
      LeaseHolder{statement->Text(0), statement->Text(1), statement->Int(2), statement->Int(3)});
}

Status WriteLease(sqlite3* db, const std::string& name, const LeaseHolder& holder) {
  auto statement = sqlite::Prepare(db,
                                   "INSERT OR REPLACE INTO leases (name, owner, host, pid, "
                                   "heartbeat_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, name).Bind(2, holder.owner).Bind(3, holder.host);
  statement->Bind(4, holder.pid).Bind(5, holder.heartbeat_ms);
  return statement->Run();
}

Result<int64_t> TouchLease(sqlite3* db, const std::string& name, const std::string& owner,
                           int64_t heartbeat_ms) {
  auto statement =
      sqlite::Prepare(db, "UPDATE leases SET heartbeat_ms = ?3 WHERE name = ?1 AND owner = ?2");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, name).Bind(2, owner).Bind(3, heartbeat_ms);
  AFBENCH_RETURN_IF_ERROR(statement->Run());
  return static_cast<int64_t>(sqlite3_changes(db));
}

Status DeleteLease(sqlite3* db, const std::string& name, const std::string& owner) {
  auto statement = sqlite::Prepare(db, "DELETE FROM leases WHERE name = ?1 AND owner = ?2");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, name).Bind(2, owner);
  return statement->Run();
}

}  // namespace afbench::rows
