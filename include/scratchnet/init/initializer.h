#pragma once
// Initial weight distributions.
//
//   normal:S        N(0, S^2); the reports use S = 0.01
//   xavier_normal   N(0, 2 / (fan_in + fan_out))        Glorot & Bengio, AISTATS 2010
//   xavier_uniform  U(-a, a), a = sqrt(6 / (fan_in + fan_out))
//   he_normal       N(0, 2 / fan_in)                    He et al., ICCV 2015
//   he_uniform      U(-a, a), a = sqrt(6 / fan_in)
//   auto            He for the ReLU family, Xavier otherwise (resolved by the
//                   network builder from the family the layer registry gives
//                   the layer after each one: see InitFamily)
// Biases start at zero.

#include <cstddef>
#include <string>
#include <string_view>

#include "scratchnet/core/export.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

// The initialiser a layer's type asks for in the weights before it (the
// registry's LayerType::init_family): He for the ReLU family, Xavier for the
// rest (Glorot & Bengio derived it for symmetric saturating activations).
enum class InitFamily { kXavier, kHe };

class SCRATCHNET_API InitScheme {
 public:
  enum class Kind { kAuto, kNormal, kUniform, kXavierNormal, kXavierUniform, kHeNormal, kHeUniform };

  InitScheme() = default;
  InitScheme(Kind kind, double scale = 0.01) : kind_(kind), scale_(scale) {}
  // Parses "he", "he_normal", "he_uniform", "xavier", "xavier_normal",
  // "xavier_uniform", "normal:0.01", "uniform:0.05", "auto". Throws a usage
  // error listing the choices on anything else.
  static InitScheme parse(std::string_view text);
  // The scheme `auto` stands for before a layer of the given family.
  static InitScheme for_family(InitFamily family);

  Kind kind() const { return kind_; }
  double scale() const { return scale_; }
  std::string str() const;

  // Fills `weights` for a layer with the given fan-in and fan-out.
  template <class T>
  void fill(BasicTensor<T>& weights, std::size_t fan_in, std::size_t fan_out, Rng& rng) const;

 private:
  Kind kind_ = Kind::kAuto;
  double scale_ = 0.01;
};

}  // namespace scratchnet
