#include "cdp_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

namespace afbench::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kCallTimeout = std::chrono::seconds(30);

std::string DecodeBase64(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  int bits = 0, buffer = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// Runs in the forked child: puts the pipe ends on fds 3 (commands in) and 4 (replies out) and
// starts Chromium.
[[noreturn]] void ExecChromium(const std::filesystem::path& executable,
                               const std::filesystem::path& profile, int commands, int replies) {
  setpgid(0, 0);
  // Move both ends above 4 first so that dup2 cannot overwrite one with the other.
  const int in = fcntl(commands, F_DUPFD, 10);
  const int out = fcntl(replies, F_DUPFD, 10);
  dup2(in, 3);
  dup2(out, 4);
  const int log = open((profile / "chromium.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log >= 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
  }
  const std::string profile_flag = "--user-data-dir=" + profile.string();
  std::vector<std::string> args = {executable.string(),
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-first-run",
                                   "--disable-extensions",
                                   "--remote-debugging-pipe",
                                   "--hide-scrollbars",
                                   profile_flag,
                                   "about:blank"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

}  // namespace

std::optional<std::filesystem::path> FindChromium() {
  if (const char* env = std::getenv("AFBENCH_CHROMIUM"); env != nullptr && *env != '\0') {
    return std::filesystem::exists(env) ? std::optional<std::filesystem::path>(env) : std::nullopt;
  }
  for (const char* candidate :
       {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (std::filesystem::exists(candidate)) return std::filesystem::path(candidate);
  }
  return std::nullopt;
}

Chromium::Chromium(const std::filesystem::path& executable,
                   const std::filesystem::path& profile_dir, int width, int height) {
  signal(SIGPIPE, SIG_IGN);  // a dead browser must fail a call, not kill the test binary
  std::filesystem::create_directories(profile_dir);
  int commands[2], replies[2];
  if (pipe2(commands, O_CLOEXEC) != 0 || pipe2(replies, O_CLOEXEC) != 0) {
    Fail("pipe failed");
    return;
  }
  pid_ = fork();
  if (pid_ == 0) ExecChromium(executable, profile_dir, commands[0], replies[1]);
  close(commands[0]);
  close(replies[1]);
  to_browser_ = commands[1];
  from_browser_ = replies[0];
  auto target = Call("Target.createTarget", {{"url", "about:blank"}}, true);
  if (!target) return;
  auto attached =
      Call("Target.attachToTarget", {{"targetId", (*target)["targetId"]}, {"flatten", true}}, true);
  if (!attached) return;
  session_ = (*attached)["sessionId"].get<std::string>();
  for (const char* domain : {"Page.enable", "Runtime.enable", "Log.enable"}) {
    if (!Call(domain)) return;
  }
  Call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}});
}

Chromium::~Chromium() {
  if (to_browser_ >= 0 && ok()) {
    Send({{"id", next_id_++}, {"method", "Browser.close"}});
  }
  if (to_browser_ >= 0) close(to_browser_);
  if (from_browser_ >= 0) close(from_browser_);
  if (pid_ <= 0) return;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid_, SIGKILL);  // helpers (renderer, zygote) that outlived the browser process
}

bool Chromium::Fail(std::string message) {
  error_ = std::move(message);
  return false;
}

bool Chromium::Send(const json& message) {
  const std::string text = message.dump() + '\0';
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(to_browser_, text.data() + written, text.size() - written);
    if (n <= 0)
      return Fail("cannot write to chromium (did it start? see chromium.log in the profile)");
    written += static_cast<size_t>(n);
  }
  return true;
}

