"""Fuzz the MNIST loader: many seeded, bounded damages to MNIST files; print what became of them.

    python scripts/fuzz_mnist.py                      # 10,092 cases on a small synthetic set
    python scripts/fuzz_mnist.py --cases 50000 --seed 7
    python scripts/fuzz_mnist.py --real 3 --data-dir ../shared/data/mnist   # + real-size cases

The cases and their judge are tests/mnist_fuzz.py, the engine of tests/test_mnist_fuzz.py (which
runs a few hundred in `make test`). Columns: "structure" (rejected by the gzip/zip CRCs, magic
numbers, sizes, shapes), "checksum" (rejected only by the SHA-256), "harmless" (the damage touched
bytes the loader does not need, and the original arrays came back); "unexpected", "unnamed" and
"returned-damaged" are failures. The exit status is 1 if any case failed.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the engine lives with the tests

from tests import mnist_fuzz as fuzz  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases", type=int, default=10_000, help="at least this many synthetic cases"
    )
    parser.add_argument("--seed", type=int, default=0, help="the first seed (default: 0)")
    parser.add_argument(
        "--real",
        type=int,
        default=0,
        metavar="N",
        help="also N seeds on the real files (21 cases each)",
    )
    parser.add_argument(
        "--data-dir", default=os.environ.get("DLBASICS_MNIST_DIR"), help="the real MNIST files"
    )
    args = parser.parse_args(argv)
    if args.real and not args.data_dir:
        parser.error("--real needs --data-dir or DLBASICS_MNIST_DIR")
    per_seed = len(fuzz.all_cases([0]))
    seeds = range(args.seed, args.seed + math.ceil(args.cases / per_seed))
    outcomes = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-mnist-") as workdir:
        outcomes += fuzz.run_cases(fuzz.synthetic_set(), fuzz.all_cases(seeds), Path(workdir) / "s")
        if args.real:
            forms = ("raw", "gz", "npz")
            real = fuzz.all_cases(range(args.seed, args.seed + args.real), forms)
            outcomes += fuzz.run_cases(
                fuzz.real_set(args.data_dir), real, Path(workdir) / "r", pristine_forms=forms
            )
    seconds = time.perf_counter() - started
    print(fuzz.report(outcomes))
    failures = [o for o in outcomes if o.verdict in fuzz.FAILURES]
    print(f"\n{len(outcomes):,} cases (seeds {seeds.start}-{seeds.stop - 1}) in {seconds:.0f} s: "
          f"{len(failures)} failed")  # fmt: skip
    for outcome in failures[:20]:
        print(f"  {outcome.case}: {outcome.verdict}: {outcome.detail}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
