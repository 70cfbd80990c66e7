// Losses for Python: forward(outputs, targets) -> the mean loss, backward()
// -> dL/d(outputs), as losses/loss.h defines them.

#include <algorithm>
#include <cstring>

#include "bindings.h"
#include "scratchnet/core/error.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/losses/softmax_cross_entropy.h"

namespace scratchnet::python {
namespace {

class LossHandle {
 public:
  LossHandle(const std::string& type, double label_smoothing) : loss_(make_loss<float>(type)) {
    if (label_smoothing == 0) return;
    auto* sce = dynamic_cast<SoftmaxCrossEntropy<float>*>(loss_.get());
    if (!sce) throw_usage("label_smoothing applies to softmax_cross_entropy, not to {}", type);
    sce->set_label_smoothing(label_smoothing);  // a ValueError outside [0, 1)
  }

  double forward(py::handle outputs, py::handle targets) {
    copy_to_tensor(outputs, outputs_, "outputs");
    if (outputs_.shape().rank() != 2 || outputs_.rows() == 0)
      throw_usage("{}: outputs must be (N, K) with N >= 1, got {}", loss_->type(), outputs_.shape().str());
    const std::size_t n = outputs_.rows(), k = outputs_.cols();
    Targets<float> t;
    if (loss_->type() == "softmax_cross_entropy") {
      const py::array given = py::array::ensure(targets);
      if (!given) throw_usage("targets must be an array of class ids");
      if (given.ndim() == 2) {
        // One-hot rows, as the book's SoftmaxWithLoss takes them: their argmax.
        Tensor onehot;
        copy_to_tensor(given, onehot, "targets");
        if (!(onehot.shape() == outputs_.shape()))
          throw_usage("one-hot targets must be shaped like the outputs {}, got {}", outputs_.shape().str(),
                      onehot.shape().str());
        labels_.resize(n);
        for (std::size_t r = 0; r < n; ++r)
          labels_[r] = static_cast<std::int32_t>(std::max_element(onehot.row(r), onehot.row(r) + k) - onehot.row(r));
      } else {
        const auto ids = py::array_t<long long, py::array::c_style | py::array::forcecast>::ensure(given);
        if (!ids || ids.ndim() != 1 || static_cast<std::size_t>(ids.size()) != n)
          throw_usage("targets must be {} class ids (or one-hot rows), got shape {}", n,
                      shape_of(given, "targets").str());
        labels_.resize(n);
        for (std::size_t r = 0; r < n; ++r) {
          const long long id = ids.at(static_cast<py::ssize_t>(r));
          if (id < 0 || static_cast<std::size_t>(id) >= k)
            throw_usage("target {} is class {}, out of range for {} outputs (classes 0..{})", r, id, k, k - 1);
          labels_[r] = static_cast<std::int32_t>(id);
        }
      }
      t.labels = labels_;
    } else {
      copy_to_tensor(targets, targets_, "targets");
      if (targets_.size() != outputs_.size())
        throw_usage("targets must be shaped like the outputs {}, got {}", outputs_.shape().str(),
                    targets_.shape().str());
      targets_.resize(outputs_.shape());
      t.values = &targets_;
    }
    forwarded_ = true;
    return loss_->forward(outputs_, t);
  }

  py::array_t<float> backward() {
    if (!forwarded_) throw_usage("{}: call forward(outputs, targets) before backward()", loss_->type());
    return to_numpy(loss_->backward());
  }

  py::object probabilities() {
    auto* sce = dynamic_cast<SoftmaxCrossEntropy<float>*>(loss_.get());
    if (!sce || !forwarded_) return py::none();
    return to_numpy(sce->probabilities());
  }

  std::string type() const { return loss_->type(); }
  double label_smoothing() const {
    auto* sce = dynamic_cast<const SoftmaxCrossEntropy<float>*>(loss_.get());
    return sce ? sce->label_smoothing() : 0.0;
  }

 private:
  std::unique_ptr<Loss<float>> loss_;
  Tensor outputs_, targets_;
  std::vector<std::int32_t> labels_;
  bool forwarded_ = false;
};

}  // namespace

void bind_losses(py::module_& m) {
  m.def("loss_types", &registered_loss_types, "The loss names the library knows.");
  py::class_<LossHandle>(m, "Loss", "The library loss behind a scratchnet.losses object.")
      .def(py::init<const std::string&, double>(), py::arg("type"), py::arg("label_smoothing") = 0.0)
      .def_property_readonly("type", &LossHandle::type)
      .def_property_readonly("label_smoothing", &LossHandle::label_smoothing)
      .def("forward", &LossHandle::forward, py::arg("outputs"), py::arg("targets"))
      .def("backward", &LossHandle::backward)
      .def_property_readonly("probabilities", &LossHandle::probabilities);
}

}  // namespace scratchnet::python
