// The journal of unsaved replies: a JSON-lines file beside the store (`<db>.unsaved.jsonl`) that
// keeps a paid reply whose commit failed even after the client's retries (a locked database, a
// full disk, an I/O error). Each line is one Turn or one model call; Store::ImportJournal moves
// them into the store, so a resumed Run replays them instead of paying for them again.
//
// Appends and imports lock the file (flock), so processes sharing a store never interleave a line
// or lose one appended during an import.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/store.h"

namespace afbench::journal {

/// One kept reply: a Turn of a Sample, or a model call (kind says which).
struct Entry {
  enum class Kind { kTurn, kModelCall } kind = Kind::kTurn;
  std::string run_id;
  SampleKey key;
  Turn turn;
  int64_t attempts = 0;
  ModelCallKey call_key;
  StoredModelCall call;
};

std::string Line(const Entry& entry);
/// The Entry of one line; an error says what is wrong with it.
Result<Entry> Parse(std::string_view line);

/// Appends `line` and flushes it to disk.
Status Append(const std::string& path, const std::string& line);

/// Locks the journal and gives all its lines to `import`, which commits them and returns, per
/// line, whether to keep it (a line it could not read); then rewrites the file with the kept lines
/// only. When `import` fails the file is left as it was. A missing file has no lines.
Status Drain(
    const std::string& path,
    const std::function<Result<std::vector<bool>>(const std::vector<std::string>& lines)>& import);

}  // namespace afbench::journal
