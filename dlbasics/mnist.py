"""MNIST without the internet: find the original files, check them, return what Keras returns.

``load_mnist()`` gives ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes
``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``, the same arrays as
``keras.datasets.mnist.load_data()``. It looks, in this order, at

1. the ``data_dir`` argument,
2. the environment variable ``DLBASICS_MNIST_DIR``,
3. the user cache ``$XDG_CACHE_HOME/dlbasics/mnist`` (``~/.cache/dlbasics/mnist`` by default),
4. Keras' own download (needs the internet; Keras keeps it in ``~/.keras/datasets``).

A source given explicitly (1 or 2) must work: if it is wrong, that is an error, never a silent
fall-back to another source. A directory holds either the four IDX files (raw or ``.gz``) or
Keras' ``mnist.npz``; ``data_dir`` and ``DLBASICS_MNIST_DIR`` may also name the ``.npz`` itself.

The IDX format: a 4-byte magic number ``00 00 08 N`` (unsigned bytes, ``N`` dimensions), then
``N`` big-endian uint32 sizes, then the values in C order. Every file is checked for magic,
dimensions and size, and (``verify=True``) against the SHA-256 of the original decompressed file.
For ``mnist.npz`` the arrays are checked against the same hashes: the header is rebuilt from the
array's shape and ``sha256(header + array bytes)`` must equal the IDX file's hash, so one table
of hashes covers both formats (the ``.npz`` file's own hash depends on how it was zipped).
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import zlib
from pathlib import Path

import numpy as np

ENV_VAR = "DLBASICS_MNIST_DIR"

# name: (shape, SHA-256 of the decompressed original IDX file). Same order as load_mnist returns.
FILES = {
    "train-images-idx3-ubyte": (
        (60000, 28, 28),
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train-labels-idx1-ubyte": (
        (60000,),
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "t10k-images-idx3-ubyte": (
        (10000, 28, 28),
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "t10k-labels-idx1-ubyte": (
        (10000,),
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}
NPZ_NAME = "mnist.npz"
NPZ_KEYS = dict(zip(FILES, ("x_train", "y_train", "x_test", "y_test"), strict=True))
IDX_UBYTE = 0x08  # the only IDX value type MNIST uses


class MNISTNotFoundError(FileNotFoundError):
    """No MNIST where it was looked for."""


class MNISTDataError(ValueError):
    """MNIST files that are there but wrong: truncated, corrupt, wrong magic, shape or checksum."""


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/dlbasics/mnist``, or ``~/.cache/dlbasics/mnist`` when it is unset."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(base).expanduser() / "dlbasics" / "mnist"


def how_to_provide() -> str:
    """One line saying every way to give the loader the data."""
    names = ", ".join(FILES)
    return (
        f"Provide MNIST with load_mnist(data_dir=DIR) (CLI: --data-dir DIR), the environment "
        f"variable {ENV_VAR}=DIR, or by copying the files into {user_cache_dir()}; DIR holds "
        f"the four original IDX files ({names}; each raw or .gz) or Keras' {NPZ_NAME}."
    )


def _error(cls, message: str):
    return cls(f"{message}. {how_to_provide()}")


# ------------------------------------------------------------------------------- one IDX file
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"  # a .npz is a zip archive


def _first_bytes(data: bytes) -> str:
    return " ".join(f"{byte:02x}" for byte in data[:4]) if data else "nothing (it is empty)"


def _read_bytes(path: Path) -> bytes:
    """The file's content, gunzipped when it starts with the gzip magic bytes 1f 8b."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _error(MNISTNotFoundError, f"MNIST file not found: {path}") from None
    except OSError as error:
        raise _error(MNISTDataError, f"cannot read {path}: {error}") from None
    if path.suffix == ".gz" and data[:2] != GZIP_MAGIC:  # else "wrong IDX magic" would mislead
        raise _error(
            MNISTDataError,
            f"{path} is not a gzip file: it starts with {_first_bytes(data)}, a gzip file with "
            "1f 8b",
        )
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise _error(MNISTDataError, f"{path} is not a valid gzip file ({error})") from None
    return data