std::optional<json> Chromium::Receive(Clock::time_point deadline) {
  size_t end = buffer_.find('\0');
  while (end == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd poll_fd{from_browser_, POLLIN, 0};
    if (left <= 0 || poll(&poll_fd, 1, static_cast<int>(left)) <= 0) {
      Fail("timed out waiting for chromium");
      return std::nullopt;
    }
    char chunk[65536];
    const ssize_t n = read(from_browser_, chunk, sizeof(chunk));
    if (n <= 0) {
      Fail("chromium closed the pipe");
      return std::nullopt;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    end = buffer_.find('\0');
  }
  json message = json::parse(buffer_.substr(0, end), nullptr, false);
  buffer_.erase(0, end + 1);
  if (message.is_discarded()) {
    Fail("chromium sent invalid JSON");
    return std::nullopt;
  }
  return message;
}

void Chromium::Record(const json& event) {
  const std::string method = event.value("method", "");
  const json& params = event.contains("params") ? event["params"] : json::object();
  if (method == "Runtime.consoleAPICalled" &&
      (params.value("type", "") == "error" || params.value("type", "") == "assert")) {
    std::string text;
    for (const json& arg : params["args"])
      text += arg.value("description", arg.contains("value") ? arg["value"].dump() : "") + " ";
    problems_.push_back({"console", text});
  } else if (method == "Runtime.exceptionThrown") {
    const json& details = params["exceptionDetails"];
    problems_.push_back(
        {"exception", details.contains("exception")
                          ? details["exception"].value("description", details.value("text", ""))
                          : details.value("text", "")});
  } else if (method == "Log.entryAdded" && params["entry"].value("level", "") == "error") {
    problems_.push_back({"log", params["entry"].value("text", "")});
  }
  events_.push_back(event);
}

std::optional<json> Chromium::Call(const std::string& method, const json& params, bool to_browser) {
  const int id = next_id_++;
  json message = {
      {"id", id}, {"method", method}, {"params", params.is_null() ? json::object() : params}};
  if (!to_browser) message["sessionId"] = session_;
  if (!Send(message)) return std::nullopt;
  const auto deadline = Clock::now() + kCallTimeout;
  while (auto reply = Receive(deadline)) {
    if (!reply->contains("id")) {
      Record(*reply);
      continue;
    }
    if ((*reply)["id"] != id) continue;
    if (reply->contains("error")) {
      Fail(method + ": " + (*reply)["error"].dump());
      return std::nullopt;
    }
    return (*reply)["result"];
  }
  return std::nullopt;
}

bool Chromium::Navigate(const std::string& url) {
  const size_t seen = events_.size();
  auto navigated = Call("Page.navigate", {{"url", url}});
  if (!navigated) return false;
  if (navigated->contains("errorText"))
    return Fail("navigate: " + (*navigated)["errorText"].dump());
  const auto deadline = Clock::now() + kCallTimeout;
  for (size_t i = seen;; ++i) {
    while (i >= events_.size()) {
      auto event = Receive(deadline);
      if (!event) return false;
      if (!event->contains("id")) Record(*event);
    }
    if (events_[i].value("method", "") == "Page.loadEventFired") return true;
  }
}

std::optional<json> Chromium::Evaluate(const std::string& expression) {
  auto result = Call("Runtime.evaluate",
                     {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (!result) return std::nullopt;
  if (result->contains("exceptionDetails")) {
    Fail("evaluate: " + (*result)["exceptionDetails"].dump());
    return std::nullopt;
  }
  const json& value = (*result)["result"];
  return value.contains("value") ? value["value"] : json();
}

bool Chromium::WaitFor(const std::string& expression, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto value = Evaluate("Boolean(" + expression + ")");
    if (value && *value == true) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Fail("timed out waiting for " + expression);
}

bool Chromium::Click(double x, double y) {
  for (const char* type : {"mouseMoved", "mousePressed", "mouseReleased"}) {
    if (!Call("Input.dispatchMouseEvent",
              {{"type", type}, {"x", x}, {"y", y}, {"button", "left"}, {"clickCount", 1}})) {
      return false;
    }
  }
  return true;
}

bool Chromium::ClickSelector(const std::string& selector) {
  auto centre = Evaluate("(() => { const e = document.querySelector(" + json(selector).dump() +
                         "); if (!e) return null; e.scrollIntoView({block: 'center'});"
                         " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, "
                         "r.top + r.height / 2]; })()");
  if (!centre || !centre->is_array()) return Fail("no element matches " + selector);
  return Click((*centre)[0].get<double>(), (*centre)[1].get<double>());
}

std::optional<std::string> Chromium::Screenshot(bool full_page) {
  json params = {{"format", "png"}};
  if (full_page) {
    auto metrics = Call("Page.getLayoutMetrics");
    if (!metrics) return std::nullopt;
    const json& size = (*metrics)["cssContentSize"];
    params["captureBeyondViewport"] = true;
    params["clip"] = {
        {"x", 0}, {"y", 0}, {"width", size["width"]}, {"height", size["height"]}, {"scale", 1}};
  }
  auto shot = Call("Page.captureScreenshot", params);
  if (!shot) return std::nullopt;
  return DecodeBase64((*shot)["data"].get<std::string>());
}

std::vector<PageProblem> Chromium::Problems() {
  // Collect events that arrived since the last call without waiting.
  Evaluate("0");
  return problems_;
}

}  // namespace afbench::testing
