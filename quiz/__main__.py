"""``python -m quiz``: the same as the ``quiz`` command."""

import sys

from quiz.cli import main

sys.exit(main())
