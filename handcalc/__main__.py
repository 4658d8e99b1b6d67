"""python -m handcalc: the same as the handcalc command."""

import sys

from .cli import command

sys.exit(command())
