"""Test-wide settings: hypothesis draws the same examples on every run, so CI and a developer's
machine test exactly the same networks (a failure is reproducible, never a matter of luck)."""

import pytest
from hypothesis import settings

settings.register_profile("handcalc", derandomize=True, print_blob=True)
settings.load_profile("handcalc")


@pytest.fixture(autouse=True)
def _no_pager(monkeypatch):
    """A test that makes stdout look like a terminal must not start a real pager (tests/test_pager.py sets its own)."""
    monkeypatch.setenv("HANDCALC_PAGER", "")


@pytest.fixture(autouse=True)
def _mpmath_precision():
    """A test that sets mpmath's global precision (rather than `mpmath.workdps`) sets it for itself only:
    restored after every test, so no test's result depends on which tests ran before it."""
    import mpmath

    precision = mpmath.mp.prec
    yield
    mpmath.mp.prec = precision
