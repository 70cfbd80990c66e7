#include "scratchnet/data/tabular_split.h"

#include <algorithm>

#include "scratchnet/core/error.h"
#include "scratchnet/data/cells.h"
#include "scratchnet/data/split.h"

namespace scratchnet {

LabelledTable label_table(CsvTable table, const std::string& source, const CsvOptions& options) {
  if (table.rows.empty()) throw_data("{}: no data rows", source);
  const std::size_t columns = table.rows.front().size();
  if (columns < 2)
    throw_data("{}: found {} column; need at least one feature column and a label column", source,
               columns);
  check_unique_header(table, source);

  LabelledTable out;
  out.source = source;
  out.label_column = label_column_index(table, options.label, source);
  const TabularOptions& tabular = options.tabular;

  // Keep the rows with a label, in order.
  std::size_t kept = 0;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& label = table.rows[r][out.label_column];
    if (is_missing(label, tabular.missing)) {
      if (tabular.missing_labels == MissingLabels::kError)
        throw_data(
            "{}:{}: {}: the label is missing ('{}'); set data.missing_labels = \"drop\" to leave "
            "such rows out",
            source, table.line_numbers[r], column_label(table, out.label_column), label);
      ++out.dropped_rows;
      continue;
    }
    if (kept != r) {
      table.rows[kept] = std::move(table.rows[r]);
      table.line_numbers[kept] = table.line_numbers[r];
    }
    ++kept;
  }
  if (kept == 0)
    throw_data("{}: every one of the {} rows has a missing label in {}", source,
               out.dropped_rows, column_label(table, out.label_column));
  table.rows.resize(kept);
  table.line_numbers.resize(kept);
  out.labels = table_labels(table, out.label_column, options.task, source);
  out.table = std::move(table);
  return out;
}

LabelledTable read_labelled_table(const std::string& path, const CsvOptions& options) {
  const std::string text = read_text_file(path);
  return label_table(parse_csv_table(text, path, options), path, options);
}

TabularPart tabular_part(const LabelledTable& labelled, const TabularPipeline& pipeline,
                         std::span<const std::size_t> rows) {
  TabularRows transformed = pipeline.transform(labelled.table, rows, labelled.source);
  TabularPart part;
  part.data = labelled.labels.subset(rows);
  part.data.sample_shape = Shape{pipeline.output_width()};
  part.data.features = std::move(transformed.features);
  part.data.feature_names = pipeline.output_names();
  part.unseen = transformed.unseen;
  part.unseen_summary = transformed.unseen_summary(pipeline.columns());
  return part;
}

TabularSplit split_tabular(const LabelledTable& labelled, const TabularOptions& options,
                           double test_fraction, double validation_fraction,
                           std::size_t train_limit, Rng& rng) {
  const Dataset& labels = labelled.labels;
  if (labels.task == Task::kClassification && labels.class_names.size() < 2)
    throw_data(
        "{}: {} holds a single class ('{}'); a classifier needs at least two (is it the right "
        "label column?)",
        labelled.source, column_label(labelled.table, labelled.label_column),
        labels.class_names.empty() ? std::string() : labels.class_names.front());

  // The same calls, on the same labels, as the run code makes on a Dataset.
  TabularSplit out;
  const SplitIndices outer = split_dataset(labels, test_fraction, rng);
  out.test_rows = outer.held_out;
  out.train_rows = outer.kept;
  if (validation_fraction > 0) {
    const Dataset rest = labels.subset(outer.kept);
    const SplitIndices inner = split_dataset(rest, validation_fraction, rng);
    out.train_rows.clear();
    for (std::size_t i : inner.kept) out.train_rows.push_back(outer.kept[i]);
    for (std::size_t i : inner.held_out) out.validation_rows.push_back(outer.kept[i]);
  }
  if (train_limit > 0 && train_limit < out.train_rows.size()) out.train_rows.resize(train_limit);
  if (out.train_rows.empty()) throw_data("{}: no rows left for training", labelled.source);

  out.pipeline = TabularPipeline::fit(labelled.table, labelled.label_column, out.train_rows,
                                      options, labelled.source);
  out.pipeline.set_dropped_rows(labelled.dropped_rows);
  out.train = tabular_part(labelled, out.pipeline, out.train_rows);
  out.validation = tabular_part(labelled, out.pipeline, out.validation_rows);
  out.test = tabular_part(labelled, out.pipeline, out.test_rows);
  return out;
}

std::vector<SplitIndices> kfold_rows(const LabelledTable& labelled,
                                     std::span<const std::size_t> rows, std::size_t k, Rng& rng) {
  std::vector<SplitIndices> folds = kfold_splits(labelled.labels.subset(rows), k, rng);
  for (SplitIndices& fold : folds) {
    for (auto* part : {&fold.kept, &fold.held_out}) {
      for (std::size_t& i : *part) i = rows[i];
      std::sort(part->begin(), part->end());
    }
  }
  return folds;
}

TabularFold fit_fold(const LabelledTable& labelled, const SplitIndices& fold,
                     const TabularOptions& options) {
  TabularFold out;
  out.pipeline = TabularPipeline::fit(labelled.table, labelled.label_column, fold.kept, options,
                                      labelled.source);
  out.pipeline.set_dropped_rows(labelled.dropped_rows);
  out.train = tabular_part(labelled, out.pipeline, fold.kept);
  out.held_out = tabular_part(labelled, out.pipeline, fold.held_out);
  return out;
}

}  // namespace scratchnet
