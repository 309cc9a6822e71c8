"""``python -m solvers``: see :mod:`solvers.cli`."""

import sys

from solvers.cli import main

sys.exit(main())
