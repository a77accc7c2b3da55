"""The configuration layer: YAML with locations, variables, includes, merge, models, rules.

Public API:
- `load_config(paths, environ=None) -> LoadedConfig` (raises `ConfigError`)
- `LoadedConfig.config`, `.files`, `.locate(path)`
- `ConfigError` (a ReconcilerError) with `.issues: list[ConfigIssue]`
- `dump_config_yaml(data)` writes data (or a Config) as YAML that loads back the same
- `generate_schema()` the JSON Schema of the configuration
"""

from reconciler.config.dump import config_to_data, dump_config_yaml
from reconciler.config.errors import ConfigError, ConfigIssue
from reconciler.config.loader import LoadedConfig, load_config
from reconciler.config.models import Config
from reconciler.config.schema import generate_schema

__all__ = [
    "Config",
    "ConfigError",
    "ConfigIssue",
    "LoadedConfig",
    "config_to_data",
    "dump_config_yaml",
    "generate_schema",
    "load_config",
]
