"""The engine tests' fixtures: the CLI (`run`) and the engine API (`engine`) on one emulator."""

from tests.engine.conftest import engine, run

__all__ = ["engine", "run"]
