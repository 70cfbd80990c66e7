#include "scratchnet/train/batch_parallel.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

// dst = a view of rows [r0, r1) of src, shaped (r1 - r0, sample): read only.
void cut_rows(const Tensor& src, std::size_t r0, std::size_t r1, const Shape& sample, Tensor& dst) {
  dst.view_of_rows(src, r0, r1, sample);
}

// Rows [r0, r0 + part.rows()) of dst = part.
void put_rows(const Tensor& part, std::size_t r0, Tensor& dst) {
  if (!part.empty()) std::memcpy(dst.row(r0), part.data(), part.size() * sizeof(float));
}

// Values of the update handled at a time: the replicas' gradients are added
// into the network's and the rule applied while the block is in L1.
constexpr std::size_t kUpdateBlock = 2048;

}  // namespace

struct BatchParallelStep::Share {
  std::vector<Tensor> in;       // per segment: the share's rows of its input (after a coupled layer)
  std::vector<Tensor> grad_in;  // per segment: the share's rows of dL/d(its output) (before one)
  Tensor target_rows;           // regression: the share's rows of the targets
  double loss_sum = 0;          // the share's rows' summed loss (forward_loss_backward)
  const Tensor* out = nullptr;  // the last per-share segment's output
  const Tensor* grad = nullptr;  // the last per-share segment's input gradient
  std::vector<const Tensor*> outputs;  // per layer, in the last forward (per share or whole batch)
};

BatchParallelStep::BatchParallelStep(Network<float>& network, Loss<float>& loss, Optimizer& optimizer)
    : network_(network), loss_(loss), optimizer_(optimizer) {
  for (std::size_t i = 0; i < network.size(); ++i) {
    const bool coupled = layer_type(network.layer(i).spec().type).batch_coupled;
    if (coupled || segments_.empty() || segments_.back().coupled)
      segments_.push_back({i, i + 1, coupled});
    else
      segments_.back().end = i + 1;
  }
  // Layers before the first one with parameters need no backward.
  first_backward_ = network.size();
  for (std::size_t i = 0; i < network.size() && first_backward_ == network.size(); ++i)
    if (!network.layer(i).params().empty()) first_backward_ = i;
  joined_.resize(segments_.size());
}

BatchParallelStep::~BatchParallelStep() = default;

std::size_t BatchParallelStep::shares_for(const Network<float>& network, std::size_t batch,
                                          std::size_t max_shares) {
  std::size_t shares = std::min(max_shares, batch / kMinShareRows);
  // The parameter count stands for a sample's multiply-adds (exact for
  // dense layers, less than them for convolutions).
  const double macs = static_cast<double>(network.parameter_count());
  while (shares > 1 && static_cast<double>(batch / shares) * macs < kMinShareMacs) --shares;
  return std::max<std::size_t>(shares, 1);
}

Network<float>& BatchParallelStep::net(std::size_t s) { return s == 0 ? network_ : *replicas_[s - 1]; }
Loss<float>& BatchParallelStep::share_loss(std::size_t s) { return s == 0 ? loss_ : *losses_[s - 1]; }

void BatchParallelStep::prepare(std::size_t shares) {
  SCRATCHNET_CHECK(shares >= 2, "a batch-parallel step needs 2 or more shares, got {}", shares);
  while (replicas_.size() + 1 < shares) {
    replicas_.push_back(std::make_unique<Network<float>>(network_.architecture()));
    losses_.push_back(loss_.clone());
  }
  shares_.resize(shares);
  for (Share& share : shares_) {
    share.in.resize(segments_.size());
    share.grad_in.resize(segments_.size());
    share.outputs.assign(network_.size(), nullptr);
  }
}

