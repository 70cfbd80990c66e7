#include <cmath>

#include <fmt/format.h>

#include "scratchnet/app/run.h"
#include "scratchnet/io/json.h"

namespace scratchnet {

std::string summary_json(const RunSummary& s) {
  std::string j = "{\n";
  auto field = [&j](const char* key, const std::string& value) {
    j += fmt::format("  \"{}\": {},\n", key, value);
  };
  const bool regression = s.task == Task::kRegression;
  field("task", regression ? "\"regression\"" : "\"classification\"");
  field("test_accuracy", json_number(s.test_accuracy));
  field("test_loss", json_number(s.test_loss));
  if (!regression) {
    field("test_balanced_accuracy", json_number(s.test_balanced_accuracy));
    field("test_macro_f1", json_number(s.test_macro_f1));
  }
  field("train_accuracy", json_number(s.train_accuracy));
  field("train_loss", json_number(s.train_loss));
  if (s.validation_samples > 0) {
    field("val_accuracy", json_number(s.val_accuracy));
    field("val_loss", json_number(s.val_loss));
  }
  if (regression) {
    field("test_mse", json_number(s.test_loss));
    field("test_rmse", json_number(std::sqrt(s.test_loss)));
    field("train_mse", json_number(s.train_loss));
  }
  if (s.cv_folds > 0) {
    field("cv_folds", std::to_string(s.cv_folds));
    const std::pair<const char*, const MeanStd*> metrics[] = {
        {regression ? "mse" : "loss", &s.cv_loss}, {"accuracy", &s.cv_accuracy},
        {"balanced_accuracy", &s.cv_balanced_accuracy}, {"macro_f1", &s.cv_macro_f1}};
    for (const auto& [name, m] : metrics) {
      if (regression && std::string(name) != "mse") continue;
      field(fmt::format("cv_mean_{}", name).c_str(), json_number(m->mean));
      field(fmt::format("cv_std_{}", name).c_str(), json_number(m->std));
    }
  }
  field("l2_penalty", json_number(s.l2_penalty));
  field("losses_include_l2_penalty", "false");
  field("epochs", std::to_string(s.epochs));
  field("best_epoch", std::to_string(s.best_epoch));
  field("stopped_early", s.stopped_early ? "true" : "false");
  field("diverged", s.diverged ? "true" : "false");
  field("stop_reason", json_string(s.stop_reason));
  field("parameters", std::to_string(s.parameters));
  field("train_samples", std::to_string(s.train_samples));
  field("validation_samples", std::to_string(s.validation_samples));
  field("test_samples", std::to_string(s.test_samples));
  if (s.dropped_rows > 0) field("dropped_rows", std::to_string(s.dropped_rows));
  if (s.unseen_categories > 0) field("unseen_categories", std::to_string(s.unseen_categories));
  if (!s.skipped_images.empty()) {
    std::string list = "[";
    for (std::size_t i = 0; i < s.skipped_images.size(); ++i)
      list += fmt::format("{}{{\"path\": {}, \"reason\": {}}}", i ? ", " : "", json_string(s.skipped_images[i].path),
                          json_string(s.skipped_images[i].reason));
    field("skipped_images", list + "]");
  }
  field("train_metrics", json_string(s.train_metrics));
  field("stop_at", s.stop_at.empty() ? "null" : json_string(s.stop_at));
  field("target_reached_epoch", s.target_reached_epoch ? std::to_string(*s.target_reached_epoch) : "null");
  field("seconds_to_target", s.seconds_to_target ? json_number(*s.seconds_to_target) : "null");
  field("train_seconds", json_number(s.train_seconds));
  field("samples_per_second", json_number(s.samples_per_second));
  field("inference_us_per_sample", json_number(s.inference_us_per_sample));
  field("processes", std::to_string(s.processes));
  field("threads", std::to_string(s.threads));
  if (s.processes > 1) {
    field("allreduce_ms_per_step", json_number(s.allreduce_ms_per_step));
    field("allreduce_bytes_per_step", std::to_string(s.allreduce_bytes_per_step));
  }
  j.erase(j.size() - 2);  // the last comma
  return j + "\n}\n";
}

}  // namespace scratchnet
