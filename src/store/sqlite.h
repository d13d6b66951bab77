// A thin RAII layer over the SQLite C API: a connection and prepared statements that report
// failures as Status values. Private to the store component. Not thread-safe on its own; Store
// serialises access.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "afbench/result.h"

namespace afbench::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

/// A prepared statement. Bind parameters are 1-based as in SQLite; columns are 0-based.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindNull(int index);
  /// Steps once: true when a row is available, false when done; error otherwise.
  Result<bool> Step();
  /// Steps to completion, for statements that return no rows.
  Status Run();

  std::string Text(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement_;
};

/// Opens `path` read-write, creating it when `create` is set.
Result<DbHandle> OpenDb(const std::string& path, bool create);
Result<Statement> Prepare(sqlite3* db, std::string_view sql);
/// Runs one or more statements that take no parameters.
Status Exec(sqlite3* db, const std::string& sql);
/// "store: <what>: <sqlite message>".
Unexpected DbError(sqlite3* db, const std::string& what);

/// Runs `body` inside BEGIN IMMEDIATE / COMMIT, rolling back when it fails.
template <typename Body>
Status InTransaction(sqlite3* db, Body&& body) {
  AFBENCH_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  Status status = body();
  if (!status) {
    (void)Exec(db, "ROLLBACK");
    return status;
  }
  return Exec(db, "COMMIT");
}

}  // namespace afbench::sqlite