void BatchParallelStep::prepare_share(std::size_t s) {
  Network<float>& n = net(s);
  n.zero_grad();
  if (s == 0) return;
  // Views of the network's parameters, set again every step (cheap) in case
  // anyone gave the network new tensors since the last.
  const auto& from = network_.params();
  const auto& to = n.params();
  for (std::size_t p = 0; p < from.size(); ++p)
    if (to[p].value->data() != from[p].value->data()) to[p].value->view_of(*from[p].value);
}

void BatchParallelStep::forward(const Tensor& x) {
  const std::size_t shares = shares_.size();
  const Tensor* whole = &x;  // the whole batch's tensor after a coupled layer (or the input)
  bool prepared = false;
  for (std::size_t g = 0; g < segments_.size(); ++g) {
    const Segment& seg = segments_[g];
    if (seg.coupled) {
      if (!whole) {
        joined_[g].resize(network_.layer(seg.begin).input_shape().with_batch(rows_.back()));
        for (std::size_t s = 0; s < shares; ++s) put_rows(*shares_[s].out, rows_[s], joined_[g]);
        whole = &joined_[g];
      }
      if (!prepared) parallel_for(shares, [&](std::size_t s) { prepare_share(s); });
      prepared = true;
      whole = &network_.layer(seg.begin).forward(*whole, Mode::kTrain);
      for (Share& share : shares_) share.outputs[seg.begin] = whole;
      continue;
    }
    parallel_for(shares, [&](std::size_t s) {
      if (!prepared) prepare_share(s);
      Share& share = shares_[s];
      const Tensor* in = share.out;
      if (whole) {
        cut_rows(*whole, rows_[s], rows_[s + 1], network_.layer(seg.begin).input_shape(), share.in[g]);
        in = &share.in[g];
      }
      Network<float>& n = net(s);
      for (std::size_t i = seg.begin; i < seg.end; ++i) share.outputs[i] = in = &n.layer(i).forward(*in, Mode::kTrain);
      share.out = in;
    });
    prepared = true;
    whole = nullptr;
  }
  if (whole) {
    output_ = whole;
    return;
  }
  joined_output_.resize(network_.output_shape().with_batch(rows_.back()));
  for (std::size_t s = 0; s < shares; ++s) put_rows(*shares_[s].out, rows_[s], joined_output_);
  output_ = &joined_output_;
}

void BatchParallelStep::backward(const Tensor& grad_output) {
  const std::size_t shares = shares_.size();
  const Tensor* whole = &grad_output;  // dL/d(a coupled layer's input), or of the output
  for (std::size_t g = segments_.size(); g-- > 0;) {
    const Segment& seg = segments_[g];
    if (seg.end <= first_backward_) break;
    if (seg.coupled) {
      if (!whole) {
        joined_grad_.resize(network_.layer(seg.begin).output_shape().with_batch(rows_.back()));
        for (std::size_t s = 0; s < shares; ++s) put_rows(*shares_[s].grad, rows_[s], joined_grad_);
        whole = &joined_grad_;
      }
      whole = &network_.layer(seg.begin).backward(*whole);
      continue;
    }
    const std::size_t stop = std::max(seg.begin, first_backward_);
    parallel_for(shares, [&](std::size_t s) {
      Share& share = shares_[s];
      const Tensor* grad = share.grad;
      if (whole) {
        cut_rows(*whole, rows_[s], rows_[s + 1], network_.layer(seg.end - 1).output_shape(), share.grad_in[g]);
        grad = &share.grad_in[g];
      }
      Network<float>& n = net(s);
      for (std::size_t i = seg.end; i-- > stop;) grad = &n.layer(i).backward(*grad);
      share.grad = grad;
    });
    whole = nullptr;
  }
}

