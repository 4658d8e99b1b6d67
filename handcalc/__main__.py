"""python -m handcalc: the same as the handcalc command."""

import sys

from .cli import main

sys.exit(main())
