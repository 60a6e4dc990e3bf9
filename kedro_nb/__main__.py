"""``python -m kedro_nb`` is ``kedro-nb``."""

import sys

from kedro_nb.cli import main

sys.exit(main())
