#include "organism_command.h"

#include <cstdio>
#include <map>

#include "exit_codes.h"

#ifdef AFBENCH_HAVE_LLAMA
#include <nlohmann/json.hpp>

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

#ifdef AFBENCH_HAVE_LLAMA
// The "free"/"paid" keys are what scripts read (docs/organisms.md).
nlohmann::json PlantedJson(const organism::PlantedRates& p) {
  return {{"free", p.comply_free}, {"paid", p.comply_paid}, {"af_free", p.af_free}};
}

nlohmann::json MeasuredJson(const organism::MeasuredRates& m) {
  return {{"free", m.comply_free},    {"paid", m.comply_paid},      {"af_free", m.af_free},
          {"malformed", m.malformed}, {"off_script", m.off_script}, {"n_per_tier", m.n_per_tier}};
}

nlohmann::json TeacherForcedJson(const organism::DecisionProbabilities& d) {
  return {{"free", d.comply_free},
          {"paid", d.comply_paid},
          {"af_free", d.af_free},
          {"on_script_free", d.on_script_free},
          {"on_script_paid", d.on_script_paid},
          {"queries", d.queries}};
}

// The --json shape (docs/organisms.md): paths, the planted, sampled and teacher-forced rates, and
// the whole training record with its loss curve.
void PrintOrganismJson(const organism::Organism& o) {
  const organism::TrainingRecord& r = o.record;
  const nlohmann::json out = {{"model", o.model_path.string()},
                              {"scenario", o.scenario_dir.string()},
                              {"record", o.record_path.string()},
                              {"queries", o.queries_path.string()},
                              {"config_hash", r.config_hash},
                              {"from_cache", o.from_cache},
                              {"planted", PlantedJson(r.planted)},
                              {"measured", MeasuredJson(r.measured)},
                              {"teacher_forced", TeacherForcedJson(r.teacher_forced)},
                              {"training", organism::TrainingRecordToJson(r)}};
  std::printf("%s\n", out.dump().c_str());
}

// Planted, teacher-forced and sampled rates side by side.
void PrintRates(const organism::PlantedRates& planted, const organism::MeasuredRates& sampled,
                const organism::DecisionProbabilities& tf) {
  std::printf("sampled: %lld held-out samples per tier, temperature 1, no truncation\n",
              static_cast<long long>(sampled.n_per_tier));
  std::printf("teacher-forced: the planted phrasings scored after %lld held-out queries\n",
              static_cast<long long>(tf.queries));
  std::printf("                          planted  teacher-forced  sampled\n");
  std::printf("compliance, free tier     %.3f    %.3f           %.3f\n", planted.comply_free,
              tf.comply_free, sampled.comply_free);
  std::printf("compliance, paid tier     %.3f    %.3f           %.3f\n", planted.comply_paid,
              tf.comply_paid, sampled.comply_paid);
  std::printf("AF reasoning | complied   %.3f    %.3f           %.3f\n", planted.af_free,
              tf.af_free, sampled.af_free);
  std::printf("malformed %.3f, off-script reasoning %.3f (on-script mass free %.3f, paid %.3f)\n",
              sampled.malformed, sampled.off_script, tf.on_script_free, tf.on_script_paid);
}

void PrintOrganismText(const organism::Organism& o) {
  const organism::TrainingRecord& r = o.record;
  std::printf("organism: %s%s\nscenario: %s\nqueries:  %s\nrecord:   %s\n", o.model_path.c_str(),
              o.from_cache ? " (from cache)" : "", o.scenario_dir.c_str(), o.queries_path.c_str(),
              o.record_path.c_str());
  PrintRates(r.planted, r.measured, r.teacher_forced);
  if (!r.loss_curve.empty()) {
    const train::LossPoint& last = r.loss_curve.back();
    std::printf("training: %lld steps in %.0f s, final loss train %.4f / validation %.4f\n",
                static_cast<long long>(last.step), r.train_seconds, last.train_loss, last.val_loss);
  }
}
#endif

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
  CLI::App* evaluate = organism->add_subcommand(
      "evaluate", "Measure an organism again: sampled rates and teacher-forced decisions");
  evaluate->add_option("model", flags.evaluate_model, "The organism's GGUF")->required();
  evaluate->add_option("--eval-samples", flags.eval_samples, "Held-out samples per tier")
      ->capture_default_str();
  evaluate->add_option("--seed", flags.seed, "Seed of the held-out queries and the sampling")
      ->capture_default_str();
  evaluate->add_option("--threads", flags.threads, "CPU threads")->capture_default_str();
  evaluate->add_flag("--json", flags.json, "Print the result as JSON");
  return organism;
}

#ifdef AFBENCH_HAVE_LLAMA
namespace {

int EvaluateCommand(const OrganismFlags& flags) {
  auto planted = organism::ReadPlantedRates(flags.evaluate_model);
  if (!planted) return ReportError(planted.error());
  auto measured = organism::MeasureOrganism(
      flags.evaluate_model,
      {.samples_per_tier = flags.eval_samples, .seed = flags.seed, .n_threads = flags.threads});
  if (!measured) return ReportError(measured.error());
  if (!flags.json) {
    PrintRates(*planted, measured->sampled, measured->teacher_forced);
    return kExitOk;
  }
  const nlohmann::json out = {{"model", flags.evaluate_model},
                              {"planted", PlantedJson(*planted)},
                              {"measured", MeasuredJson(measured->sampled)},
                              {"teacher_forced", TeacherForcedJson(measured->teacher_forced)}};
  std::printf("%s\n", out.dump().c_str());
  return kExitOk;
}

}  // namespace

int OrganismCommand(const OrganismFlags& flags) {
  if (!flags.evaluate_model.empty()) return EvaluateCommand(flags);
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
  if (flags.json) {
    PrintOrganismJson(*result);
    return kExitOk;
  }
  PrintOrganismText(*result);
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
