#include "scratchnet/experiments/conclusion.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

using Standing = VariantVerdict::Standing;

// Named one by one up to this many; more are counted ("5 others").
constexpr std::size_t kListed = 3;

// A difference with two significant digits ("0.018", "1.2"), whole numbers
// from 100 on.
std::string amount(double v) {
  v = std::fabs(v);
  return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.2g}", v);
}

std::string value(double v) { return fmt::format("{:.4g}", v); }

// "a", "a and b", "a, b and c".
std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i)
    s += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return s;
}

// How many scores the variants have: "3 repeats", or "2-3 repeats" when
// diverged runs left some with fewer.
std::string counts(const MetricVerdict& verdict, const ScoreDesign& design) {
  std::size_t low = SIZE_MAX, high = 0;
  for (const auto& v : verdict.variants)
    if (v.standing != Standing::kDiverged) low = std::min(low, v.n), high = std::max(high, v.n);
  if (low == high) return design.count(low);
  const std::string unit = design.count(high);
  return fmt::format("{}-{}", low, unit);
}

// The p-values of a group: "p = 0.57", or its smallest/largest for several.
std::string p_range(const std::vector<double>& ps, bool smallest) {
  if (ps.size() == 1) return format_p(ps[0]);
  const double p = smallest ? *std::min_element(ps.begin(), ps.end())
                            : *std::max_element(ps.begin(), ps.end());
  const std::string text = format_p(p);  // "p = 0.21" or "p < 0.001"
  if (text.rfind("p = ", 0) != 0) return text;
  return (smallest ? "p ≥ " : "p ≤ ") + text.substr(4);
}

}  // namespace

std::string ScoreDesign::count(std::size_t n) const {
  if (kind == Kind::kFolds) return fmt::format("{} fold{}", n, n == 1 ? "" : "s");
  return n == 1 ? "1 run" : fmt::format("{} repeats", n);
}

std::string ScoreDesign::test_name() const {
  return kind == Kind::kFolds
             ? fmt::format("Nadeau-Bengio corrected resampled t-test over folds ({} training, {} "
                           "held-out rows each)",
                           train_rows, test_rows)
             : "Welch's t-test over repeats";
}

std::string format_p(double p) {
  if (!std::isfinite(p)) return "no p-value";
  // Two significant digits: 0.050 is not the 0.05 of the threshold.
  if (p < 0.001) return "p < 0.001";
  if (p > 0.995) return "p = 1";
  return fmt::format("p = {:#.2g}", p);
}

