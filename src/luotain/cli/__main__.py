"""``python -m luotain.cli``: the same as the ``luotain`` command."""

import sys

from luotain.cli import main

sys.exit(main())
