// Errors, threads and interruption: what every other binding relies on.
//
// Library errors become Python exceptions with the library's message:
//   kUsage        ValueError             a bad setting, argument, shape or value
//   kData         scratchnet.DataError   a bad or missing file, bad data; a
//                                        subclass of both ValueError (bad
//                                        input, as scikit-learn expects) and
//                                        OSError (files)
//   kDivergence   scratchnet.DivergenceError (a RuntimeError) training
//                                        produced a non-finite loss
//   kInterrupted  KeyboardInterrupt      Ctrl-C stopped a run or experiment
//   kInternal     RuntimeError           a broken invariant inside scratchnet

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bindings.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/interrupt.h"
#include "scratchnet/core/kernels.h"

namespace scratchnet::python {
namespace {

PyObject* g_data_error = nullptr;
PyObject* g_divergence_error = nullptr;

PyObject* new_exception(py::module_& m, const char* name, const char* doc, py::tuple bases) {
  const std::string qualified = std::string("scratchnet.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

void translate(const Error& e) {
  switch (e.kind()) {
    case ErrorKind::kUsage:
      PyErr_SetString(PyExc_ValueError, e.what());
      return;
    case ErrorKind::kData:
      PyErr_SetString(g_data_error, e.what());
      return;
    case ErrorKind::kDivergence:
      PyErr_SetString(g_divergence_error, e.what());
      return;
    case ErrorKind::kInterrupted:
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
      return;
    case ErrorKind::kInternal:
      PyErr_SetString(PyExc_RuntimeError, e.what());
      return;
  }
  PyErr_SetString(PyExc_RuntimeError, e.what());
}

}  // namespace

void run_interruptible(const std::function<void()>& work) {
  clear_interrupt();
  std::exception_ptr error;
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::thread worker([&] {
    try {
      work();
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(mutex);
    done = true;
    finished.notify_one();
  });
  bool interrupted = false;
  while (true) {
    bool over;
    {
      py::gil_scoped_release release;
      std::unique_lock lock(mutex);
      over = finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; });
    }
    if (over) break;
    // Python's own handler ran for a signal (Ctrl-C raises KeyboardInterrupt
    // there): turn it into the library's cooperative stop.
    if (!interrupted && PyErr_CheckSignals() != 0) {
      PyErr_Clear();
      request_interrupt();
      interrupted = true;
    }
  }
  worker.join();
  clear_interrupt();
  if (error) std::rethrow_exception(error);
}

void bind_core(py::module_& m) {
  g_data_error = new_exception(
      m, "DataError",
      "A bad or missing data or model file, or data that cannot be used (wrong feature count, unknown class).\n\n"
      "A subclass of both ValueError (bad input, as scikit-learn expects) and OSError (files).",
      py::make_tuple(py::handle(PyExc_ValueError), py::handle(PyExc_OSError)));
  g_divergence_error = new_exception(
      m, "DivergenceError",
      "Training produced a non-finite loss. The message names the epoch, the iteration and the first layer "
      "whose output was not finite; the model keeps the weights of the last completed epoch.",
      py::make_tuple(py::handle(PyExc_RuntimeError)));
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      translate(e);
    }
  });
  m.attr("__version__") = SCRATCHNET_VERSION_STRING;
  m.def("set_num_threads", &set_num_threads, py::arg("threads"),
        R"(Set the number of threads of scratchnet's kernels.

Parameters
----------
threads : int
    1 or more; 0 uses every core of the machine. Results do not depend on it:
    scratchnet cuts its work into pieces that depend on the shapes only.)");
  m.def("get_num_threads", &num_threads, "The number of threads scratchnet's kernels use.");
  // Tests: every error kind crosses into Python as documented.
  m.def(
      "_raise_library_error",
      [](int kind, const std::string& message) { throw Error(static_cast<ErrorKind>(kind), message); },
      py::arg("kind"), py::arg("message"));
}

}  // namespace scratchnet::python
