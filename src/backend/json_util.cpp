#include "json_util.h"

#include "text_util.h"

namespace afbench {

namespace {
constexpr size_t kMaxBodyBytes = 200;
}  // namespace

const nlohmann::json* FindField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringField(const nlohmann::json& object, const char* key) {
  const nlohmann::json* value = FindField(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

std::string ServedModel(const nlohmann::json& response) {
  constexpr size_t kMaxBytes = 256;
  std::string out;
  for (char c : StringField(response, "model")) {
    if (out.size() == kMaxBytes) break;
    if (c >= 0x20 && c < 0x7f) out.push_back(c);
  }
  return out;
}

int64_t IntField(const nlohmann::json& object, const char* key) {
  const nlohmann::json* value = FindField(object, key);
  return value != nullptr && value->is_number_integer() ? value->get<int64_t>() : 0;
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Error BadResponse(std::string_view provider, std::string_view what, std::string_view body) {
  return Error{ErrorKind::kBadResponse,
               "backend: " + std::string(provider) + ": bad response: " + std::string(what) +
                   " (body: " + TruncateUtf8(body, kMaxBodyBytes) + ")",
               std::nullopt};
}

}  // namespace afbench
