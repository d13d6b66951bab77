#include "afbench/backends.h"

#include <cctype>

#include "afbench/llama_backend.h"
#include "http_backend.h"

namespace afbench {
namespace {

using Factory = Result<std::unique_ptr<Backend>> (*)(const BackendOptions& options,
                                                     std::string model);

const BackendInfo& InfoOf(std::string_view provider);

// What an authentication error says when the key was withheld from a host the user did not name.
std::string WithheldKeyHint(const BackendOptions& options, const BackendInfo& info) {
  return std::string(" (") + info.api_key_env + " was not sent to " + UrlHost(options.base_url) +
         ": that base URL came from a file, not from you; name it with a flag or " +
         info.base_url_env + ", or trust the file's URLs)";
}

// `options` as MakeBackend resolved them (base_url set).
std::unique_ptr<Backend> MakeHttp(const ApiDialect& dialect, const BackendOptions& options,
                                  std::string model) {
  const BackendInfo& info = InfoOf(dialect.provider);
  const bool send_key = SendsKeyTo(options, info);
  const bool withheld = !send_key && !options.api_key.empty();
  HttpBackendOptions http{.dialect = dialect,
                          .model = std::move(model),
                          .base_url = options.base_url,
                          .api_key = send_key ? options.api_key : std::string(),
                          .auth_hint = withheld ? WithheldKeyHint(options, info) : std::string(),
                          .connect_timeout_ms = options.connect_timeout_ms,
                          .request_timeout_ms = options.request_timeout_ms,
                          .idle_timeout_ms = options.idle_timeout_ms,
                          .stream = options.stream};
  return std::make_unique<HttpBackend>(std::move(http));
}

Result<std::unique_ptr<Backend>> MakeOpenAi(const BackendOptions& options, std::string model) {
  return MakeHttp(OpenAiDialect(), options, std::move(model));
}

Result<std::unique_ptr<Backend>> MakeAnthropic(const BackendOptions& options, std::string model) {
  return MakeHttp(AnthropicDialect(), options, std::move(model));
}

#ifdef AFBENCH_HAVE_LLAMA
// The engine's defaults; `afbench run` passes its --parallel/--ctx/... through MakeLlamaBackend.
Result<std::unique_ptr<Backend>> MakeLlama(const BackendOptions& /*options*/, std::string model) {
  LlamaBackendOptions llama;
  llama.model_path = std::move(model);
  return MakeLlamaBackend(llama);
}
#endif

// The provider that exists only in builds with llama.cpp (cmake/llama.cmake).
constexpr std::string_view kLlamaProvider = "llama";

struct Entry {
  BackendInfo info;
  Factory make;
  bool http = true;  ///< Takes a base URL, timeouts and an API key.
};

// The extension point: one row per provider. A new provider is a new row here and nothing else.
const std::vector<Entry>& Entries() {
  static const std::vector<Entry> entries = {
      {{"openai", "OpenAI chat completions API and compatible servers (vLLM, llama-server, ...)",
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1"},
       &MakeOpenAi},
      {{"anthropic", "Anthropic Messages API, system prompt cached", "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL", "https://api.anthropic.com"},
       &MakeAnthropic},
#ifdef AFBENCH_HAVE_LLAMA
      {{"llama", "GGUF model run in-process by llama.cpp (llama/<path.gguf>)", "", "", ""},
       &MakeLlama,
       false},
#endif
  };
  return entries;
}

const Entry* FindEntry(std::string_view provider) {
  for (const Entry& entry : Entries()) {
    if (provider == entry.info.provider) return &entry;
  }
  return nullptr;
}

const BackendInfo& InfoOf(std::string_view provider) { return FindEntry(provider)->info; }

std::string KnownProviders() {
  std::string names;
  for (const Entry& entry : Entries()) {
    names += names.empty() ? "" : ", ";
    names += entry.info.provider;
  }
  return names;
}

Status CheckOptions(const BackendOptions& options, const BackendInfo& info) {
  Status url = CheckBaseUrl(options.base_url.empty() ? info.default_base_url : options.base_url);
  if (!url) return Fail(WithContext(url.error(), "backend: " + std::string(info.provider)));
  if (options.connect_timeout_ms <= 0 || options.request_timeout_ms <= 0) {
    return Fail(ErrorKind::kInvalidInput,
                "backend: " + std::string(info.provider) + ": timeouts must be positive");
  }
  // A local server needs no key, the public endpoint always does: fail before the first request.
  if (options.base_url.empty() && options.api_key.empty()) {
    return Fail(ErrorKind::kAuth,
                "backend: " + std::string(info.provider) + ": no API key: set " + info.api_key_env);
  }
  return {};
}

// "scheme://authority/path": the authority, or npos when `url` has no "://".
std::string_view Authority(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

}  // namespace

const std::vector<BackendInfo>& BackendTable() {
  static const std::vector<BackendInfo> table = [] {
    std::vector<BackendInfo> infos;
    for (const Entry& entry : Entries()) infos.push_back(entry.info);
    return infos;
  }();
  return table;
}

Result<std::pair<std::string, std::string>> ParseModelSpec(std::string_view spec) {
  const size_t slash = spec.find('/');
  if (slash == std::string_view::npos) {
    return Fail(ErrorKind::kInvalidInput,
                "backend: model spec \"" + std::string(spec) +
                    "\": expected provider/model, providers: " + KnownProviders());
  }
  std::string provider(spec.substr(0, slash));
  std::string model(spec.substr(slash + 1));
  if (FindEntry(provider) == nullptr && provider == kLlamaProvider) {
    return Fail(ErrorKind::kInvalidInput,
                "backend: model spec \"" + std::string(spec) +
                    "\": this afbench was built without llama.cpp (run scripts/llama.sh, then "
                    "reconfigure and rebuild)");
  }
  if (FindEntry(provider) == nullptr) {
    return Fail(ErrorKind::kInvalidInput, "backend: model spec \"" + std::string(spec) +
                                              "\": unknown provider \"" + provider +
                                              "\", known: " + KnownProviders());
  }
  if (model.empty()) {
    return Fail(ErrorKind::kInvalidInput,
                "backend: model spec \"" + std::string(spec) + "\": empty model name");
  }
  return std::make_pair(std::move(provider), std::move(model));
}

Status CheckBaseUrl(std::string_view url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return Fail(ErrorKind::kInvalidInput,
                "base URL must start with http:// or https://: " + std::string(url));
  }
  const std::string_view authority = Authority(url);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const size_t start = url.find("://") + 3;
    return Fail(ErrorKind::kInvalidInput,
                "base URL carries credentials (" + std::string(url.substr(0, start)) + "***@" +
                    std::string(url.substr(start + at + 1)) +
                    "): refused, so that they are never stored or printed; put the key in the "
                    "provider's API-key variable");
  }
  if (authority.empty()) {
    return Fail(ErrorKind::kInvalidInput, "base URL has no host: " + std::string(url));
  }
  return {};
}

std::string UrlHost(std::string_view url) {
  std::string_view authority = Authority(url);
  authority = authority.substr(authority.rfind('@') + 1);  // npos + 1 == 0
  // [::1]:8080 -> [::1]; host:8080 -> host
  const std::string_view host = authority.starts_with('[')
                                    ? authority.substr(0, authority.find(']') + 1)
                                    : authority.substr(0, authority.find(':'));
  std::string lower(host);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool SendsKeyTo(const BackendOptions& options, const BackendInfo& info) {
  if (options.base_url.empty() || options.base_url_named) return true;
  return UrlHost(options.base_url) == UrlHost(info.default_base_url);
}

Result<std::unique_ptr<Backend>> MakeBackend(const BackendOptions& options) {
  Result<std::pair<std::string, std::string>> parsed = ParseModelSpec(options.spec);
  if (!parsed) return Fail(parsed.error());
  const Entry& entry = *FindEntry(parsed->first);
  if (!entry.http) return entry.make(options, std::move(parsed->second));
  AFBENCH_RETURN_IF_ERROR(CheckOptions(options, entry.info));
  BackendOptions resolved = options;
  if (resolved.base_url.empty()) resolved.base_url = entry.info.default_base_url;
  return entry.make(resolved, std::move(parsed->second));
}

Result<std::unique_ptr<Backend>> MakeLlamaBackend(const LlamaBackendOptions& options) {
#ifdef AFBENCH_HAVE_LLAMA
  Result<std::unique_ptr<LlamaBackend>> backend = LlamaBackend::Open(options);
  if (!backend) return Fail(backend.error());
  return std::unique_ptr<Backend>(std::move(*backend));
#else
  return Fail(ErrorKind::kInvalidInput, "backend: llama/" + options.model_path +
                                            ": this afbench was built without llama.cpp (run "
                                            "scripts/llama.sh, then reconfigure and rebuild)");
#endif
}

bool LlamaBackendAvailable() {
#ifdef AFBENCH_HAVE_LLAMA
  return true;
#else
  return false;
#endif
}

}  // namespace afbench
