"""``python -m ddrcore`` (and the ``ddrcore`` console script)."""

from __future__ import annotations

import os
import sys


def main() -> int:
    # A read is a few small matrix products: extra OpenBLAS threads would only spin and
    # double the CPU time. This must happen before NumPy loads, so before importing the CLI.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from .cli.commands import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
