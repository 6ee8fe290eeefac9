"""Seeded, bounded damage to MNIST files, and what the loader must do with each.

The engine of tests/test_mnist_fuzz.py (a few hundred cases in `make test`) and
scripts/fuzz_mnist.py (ten thousand and more). A case damages one file of a complete MNIST set in
one way; then ``load_mnist(directory)`` must raise ``MNISTDataError`` or ``MNISTNotFoundError``
naming a damaged file, or return arrays equal to the originals (damage the loader never reads,
such as a gzip header's time stamp). Anything else is a failure: another exception type, an
error that does not name the file, or different arrays returned.

Every case is loaded twice, which tells the two defences apart: with ``verify=False`` only the
structure is checked (gzip and zip CRCs, magic numbers, sizes, shapes, dtypes); with the default
``verify=True`` also the SHA-256 of every array. A damage rejected in both runs is caught by the
structure; one the first run returns is caught only by the SHA-256 (a changed pixel inside a
valid file).

Two data sets: the real MNIST (60,000 + 10,000 images, the real hashes) and a small synthetic
one shaped like it (60 + 10 images of 28 x 28, MNIST's IDX headers, its own hashes, put into the
loader's table for the run), so that thousands of cases take seconds and the checks behind the
checksum are exercised too.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import io
import random
import shutil
import struct
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import numpy as np

from dlbasics import mnist
from dlbasics.mnist import FILES, NPZ_KEYS, NPZ_NAME, MNISTDataError, MNISTNotFoundError

IDX_NAMES = tuple(FILES)  # train images, train labels, test images, test labels
# A set on disk: four raw IDX files, four .gz files, or mnist.npz (stored, or deflated as Keras').
FORMS = ("raw", "gz", "npz", "npz-deflated")
KINDS = {
    "raw": ("flip-header", "flip-body", "truncate", "append", "swap"),
    "gz": (
        "flip-gzip-header",  # the 10-byte gzip header: flags, method, time stamp, ...
        "flip-deflate",  # the compressed stream
        "flip-gzip-trailer",  # CRC-32 and size
        "flip-idx-header",  # inside: a valid gzip of a damaged IDX header
        "flip-idx-body",  # inside: a valid gzip of a changed pixel
        "truncate",
        "append",
        "swap",
    ),
    "npz": (
        "flip-zip-header",  # a member's local header
        "flip-npy-header",  # a member's first 128 bytes: its .npy header (deflated: encoded)
        "flip-body",  # a member's bytes
        "flip-directory",  # the zip's central directory
        "flip-array",  # a valid .npz of a changed pixel
        "truncate",
        "append",
        "swap",
    ),
}
KINDS["npz-deflated"] = KINDS["npz"]
MAX_FLIPS = 3
MAX_APPENDED = 64
VERDICTS = ("structure", "checksum", "harmless", "unexpected", "unnamed", "returned-damaged")
FAILURES = ("unexpected", "unnamed", "returned-damaged")


@dataclass(frozen=True)
class Case:
    seed: int
    form: str
    kind: str

    def __str__(self) -> str:
        return f"seed {self.seed}: {self.kind} of the {self.form} set"


@dataclass
class Outcome:
    case: Case
    verdict: str  # one of VERDICTS
    detail: str  # what was damaged, and what the loader said


# -- the data sets ------------------------------------------------------------------------------


def idx_file(array: np.ndarray) -> bytes:
    return mnist._idx_header(array.shape) + np.ascontiguousarray(array, np.uint8).tobytes()


class DataSet:
    """Four arrays and the loader table (shapes, SHA-256s) they satisfy."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays
        self.table = {
            name: (array.shape, hashlib.sha256(idx_file(array)).hexdigest())
            for name, array in arrays.items()
        }
        self._files: dict[str, dict[str, bytes]] = {}

    def files(self, form: str) -> dict[str, bytes]:
        """The set in one form: file name -> content (built once per form)."""
        if form not in self._files:
            if form == "raw":
                files = {name: idx_file(a) for name, a in self.arrays.items()}
            elif form == "gz":
                files = {
                    f"{name}.gz": gzip.compress(idx_file(a), compresslevel=6, mtime=0)
                    for name, a in self.arrays.items()
                }
            else:
                files = {NPZ_NAME: npz_bytes(self.arrays, compressed=form == "npz-deflated")}
            self._files[form] = files
        return self._files[form]

    @contextmanager
    def in_loader(self):
        """The loader checks shapes and hashes against this set's table meanwhile."""
        with mock.patch.dict(mnist.FILES, self.table):
            yield


