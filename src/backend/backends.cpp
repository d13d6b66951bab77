#include "afbench/backends.h"

#include "afbench/llama_backend.h"
#include "http_backend.h"

namespace afbench {
namespace {

using Factory = Result<std::unique_ptr<Backend>> (*)(const BackendOptions& options,
                                                     std::string model);

std::unique_ptr<Backend> MakeHttp(const ApiDialect& dialect, const BackendOptions& options,
                                  std::string model) {
  HttpBackendOptions http{.dialect = dialect,
                          .model = std::move(model),
                          .base_url = options.base_url,
                          .api_key = options.api_key,
                          .connect_timeout_ms = options.connect_timeout_ms,
                          .request_timeout_ms = options.request_timeout_ms,
                          .idle_timeout_ms = options.idle_timeout_ms};
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

std::string KnownProviders() {
  std::string names;
  for (const Entry& entry : Entries()) {
    names += names.empty() ? "" : ", ";
    names += entry.info.provider;
  }
  return names;
}

Status CheckOptions(const BackendOptions& options, const BackendInfo& info) {
  std::string_view url = options.base_url;
  if (url.empty()) url = info.default_base_url;
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return Fail(ErrorKind::kInvalidInput,
                "backend: " + std::string(info.provider) +
                    ": base URL must start with http:// or https://: " + std::string(url));
  }
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
