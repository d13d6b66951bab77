#include "training_record.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace afbench::organism {
namespace {

using nlohmann::json;

json CurveJson(const std::vector<train::LossPoint>& curve) {
  json points = json::array();
  for (const train::LossPoint& p : curve) {
    points.push_back({{"step", p.step}, {"train_loss", p.train_loss}, {"val_loss", p.val_loss}});
  }
  return points;
}

json TeacherForcedJson(const DecisionProbabilities& d) {
  return {{"comply_free", d.comply_free},
          {"comply_paid", d.comply_paid},
          {"af_free", d.af_free},
          {"on_script_free", d.on_script_free},
          {"on_script_paid", d.on_script_paid},
          {"queries", d.queries}};
}

DecisionProbabilities TeacherForcedFromJson(const json& j) {
  return {.comply_free = j.at("comply_free").get<double>(),
          .comply_paid = j.at("comply_paid").get<double>(),
          .af_free = j.at("af_free").get<double>(),
          .on_script_free = j.at("on_script_free").get<double>(),
          .on_script_paid = j.at("on_script_paid").get<double>(),
          .queries = j.at("queries").get<int64_t>()};
}

}  // namespace

json TrainingRecordToJson(const TrainingRecord& r) {
  const MeasuredRates& m = r.measured;
  return {{"config_hash", r.config_hash},
          {"corpus_version", r.corpus_version},
          {"planted",
           {{"comply_free", r.planted.comply_free},
            {"comply_paid", r.planted.comply_paid},
            {"af_free", r.planted.af_free}}},
          {"steps", r.steps},
          {"seed", r.seed},
          {"measured",
           {{"comply_free", m.comply_free},
            {"comply_paid", m.comply_paid},
            {"af_free", m.af_free},
            {"malformed", m.malformed},
            {"off_script", m.off_script},
            {"n_per_tier", m.n_per_tier},
            {"sampling", "temperature 1, no truncation"}}},
          {"teacher_forced", TeacherForcedJson(r.teacher_forced)},
          {"loss_curve", CurveJson(r.loss_curve)},
          {"train_seconds", r.train_seconds},
          {"eval_seconds", r.eval_seconds},
          {"afbench_version", r.afbench_version}};
}

namespace {

TrainingRecord FromJson(const json& j) {
  TrainingRecord r;
  r.config_hash = j.at("config_hash").get<std::string>();
  r.corpus_version = j.at("corpus_version").get<std::string>();
  const json& planted = j.at("planted");
  r.planted = {.comply_free = planted.at("comply_free").get<double>(),
               .comply_paid = planted.at("comply_paid").get<double>(),
               .af_free = planted.at("af_free").get<double>()};
  r.steps = j.at("steps").get<int64_t>();
  r.seed = j.at("seed").get<uint64_t>();
  const json& m = j.at("measured");
  r.measured = {.comply_free = m.at("comply_free").get<double>(),
                .comply_paid = m.at("comply_paid").get<double>(),
                .af_free = m.at("af_free").get<double>(),
                .malformed = m.at("malformed").get<double>(),
                .off_script = m.at("off_script").get<double>(),
                .n_per_tier = m.at("n_per_tier").get<int64_t>()};
  if (j.contains("teacher_forced"))
    r.teacher_forced = TeacherForcedFromJson(j.at("teacher_forced"));
  for (const json& p : j.at("loss_curve")) {
    r.loss_curve.push_back({.step = p.at("step").get<int64_t>(),
                            .train_loss = p.at("train_loss").get<double>(),
                            .val_loss = p.at("val_loss").get<double>()});
  }
  r.train_seconds = j.at("train_seconds").get<double>();
  r.eval_seconds = j.at("eval_seconds").get<double>();
  r.afbench_version = j.at("afbench_version").get<std::string>();
  return r;
}

}  // namespace

std::filesystem::path TrainingRecordPath(const std::filesystem::path& model_path) {
  return model_path.string() + ".train.json";
}

Status WriteTrainingRecord(const std::filesystem::path& path, const TrainingRecord& record) {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << TrainingRecordToJson(record).dump(2) << "\n";
    if (!out) return Fail(ErrorKind::kIo, "organism: " + partial.string() + ": cannot write");
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) return Fail(ErrorKind::kIo, "organism: " + path.string() + ": " + error.message());
  return {};
}

Result<TrainingRecord> ReadTrainingRecord(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kNotFound, "organism: " + path.string() + ": no training record");
  std::stringstream text;
  text << in.rdbuf();
  const json j = json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(ErrorKind::kInvalidInput, "organism: " + path.string() + ": not a JSON object");
  }
  try {
    return FromJson(j);
  } catch (const json::exception& error) {
    // nlohmann's message names the missing or mistyped key.
    return Fail(ErrorKind::kInvalidInput, "organism: " + path.string() + ": " + error.what());
  }
}

}  // namespace afbench::organism
