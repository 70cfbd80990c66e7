#pragma once
// A user's table made ready for training with its preprocessing fitted on
// the training rows only, so nothing of the test rows leaks into the
// features (imputed statistics, categories):
//
//   read_labelled_table  parse the file, find the label column, leave out rows
//                        whose label is missing (counted, or an error)
//   split_tabular        split the rows (seeded, stratified, exactly as
//                        split_dataset splits the Dataset load_csv would give
//                        for the same rows), fit a TabularPipeline on the
//                        training rows, transform every part
//   tabular_part         the rows of one part through a fitted pipeline (what
//                        split_tabular does per part)
//   kfold_rows, fit_fold cross-validation on the training rows: stratified
//                        folds of table rows, and per fold a pipeline fitted
//                        on the fold's training rows only
//
// A run with --cv K: split_tabular (the test part is held out as always),
// kfold_rows(labelled, split.train_rows, K, rng), fit_fold for each fold to
// train and score a network, then the final network on split.train and one
// evaluation on split.test.
//
// The parts come out unscaled; a scaler is fitted on the training part with
// the pipeline's mask (Scaler::fit(kind, train, pipeline.scaled_outputs()))
// so that one-hot and indicator columns stay 0/1.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/split.h"
#include "scratchnet/data/tabular.h"

namespace scratchnet {

struct SCRATCHNET_API LabelledTable {
  std::string source;
  CsvTable table;                // the rows that have a label
  std::size_t label_column = 0;
  Dataset labels;                // labels or targets of table.rows, the task, class names; no features
  std::size_t dropped_rows = 0;  // rows left out for a missing label
};

// Finds the label column (CsvOptions::label) and leaves out rows whose label
// cell is missing (empty or a marker), or throws a data error naming the
// first such line with options.tabular.missing_labels == kError. Labels are
// read as table_labels reads them. Data errors for a header naming a column
// twice and for a file where no row has a label.
SCRATCHNET_API LabelledTable label_table(CsvTable table, const std::string& source,
                                         const CsvOptions& options);
// read_text_file + parse_csv_table + label_table.
SCRATCHNET_API LabelledTable read_labelled_table(const std::string& path,
                                                 const CsvOptions& options);

// Rows through a pipeline: the data set and the cells with a category the
// training rows did not have (encoded as all zeros), for a warning.
struct SCRATCHNET_API TabularPart {
  Dataset data;                // features and labels; feature_names = the output names
  std::size_t unseen = 0;
  std::string unseen_summary;  // "color: 2, city: 1"
};

SCRATCHNET_API TabularPart tabular_part(const LabelledTable& labelled,
                                        const TabularPipeline& pipeline,
                                        std::span<const std::size_t> rows);

struct SCRATCHNET_API TabularSplit {
  TabularPipeline pipeline;  // fitted on train's rows; dropped_rows set
  TabularPart train, validation, test;  // validation empty when its fraction is 0
  std::vector<std::size_t> train_rows, validation_rows, test_rows;  // rows of labelled.table
};

// Splits off test_fraction of the rows (split_dataset on labelled.labels
// with `rng`), then validation_fraction of the rest (the same rng, as the run
// code splits today), keeps the first train_limit training rows when it is
// not 0, fits the pipeline on the training rows and transforms the three
// parts. A classification table with a single class is a data error.
SCRATCHNET_API TabularSplit split_tabular(const LabelledTable& labelled,
                                          const TabularOptions& options, double test_fraction,
                                          double validation_fraction, std::size_t train_limit,
                                          Rng& rng);

// K stratified folds of `rows` (rows of labelled.table): kfold_splits on
// those rows' labels, mapped back to table rows (sorted).
SCRATCHNET_API std::vector<SplitIndices> kfold_rows(const LabelledTable& labelled,
                                                    std::span<const std::size_t> rows,
                                                    std::size_t k, Rng& rng);

struct SCRATCHNET_API TabularFold {
  TabularPipeline pipeline;  // fitted on the fold's kept rows only
  TabularPart train, held_out;
};
// Fits a pipeline on fold.kept and transforms fold.kept and fold.held_out.
SCRATCHNET_API TabularFold fit_fold(const LabelledTable& labelled, const SplitIndices& fold,
                                    const TabularOptions& options);

}  // namespace scratchnet