void BatchParallelStep::update() {
  const auto& params = network_.params();
  optimizer_.begin_update(params);
  offsets_.assign(1, 0);
  for (const auto& p : params) offsets_.push_back(offsets_.back() + p.value->size());
  const std::size_t total = offsets_.back();
  // One range per thread (the numbers do not depend on the ranges), cut at
  // whole blocks so no two threads write one cache line.
  const auto threads = static_cast<std::size_t>(num_threads());
  const std::size_t blocks = (total + kUpdateBlock - 1) / kUpdateBlock;
  parallel_for(threads, [&](std::size_t t) {
    const std::size_t first = blocks * t / threads * kUpdateBlock;
    const std::size_t last = std::min(total, blocks * (t + 1) / threads * kUpdateBlock);
    for (std::size_t from = first; from < last; from += kUpdateBlock) {
      const std::size_t to = std::min(last, from + kUpdateBlock);
      // grad += each replica's grad, in share order, over [from, to).
      for (std::size_t p = 0; p < params.size(); ++p) {
        const std::size_t lo = std::max(from, offsets_[p]), hi = std::min(to, offsets_[p + 1]);
        if (lo >= hi) continue;
        float* sum = params[p].grad->data() + (lo - offsets_[p]);
        for (std::size_t s = 1; s < shares_.size(); ++s)
          accumulate_column_sums(net(s).params()[p].grad->data() + (lo - offsets_[p]), 1, hi - lo, sum);
      }
      optimizer_.update_elements(params, from, to);
    }
  });
}

double BatchParallelStep::forward_loss_backward(const Tensor& x, const Targets<float>& targets) {
  const Shape outputs = network_.output_shape().with_batch(rows_.back());
  const double normaliser = loss_.normaliser(outputs, targets);
  joined_output_.resize(outputs);
  parallel_for(shares_.size(), [&](std::size_t s) {
    prepare_share(s);
    Share& share = shares_[s];
    const std::size_t r0 = rows_[s], r1 = rows_[s + 1];
    Network<float>& n = net(s);
    cut_rows(x, r0, r1, network_.input_shape(), share.in[0]);
    const Tensor* out = &share.in[0];
    for (std::size_t i = 0; i < n.size(); ++i) share.outputs[i] = out = &n.layer(i).forward(*out, Mode::kTrain);
    put_rows(*out, r0, joined_output_);
    Targets<float> part{targets.labels.empty() ? targets.labels : targets.labels.subspan(r0, r1 - r0), nullptr};
    if (targets.values) {
      cut_rows(*targets.values, r0, r1, network_.output_shape(), share.target_rows);
      part.values = &share.target_rows;
    }
    Loss<float>& loss = share_loss(s);
    share.loss_sum = loss.forward_sum(*out, part, normaliser);
    if (!std::isfinite(share.loss_sum)) return;  // no backward: the step ends here
    const Tensor* grad = &loss.backward();
    for (std::size_t i = n.size(); i-- > first_backward_;) grad = &n.layer(i).backward(*grad);
  });
  output_ = &joined_output_;
  double total = 0;
  for (const Share& share : shares_) total += share.loss_sum;
  return static_cast<float>(total / normaliser);
}

double BatchParallelStep::step(const Tensor& x, const Targets<float>& targets, std::size_t shares) {
  prepare(shares);
  const std::size_t n = x.rows();
  rows_.resize(shares + 1);
  for (std::size_t s = 0; s <= shares; ++s) rows_[s] = n * s / shares;
  if (segments_.size() == 1 && !segments_[0].coupled) {
    const double loss = forward_loss_backward(x, targets);
    if (!std::isfinite(loss)) {
      network_.zero_grad();  // as a plain step leaves them: no backward ran
      return loss;
    }
    update();
    return loss;
  }
  forward(x);
  const double loss = loss_.forward(*output_, targets);
  if (!std::isfinite(loss)) return loss;
  backward(loss_.backward());
  update();
  return loss;
}

int BatchParallelStep::first_non_finite_layer() const {
  for (std::size_t i = 0; i < network_.size(); ++i)
    for (const Share& share : shares_) {
      if (!share.outputs[i]) return -1;
      for (const float v : share.outputs[i]->span())
        if (!std::isfinite(v)) return static_cast<int>(i);
    }
  return -1;
}

}  // namespace scratchnet