def npz_bytes(arrays: dict[str, np.ndarray], *, compressed: bool) -> bytes:
    buffer = io.BytesIO()
    save = np.savez_compressed if compressed else np.savez
    save(buffer, **{NPZ_KEYS[name]: array for name, array in arrays.items()})
    return buffer.getvalue()


def synthetic_set(seed: int = 0, n_train: int = 60, n_test: int = 10) -> DataSet:
    """Digits-like images (a bright stroke on black, as MNIST compresses) and labels 0-9."""
    rng = np.random.default_rng(seed)

    def images(n):
        out = np.zeros((n, 28, 28), np.uint8)
        for image in out:
            row, col = rng.integers(4, 20, 2)
            image[row : row + 6, col : col + 3] = rng.integers(1, 256, (6, 3))
        return out

    return DataSet(
        {
            IDX_NAMES[0]: images(n_train),
            IDX_NAMES[1]: rng.integers(0, 10, n_train).astype(np.uint8),
            IDX_NAMES[2]: images(n_test),
            IDX_NAMES[3]: rng.integers(0, 10, n_test).astype(np.uint8),
        }
    )


def real_set(directory) -> DataSet:
    """The real MNIST, loaded (and verified) from ``directory``; its .gz files, when it has them,
    are the "gz" form (the published gzip wrappers, not ours)."""
    directory = Path(directory)
    (x_train, y_train), (x_test, y_test) = mnist.load_mnist(directory)
    dataset = DataSet(dict(zip(IDX_NAMES, (x_train, y_train, x_test, y_test), strict=True)))
    published = {f"{name}.gz": directory / f"{name}.gz" for name in IDX_NAMES}
    if all(path.is_file() for path in published.values()):
        dataset._files["gz"] = {name: path.read_bytes() for name, path in published.items()}
    return dataset


# -- damage -------------------------------------------------------------------------------------


def flip(data: bytes, start: int, stop: int, rng: random.Random) -> tuple[bytes, str]:
    """XOR 1 to MAX_FLIPS bytes in ``data[start:stop]`` with non-zero masks."""
    damaged = bytearray(data)
    stop = max(start + 1, min(stop, len(data)))
    offsets = sorted(rng.sample(range(start, stop), min(stop - start, rng.randint(1, MAX_FLIPS))))
    for offset in offsets:
        damaged[offset] ^= rng.randint(1, 255)
    return bytes(damaged), f"bytes {offsets} flipped"


def gzip_deflate_span(data: bytes) -> tuple[int, int]:
    """Where the compressed stream lies in a gzip file without optional fields (as ours and the
    published MNIST files are): after the 10-byte header, before the 8-byte trailer."""
    assert data[3] == 0, "a gzip header with optional fields"
    return 10, len(data) - 8


def zip_members(data: bytes) -> list[tuple[int, int, int]]:
    """Each member's (local header start, data start, data end) in a zip archive."""
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            fields = struct.unpack("<4s5H3L2H", data[info.header_offset : info.header_offset + 30])
            start = info.header_offset + 30 + fields[-2] + fields[-1]
            members.append((info.header_offset, start, start + info.compress_size))
        directory = archive.start_dir
    return members + [(directory, directory, len(data))]


def changed_pixel(dataset: DataSet, rng: random.Random) -> tuple[dict, str]:
    """The arrays with one value of one of them changed (a valid file of the wrong content)."""
    name = rng.choice(IDX_NAMES)
    array = dataset.arrays[name].copy()
    index = tuple(int(rng.randrange(n)) for n in array.shape)
    array[index] ^= rng.randint(1, 255)
    return {**dataset.arrays, name: array}, f"{name}{list(index)} changed"


