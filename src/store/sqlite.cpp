#include "sqlite.h"

namespace afbench::sqlite {

Unexpected DbError(sqlite3* db, const std::string& what) {
  std::string cause = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return Fail(ErrorKind::kIo, "store: " + what + ": " + cause);
}

Result<DbHandle> OpenDb(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) return DbError(raw, "cannot open " + path);
  // Concurrent readers (afbench summary while a run writes) wait instead of failing at once.
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

Result<Statement> Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
  if (rc != SQLITE_OK) return DbError(db, "prepare");
  return Statement(db, statement);
}

Status Exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string cause = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Fail(ErrorKind::kIo, "store: " + cause);
  }
  return {};
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_.get(), index, value);
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  sqlite3_bind_double(statement_.get(), index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(statement_.get(), index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return DbError(db_, "step");
}

Status Statement::Run() {
  auto more = Step();
  if (!more) return Unexpected{more.error()};
  return {};
}

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(statement_.get(), column);
  int size = sqlite3_column_bytes(statement_.get(), column);
  return text != nullptr
             ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size))
             : std::string();
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(statement_.get(), column); }
double Statement::Double(int column) const {
  return sqlite3_column_double(statement_.get(), column);
}
bool Statement::IsNull(int column) const {
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

}  // namespace afbench::sqlite
