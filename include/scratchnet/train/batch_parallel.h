#pragma once
// BatchParallelStep: one training step (zero_grad, forward, loss, backward,
// optimizer update) with the batch cut into shares that the kernel threads
// (core/kernels.h parallel_for) take side by side: every core works inside
// every step, each on its own rows, with the layer's weights read from its
// own cache. (Splitting each matrix product over the cores instead was
// measured to lose at batch 128: the cores' caches then trade every
// layer's weights, gradients and optimizer state.)
//
// The batch of N samples is cut into S shares of consecutive rows, share s
// taking rows [N s / S, N (s + 1) / S); S depends on the batch size and the
// network's shapes only (shares_for). Share 0 runs through the network
// itself, share s > 0 through a replica of it (same architecture; its own
// activations and gradients; the network's parameters copied into it at the
// start of every step, so weights changed between steps by anyone -- early
// stopping, a restore, a resume -- are seen). A step:
//   1. forward: each share through the layers up to the next layer whose
//      type couples the samples of a batch (LayerType::batch_coupled: batch
//      norm's statistics, dropout's draws in batch order). That layer runs
//      once, in the network itself, on the shares' rows put back together,
//      exactly as in a plain step; its output is cut into shares again;
//   2. the loss, once over the whole batch's outputs (as a plain step);
//   3. backward, the same way in reverse;
//   (a network without batch-coupled layers takes 1-3 in one hand-over:
//   each share computes its rows' loss with its own clone of the loss,
//   divided by the whole batch's normaliser (Loss::forward_sum), so each
//   row's gradient is a plain step's, and goes straight on to backward;)
//   4. the update, split by parameter ranges over the threads: each range
//      adds the replicas' gradients into the network's, in share order, then
//      applies the optimizer's rule to it (Optimizer::update_elements).
// Each share's layers run single-threaded (nested parallel_for calls run in
// order on their thread), so any thread count gives the same numbers, bit
// for bit. Against a plain step only the order in which the samples'
// parameter-gradient terms are added differs (share by share); batch
// statistics, dropout masks and the loss are a plain step's.
//
// Layers that draw randomness must be batch_coupled: replicas are never
// reseeded.

#include <cstddef>
#include <memory>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

class SCRATCHNET_API BatchParallelStep {
 public:
  BatchParallelStep(Network<float>& network, Loss<float>& loss, Optimizer& optimizer);
  BatchParallelStep(const BatchParallelStep&) = delete;
  BatchParallelStep& operator=(const BatchParallelStep&) = delete;
  ~BatchParallelStep();

  // The shares a batch of `batch` samples through `network` is cut into:
  // as many as `max_shares` allows while each share keeps at least
  // kMinShareRows rows and kMinShareMacs multiply-adds of work (below that a
  // share's thread hand-over costs more than it saves); 1 means a plain step.
  // Measured (whole runs, 2 threads): the digits MLP 64-80-70-10 at batch 32
  // (16 rows x 11.6k = 185k per share) lost 25% with 2 shares, at batch 48
  // (278k) broke even; AReM 6-50-50-50-6 at batch 100 (285k) gained a third.
  static std::size_t shares_for(const Network<float>& network, std::size_t batch, std::size_t max_shares);
  static constexpr std::size_t kMinShareRows = 16;
  static constexpr double kMinShareMacs = 2.5e5;

  // One step over the batch (x, targets) in `shares` >= 2 shares; returns
  // the batch's mean loss. A non-finite loss is returned without a backward
  // pass or an update, as Trainer::step does.
  double step(const Tensor& x, const Targets<float>& targets, std::size_t shares);
  // The first layer whose output in the last step's forward (any share's
  // rows) holds a NaN or infinity, or -1 (Network::first_non_finite_layer).
  int first_non_finite_layer() const;
  // The whole batch's train-mode output of the last step (its rows in batch order).
  const Tensor& output() const { return *output_; }

 private:
  struct Share;
  // A run of layers [begin, end): per share, or one batch-coupled layer.
  struct Segment {
    std::size_t begin, end;
    bool coupled;
  };
  void prepare(std::size_t shares);
  // Steps 1-3 for a network without batch-coupled layers; returns the loss.
  double forward_loss_backward(const Tensor& x, const Targets<float>& targets);
  Loss<float>& share_loss(std::size_t s);
  void prepare_share(std::size_t s);  // zeroes its gradients, views the network's parameters
  void forward(const Tensor& x);
  void backward(const Tensor& grad_output);
  void update();
  Network<float>& net(std::size_t s);

  Network<float>& network_;
  Loss<float>& loss_;
  Optimizer& optimizer_;
  std::vector<Segment> segments_;
  std::vector<std::unique_ptr<Network<float>>> replicas_;  // shares 1..
  std::vector<std::unique_ptr<Loss<float>>> losses_;      // shares 1.. (clones of loss_)
  std::vector<Share> shares_;
  std::vector<std::size_t> rows_;  // share s: rows [rows_[s], rows_[s + 1])
  // Per coupled segment: its whole-batch input (kept until backward: layers
  // hold their input); the whole batch's output and gradient of the output.
  std::vector<Tensor> joined_;
  Tensor joined_output_, joined_grad_;
  const Tensor* output_ = nullptr;    // the whole batch's output of the last forward
  std::size_t first_backward_ = 0;    // layers before it have no parameters: no backward
  std::vector<std::size_t> offsets_;  // parameter p: values [offsets_[p], offsets_[p + 1]) end to end
};

}  // namespace scratchnet
