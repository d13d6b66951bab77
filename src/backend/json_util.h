// Non-throwing helpers for reading and writing JSON with nlohmann::json inside the backend
// component.
//
// nlohmann throws on a missing key or a wrong type; these helpers return an empty value instead, so
// that decoders can report a precise kBadResponse. This header is private to src/backend (it
// exposes nlohmann types and is never included from include/afbench). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "afbench/result.h"

namespace afbench {

/// The member `key` of `object`, or nullptr when `object` is not an object or has no such member.
const nlohmann::json* FindField(const nlohmann::json& object, const char* key);

/// The string member `key`, or "" when absent or not a string.
std::string StringField(const nlohmann::json& object, const char* key);

/// A response's "model" (Generation::served_model): the provider's word, stored with every Turn and
/// printed by `afbench summary`, so kept to printable ASCII and at most 256 bytes.
std::string ServedModel(const nlohmann::json& response);

/// The integer member `key`, or 0 when absent or not an integer.
int64_t IntField(const nlohmann::json& object, const char* key);

/// Compact serialisation that never throws: invalid UTF-8 in our strings becomes U+FFFD.
std::string DumpJson(const nlohmann::json& value);

/// kBadResponse "backend: <provider>: bad response: <what> (body: <first 200 bytes>)".
Error BadResponse(std::string_view provider, std::string_view what, std::string_view body);

}  // namespace afbench
