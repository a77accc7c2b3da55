"""The argument parser of the `python -m reconciler.<module>` tools (fleet merge, parity).

argparse exits 2 on a usage error, and 2 is what `--detailed-exitcode` pipelines read as
"changes present": these tools, like every reconciler command, exit 1 for any error.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

ERROR_EXIT_CODE = 1


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, with a usage error that exits 1 and points at --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(ERROR_EXIT_CODE, f"Error: {message} (see {self.prog} --help)\n")