def _idx_header(shape) -> bytes:
    """The IDX header of an unsigned-byte array of this shape: magic 00 00 08 ndim, then sizes."""
    return bytes([0, 0, IDX_UBYTE, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)


def _parse_idx(data: bytes, path) -> np.ndarray:
    """Check magic, dimensions and size of an IDX file's content; return the array (a copy)."""
    if len(data) < 4:
        raise _error(
            MNISTDataError, f"{path} is truncated: {len(data)} bytes, too short for an IDX header"
        )
    magic = int.from_bytes(data[:4], "big")
    ndim = data[3]
    if data[:2] != b"\x00\x00" or data[2] != IDX_UBYTE or ndim == 0:
        raise _error(
            MNISTDataError,
            f"{path} has magic number 0x{magic:08X}, expected 0x000008NN (IDX file of unsigned "
            "bytes with NN dimensions): it is not an MNIST IDX file",
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise _error(MNISTDataError, f"{path} is truncated inside its header ({len(data)} bytes)")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = math.prod(shape)
    found = len(data) - header_size
    if found != expected:
        problem = "is truncated" if found < expected else "has extra bytes at the end"
        raise _error(
            MNISTDataError,
            f"{path} {problem}: its header announces shape {shape} = {expected} bytes of data, "
            f"the file holds {found}",
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def read_idx(path) -> np.ndarray:
    """Read one IDX file of unsigned bytes (raw or gzip) into a uint8 array.

    Checks the magic number, the dimensions and that the size matches the header exactly;
    raises :class:`MNISTNotFoundError` or :class:`MNISTDataError` naming the file otherwise.
    """
    path = Path(path)
    return _parse_idx(_read_bytes(path), path)


# --------------------------------------------------------------------------- the whole dataset
def _check_sha256(digest: str, name: str, where, content: str) -> None:
    expected = FILES[name][1]
    if digest != expected:
        raise _error(
            MNISTDataError,
            f"{where}: SHA-256 of {content} is {digest}, expected {expected}: the file is "
            "corrupt or not the original MNIST",
        )


def _check_array(array: np.ndarray, name: str, where, verify: bool) -> None:
    shape = FILES[name][0]
    if array.dtype != np.uint8 or array.shape != shape:
        raise _error(
            MNISTDataError,
            f"{where} holds {array.dtype} of shape {array.shape}, expected uint8 of shape {shape} "
            f"for {name}",
        )
    if verify:
        digest = hashlib.sha256(_idx_header(shape))  # rebuild the IDX file this array came from
        digest.update(np.ascontiguousarray(array).data)
        _check_sha256(digest.hexdigest(), name, where, "the array as an IDX file")


def _idx_paths(directory: Path) -> dict[str, Path]:
    """The IDX files present in ``directory``, raw preferred over .gz."""
    found = {}
    for name in FILES:
        for candidate in (directory / name, directory / f"{name}.gz"):
            if candidate.is_file():
                found[name] = candidate
                break
    return found


def _load_directory(directory: Path, verify: bool):
    paths = _idx_paths(directory)
    if not paths:
        if (directory / NPZ_NAME).is_file():
            return _load_npz(directory / NPZ_NAME, verify)
        raise _error(
            MNISTNotFoundError,
            f"{directory} holds no MNIST files (neither the four IDX files nor {NPZ_NAME})",
        )
    missing = [f"{name}(.gz)" for name in FILES if name not in paths]
    if missing:
        raise _error(MNISTNotFoundError, f"{directory} lacks {', '.join(missing)}")
    arrays = []
    for name, path in paths.items():
        data = _read_bytes(path)
        array = _parse_idx(data, path)
        _check_array(array, name, path, verify=False)
        if verify:
            _check_sha256(hashlib.sha256(data).hexdigest(), name, path, "the decompressed content")
        arrays.append(array)
    return (arrays[0], arrays[1]), (arrays[2], arrays[3])


def _load_npz(path: Path, verify: bool):
    try:
        # Our own file handle: np.load leaks its own when the zip is corrupt.
        with open(path, "rb") as handle:
            start = handle.read(4)
            if start != ZIP_MAGIC:  # else np.load tries pickle, and its error advises unpickling
                raise _error(
                    MNISTDataError,
                    f"{path} is not a .npz file: it starts with {_first_bytes(start)}, a .npz "
                    "(a zip archive) with 50 4b 03 04",
                )
            handle.seek(0)
            with np.load(handle, allow_pickle=False) as archive:
                missing = [key for key in NPZ_KEYS.values() if key not in archive.files]
                if missing:
                    raise _error(MNISTDataError, f"{path} lacks the arrays {', '.join(missing)}")
                arrays = {name: archive[key] for name, key in NPZ_KEYS.items()}
    except MNISTDataError:
        raise
    except Exception as error:  # zipfile.BadZipFile, EOFError, ValueError, OSError, ...
        reason = " ".join(str(error).split())
        reason = reason if len(reason) <= 160 else reason[:157] + "..."  # a header's bytes
        raise _error(
            MNISTDataError,
            f"{path} is not a readable .npz file ({type(error).__name__}: {reason})",
        ) from None
    for name, array in arrays.items():
        _check_array(array, name, f"{path}[{NPZ_KEYS[name]!r}]", verify)
    x_train, y_train, x_test, y_test = arrays.values()
    return (x_train, y_train), (x_test, y_test)


def _load_path(path: Path, verify: bool):
    if path.is_dir():
        return _load_directory(path, verify)
    if path.is_file():
        return _load_npz(path, verify)
    raise _error(MNISTNotFoundError, f"MNIST directory not found: {path}")


def _download_with_keras():
    """Keras' own download (and cache in ~/.keras/datasets); needs the internet."""
    from ._keras import import_keras  # here, not above: reading local files needs no Keras

    return import_keras().datasets.mnist.load_data()


def find_mnist(data_dir=None) -> Path | None:
    """Where :func:`load_mnist` will read from: a directory or ``.npz`` path, or None for Keras.

    An explicit ``data_dir`` or ``DLBASICS_MNIST_DIR`` must exist (else MNISTNotFoundError);
    the user cache is used only when it holds MNIST files.
    """
    if data_dir is not None:
        explicit, origin = Path(data_dir).expanduser(), "data_dir"
    elif os.environ.get(ENV_VAR):
        explicit, origin = Path(os.environ[ENV_VAR]).expanduser(), ENV_VAR
    else:
        cache = user_cache_dir()
        if cache.is_dir() and (_idx_paths(cache) or (cache / NPZ_NAME).is_file()):
            return cache
        return None
    if not explicit.exists():
        raise _error(MNISTNotFoundError, f"{origin} names {explicit}, which does not exist")
    return explicit


def load_mnist(data_dir=None, *, verify: bool = True):
    """The MNIST arrays, exactly as ``keras.datasets.mnist.load_data()`` returns them.

    Parameters
    ----------
    data_dir : str or Path, optional
        A directory with the four IDX files (raw or .gz) or ``mnist.npz``, or the ``.npz`` itself.
        When omitted: ``DLBASICS_MNIST_DIR``, then the user cache, then Keras' download.
    verify : bool
        Check every array against the SHA-256 of the original files (about 0.1 s). With False,
        magic numbers, dimensions, sizes and shapes are still checked.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        uint8 arrays (60000, 28, 28), (60000,), (10000, 28, 28), (10000,); fresh copies.
    """
    source = find_mnist(data_dir)
    if source is not None:
        return _load_path(source, verify)
    try:
        (x_train, y_train), (x_test, y_test) = _download_with_keras()
    except ImportError:
        raise _error(
            MNISTNotFoundError, "MNIST not found, and Keras is not installed to download it"
        ) from None
    except Exception as error:  # offline: Keras raises a bare Exception("URL fetch failure ...")
        reason = " ".join(str(error).split())
        raise _error(
            MNISTNotFoundError,
            f"MNIST not found in {ENV_VAR} or {user_cache_dir()}, and Keras' download failed "
            f"({type(error).__name__}: {reason})",
        ) from None
    arrays = dict(zip(FILES, (x_train, y_train, x_test, y_test), strict=True))
    for name, array in arrays.items():
        _check_array(np.asarray(array), name, f"keras.datasets.mnist ({name})", verify)
    return (x_train, y_train), (x_test, y_test)
