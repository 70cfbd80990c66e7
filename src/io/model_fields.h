#pragma once
// Internal to src/io: the fields of a model file, written and read one at a
// time, shared by format 1 (the fields in a fixed order) and format 2 (each
// field group in a named section). Readers treat the bytes as hostile: every
// length is checked against what remains before allocating (ByteReader), and
// each problem is a data error naming `source`.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/binary.h"
#include "scratchnet/core/error.h"
#include "scratchnet/train/model.h"

namespace scratchnet::model_fields {

void write_architecture(ByteWriter& w, const Architecture& arch);
Architecture read_architecture(ByteReader& r, const std::string& source);

void write_names(ByteWriter& w, const std::vector<std::string>& names);
std::vector<std::string> read_names(ByteReader& r, const char* what);

void write_scaler(ByteWriter& w, const Scaler& scaler);
Scaler read_scaler(ByteReader& r, const std::string& source);

// The loss name, checked against the registered losses.
std::string read_loss(ByteReader& r, const std::string& source);
// The task byte (0 classification, 1 regression).
Task read_task(ByteReader& r, const std::string& source);

void write_image(ByteWriter& w, const ImageSettings& image);
ImageSettings read_image(ByteReader& r, const std::string& source);

// Named tensors: a count, then name and values of each.
template <class Named>
void write_tensors(ByteWriter& w, const std::vector<Named>& tensors) {
  w.u64(tensors.size());
  for (const auto& t : tensors) {
    w.str(t.name);
    w.floats(t.value->span());
  }
}
// Reads `expected.size()` named tensors into the network's own tensors,
// checking names and sizes against the architecture.
template <class Named>
void read_tensors(ByteReader& r, const std::vector<Named>& expected, const char* what,
                  const std::string& source) {
  const std::uint64_t count = r.count(what, 16);
  if (count != expected.size())
    throw_data("{}: {} {} stored, the architecture has {}", source, count, what, expected.size());
  for (const auto& t : expected) {
    const std::string name = r.str("tensor name");
    std::vector<float> values = r.floats("tensor values");
    if (name != t.name || values.size() != t.value->size())
      throw_data("{}: {} '{}' ({} values) does not match the architecture ('{}', {} values)", source, what,
                 name, values.size(), t.name, t.value->size());
    std::copy(values.begin(), values.end(), t.value->data());
  }
}

// Builds the network of `arch` after sizing it: the parameter and buffer
// values it needs must fit in `stored_bytes`, the bytes the file has left for
// them, so a hostile file cannot make the loader allocate more than it holds.
std::unique_ptr<Network<float>> build_network(const Architecture& arch, std::size_t stored_bytes,
                                              const std::string& source);

// The checks that tie the fields together (class names against the outputs,
// the scaler and the preprocessing against the input).
void check_consistency(const Model& m, const std::string& source);

}  // namespace scratchnet::model_fields
