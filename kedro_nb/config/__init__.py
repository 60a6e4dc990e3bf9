"""Project configuration: ``conf/base`` overlaid by ``conf/<env>``, Kedro's file patterns,
OmegaConf interpolation (globals, runtime params) and runtime parameters."""

from kedro_nb.config.abstract import AbstractConfigLoader
from kedro_nb.config.errors import (
    ConfigError,
    ConfigInterpolationError,
    ConfigSourceError,
    ConfigSyntaxError,
    DuplicateConfigKeyError,
    MissingConfigError,
    RuntimeParamsError,
)
from kedro_nb.config.loader import DEFAULT_CONFIG_PATTERNS, ConfigLoader
from kedro_nb.config.params import nest_dotted, parse_params

__all__ = [
    "DEFAULT_CONFIG_PATTERNS",
    "AbstractConfigLoader",
    "ConfigError",
    "ConfigInterpolationError",
    "ConfigLoader",
    "ConfigSourceError",
    "ConfigSyntaxError",
    "DuplicateConfigKeyError",
    "MissingConfigError",
    "RuntimeParamsError",
    "nest_dotted",
    "parse_params",
]
