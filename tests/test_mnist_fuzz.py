"""The MNIST loader under fuzzing: seeded, bounded damage to every file of every form.

Each case damages one file of a complete set (tests/mnist_fuzz.py says how and judges the
outcome). Every case must end in MNISTDataError or MNISTNotFoundError naming a damaged file, or
return exactly the original arrays; never another exception, never other arrays. 348 cases run
on a small synthetic set shaped like MNIST (its own hashes in the loader's table), 21 on the real
files; scripts/fuzz_mnist.py runs ten thousand and more.
"""

from __future__ import annotations

import collections

from . import mnist_fuzz as fuzz

SYNTHETIC_SEEDS = range(12)  # x 29 damages = 348 cases
# Damage only the SHA-256 can see: a valid file (or gzip, or .npz) of changed content.
CHECKSUM_ONLY = {("raw", "flip-body"), ("gz", "flip-idx-body")} | {
    (form, "flip-array") for form in ("npz", "npz-deflated")
}
# Damage the structure checks always see (a wrapper's CRC, a header, a size, a shape).
STRUCTURE_ALWAYS = {
    ("raw", "flip-header"), ("raw", "truncate"), ("raw", "append"), ("raw", "swap"),
    ("gz", "flip-gzip-trailer"), ("gz", "flip-idx-header"), ("gz", "truncate"), ("gz", "swap"),
    ("npz", "flip-npy-header"), ("npz", "flip-body"),  # stored: every byte under the zip CRC
    ("npz", "truncate"), ("npz", "swap"), ("npz-deflated", "truncate"), ("npz-deflated", "swap"),
}  # fmt: skip
# Damage to bytes the loader never needs: a gzip header's time stamp, trailing zeros after a
# gzip stream (gzip ignores them), the unused bits of a deflate stream's last byte, a zip
# member's modification time, data after a zip's end.
MAY_BE_HARMLESS = (
    {("gz", "flip-gzip-header"), ("gz", "append"), ("gz", "flip-deflate")}
    | {
        (form, kind)
        for form in ("npz", "npz-deflated")
        for kind in ("flip-zip-header", "flip-directory", "append")
    }
    | {("npz-deflated", "flip-npy-header"), ("npz-deflated", "flip-body")}
)


def check(outcomes: list[fuzz.Outcome]) -> collections.Counter:
    failures = [
        f"{o.case}: {o.verdict}: {o.detail}" for o in outcomes if o.verdict in fuzz.FAILURES
    ]
    assert not failures, f"{len(failures)} of {len(outcomes)} cases failed:\n" + "\n".join(
        failures[:20]
    )
    for outcome in outcomes:
        where = (outcome.case.form, outcome.case.kind)
        if where in CHECKSUM_ONLY:
            assert outcome.verdict == "checksum", (outcome.case, outcome.detail)
        elif where in STRUCTURE_ALWAYS:
            assert outcome.verdict == "structure", (outcome.case, outcome.detail)
        elif outcome.verdict == "harmless":
            assert where in MAY_BE_HARMLESS, (outcome.case, outcome.detail)
    return collections.Counter(outcome.verdict for outcome in outcomes)


def test_every_damage_to_a_small_set_is_rejected_naming_the_file_or_changes_nothing(tmp_path):
    outcomes = fuzz.run_cases(fuzz.synthetic_set(), fuzz.all_cases(SYNTHETIC_SEEDS), tmp_path)
    assert len(outcomes) >= 300
    counts = check(outcomes)
    assert counts["structure"] > 0 and counts["checksum"] > 0 and counts["harmless"] > 0
    assert {o.case.kind for o in outcomes if o.verdict == "checksum"} == {
        kind for _, kind in CHECKSUM_ONLY
    }


REAL_FORMS = ("raw", "gz", "npz")  # the published .gz files; .npz stored (deflating takes seconds)


def test_every_damage_to_the_real_files_is_rejected_naming_the_file(mnist_dir, tmp_path):
    dataset = fuzz.real_set(mnist_dir)
    cases = fuzz.all_cases([0], REAL_FORMS)
    outcomes = fuzz.run_cases(dataset, cases, tmp_path, pristine_forms=REAL_FORMS)
    assert len(outcomes) == 21
    counts = check(outcomes)
    assert counts["structure"] > 0 and counts["checksum"] > 0


def test_the_judge_sees_a_loader_that_returns_damaged_data(tmp_path, monkeypatch):
    """The fuzzer itself can fail: a loader that skips the checksum is caught."""
    real_check = fuzz.mnist._check_array
    monkeypatch.setattr(fuzz.mnist, "_check_sha256", lambda *args: None)
    monkeypatch.setattr(
        fuzz.mnist,
        "_check_array",
        lambda array, name, where, verify: real_check(array, name, where, False),
    )
    outcomes = fuzz.run_cases(fuzz.synthetic_set(), fuzz.all_cases([0], ["raw", "npz"]), tmp_path)
    verdicts = {(o.case.form, o.case.kind): o.verdict for o in outcomes}
    assert verdicts[("raw", "flip-body")] == "returned-damaged"
    assert verdicts[("npz", "flip-array")] == "returned-damaged"
    assert verdicts[("raw", "truncate")] == "structure"
