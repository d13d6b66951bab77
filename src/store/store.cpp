#include "afbench/store.h"

#include <chrono>
#include <mutex>
#include <thread>

#include "afbench/utc_time.h"
#include "call_rows.h"
#include "journal.h"
#include "lease_rows.h"
#include "schema.h"
#include "sqlite.h"
#include "store_rows.h"

namespace afbench {

struct Store::Impl {
  sqlite::DbHandle db;
  std::string journal_path;
  std::mutex mutex;
  std::function<Status(std::string_view)> fault;  // tests only

  Status Fault(std::string_view commit) const { return fault ? fault(commit) : Status{}; }
};

namespace {

// WAL keeps committed samples safe across kill -9 and lets readers run beside a writing run. The
// mode is kept in the file, so only its first opener switches it; the switch needs the file to
// itself and SQLite answers "busy" at once instead of waiting, so an opener racing another on a new
// file tries again.
Status UseWriteAheadLog(sqlite3* db) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    Status set = sqlite::Exec(db, "PRAGMA journal_mode=WAL");
    if (set || sqlite3_errcode(db) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
      return set;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  auto db = sqlite::OpenDb(path, /*create=*/true);
  if (!db) return Unexpected{db.error()};
  AFBENCH_RETURN_IF_ERROR(InitializeSchema(db->get(), path));
  AFBENCH_RETURN_IF_ERROR(UseWriteAheadLog(db->get()));
  // synchronous=NORMAL is durable against process crashes, which is what a killed run needs.
  AFBENCH_RETURN_IF_ERROR(
      sqlite::Exec(db->get(), "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  impl->journal_path = path + ".unsaved.jsonl";
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Status Store::CreateRun(const RunRecord& run, const std::vector<StoredQuery>& queries) {
  std::lock_guard lock(impl_->mutex);
  sqlite3* db = impl_->db.get();
  return sqlite::InTransaction(db, [&]() -> Status {
    AFBENCH_RETURN_IF_ERROR(rows::InsertRun(db, run));
    for (const StoredQuery& query : queries) {
      AFBENCH_RETURN_IF_ERROR(rows::InsertQuery(db, run.run_id, query));
    }
    return {};
  });
}

Result<RunRecord> Store::LoadRun(const std::string& run_id) {
  std::lock_guard lock(impl_->mutex);
  auto runs = rows::SelectRuns(impl_->db.get(), run_id);
  if (!runs) return Unexpected{runs.error()};
  if (runs->empty()) return Fail(ErrorKind::kNotFound, "store: no run with id '" + run_id + "'");
  return runs->front();
}

Result<std::vector<RunRecord>> Store::ListRuns() {
  std::lock_guard lock(impl_->mutex);
  return rows::SelectRuns(impl_->db.get(), "");
}

Status Store::SetRunStatus(const std::string& run_id, const std::string& status, bool finished) {
  std::lock_guard lock(impl_->mutex);
  auto statement = sqlite::Prepare(
      impl_->db.get(), "UPDATE runs SET status = ?1, finished_at = ?2 WHERE run_id = ?3");
  if (!statement) return Unexpected{statement.error()};
  statement->Bind(1, status).Bind(2, finished ? UtcNow() : std::string()).Bind(3, run_id);
  return statement->Run();
}

Result<std::vector<StoredQuery>> Store::LoadQueries(const std::string& run_id) {
  std::lock_guard lock(impl_->mutex);
  return rows::SelectQueries(impl_->db.get(), run_id);
}

Result<std::optional<Turn>> Store::LoadTurn(const std::string& run_id, const SampleKey& key,
                                            int turn_index) {
  std::lock_guard lock(impl_->mutex);
  return rows::SelectTurn(impl_->db.get(), run_id, key, turn_index);
}

Status Store::SaveTurn(const std::string& run_id, const SampleKey& key, const Turn& turn,
                       int64_t attempts) {
  std::lock_guard lock(impl_->mutex);
  AFBENCH_RETURN_IF_ERROR(impl_->Fault("turn"));
  return rows::InsertTurn(impl_->db.get(), run_id, key, turn, attempts);
}

Status Store::SaveSample(const std::string& run_id, const Transcript& transcript,
                         const std::string& user_turn, const std::vector<Label>& labels,
                         int64_t failed_attempts) {
  std::lock_guard lock(impl_->mutex);
  AFBENCH_RETURN_IF_ERROR(impl_->Fault("sample"));
  sqlite3* db = impl_->db.get();
  return sqlite::InTransaction(db, [&]() -> Status {
    auto earlier = rows::RemoveErroredSample(db, run_id, transcript.key);
    if (!earlier) return Unexpected{earlier.error()};
    AFBENCH_RETURN_IF_ERROR(
        rows::InsertSample(db, run_id, transcript, user_turn, failed_attempts + *earlier));
    for (const Label& label : labels) {
      AFBENCH_RETURN_IF_ERROR(rows::InsertLabel(db, run_id, transcript.key, label));
    }
    return {};
  });
}

Result<std::vector<SampleKey>> Store::CompletedSamples(const std::string& run_id) {
  std::lock_guard lock(impl_->mutex);
  return rows::SelectCompletedKeys(impl_->db.get(), run_id);
}

Result<std::vector<StoredSample>> Store::LoadSamples(const std::string& run_id) {
  std::lock_guard lock(impl_->mutex);
  return rows::SelectSamples(impl_->db.get(), run_id);
}

Status Store::AddLabel(const std::string& run_id, const SampleKey& key, const Label& label) {
  std::lock_guard lock(impl_->mutex);
  AFBENCH_RETURN_IF_ERROR(impl_->Fault("label"));
  return rows::InsertLabel(impl_->db.get(), run_id, key, label);
}

}  // namespace afbench

namespace afbench {

Result<std::optional<StoredModelCall>> Store::LoadModelCall(const ModelCallKey& key) {
  std::lock_guard lock(impl_->mutex);
  return rows::SelectModelCall(impl_->db.get(), key);
}

Status Store::SaveModelCall(const ModelCallKey& key, const StoredModelCall& call) {
  std::lock_guard lock(impl_->mutex);
  AFBENCH_RETURN_IF_ERROR(impl_->Fault("model_call"));
  return rows::InsertModelCall(impl_->db.get(), key, call);
}

Result<std::vector<std::pair<std::string, Usage>>> Store::ModelCallUsage(
    const std::string& run_id) {
  std::lock_guard lock(impl_->mutex);
  return rows::ModelCallUsage(impl_->db.get(), run_id);
}

const std::string& Store::journal_path() const { return impl_->journal_path; }

Status Store::JournalTurn(const std::string& run_id, const SampleKey& key, const Turn& turn,
                          int64_t attempts) {
  journal::Entry entry;
  entry.kind = journal::Entry::Kind::kTurn;
  entry.run_id = run_id;
  entry.key = key;
  entry.turn = turn;
  entry.attempts = attempts;
  return journal::Append(impl_->journal_path, journal::Line(entry));
}

Status Store::JournalModelCall(const ModelCallKey& key, const StoredModelCall& call) {
  journal::Entry entry;
  entry.kind = journal::Entry::Kind::kModelCall;
  entry.call_key = key;
  entry.call = call;
  return journal::Append(impl_->journal_path, journal::Line(entry));
}

namespace {

// Inserts one journal entry unless the store has it already; returns whether it was new.
Result<bool> ImportEntry(sqlite3* db, const journal::Entry& entry) {
  if (entry.kind == journal::Entry::Kind::kModelCall) {
    auto stored = rows::SelectModelCall(db, entry.call_key);
    if (!stored) return Unexpected{stored.error()};
    if (stored->has_value()) return false;
    AFBENCH_RETURN_IF_ERROR(rows::InsertModelCall(db, entry.call_key, entry.call));
    return true;
  }
  auto stored = rows::SelectTurn(db, entry.run_id, entry.key, entry.turn.index);
  if (!stored) return Unexpected{stored.error()};
  if (stored->has_value()) return false;
  AFBENCH_RETURN_IF_ERROR(
      rows::InsertTurn(db, entry.run_id, entry.key, entry.turn, entry.attempts));
  return true;
}

// Imports the journal's `lines` in the open transaction; returns which lines to keep (those that
// cannot be read, named in `report`).
Result<std::vector<bool>> ImportLines(sqlite3* db, const std::string& path,
                                      const std::vector<std::string>& lines,
                                      JournalImport& report) {
  std::vector<bool> keep(lines.size(), false);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto entry = journal::Parse(lines[i]);
    if (entry) {
      auto added = ImportEntry(db, *entry);
      if (!added) return Unexpected{added.error()};
      (*added ? report.imported : report.already_stored)++;
    } else if (!lines[i].empty()) {
      keep[i] = true;
      report.unreadable.push_back(path + ":" + std::to_string(i + 1) + ": " +
                                  entry.error().message);
    }
  }
  return keep;
}

}  // namespace

Result<JournalImport> Store::ImportJournal() {
  std::lock_guard lock(impl_->mutex);
  sqlite3* db = impl_->db.get();
  const std::string& path = impl_->journal_path;
  JournalImport report;
  Status drained = journal::Drain(path, [&](const std::vector<std::string>& lines) {
    Result<std::vector<bool>> keep = std::vector<bool>();
    Status done = sqlite::InTransaction(db, [&]() -> Status {
      keep = ImportLines(db, path, lines, report);
      return keep ? Status{} : Unexpected{keep.error()};
    });
    return done ? keep : Result<std::vector<bool>>(Unexpected{done.error()});
  });
  if (!drained) return Unexpected{drained.error()};
  return report;
}

void Store::SetCommitFaultForTesting(std::function<Status(std::string_view commit)> fault) {
  std::lock_guard lock(impl_->mutex);
  impl_->fault = std::move(fault);
}

Result<int64_t> Store::CountModelCalls(const std::string& run_id,
                                       const std::string& caller_prefix) {
  std::lock_guard lock(impl_->mutex);
  return rows::CountModelCalls(impl_->db.get(), run_id, caller_prefix);
}

}  // namespace afbench

namespace afbench {

Result<std::optional<LeaseHolder>> Store::AcquireLease(
    const std::string& name, const LeaseHolder& me,
    const std::function<bool(const LeaseHolder&)>& is_stale) {
  std::lock_guard lock(impl_->mutex);
  sqlite3* db = impl_->db.get();
  std::optional<LeaseHolder> refused;
  Status done = sqlite::InTransaction(db, [&]() -> Status {
    auto holder = rows::SelectLease(db, name);
    if (!holder) return Unexpected{holder.error()};
    if (holder->has_value() && (*holder)->owner != me.owner && !is_stale(**holder)) {
      refused = *holder;
      return {};
    }
    return rows::WriteLease(db, name, me);
  });
  if (!done) return Unexpected{done.error()};
  return refused;
}

Status Store::RenewLease(const std::string& name, const std::string& owner, int64_t heartbeat_ms) {
  std::lock_guard lock(impl_->mutex);
  auto changed = rows::TouchLease(impl_->db.get(), name, owner, heartbeat_ms);
  if (!changed) return Unexpected{changed.error()};
  if (*changed == 0) {
    return Fail(ErrorKind::kNotFound, "store: the lease on " + name + " was taken over");
  }
  return {};
}

Status Store::ReleaseLease(const std::string& name, const std::string& owner) {
  std::lock_guard lock(impl_->mutex);
  return rows::DeleteLease(impl_->db.get(), name, owner);
}

}  // namespace afbench
