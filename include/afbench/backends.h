// Backend registry: the explicit table of model providers and the factory that builds a Backend
// from a "provider/model" spec.
//
// Each provider is one row of BackendTable() (no static self-registration); `afbench backends`
// lists the table. MakeBackend returns a Backend that the caller owns; the Backend keeps a copy of
// the options (including the API key, which it sends as a header and never puts in an error
// message). The table is immutable and every function here is safe to call from several threads;
// the returned Backends are themselves thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "afbench/backend.h"
#include "afbench/result.h"

namespace afbench {

/// How to reach one model. The CLI fills it from flags and the environment (BackendInfo names the
/// variables). Every member has a default so that designated initialisers may name only some of
/// them.
struct BackendOptions {
  /// "openai/<model>" or "anthropic/<model>"; the model may contain '/'
  /// (openai/meta-llama/Llama-3-8b).
  std::string spec{};
  /// Empty means the provider's default_base_url. OpenAI-compatible servers take ".../v1".
  std::string base_url{};
  /// Sent as a header only; never logged, never part of an error message. May be empty for local
  /// servers.
  std::string api_key{};
  int64_t connect_timeout_ms = 10000;
  /// Total time for one request, connection included.
  int64_t request_timeout_ms = 600000;
  /// Longest silence before the first byte of a response or between bytes (a stalled connection).
  int64_t idle_timeout_ms = 300000;
  /// The user named base_url (a flag, the provider's environment variable): the key may go to its
  /// host. Otherwise (a URL from an experiment file) the key is sent only to the provider's own
  /// host, that of BackendInfo::default_base_url.
  bool base_url_named = false;
  /// Stream the reply (server-sent events): a long generation is not abandoned at the first-byte
  /// timeout, which then runs between chunks. The assembled reply is the non-streamed one.
  bool stream = false;
};

/// One row of the provider table.
struct BackendInfo {
  const char* provider;     ///< The part of the spec before the first '/', e.g. "openai".
  const char* description;  ///< One line for `afbench backends`.
  const char*
      api_key_env;  ///< Environment variable the CLI reads the key from, e.g. "OPENAI_API_KEY".
  const char* base_url_env;      ///< Environment variable that overrides the base URL.
  const char* default_base_url;  ///< Used when BackendOptions::base_url is empty.
};

/// The explicit table of providers (no static self-registration), listed by `afbench backends`.
const std::vector<BackendInfo>& BackendTable();

/// Splits "openai/gpt-4o" -> provider "openai", model "gpt-4o"; error for unknown provider (list
/// the known ones) or empty model.
Result<std::pair<std::string, std::string>> ParseModelSpec(std::string_view spec);

/// Refuses a base URL that is not http:// or https:// or that carries credentials
/// (`user:password@host`); the error names the URL with the credentials masked.
Status CheckBaseUrl(std::string_view url);
/// The host of an http(s) URL, lowercase, without port or credentials ("" when there is none).
std::string UrlHost(std::string_view url);
/// Whether the API key of `options` is sent: always to the provider's own host, to any other host
/// only when the user named the base URL.
bool SendsKeyTo(const BackendOptions& options, const BackendInfo& info);

/// Builds the Backend named by options.spec. Fails with kInvalidInput for a bad spec, base URL or
/// timeout, and with kAuth when the provider's public endpoint is used without an API key.
Result<std::unique_ptr<Backend>> MakeBackend(const BackendOptions& options);

}  // namespace afbench
