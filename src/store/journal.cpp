#include "journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "afbench/text.h"
#include "call_rows.h"

namespace afbench::journal {
namespace {

using nlohmann::json;

json KeyJson(const SampleKey& key) {
  return {{"query_index", key.query_index}, {"tier", TierName(key.tier)}, {"epoch", key.epoch}};
}

SampleKey KeyFrom(const json& object) {
  SampleKey key;
  key.query_index = object.at("query_index").get<int>();
  const auto tier = ParseTier(object.at("tier").get<std::string>());
  if (!tier) throw std::invalid_argument("unknown tier");
  key.tier = *tier;
  key.epoch = object.at("epoch").get<int>();
  return key;
}

json UsageJson(const Usage& usage) {
  return {usage.input_tokens, usage.output_tokens, usage.cache_read_tokens,
          usage.cache_write_tokens};
}

Usage UsageFrom(const json& array) {
  return {array.at(0).get<int64_t>(), array.at(1).get<int64_t>(), array.at(2).get<int64_t>(),
          array.at(3).get<int64_t>()};
}

json TurnJson(const Entry& entry) {
  const Turn& turn = entry.turn;
  return {{"kind", "turn"},
          {"run_id", entry.run_id},
          {"sample", KeyJson(entry.key)},
          {"index", turn.index},
          {"request", turn.request},
          {"prefill", turn.prefill},
          {"response", turn.response},
          {"finish_reason", turn.finish_reason},
          {"usage", UsageJson(turn.usage)},
          {"latency_ms", turn.latency_ms},
          {"attempts", entry.attempts},
          {"served_model", turn.served_model}};
}

json CallJson(const Entry& entry) {
  const ModelCallKey& key = entry.call_key;
  const Generation& generation = entry.call.generation;
  return {{"kind", "model_call"},
          {"run_id", key.run_id},
          {"caller", key.caller},
          {"sample", KeyJson(key.sample)},
          {"call", key.call},
          {"request_sha256", key.request_sha256},
          {"model", entry.call.model},
          {"response", generation.text},
          {"finish", rows::FinishName(generation.finish)},
          {"raw_finish_reason", generation.raw_finish_reason},
          {"usage", UsageJson(generation.usage)},
          {"latency_ms", entry.call.latency_ms},
          {"attempts", entry.call.attempts}};
}

Entry TurnFrom(const json& object) {
  Entry entry;
  entry.kind = Entry::Kind::kTurn;
  entry.run_id = object.at("run_id").get<std::string>();
  entry.key = KeyFrom(object.at("sample"));
  entry.turn.index = object.at("index").get<int>();
  entry.turn.request = object.at("request").get<std::string>();
  entry.turn.prefill = object.at("prefill").get<std::string>();
  entry.turn.response = object.at("response").get<std::string>();
  entry.turn.finish_reason = object.at("finish_reason").get<std::string>();
  entry.turn.usage = UsageFrom(object.at("usage"));
  entry.turn.latency_ms = object.at("latency_ms").get<int64_t>();
  entry.attempts = object.at("attempts").get<int64_t>();
  // Journals written before format 4 have no served_model.
  entry.turn.served_model = object.value("served_model", std::string());
  return entry;
}

Entry CallFrom(const json& object) {
  Entry entry;
  entry.kind = Entry::Kind::kModelCall;
  entry.call_key = {object.at("run_id").get<std::string>(), object.at("caller").get<std::string>(),
                    KeyFrom(object.at("sample")), object.at("call").get<std::string>(),
                    object.at("request_sha256").get<std::string>()};
  entry.call.model = object.at("model").get<std::string>();
  entry.call.generation.text = object.at("response").get<std::string>();
  entry.call.generation.finish = rows::FinishFromName(object.at("finish").get<std::string>());
  entry.call.generation.raw_finish_reason = object.at("raw_finish_reason").get<std::string>();
  entry.call.generation.usage = UsageFrom(object.at("usage"));
  entry.call.latency_ms = object.at("latency_ms").get<int64_t>();
  entry.call.attempts = object.at("attempts").get<int64_t>();
  return entry;
}

Error SystemError(const std::string& what, const std::string& path) {
  return Error{ErrorKind::kIo, "store: " + what + " " + path + ": " + std::strerror(errno),
               std::nullopt};
}

// An open, flock-ed file descriptor, closed (and so unlocked) on destruction.
class LockedFile {
 public:
  LockedFile(const std::string& path, int flags) : fd_(open(path.c_str(), flags, 0600)) {
    if (fd_ >= 0 && flock(fd_, LOCK_EX) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~LockedFile() {
    if (fd_ >= 0) close(fd_);
  }
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    text.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

Result<std::string> ReadAll(int fd) {
  std::string content;
  char buffer[65536];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      return Fail(ErrorKind::kIo, std::string("store: journal: ") + std::strerror(errno));
    if (got == 0) return content;
    content.append(buffer, static_cast<size_t>(got));
  }
}

}  // namespace

std::string Line(const Entry& entry) {
  const json object = entry.kind == Entry::Kind::kTurn ? TurnJson(entry) : CallJson(entry);
  return object.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Entry> Parse(std::string_view line) {
  try {
    const json object = json::parse(line);
    const std::string kind = object.at("kind").get<std::string>();
    if (kind == "turn") return TurnFrom(object);
    if (kind == "model_call") return CallFrom(object);
    return Fail(ErrorKind::kInvalidInput, "unknown kind '" + kind + "'");
  } catch (const std::exception& error) {
    return Fail(ErrorKind::kInvalidInput, error.what());
  }
}

Status Append(const std::string& path, const std::string& line) {
  LockedFile file(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC);
  if (file.fd() < 0) return Fail(SystemError("cannot open the journal", path));
  if (!WriteAll(file.fd(), line + "\n") || fsync(file.fd()) != 0) {
    return Fail(SystemError("cannot write the journal", path));
  }
  return {};
}

Status Drain(
    const std::string& path,
    const std::function<Result<std::vector<bool>>(const std::vector<std::string>& lines)>& import) {
  LockedFile file(path, O_RDWR | O_CLOEXEC);
  if (file.fd() < 0 && errno == ENOENT) return {};
  if (file.fd() < 0) return Fail(SystemError("cannot open the journal", path));
  auto content = ReadAll(file.fd());
  if (!content) return Unexpected{content.error()};
  const std::vector<std::string> lines = SplitLines(*content);
  auto keep = import(lines);
  if (!keep) return Unexpected{keep.error()};
  std::string kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i < keep->size() && (*keep)[i]) kept += lines[i] + "\n";
  }
  if (ftruncate(file.fd(), 0) != 0 || lseek(file.fd(), 0, SEEK_SET) != 0 ||
      !WriteAll(file.fd(), kept) || fsync(file.fd()) != 0) {
    return Fail(SystemError("cannot rewrite the journal", path));
  }
  return {};
}

}  // namespace afbench::journal
