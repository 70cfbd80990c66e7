#pragma once
// UCI AReM (activity recognition from RSS signals), read from its raw
// archive folders with all their quirks (data/arem/README.md): one folder
// per class of datasetN.csv files, comment lines, a trailing comma on some
// rows. 6 features (avg/var of three RSS signals; the time column is
// dropped), class = folder. bending1 and bending2 merge into "bending"
// (6 classes, as seed 000) unless `classes` is 7. Byte-identical duplicate
// files are read once (the archive has six duplicate pairs) unless
// `keep_duplicates`, so identical rows cannot sit on both sides of a split.

#include <string>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {

SCRATCHNET_API Dataset load_arem(const std::string& directory, int classes, bool keep_duplicates);

}  // namespace scratchnet
