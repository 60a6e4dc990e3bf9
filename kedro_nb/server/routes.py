"""The URL namespace and endpoint names the labextension calls; defined once here (the
TypeScript side's copy in ``labextension/src/api.ts`` is held to it by a drift test)."""

API_NAMESPACE = "kedro-nb"

ANALYSIS = "analysis"
PIPELINES = "pipelines"
CONVERT = "convert"
CHECK = "check"
STRIP = "strip"
