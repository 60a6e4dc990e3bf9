"""Configuration errors: one base class, one subclass per way reading ``conf/`` can fail.

Every message names what failed, where (the file, the key) and how to fix it. None of them ever
quotes a credential's value: they name files and keys only.
"""

from __future__ import annotations


class ConfigError(ValueError):
    """Base of every error raised by :mod:`kedro_nb.config`."""


class MissingConfigError(ConfigError):
    """Raised by ``ConfigLoader[key]`` when no file of the configuration matches the key's
    patterns (callers may treat that key as empty)."""


class ConfigSourceError(MissingConfigError):
    """Raised when ``conf_source`` or an explicitly requested environment folder does not
    exist. A ``MissingConfigError`` (Kedro raises ``MissingConfigException`` there), but
    never treated as empty: the run would silently use the wrong configuration."""


class ConfigSyntaxError(ConfigError):
    """Raised when a configuration file is not valid YAML or JSON, or is not a mapping;
    the message carries the file and the 1-based line and column."""


class DuplicateConfigKeyError(ConfigError):
    """Raised when two files of one environment folder define the same top-level key
    (for parameters: the same nested key), which would make the result depend on file order."""


class ConfigInterpolationError(ConfigError):
    """Raised when a ``${...}`` reference cannot be resolved: unknown key, unknown resolver,
    missing ``globals:`` / ``runtime_params:`` value without default."""


class RuntimeParamsError(ConfigError):
    """Raised when a ``--params`` string cannot be parsed into ``key=value`` pairs."""