def damage(dataset: DataSet, case: Case) -> tuple[dict[str, bytes], list[str], str]:
    """The damaged set (file name -> content), the names of the damaged files, and what was done.

    Every choice comes from ``random.Random(case.seed)``: a case is the same on every machine.
    """
    rng = random.Random(f"{case.seed}/{case.form}/{case.kind}")
    files = dict(dataset.files(case.form))
    target = rng.choice(sorted(files))
    data = files[target]
    kind = case.kind
    if kind == "swap":
        if case.form in ("raw", "gz"):
            other = rng.choice(sorted(set(files) - {target}))
            files[target], files[other] = files[other], files[target]
            return files, [target, other], f"{target} and {other} swapped"
        if rng.random() < 0.5:  # two arrays under each other's names
            a, b = rng.sample(IDX_NAMES, 2)
            arrays = {**dataset.arrays, a: dataset.arrays[b], b: dataset.arrays[a]}
            files[target] = npz_bytes(arrays, compressed=case.form == "npz-deflated")
            return files, [target], f"{NPZ_KEYS[a]} and {NPZ_KEYS[b]} swapped inside"
        name = rng.choice(IDX_NAMES)
        files[target] = dataset.files("gz")[f"{name}.gz"]
        return files, [target], f"{name}.gz in place of {target}"
    if kind == "truncate":
        cut = rng.randrange(len(data))
        files[target] = data[:cut]
        return files, [target], f"{target} cut to {cut} of {len(data)} bytes"
    if kind == "append":
        n = rng.randint(1, MAX_APPENDED)
        what = rng.choice(["random", "zeros", "copy", "gzip member"])
        tail = {
            "random": bytes(rng.randrange(256) for _ in range(n)),
            "zeros": bytes(n),
            "copy": data[:n],
            "gzip member": gzip.compress(bytes(rng.randrange(256) for _ in range(n))),
        }[what]
        files[target] = data + tail
        return files, [target], f"{len(tail)} bytes ({what}) appended to {target}"
    if kind in ("flip-idx-header", "flip-idx-body"):  # damaged content in a valid gzip wrapper
        content = gzip.decompress(data)
        header = 4 + 4 * content[3]
        span = (0, header) if kind == "flip-idx-header" else (header, len(content))
        content, what = flip(content, *span, rng)
        files[target] = gzip.compress(content, compresslevel=1, mtime=0)  # any valid gzip
        return files, [target], f"{target}: {what} before compression"
    if kind == "flip-array":
        arrays, what = changed_pixel(dataset, rng)
        files[target] = npz_bytes(arrays, compressed=case.form == "npz-deflated")
        return files, [target], f"{target}: {what}"
    if case.form == "raw":
        header = 4 + 4 * data[3]
        span = (0, header) if kind == "flip-header" else (header, len(data))
    elif case.form == "gz":
        body_start, body_end = gzip_deflate_span(data)
        span = {
            "flip-gzip-header": (0, body_start),
            "flip-deflate": (body_start, body_end),
            "flip-gzip-trailer": (body_end, len(data)),
        }[kind]
    else:
        *members, directory = zip_members(data)
        header_start, data_start, data_end = rng.choice(members)
        span = {
            "flip-zip-header": (header_start, data_start),
            "flip-npy-header": (data_start, min(data_end, data_start + 128)),
            "flip-body": (data_start, data_end),
            "flip-directory": (directory[0], directory[2]),
        }[kind]
    files[target], what = flip(data, *span, rng)
    return files, [target], f"{target}: {what}"


# -- running a case -----------------------------------------------------------------------------


def write_set(directory: Path, files: dict[str, bytes], pristine: Path | None = None) -> None:
    """Write ``files`` into ``directory``; files equal to ``pristine``'s are linked, not copied."""
    directory.mkdir(parents=True)
    for name, content in files.items():
        original = pristine / name if pristine is not None else None
        if (
            original is not None
            and original.stat().st_size == len(content)
            and (original.read_bytes() == content)
        ):
            (directory / name).symlink_to(original)
        else:
            (directory / name).write_bytes(content)


