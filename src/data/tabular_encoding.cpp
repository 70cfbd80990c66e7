// TabularPipeline's bytes in a model file: written with ByteWriter and read
// back as hostile input (every length checked against what remains).

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "scratchnet/core/binary.h"
#include "scratchnet/core/error.h"
#include "scratchnet/data/tabular.h"

namespace scratchnet {
namespace {

constexpr std::uint8_t kPipelineFormat = 1;

}  // namespace

void TabularPipeline::encode(ByteWriter& out) const {
  out.u8(kPipelineFormat);
  out.u8(has_header_ ? 1 : 0);
  out.u64(training_width_);
  out.u64(label_position_);
  out.str(label_name_);
  out.u8(static_cast<std::uint8_t>(impute_.kind));
  out.f64(impute_.constant);
  out.u64(missing_markers_.size());
  for (const std::string& m : missing_markers_) out.str(m);
  out.u64(dropped_columns_.size());
  for (const std::string& d : dropped_columns_) out.str(d);
  out.u64(dropped_rows_);
  out.u64(columns_.size());
  for (const TabularColumn& c : columns_) {
    out.str(c.name);
    out.u64(c.position);
    out.u8(static_cast<std::uint8_t>(c.kind));
    out.f64(c.fill);
    out.u64(c.missing);
    out.u8(c.indicator ? 1 : 0);
    out.u64(c.categories.size());
    for (const std::string& category : c.categories) out.str(category);
    out.u64(c.fill_category);
  }
}

TabularPipeline TabularPipeline::decode(ByteReader& in) {
  const std::string& source = in.source();
  const auto flag = [&](const char* what) {
    const std::uint8_t v = in.u8(what);
    if (v > 1) throw_data("{}: corrupt table pipeline ({} = {})", source, what, v);
    return v == 1;
  };
  const std::uint8_t format = in.u8("table pipeline format");
  if (format != kPipelineFormat)
    throw_data("{}: table pipeline format {} is not supported (this build reads {})", source,
               format, kPipelineFormat);
  TabularPipeline p;
  p.has_header_ = flag("header flag");
  p.training_width_ = in.u64("table width");
  p.label_position_ = in.u64("label position");
  if (p.training_width_ < 2 || p.label_position_ >= p.training_width_)
    throw_data("{}: corrupt table pipeline (label position {} of {} columns)", source,
               p.label_position_, p.training_width_);
  p.label_name_ = in.str("label name");
  const std::uint8_t impute = in.u8("impute strategy");
  if (impute > static_cast<std::uint8_t>(ImputeKind::kConstant))
    throw_data("{}: corrupt table pipeline (impute strategy {})", source, impute);
  p.impute_.kind = static_cast<ImputeKind>(impute);
  p.impute_.constant = in.f64("impute constant");
  if (!std::isfinite(p.impute_.constant))
    throw_data("{}: corrupt table pipeline (impute constant not finite)", source);
  const std::uint64_t markers = in.count("missing markers", 8);
  for (std::uint64_t i = 0; i < markers; ++i) p.missing_markers_.push_back(in.str("missing marker"));
  const std::uint64_t dropped = in.count("dropped columns", 8);
  for (std::uint64_t i = 0; i < dropped; ++i) p.dropped_columns_.push_back(in.str("dropped column"));
  p.dropped_rows_ = in.u64("dropped rows");

  // name 8 + position 8 + kind 1 + fill 8 + missing 8 + indicator 1 + categories 8 + fill 8
  const std::uint64_t columns = in.count("columns", 50);
  if (columns == 0) throw_data("{}: corrupt table pipeline (no columns)", source);
  std::set<std::string> names;
  for (std::uint64_t k = 0; k < columns; ++k) {
    TabularColumn c;
    c.name = in.str("column name");
    c.position = in.u64("column position");
    const std::uint8_t kind = in.u8("column kind");
    c.fill = in.f64("fill value");
    c.missing = in.u64("missing cells");
    c.indicator = flag("indicator flag");
    const std::uint64_t categories = in.count("categories", 8);
    for (std::uint64_t i = 0; i < categories; ++i) c.categories.push_back(in.str("category"));
    c.fill_category = in.u64("fill category");

    const std::size_t previous = p.columns_.empty() ? 0 : p.columns_.back().position;
    if (c.position >= p.training_width_ || c.position == p.label_position_ ||
        (!p.columns_.empty() && c.position <= previous))
      throw_data("{}: corrupt table pipeline (column {} at position {})", source, k, c.position);
    if (p.has_header_ && !names.insert(c.name).second)
      throw_data("{}: corrupt table pipeline (column '{}' twice)", source, c.name);
    if (kind > 1) throw_data("{}: corrupt table pipeline (column kind {})", source, kind);
    c.kind = static_cast<TabularColumn::Kind>(kind);
    if (!(std::abs(c.fill) <= static_cast<double>(std::numeric_limits<float>::max())))
      throw_data("{}: corrupt table pipeline (fill value of '{}')", source, c.name);
    if (c.kind == TabularColumn::Kind::kNumeric) {
      if (!c.categories.empty() || c.fill_category != 0)
        throw_data("{}: corrupt table pipeline (numeric column '{}' with categories)", source,
                   c.name);
    } else {
      const std::set<std::string> unique(c.categories.begin(), c.categories.end());
      if (c.categories.empty() || unique.size() != c.categories.size() ||
          c.fill_category >= c.categories.size())
        throw_data("{}: corrupt table pipeline (categories of '{}')", source, c.name);
    }
    p.columns_.push_back(std::move(c));
  }
  return p;
}

bool operator==(const TabularColumn& a, const TabularColumn& b) {
  return a.name == b.name && a.position == b.position && a.kind == b.kind && a.fill == b.fill &&
         a.categories == b.categories && a.fill_category == b.fill_category &&
         a.missing == b.missing && a.indicator == b.indicator;
}

bool operator==(const TabularPipeline& a, const TabularPipeline& b) {
  return a.columns_ == b.columns_ && a.missing_markers_ == b.missing_markers_ &&
         a.impute_.kind == b.impute_.kind && a.impute_.constant == b.impute_.constant &&
         a.label_name_ == b.label_name_ && a.label_position_ == b.label_position_ &&
         a.training_width_ == b.training_width_ && a.has_header_ == b.has_header_ &&
         a.dropped_columns_ == b.dropped_columns_ && a.dropped_rows_ == b.dropped_rows_;
}

std::string encode_tabular_pipeline(const TabularPipeline& pipeline) {
  ByteWriter out;
  pipeline.encode(out);
  return out.bytes();
}

TabularPipeline decode_tabular_pipeline(std::string_view bytes, const std::string& source) {
  ByteReader in(bytes, source);
  TabularPipeline p = TabularPipeline::decode(in);
  if (in.remaining() != 0)
    throw_data("{}: {} unexpected bytes after the table pipeline", source, in.remaining());
  return p;
}

}  // namespace scratchnet
