#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <string_view>

namespace afbench {
namespace {

// Enough idle handles for the Runner's usual --max-connections; more are closed on release.
constexpr size_t kMaxIdleHandles = 64;

// curl_global_init is not thread-safe and must run before the first easy handle (libcurl docs,
// curl_global_init(3)). It is never undone: handles may be released during static destruction.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// What the write and progress callbacks of one transfer share.
struct TransferState {
  std::string* body = nullptr;
  size_t max_body_bytes = 0;
  bool too_large = false;
  int64_t idle_timeout_ms = 0;
  bool stalled = false;
  curl_off_t last_bytes = -1;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  if (state->body->size() + size * count > state->max_body_bytes) {
    state->too_large = true;
    return 0;  // makes libcurl abort the transfer
  }
  state->body->append(data, size * count);
  return size * count;
}

// libcurl calls this about once a second and whenever data moves; a non-zero return aborts the
// transfer.
int CheckIdle(void* user, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t uploaded) {
  auto* state = static_cast<TransferState*>(user);
  const auto now = std::chrono::steady_clock::now();
  if (downloaded + uploaded != state->last_bytes) {
    state->last_bytes = downloaded + uploaded;
    state->last_activity = now;
    return 0;
  }
  if (state->idle_timeout_ms > 0 &&
      now - state->last_activity > std::chrono::milliseconds(state->idle_timeout_ms)) {
    state->stalled = true;
    return 1;
  }
  return 0;
}

// Called once per header line. A new status line (after "100 Continue") starts a fresh header set,
// so the headers kept are those of the final response.
size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(Trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    (*headers)[name] = std::string(Trim(line.substr(colon + 1)));
  }
  return size * count;
}

Result<HeaderList> MakeHeaderList(const HttpRequest& request) {
  HeaderList list;
  // "Expect:" stops libcurl from waiting for "100 Continue" before sending a large body.
  std::vector<std::string> lines = {"Expect:"};
  for (const auto& [name, value] : request.headers) lines.push_back(name + ": " + value);
  for (const std::string& line : lines) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown == nullptr) return Fail(ErrorKind::kInternal, "out of memory building headers");
    static_cast<void>(list.release());
    list.reset(grown);
  }
  return list;
}

void SetOptions(CURL* curl, const HttpRequest& request, curl_slist* headers) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  // Signals are unsafe with threads; without them libcurl cannot time out DNS lookups on some
  // builds, which the total timeout still bounds.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.request_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
}

}  // namespace

struct HttpClient::Pool {
  std::mutex mutex;
  std::vector<EasyHandle> idle;

  EasyHandle Acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        EasyHandle handle = std::move(idle.back());
        idle.pop_back();
        return handle;
      }
    }
    return EasyHandle(curl_easy_init());
  }

  // curl_easy_reset forgets every option (and so every pointer into the finished request) but keeps
  // the live connection for the next request to the same host.
  void Release(EasyHandle handle) {
    curl_easy_reset(handle.get());
    std::lock_guard<std::mutex> lock(mutex);
    if (idle.size() < kMaxIdleHandles) idle.push_back(std::move(handle));
  }
};

HttpClient::HttpClient() : pool_(std::make_unique<Pool>()) { InitCurlOnce(); }

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Post(const HttpRequest& request) {
  Result<HeaderList> headers = MakeHeaderList(request);
  if (!headers) return Fail(headers.error());
  EasyHandle handle = pool_->Acquire();
  if (handle == nullptr) return Fail(ErrorKind::kInternal, "curl_easy_init failed");
  CURL* curl = handle.get();
  SetOptions(curl, request, headers->get());
  HttpResponse response;
  TransferState state;
  state.body = &response.body;
  state.max_body_bytes = request.max_response_bytes;
  state.idle_timeout_ms = request.idle_timeout_ms;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &AppendHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &CheckIdle);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &state);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  pool_->Release(std::move(handle));
  if (state.too_large) {
    return Fail(ErrorKind::kBadResponse,
                "response larger than " + std::to_string(request.max_response_bytes) + " bytes");
  }
  if (state.stalled) {
    return Fail(ErrorKind::kTransient,
                "no data for " + std::to_string(request.idle_timeout_ms) + " ms (idle timeout)");
  }
  if (code != CURLE_OK) {
    std::string message = curl_easy_strerror(code);
    if (error_buffer[0] != '\0') message += std::string(": ") + error_buffer;
    const bool bad_url = code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL;
    return Fail(bad_url ? ErrorKind::kInvalidRequest : ErrorKind::kTransient, message);
  }
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace afbench
