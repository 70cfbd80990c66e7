"""Optimizers: one class per optimizer of scratchnet's registry.

Every optimizer has the same ``step(params)`` (the book's
``update(params, grads)``): one update of each parameter from its gradient,
in place. State (velocities, moment estimates) is kept per parameter index,
so pass the same parameter list every step::

    >>> opt = scratchnet.optim.Adam(lr=1e-3)
    >>> params = dense1.params + dense2.params
    >>> for x, y in batches:
    ...     # forward, loss, backward (gradients zeroed first)
    ...     opt.step(params)

Hyper-parameters are named as the registry names them (``momentum``,
``beta1``, ``beta2``, ``rho``, ``eps``); ``weight_decay`` is L2 on the weights
(not biases), added to the gradient (decoupled in AdamW).
"""

import inspect

from . import _core

_TYPES = {t["name"]: t for t in _core.optim.optimizer_types()}
_CLASS_NAMES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
                "rmsprop": "RMSProp", "adam": "Adam", "adamw": "AdamW"}


def parameter_list(params):
    """The Parameter objects of ``params``: Parameters, layers, models, networks, or lists of them."""
    from ._core.layers import Parameter

    if isinstance(params, Parameter):
        return [params]
    if hasattr(params, "params") and not isinstance(params, (list, tuple)):
        return list(params.params)
    out = []
    for item in params:
        out.extend(parameter_list(item))
    return out


class Optimizer:
    """A scratchnet optimizer (base class of every class in this module)."""

    _name = None

    def __init__(self, lr=None, weight_decay=0.0, **hyper):
        self._impl = _core.optim.Optimizer(self._name, lr, weight_decay, hyper)

    def step(self, params):
        """Update every parameter of ``params`` from its gradient, in place.

        Parameters
        ----------
        params : list of Parameter, or layers / a model
            The same list, in the same order, at every step.
        """
        self._impl.step(parameter_list(params))

    @staticmethod
    def zero_grad(params):
        """Set the gradients of ``params`` to zero."""
        for p in parameter_list(params):
            p.grad[...] = 0

    def state(self, params):
        """The optimizer's state per parameter of ``params``, as numpy views (writable).

        One list per parameter, holding the optimizer's state tensors in the
        order its header gives (Momentum/Nesterov: velocity; AdaGrad/RMSProp:
        squared-gradient sum or average; Adam/AdamW: first moment m, second
        moment v). Sized with zeros before the first step.
        """
        return self._impl.state(parameter_list(params))

    @property
    def lr(self):
        """The learning rate (settable: schedules change it)."""
        return self._impl.lr

    @lr.setter
    def lr(self, value):
        self._impl.lr = value

    @property
    def weight_decay(self):
        """The L2 coefficient (settable)."""
        return self._impl.weight_decay

    @weight_decay.setter
    def weight_decay(self, value):
        self._impl.weight_decay = value

    @property
    def steps(self):
        """Steps taken so far (Adam's bias correction uses it; settable)."""
        return self._impl.steps

    @steps.setter
    def steps(self, value):
        self._impl.steps = value

    @property
    def hyper_parameters(self):
        """The hyper-parameters in use, by name."""
        return self._impl.hyper_parameters

    def __repr__(self):
        hyper = "".join(f", {k}={v:g}" for k, v in self.hyper_parameters.items())
        decay = f", weight_decay={self.weight_decay:g}" if self.weight_decay else ""
        return f"{type(self).__name__}(lr={self.lr:g}{hyper}{decay})"


def _make_class(info):
    name = info["name"]
    cls_name = _CLASS_NAMES.get(name, "".join(p.capitalize() for p in name.split("_")))
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                  inspect.Parameter("lr", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=info["default_lr"])]
    parameters += [inspect.Parameter(h["name"], inspect.Parameter.KEYWORD_ONLY, default=h["default"])
                   for h in info["hyper"]]
    parameters.append(inspect.Parameter("weight_decay", inspect.Parameter.KEYWORD_ONLY, default=0.0))
    signature = inspect.Signature(parameters)

    def __init__(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop("self")
        Optimizer.__init__(self, values.pop("lr"), values.pop("weight_decay"), **values)

    __init__.__signature__ = signature
    __init__.__doc__ = f"Build the optimizer (see the class docstring)."
    lines = [info["summary"] + ".", "", "Parameters", "----------",
             f"lr : float, default {info['default_lr']:g}", "    The learning rate (> 0)."]
    for h in info["hyper"]:
        lines += [f"{h['name']} : float, default {h['default']:g}", f"    {h['help'][0].upper() + h['help'][1:]}; in {h['range']}."]
    lines += ["weight_decay : float, default 0", "    L2 coefficient lambda on the weights (not biases): "
              + ("applied to the weights directly (decoupled)." if info["decoupled_decay"]
                 else "lambda * w is added to the gradient."), "",
              "Examples", "--------", f">>> opt = scratchnet.optim.{cls_name}(lr={info['default_lr']:g})",
              ">>> opt.step(model.params)"]
    return type(cls_name, (Optimizer,), {"__init__": __init__, "_name": name, "__doc__": "\n".join(lines),
                                         "__module__": __name__})


CLASSES = {}
for _info in _TYPES.values():
    CLASSES[_info["name"]] = _make_class(_info)
    globals()[CLASSES[_info["name"]].__name__] = CLASSES[_info["name"]]
del _info

__all__ = ["Optimizer", "parameter_list", "CLASSES"] + [c.__name__ for c in CLASSES.values()]