def same_arrays(loaded, dataset: DataSet) -> bool:
    (x_train, y_train), (x_test, y_test) = loaded
    return all(
        got.dtype == np.uint8 and np.array_equal(got, dataset.arrays[name])
        for got, name in zip((x_train, y_train, x_test, y_test), IDX_NAMES, strict=True)
    )


def run_case(dataset: DataSet, case: Case, workdir: Path, pristine: Path | None = None) -> Outcome:
    """Damage a fresh copy of the set in ``workdir``, load it twice, and judge what happened."""
    files, damaged, what = damage(dataset, case)
    directory = workdir / f"{case.form}-{case.kind}-{case.seed}"
    write_set(directory, files, pristine)
    paths = [str(directory / name) for name in damaged]
    try:
        with dataset.in_loader():
            structure, _ = _load(dataset, directory, paths, verify=False)
            checked, message = _load(dataset, directory, paths, verify=True)
    finally:
        shutil.rmtree(directory)
    if checked in FAILURES or structure in FAILURES:
        verdict = checked if checked in FAILURES else structure
    elif checked == "rejected":
        verdict = "structure" if structure == "rejected" else "checksum"
    else:
        verdict = "harmless"  # both runs returned the original arrays
    return Outcome(case, verdict, f"{what}: {message}")


def _load(dataset: DataSet, directory: Path, paths: list[str], verify: bool) -> tuple[str, str]:
    """What ``load_mnist`` did: "rejected" (naming a damaged file), "harmless" (the original
    arrays), "changed" (other arrays, with ``verify=False``), or a failure verdict."""
    try:
        loaded = mnist.load_mnist(directory, verify=verify)
    except (MNISTDataError, MNISTNotFoundError) as error:
        message = str(error).split(". Provide MNIST")[0]
        return ("rejected" if any(path in message for path in paths) else "unnamed"), message
    except Exception as error:  # noqa: BLE001 - any other exception type is the finding
        return "unexpected", f"{type(error).__name__}: {error}"
    if same_arrays(loaded, dataset):
        return "harmless", "returned the original arrays"
    if verify:
        return "returned-damaged", "returned arrays that differ from the originals"
    return "changed", "returned other arrays: only the SHA-256 can tell"


def run_cases(dataset: DataSet, cases, workdir: Path, pristine_forms=()) -> list[Outcome]:
    """Run ``cases`` against ``dataset`` in ``workdir``. For the forms in ``pristine_forms`` a
    pristine copy is written once, and each case links the files it leaves undamaged (real-size
    sets: only the damaged file is written anew)."""
    workdir.mkdir(parents=True, exist_ok=True)
    pristine = {}
    for form in pristine_forms:
        pristine[form] = workdir / f"pristine-{form}"
        if not pristine[form].exists():
            write_set(pristine[form], dataset.files(form))
    return [run_case(dataset, case, workdir, pristine.get(case.form)) for case in cases]


def all_cases(seeds, forms=FORMS) -> list[Case]:
    return [Case(seed, form, kind) for seed in seeds for form in forms for kind in KINDS[form]]


def tally(outcomes: list[Outcome]) -> dict[tuple[str, str], collections.Counter]:
    """(form, kind) -> how many cases got each verdict."""
    counts: dict[tuple[str, str], collections.Counter] = {}
    for outcome in outcomes:
        key = (outcome.case.form, outcome.case.kind)
        counts.setdefault(key, collections.Counter())[outcome.verdict] += 1
    return counts


def report(outcomes: list[Outcome]) -> str:
    """A table of the counts per form and damage, and a total line."""
    rows = [["form", "damage", "cases", *VERDICTS]]
    total = collections.Counter()
    for (form, kind), counts in tally(outcomes).items():
        rows.append([form, kind, str(sum(counts.values()))] + [str(counts[v]) for v in VERDICTS])
        total.update(counts)
    rows.append(["all", "", str(sum(total.values()))] + [str(total[v]) for v in VERDICTS])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in
                  enumerate(zip(row, widths, strict=True)))
        for row in rows
    )  # fmt: skip
