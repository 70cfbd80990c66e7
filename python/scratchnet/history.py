"""The history of a fit: one value per epoch for each metric."""


class History(dict):
    """Per-epoch metrics of ``Model.fit``, named as in a run's metrics.csv.

    A dict of lists -- ``epoch``, ``iteration``, ``train_loss`` (mean of the
    epoch's mini-batch losses, the data term only), ``train_accuracy`` (eval
    mode, whole training set; with the setting ``train_metrics="running"``,
    the default, ``running_train_accuracy``: the running mean over the
    epoch's mini-batches instead), ``val_loss`` and ``val_accuracy`` (with
    validation data), ``lr``, ``l2_penalty`` (with weight decay), ``seconds``
    -- holding only the metrics the fit produced.

    Attributes
    ----------
    step_losses : numpy.ndarray
        The loss of every optimizer step (the curves of the reports' optimizer
        comparisons).
    stopped_early : bool
        Whether early stopping, the loss tolerance or a callback ended the fit.
    stop_reason : str
        Why the fit ended early ("" when every epoch ran).
    best_epoch : int
        The epoch whose weights the model holds (early stopping restores the
        best one).
    """

    def __init__(self, columns=None):
        super().__init__(columns or {})
        self.step_losses = None
        self.stopped_early = False
        self.stop_reason = ""
        self.best_epoch = 0

    @property
    def epochs(self):
        """The number of epochs recorded."""
        return len(self.get("epoch", []))

    def to_pandas(self):
        """The history as a pandas DataFrame indexed by epoch (requires pandas)."""
        import pandas

        frame = pandas.DataFrame(dict(self))
        return frame.set_index("epoch") if "epoch" in frame else frame

    def plot(self, metrics=None, ax=None):
        """Plot metrics per epoch with matplotlib.

        Parameters
        ----------
        metrics : list of str, optional
            Default: the losses (train_loss, and val_loss when present).
        ax : matplotlib Axes, optional

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        if metrics is None:
            metrics = [m for m in ("train_loss", "val_loss") if m in self]
        for metric in metrics:
            ax.plot(self["epoch"], self[metric], label=metric)
        ax.set_xlabel("epoch")
        ax.legend()
        return ax

    def __repr__(self):
        last = {k: v[-1] for k, v in self.items() if v and k != "epoch"}
        shown = ", ".join(f"{k}={v:.4g}" for k, v in last.items())
        return f"History({self.epochs} epochs; last: {shown})"
