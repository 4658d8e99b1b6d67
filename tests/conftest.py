"""Test-wide settings: hypothesis draws the same examples on every run, so CI and a developer's
machine test exactly the same networks (a failure is reproducible, never a matter of luck)."""

from hypothesis import settings

settings.register_profile("handcalc", derandomize=True, print_blob=True)
settings.load_profile("handcalc")
