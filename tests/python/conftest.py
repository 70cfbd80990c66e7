"""Shared by the Python tests (run by ctest with PYTHONPATH=build/python)."""

import os
import pathlib

import numpy as np
import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("SCRATCHNET_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BINARY = os.environ.get("SCRATCHNET_BINARY", str(SOURCE_DIR / "build" / "scratchnet"))


@pytest.fixture
def rng():
    return np.random.default_rng(12)


@pytest.fixture(scope="session")
def digits():
    """The CLI's digits split (seed 1, as recipes/digits-mlp.toml)."""
    import scratchnet

    return scratchnet.datasets.load_split(source="digits", seed=1)