MetricVerdict judge(const Metric& metric, const std::vector<VariantScores>& variants,
                    const ScoreDesign& design, double alpha) {
  if (variants.empty()) throw_usage("judge '{}': no variants to compare", metric.name);
  if (!(alpha > 0 && alpha < 1)) throw_usage("judge '{}': alpha {} is not in (0, 1)", metric.name, alpha);
  MetricVerdict verdict;
  verdict.metric = metric;
  verdict.variants.resize(variants.size());

  // The best: the highest (or lowest) mean of the finite scores.
  for (std::size_t i = 0; i < variants.size(); ++i) {
    VariantVerdict& v = verdict.variants[i];
    double sum = 0;
    for (double s : variants[i].scores)
      if (std::isfinite(s)) sum += s, ++v.n;
    v.mean = v.n ? sum / static_cast<double>(v.n) : NAN;
    if (!v.n) continue;
    const double best = verdict.best == MetricVerdict::kNone ? NAN : verdict.variants[verdict.best].mean;
    if (std::isnan(best) || (metric.higher_is_better ? v.mean > best : v.mean < best)) verdict.best = i;
  }

  // Every other variant against it.
  for (std::size_t i = 0; i < variants.size(); ++i) {
    VariantVerdict& v = verdict.variants[i];
    if (!v.n || i == verdict.best) {
      v.standing = v.n ? Standing::kBest : Standing::kDiverged;
      continue;
    }
    const std::vector<double>& best = variants[verdict.best].scores;
    v.test = design.kind == ScoreDesign::Kind::kFolds
                 ? corrected_resampled_t_test(variants[i].scores, best, design.train_rows, design.test_rows)
                 : welch_t_test(variants[i].scores, best);
    v.standing = std::isnan(v.test.p) ? Standing::kUnknown
                 : v.test.p >= alpha  ? Standing::kTied
                                      : Standing::kWorse;
  }

  // The sentence: the best (with those tied with it), those worse, those
  // whose spread is unknown, those that diverged; within each group the
  // closest to the best first.
  const std::string& name = metric.name;
  if (verdict.best == MetricVerdict::kNone) {
    verdict.sentence = fmt::format("Every variant diverged: there is no {} to compare.", name);
    return verdict;
  }
  const VariantVerdict& best = verdict.variants[verdict.best];
  std::vector<std::size_t> order(variants.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto gap = [&](std::size_t i) { return std::fabs(verdict.variants[i].mean - best.mean); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool a_known = verdict.variants[a].n > 0, b_known = verdict.variants[b].n > 0;
    return a_known && b_known ? gap(a) < gap(b) : a_known > b_known;
  });
  std::vector<std::string> tied, worse, unknown, diverged;
  std::vector<double> tied_p, worse_p, tied_difference, worse_difference, unknown_difference;
  for (std::size_t i : order) {
    const VariantVerdict& v = verdict.variants[i];
    const std::string& label = variants[i].label;
    switch (v.standing) {
      case Standing::kBest:
        break;
      case Standing::kDiverged:
        diverged.push_back(label);
        break;
      case Standing::kUnknown:
        unknown.push_back(fmt::format("{} by {}", label, amount(gap(i))));
        unknown_difference.push_back(gap(i));
        break;
      case Standing::kTied:
        tied.push_back(label);
        tied_p.push_back(v.test.p);
        tied_difference.push_back(gap(i));
        break;
      case Standing::kWorse:
        worse.push_back(fmt::format("{} by {} ({})", label, amount(gap(i)), format_p(v.test.p)));
        worse_p.push_back(v.test.p);
        worse_difference.push_back(gap(i));
        break;
    }
  }
  const std::string& best_label = variants[verdict.best].label;
  const char* higher = metric.higher_is_better ? "highest" : "lowest";
  const char* lower = metric.higher_is_better ? "lower" : "higher";
  std::vector<std::string> parts;
  if (variants.size() == 1) {
    parts.push_back(fmt::format("{} has {} {} ({})", best_label, name, value(best.mean),
                                design.count(best.n)));
  } else if (!tied.empty()) {
    // "a and b are tied on test accuracy (0.003 apart, p = 0.57, 3 repeats)"
    std::vector<std::string> all = {best_label};
    all.insert(all.end(), tied.begin(), tied.end());
    const double widest = *std::max_element(tied_difference.begin(), tied_difference.end());
    const std::string spread = fmt::format("{}{} apart, {}, {}", tied.size() == 1 ? "" : "up to ",
                                           amount(widest), p_range(tied_p, true), counts(verdict, design));
    if (tied.size() <= kListed) {
      parts.push_back(fmt::format("{} are tied on {} ({})", join(all), name, spread));
    } else if (tied.size() + 1 == variants.size()) {
      // "All 5 variants are tied on test accuracy (rmsprop highest at 0.97; ...)"
      parts.push_back(fmt::format("All {} variants are tied on {} ({} {} at {}; {})", variants.size(), name,
                                  best_label, higher, value(best.mean), spread));
    } else {
      parts.push_back(fmt::format("{} and {} others are tied on {} ({})", best_label, tied.size(), name, spread));
    }
  } else {
    const bool spread_known = !worse.empty();
    parts.push_back(fmt::format("{} has the {} {} ({}{})", best_label, higher, name, value(best.mean),
                                spread_known ? ", " + counts(verdict, design) : ""));
  }
  // A group of worse variants: "sgd is lower by 0.018 (p = 0.04), adagrad by
  // 0.01 (p = 0.002)", or "5 others are lower by 0.01 to 0.3" when long.
  auto group = [&](std::vector<std::string> items, const std::vector<double>& differences) {
    if (items.size() <= kListed) {
      items[0].insert(items[0].find(" by "), fmt::format(" is {}", lower));
      return join(items);
    }
    // The closest comes first: name it.
    const std::string closest = items[0].substr(0, items[0].find(" by "));
    return fmt::format("{} others are {} by {} ({}) to {}", items.size(), lower, amount(differences.front()),
                       closest, amount(*std::max_element(differences.begin(), differences.end())));
  };
  if (!worse.empty())
    parts.push_back(group(worse, worse_difference) +
                    (worse.size() <= kListed ? "" : " (" + p_range(worse_p, false) + ")"));
  if (!unknown.empty()) {
    bool one_run = true;
    for (const auto& v : verdict.variants) one_run = one_run && v.n <= 1;
    parts.push_back(group(unknown, unknown_difference) +
                    (one_run ? " (one run each: no spread is known, so no p-value)"
                             : " (fewer than two runs: no spread is known)"));
  }
  if (!diverged.empty())
    parts.push_back(diverged.size() <= kListed ? join(diverged) + " diverged"
                                               : fmt::format("{} others diverged", diverged.size()));
  std::string sentence;
  for (std::size_t i = 0; i < parts.size(); ++i) sentence += (i ? "; " : "") + parts[i];
  verdict.sentence = sentence + ".";
  return verdict;
}

ReportTable differences_table(const std::vector<MetricVerdict>& verdicts,
                              const std::vector<std::string>& labels, const ScoreDesign& design,
                              double alpha) {
  // With one run per variant every cell would say that its spread is unknown: the caption says it once.
  bool any_p = false;
  for (const auto& verdict : verdicts)
    for (const auto& v : verdict.variants) any_p = any_p || v.standing == Standing::kTied || v.standing == Standing::kWorse;
  ReportTable table;
  table.caption = any_p ? fmt::format("Difference to the best variant of each metric ({}; tied: p ≥ {})",
                                      design.test_name(), alpha)
                        : "Difference to the best variant of each metric (one run each: no spread is known, "
                          "so no p-values)";
  table.header.push_back("variant");
  for (const auto& verdict : verdicts) {
    if (verdict.variants.size() != labels.size())
      throw_usage("differences table: {} labels for {} variants of {}", labels.size(),
                  verdict.variants.size(), verdict.metric.name);
    table.header.push_back(verdict.metric.name);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    std::vector<std::string> row = {labels[i]};
    for (const auto& verdict : verdicts) {
      const VariantVerdict& v = verdict.variants[i];
      switch (v.standing) {
        case Standing::kBest:
          row.push_back(fmt::format("best ({:.4f})", v.mean));
          break;
        case Standing::kTied:
          row.push_back(fmt::format("{:+.4f}, {} (tied)", v.test.difference, format_p(v.test.p)));
          break;
        case Standing::kWorse:
          row.push_back(fmt::format("{:+.4f}, {}", v.test.difference, format_p(v.test.p)));
          break;
        case Standing::kUnknown:
          row.push_back(fmt::format("{:+.4f}{}", v.mean - verdict.variants[verdict.best].mean,
                                    any_p ? " (no spread)" : ""));
          break;
        case Standing::kDiverged:
          row.push_back("diverged");
          break;
      }
    }
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace scratchnet
