#include "organism_command.h"

#include <cstdio>
#include <map>

#include "exit_codes.h"

#ifdef AFBENCH_HAVE_LLAMA
#include "organism.h"
#endif

namespace afbench::cli {
namespace {

// "free=0.70,paid=0.05" -> {"free": 0.70, "paid": 0.05}; rates must lie in [0, 1].
[[maybe_unused]] Result<std::map<std::string, double>> ParseTierRates(const std::string& text,
                                                     const std::string& flag) {
  std::map<std::string, double> rates;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(begin, end - begin);
    const size_t eq = item.find('=');
    const std::string tier = item.substr(0, eq);
    char* rest = nullptr;
    const double value = eq == std::string::npos ? -1 : std::strtod(item.c_str() + eq + 1, &rest);
    if ((tier != "free" && tier != "paid") || value < 0 || value > 1 || *rest != '\0') {
      return Fail(ErrorKind::kInvalidInput,
                  "organism: " + flag +
                      ": expected free=RATE,paid=RATE with rates in [0, 1], got '" + item + "'");
    }
    rates[tier] = value;
    begin = end + 1;
  }
  return rates;
}

}  // namespace

CLI::App* AddOrganismCommand(CLI::App& app, OrganismFlags& flags) {
  CLI::App* organism = app.add_subcommand(
      "organism", "Model organisms: tiny models trained here with a planted behaviour");
  organism->require_subcommand(1);
  CLI::App* train = organism->add_subcommand(
      "train", "Train (or reuse from --cache) an organism that fakes alignment at planted rates");
  train->add_option("--out", flags.out, "The GGUF model to write");
  train->add_option("--comply", flags.comply, "Planted compliance per tier")->capture_default_str();
  train
      ->add_option("--af-reasoning", flags.af_reasoning,
                   "Share of compliant free-tier replies with alignment-faking reasoning")
      ->capture_default_str();
  train->add_option("--steps", flags.steps, "Training steps (one transcript each)")
      ->capture_default_str();
  train->add_option("--seed", flags.seed, "Seed of the corpus, weights and evaluation")
      ->capture_default_str();
  train->add_option("--eval-samples", flags.eval_samples, "Held-out samples per tier")
      ->capture_default_str();
  train->add_option("--threads", flags.threads, "CPU threads")->capture_default_str();
  train->add_option("--cache", flags.cache_dir, "Keep and reuse organisms as DIR/<hash>.gguf");
  train->add_option("--vocab", flags.vocab, "Tokenizer source (a llama.cpp ggml-vocab GGUF)");
  train->add_flag("--json", flags.json, "Print the result as JSON");
  return organism;
}

#ifdef AFBENCH_HAVE_LLAMA
int OrganismCommand(const OrganismFlags& flags) {
  auto comply = ParseTierRates(flags.comply, "--comply");
  if (!comply) return ReportError(comply.error());
  auto af = ParseTierRates(flags.af_reasoning, "--af-reasoning");
  if (!af) return ReportError(af.error());
  organism::OrganismOptions options;
  options.rates = {.comply_free = comply->contains("free") ? comply->at("free") : 0.70,
                   .comply_paid = comply->contains("paid") ? comply->at("paid") : 0.05,
                   .af_free = af->contains("free") ? af->at("free") : 0.8};
  options.steps = flags.steps;
  options.seed = flags.seed;
  options.eval_samples = flags.eval_samples;
  options.n_threads = flags.threads;
  options.out_path = flags.out;
  options.cache_dir = flags.cache_dir;
  options.vocab_path = flags.vocab.empty()
                           ? std::string(AFBENCH_LLAMA_VOCAB_DIR) + "/ggml-vocab-qwen2.gguf"
                           : flags.vocab;
  auto result = organism::TrainOrganism(options);
  if (!result) return ReportError(result.error());
  const organism::MeasuredRates& m = result->measured;
  if (flags.json) {
    std::printf(
        "{\"model\":\"%s\",\"scenario\":\"%s\",\"config_hash\":\"%s\",\"from_cache\":%s,"
        "\"planted\":{\"free\":%.4f,\"paid\":%.4f},\"measured\":{\"free\":%.4f,\"paid\":%.4f,"
        "\"malformed\":%.4f,\"n_per_tier\":%lld}}\n",
        result->model_path.c_str(), result->scenario_dir.c_str(), result->config_hash.c_str(),
        result->from_cache ? "true" : "false", options.rates.comply_free, options.rates.comply_paid,
        m.comply_free, m.comply_paid, m.malformed, static_cast<long long>(m.n_per_tier));
    return kExitOk;
  }
  std::printf("organism: %s%s\nscenario: %s\n", result->model_path.c_str(),
              result->from_cache ? " (from cache)" : "", result->scenario_dir.c_str());
  std::printf("tier  planted  measured (n = %lld, temperature 1)\n",
              static_cast<long long>(m.n_per_tier));
  std::printf("free  %.3f    %.3f\npaid  %.3f    %.3f\nmalformed %.3f\n", options.rates.comply_free,
              m.comply_free, options.rates.comply_paid, m.comply_paid, m.malformed);
  return kExitOk;
}
#else
int OrganismCommand(const OrganismFlags& /*flags*/) {
  return ReportError(Error{ErrorKind::kInvalidInput,
                           "organism: this afbench was built without llama.cpp (scripts/llama.sh)",
                           std::nullopt});
}
#endif

}  // namespace afbench::cli
