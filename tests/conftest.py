"""Settings shared by the whole test suite.

The real ``kedro`` package is a test dependency (the reference the engine is compared against).
It ships a telemetry plugin; the suite runs offline and must stay that way, so telemetry is
disabled for this process and every subprocess it starts, before any test imports kedro.
"""

import os

os.environ["DO_NOT_TRACK"] = "1"
os.environ["KEDRO_DISABLE_TELEMETRY"] = "true"
