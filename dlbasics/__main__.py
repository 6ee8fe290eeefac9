"""``python -m dlbasics ...``: see :mod:`dlbasics.cli`."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
