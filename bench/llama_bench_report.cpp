// afbench-llama-bench-report: the figures of bench/run_llama_bench.sh, read from the Stores of the
// two runs it made (the in-process llama/ backend, and the same run through llama-server).
//
// (a) Prompt tokens. From the in-process Store, per turn: evaluated (input_tokens), reused from
//     the KV cache (cache_read_tokens) and their sum, the prompt a backend without prefix reuse
//     would evaluate. The lower bound is the number of unique prompt tokens: the distinct prefixes
//     of all first-turn prompts (the size of their token trie: the system prompt counts once),
//     plus, for each later turn, the tokens it adds after the previous turn's prompt and reply.
//     First-turn prompts are tokenized again here with the same model and template.
// (b) Wall time: measured by the script and passed in; printed next to (a). End to end, the
//     in-process run includes loading the model and the server's includes starting the server
//     (which loads the model); the ratio without the server's start is printed too.
//
// Usage: afbench-llama-bench-report --model M.gguf --inprocess-db A.db --server-db B.db
//            --inprocess-s 12.3 --server-s 20.1 --server-start-s 1.2
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "afbench/llama_backend.h"
#include "afbench/store.h"

namespace afbench::bench {
namespace {

struct Flags {
  std::string model;
  std::string inprocess_db;
  std::string server_db;
  double inprocess_s = 0;
  double server_s = 0;
  double server_start_s = 0;
};

/// Prompt token counts of one Run, summed over its turns.
struct RunTokens {
  int64_t samples = 0;
  int64_t requests = 0;
  int64_t prompt = 0;  ///< What each request's prompt holds: evaluated + reused.
  int64_t evaluated = 0;
  int64_t reused = 0;
  int64_t generated = 0;
  int64_t later_new = 0;  ///< Tokens later turns add after the previous prompt and reply.
};

using TokenLists = std::vector<std::vector<int32_t>>;

// Nodes of the trie of `lists`: sorted, each list adds what it does not share with its neighbour.
int64_t TrieSize(TokenLists lists) {
  std::sort(lists.begin(), lists.end());
  int64_t nodes = 0;
  for (size_t i = 0; i < lists.size(); ++i) {
    size_t shared = 0;
    if (i > 0) {
      const std::vector<int32_t>& a = lists[i - 1];
      const std::vector<int32_t>& b = lists[i];
      while (shared < a.size() && shared < b.size() && a[shared] == b[shared]) ++shared;
    }
    nodes += static_cast<int64_t>(lists[i].size() - shared);
  }
  return nodes;
}

// `server`: the OpenAI-compatible API counts cached tokens inside input_tokens; the in-process
// backend counts evaluated and reused tokens apart (docs/llama.md).
void AddTurns(const Transcript& transcript, bool server, RunTokens& tokens) {
  int64_t previous_history = -1;
  for (const Turn& turn : transcript.turns) {
    const int64_t prompt =
        server ? turn.usage.input_tokens : turn.usage.input_tokens + turn.usage.cache_read_tokens;
    tokens.requests++;
    tokens.prompt += prompt;
    tokens.reused += turn.usage.cache_read_tokens;
    tokens.evaluated += prompt - turn.usage.cache_read_tokens;
    tokens.generated += turn.usage.output_tokens;
    if (previous_history >= 0) tokens.later_new += std::max<int64_t>(0, prompt - previous_history);
    previous_history = prompt + turn.usage.output_tokens;
  }
}

Result<std::vector<StoredSample>> LoadNewestRun(const std::string& db, RunRecord& run) {
  Result<std::unique_ptr<Store>> store = Store::Open(db);
  if (!store) return Fail(store.error());
  Result<std::vector<RunRecord>> runs = (*store)->ListRuns();
  if (!runs) return Fail(runs.error());
  if (runs->empty()) return Fail(ErrorKind::kNotFound, "bench: " + db + ": no run");
  run = runs->front();
  return (*store)->LoadSamples(run.run_id);
}

Result<RunTokens> CountRun(const std::string& db, bool server, TokenLists* first_prompts,
                           const LlamaBackend* backend) {
  RunRecord run;
  Result<std::vector<StoredSample>> samples = LoadNewestRun(db, run);
  if (!samples) return Fail(samples.error());
  RunTokens tokens;
  for (const StoredSample& sample : *samples) {
    tokens.samples++;
    AddTurns(sample.transcript, server, tokens);
    if (first_prompts == nullptr || sample.transcript.turns.empty()) continue;
    const Conversation first{run.system_prompt, {{Role::kUser, sample.user_turn}}};
    Result<std::vector<int32_t>> prompt =
        backend->PromptTokens(first, sample.transcript.turns.front().prefill);
    if (!prompt) return Fail(prompt.error());
    first_prompts->push_back(std::move(*prompt));
  }
  return tokens;
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

void Print(const RunTokens& in, const RunTokens& server, int64_t unique, const Flags& flags) {
  std::printf("%-34s %14s %14s\n", "", "in-process", "llama-server");
  std::printf("%-34s %14lld %14lld\n", "samples", static_cast<long long>(in.samples),
              static_cast<long long>(server.samples));
  std::printf("%-34s %14lld %14lld\n", "requests", static_cast<long long>(in.requests),
              static_cast<long long>(server.requests));
  std::printf("%-34s %14lld %14lld\n", "prompt tokens (recompute all)",
              static_cast<long long>(in.prompt), static_cast<long long>(server.prompt));
  std::printf("%-34s %14lld %14lld\n", "prompt tokens evaluated",
              static_cast<long long>(in.evaluated), static_cast<long long>(server.evaluated));
  std::printf("%-34s %14lld %14lld\n", "prompt tokens reused from cache",
              static_cast<long long>(in.reused), static_cast<long long>(server.reused));
  std::printf("%-34s %14lld %14s\n", "unique prompt tokens", static_cast<long long>(unique), "");
  std::printf("%-34s %14lld %14lld\n", "generated tokens", static_cast<long long>(in.generated),
              static_cast<long long>(server.generated));
  std::printf("%-34s %14s %14.1f\n", "start (load the model)", "in the run", flags.server_start_s);
  std::printf("%-34s %14.1f %14.1f\n", "run (s)", flags.inprocess_s, flags.server_s);
  std::printf("%-34s %14.1f %14.1f\n", "end to end (s)", flags.inprocess_s,
              flags.server_start_s + flags.server_s);
  std::printf("\n(a) evaluated / unique      %6.3f   (target <= 1.05)\n",
              Ratio(static_cast<double>(in.evaluated), static_cast<double>(unique)));
  std::printf("    recompute / evaluated   %6.1fx  (target >= 20)\n",
              Ratio(static_cast<double>(in.prompt), static_cast<double>(in.evaluated)));
  std::printf("    llama-server evaluated / in-process evaluated  %.2fx\n",
              Ratio(static_cast<double>(server.evaluated), static_cast<double>(in.evaluated)));
  std::printf("(b) llama-server / in-process wall time, end to end  %.2fx  (target >= 1.5)\n",
              Ratio(flags.server_start_s + flags.server_s, flags.inprocess_s));
  std::printf("    the same, llama-server already running     %.2fx\n",
              Ratio(flags.server_s, flags.inprocess_s));
}

int Report(const Flags& flags) {
  Result<std::unique_ptr<LlamaBackend>> backend =
      LlamaBackend::Open({.model_path = flags.model, .parallel = 1, .ctx_tokens = 16384});
  if (!backend) return std::fprintf(stderr, "%s\n", backend.error().message.c_str()), 1;
  TokenLists first_prompts;
  Result<RunTokens> in = CountRun(flags.inprocess_db, false, &first_prompts, backend->get());
  if (!in) return std::fprintf(stderr, "%s\n", in.error().message.c_str()), 1;
  Result<RunTokens> server = CountRun(flags.server_db, true, nullptr, nullptr);
  if (!server) return std::fprintf(stderr, "%s\n", server.error().message.c_str()), 1;
  Print(*in, *server, TrieSize(std::move(first_prompts)) + in->later_new, flags);
  return 0;
}

}  // namespace
}  // namespace afbench::bench

int main(int argc, char** argv) {
  afbench::bench::Flags flags;
  CLI::App app("Prompt-token and wall-time figures of bench/run_llama_bench.sh");
  app.add_option("--model", flags.model, "The GGUF model both runs used")->required();
  app.add_option("--inprocess-db", flags.inprocess_db, "Store of the llama/ run")->required();
  app.add_option("--server-db", flags.server_db, "Store of the llama-server run")->required();
  app.add_option("--inprocess-s", flags.inprocess_s, "Wall time of the llama/ run");
  app.add_option("--server-s", flags.server_s, "Wall time of the llama-server run");
  app.add_option("--server-start-s", flags.server_start_s, "Time llama-server took to start");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return afbench::bench::Report(flags);
}
