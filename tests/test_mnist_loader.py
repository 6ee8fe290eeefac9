"""The offline MNIST loader: IDX parsing, every way a file can be wrong, search order, checksums.

Tiny IDX files made here test the format checks; a synthetic full-size set (zeros, labels used as
a marker of where it came from) tests the search order with ``verify=False``; the real files
(fixture ``mnist_dir``) test the checksums, the .npz route and the lecture's acceptance values.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from dlbasics import mnist
from dlbasics.mnist import (
    FILES,
    MNISTDataError,
    MNISTNotFoundError,
    find_mnist,
    load_mnist,
    read_idx,
)

from .conftest import idx_bytes

HOW_TO = re.compile(r"data_dir=DIR.*--data-dir DIR.*DLBASICS_MNIST_DIR=DIR.*dlbasics/mnist")


def assert_helpful(error: pytest.ExceptionInfo, *fragments: str) -> None:
    """The message is one line, names what is wrong and says how to provide the data."""
    message = str(error.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert HOW_TO.search(message), message


# --------------------------------------------------------------------------------- read_idx
@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_reads_raw_and_gzip(tmp_path, write_idx, gz):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / "images", images, gz=gz)
    loaded = read_idx(path)
    assert loaded.dtype == np.uint8
    np.testing.assert_array_equal(loaded, images)
    assert loaded.flags.writeable


def test_read_idx_reads_1d_labels(tmp_path, write_idx):
    labels = np.array([5, 0, 4], dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(write_idx(tmp_path / "labels", labels)), labels)


def test_read_idx_rejects_truncated_data(tmp_path, write_idx):
    data = idx_bytes(np.ones((3, 28, 28), np.uint8))
    path = write_idx(tmp_path / "train-images-idx3-ubyte", data[:-100])
    with pytest.raises(MNISTDataError) as error:
        read_idx(path)
    assert_helpful(error, str(path), "is truncated", "(3, 28, 28) = 2352 bytes", "holds 2252")


def test_read_idx_rejects_truncated_gzip(tmp_path, write_idx):
    path = write_idx(tmp_path / "t.gz", np.ones((50, 28, 28), np.uint8), gz=True)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(MNISTDataError) as error:
        read_idx(path)
    assert_helpful(error, str(path), "not a valid gzip file")


def test_read_idx_rejects_corrupt_gzip(tmp_path, write_idx):
    path = write_idx(tmp_path / "t.gz", np.arange(5000, dtype=np.uint16).astype(np.uint8), gz=True)
    data = bytearray(path.read_bytes())
    data[20:40] = b"\xff" * 20  # inside the deflate stream
    path.write_bytes(bytes(data))
    with pytest.raises(MNISTDataError) as error:
        read_idx(path)
    assert_helpful(error, str(path), "not a valid gzip file")


def test_read_idx_rejects_extra_bytes(tmp_path, write_idx):
    path = write_idx(tmp_path / "labels", idx_bytes(np.zeros(4, np.uint8)) + b"\x00\x01")
    with pytest.raises(MNISTDataError) as error:
        read_idx(path)
    assert_helpful(error, str(path), "extra bytes", "holds 6")


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        (b"\x00\x00\x09\x01", "0x00000901"),  # signed bytes: not MNIST's type
        (b"\x00\x00\x0d\x01", "0x00000D01"),  # float32
        (b"\x12\x34\x08\x01", "0x12340801"),  # not zero-prefixed
        (b"\x00\x00\x08\x00", "0x00000800"),  # zero dimensions
        (b"PK\x03\x04", "0x504B0304"),  # a zip (e.g. an .npz) under an IDX name
    ],
)
def test_read_idx_rejects_wrong_magic(tmp_path, write_idx, header, shown):
    path = write_idx(tmp_path / "train-labels-idx1-ubyte", header + b"\x00\x00\x00\x02ab")
    with pytest.raises(MNISTDataError) as error:
        read_idx(path)
    assert_helpful(error, str(path), f"magic number {shown}", "not an MNIST IDX file")


@pytest.mark.parametrize("content", [b"", b"\x00\x00", b"\x00\x00\x08\x03\x00\x00\x00\x01"])
def test_read_idx_rejects_a_header_cut_short(tmp_path, write_idx, content):
    path = write_idx(tmp_path / "short", content)
    with pytest.raises(MNISTDataError) as error:
        read_idx(path)
    assert_helpful(error, str(path), "truncated")


def test_read_idx_names_a_missing_file(tmp_path):
    path = tmp_path / "nowhere" / "train-images-idx3-ubyte"
    with pytest.raises(MNISTNotFoundError) as error:
        read_idx(path)
    assert_helpful(error, "MNIST file not found", str(path))


# --------------------------------------------------------------- load_mnist, tiny directories
def write_tiny_set(directory, write_idx, *, n_train=3, n_test=2, gz=False, skip=()):
    arrays = {
        "train-images-idx3-ubyte": np.zeros((n_train, 28, 28), np.uint8),
        "train-labels-idx1-ubyte": np.zeros(n_train, np.uint8),
        "t10k-images-idx3-ubyte": np.zeros((n_test, 28, 28), np.uint8),
        "t10k-labels-idx1-ubyte": np.zeros(n_test, np.uint8),
    }
    for name, array in arrays.items():
        if name not in skip:
            write_idx(directory / (name + (".gz" if gz else "")), array, gz=gz)
    return directory


@pytest.mark.parametrize("verify", [False, True])
def test_load_mnist_rejects_wrong_shapes(tmp_path, write_idx, verify):
    directory = write_tiny_set(tmp_path, write_idx)
    with pytest.raises(MNISTDataError) as error:
        load_mnist(directory, verify=verify)
    assert_helpful(
        error, "train-images-idx3-ubyte", "(3, 28, 28)", "expected uint8 of shape (60000, 28, 28)"
    )


def test_load_mnist_names_the_missing_file(tmp_path, write_idx):
    directory = write_tiny_set(tmp_path, write_idx, gz=True, skip=("t10k-labels-idx1-ubyte",))
    with pytest.raises(MNISTNotFoundError) as error:
        load_mnist(directory)
    assert_helpful(error, str(directory), "lacks t10k-labels-idx1-ubyte(.gz)")
    assert "train-images" not in str(error.value).split("Provide")[0]


def test_load_mnist_rejects_an_empty_directory(tmp_path):
    with pytest.raises(MNISTNotFoundError) as error:
        load_mnist(tmp_path)
    assert_helpful(error, str(tmp_path), "holds no MNIST files")


def test_load_mnist_rejects_a_missing_directory(tmp_path):
    with pytest.raises(MNISTNotFoundError) as error:
        load_mnist(tmp_path / "absent")
    assert_helpful(error, "data_dir names", str(tmp_path / "absent"), "does not exist")


# ------------------------------------------------- the search order, with synthetic full-size sets
@pytest.fixture(scope="module")
def synthetic_sets(tmp_path_factory):
    """Directories A, B, C of valid full-size MNIST-shaped files (zeros); labels are 1, 2, 3.

    The big image files are written once and linked into each directory.
    """
    root = tmp_path_factory.mktemp("synthetic")
    images = root / "images"
    images.mkdir()
    (images / "train-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((60000, 28, 28), np.uint8)))
    (images / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((10000, 28, 28), np.uint8)))
    sets = {}
    for name, label in (("A", 1), ("B", 2), ("C", 3)):
        directory = root / name
        directory.mkdir()
        for image_file in images.iterdir():
            (directory / image_file.name).symlink_to(image_file)
        (directory / "train-labels-idx1-ubyte").write_bytes(
            idx_bytes(np.full(60000, label, np.uint8))
        )
        (directory / "t10k-labels-idx1-ubyte").write_bytes(
            idx_bytes(np.full(10000, label, np.uint8))
        )
        sets[name] = directory
    return sets


def marker(data) -> int:
    (_, y_train), (_, y_test) = data
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    return int(y_train[0])


def keras_returns(label):
    def fake_download():
        return (np.zeros((60000, 28, 28), np.uint8), np.full(60000, label, np.uint8)), (
            np.zeros((10000, 28, 28), np.uint8),
            np.full(10000, label, np.uint8),
        )

    return fake_download


def test_search_order(synthetic_sets, no_mnist_sources, monkeypatch):
    monkeypatch.setattr(mnist, "_download_with_keras", keras_returns(4))
    assert marker(load_mnist(verify=False)) == 4  # nothing else: Keras
    no_mnist_sources.parent.mkdir(parents=True)
    no_mnist_sources.symlink_to(synthetic_sets["C"])
    assert find_mnist() == no_mnist_sources
    assert marker(load_mnist(verify=False)) == 3  # the user cache beats Keras
    monkeypatch.setenv("DLBASICS_MNIST_DIR", str(synthetic_sets["B"]))
    assert marker(load_mnist(verify=False)) == 2  # the environment beats the cache
    assert marker(load_mnist(synthetic_sets["A"], verify=False)) == 1  # the argument beats all


def test_an_empty_user_cache_directory_is_skipped(no_mnist_sources, monkeypatch):
    no_mnist_sources.mkdir(parents=True)
    monkeypatch.setattr(mnist, "_download_with_keras", keras_returns(4))
    assert find_mnist() is None
    assert marker(load_mnist(verify=False)) == 4


def test_an_empty_environment_variable_counts_as_unset(no_mnist_sources, monkeypatch):
    monkeypatch.setenv("DLBASICS_MNIST_DIR", "")  # what `make` exports when there is no data
    monkeypatch.setattr(mnist, "_download_with_keras", keras_returns(4))
    assert marker(load_mnist(verify=False)) == 4


def test_a_wrong_environment_variable_never_falls_back(
    synthetic_sets, no_mnist_sources, monkeypatch
):
    no_mnist_sources.parent.mkdir(parents=True)
    no_mnist_sources.symlink_to(synthetic_sets["C"])  # a good cache is there, but not asked for
    monkeypatch.setenv("DLBASICS_MNIST_DIR", str(no_mnist_sources.parent / "typo"))
    with pytest.raises(MNISTNotFoundError) as error:
        load_mnist(verify=False)
    assert_helpful(error, "DLBASICS_MNIST_DIR names", "typo", "does not exist")


def test_offline_keras_gives_the_how_to_error(no_mnist_sources, monkeypatch):
    def offline():
        raise Exception("URL fetch failure on https://storage.googleapis.com/x: None -- [Errno -3]")

    monkeypatch.setattr(mnist, "_download_with_keras", offline)
    with pytest.raises(MNISTNotFoundError) as error:
        load_mnist()
    assert_helpful(error, "Keras' download failed", "URL fetch failure", str(no_mnist_sources))


def test_without_keras_the_error_says_so(no_mnist_sources, monkeypatch):
    def not_installed():
        raise ModuleNotFoundError("No module named 'keras'", name="keras")

    monkeypatch.setattr(mnist, "_download_with_keras", not_installed)
    with pytest.raises(MNISTNotFoundError) as error:
        load_mnist()
    assert_helpful(error, "Keras is not installed")


def test_keras_data_is_checked_too(no_mnist_sources, monkeypatch):
    monkeypatch.setattr(mnist, "_download_with_keras", keras_returns(4))
    with pytest.raises(MNISTDataError) as error:
        load_mnist()  # zeros are not MNIST: the checksum catches it
    assert_helpful(error, "keras.datasets.mnist (train-images-idx3-ubyte)", "SHA-256")


def test_synthetic_npz_in_a_directory_and_by_path(tmp_path):
    labels = np.arange(60000, dtype=np.uint8) % 10
    np.savez(
        tmp_path / "mnist.npz",
        x_train=np.zeros((60000, 28, 28), np.uint8),
        y_train=labels,
        x_test=np.zeros((10000, 28, 28), np.uint8),
        y_test=np.ones(10000, np.uint8),
    )
    for source in (tmp_path, tmp_path / "mnist.npz"):
        (x_train, y_train), (x_test, y_test) = load_mnist(source, verify=False)
        np.testing.assert_array_equal(y_train, labels)
        assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
        assert y_test.shape == (10000,)
    with pytest.raises(MNISTDataError) as error:
        load_mnist(tmp_path)
    assert_helpful(error, "mnist.npz['x_train']", "SHA-256", "not the original MNIST")


def test_npz_missing_an_array(tmp_path):
    np.savez(tmp_path / "mnist.npz", x_train=np.zeros((60000, 28, 28), np.uint8))
    with pytest.raises(MNISTDataError) as error:
        load_mnist(tmp_path, verify=False)
    assert_helpful(error, "mnist.npz lacks the arrays y_train, x_test, y_test")


def test_npz_with_wrong_dtype(tmp_path):
    np.savez(
        tmp_path / "mnist.npz",
        x_train=np.zeros((60000, 28, 28), np.float32),
        y_train=np.zeros(60000, np.uint8),
        x_test=np.zeros((10000, 28, 28), np.uint8),
        y_test=np.zeros(10000, np.uint8),
    )
    with pytest.raises(MNISTDataError) as error:
        load_mnist(tmp_path, verify=False)
    assert_helpful(error, "float32 of shape (60000, 28, 28), expected uint8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "mnist.npz is not a .npz file: it starts with 6e 6f 74 20, a .npz"),
        (b"", "mnist.npz is not a .npz file: it starts with nothing (it is empty)"),
        (b"PK\x03\x04" + b"\x00" * 40, "mnist.npz is not a readable .npz file (BadZipFile: "),
    ],
)
def test_corrupt_npz(tmp_path, content, message):
    """Never numpy's advice to unpickle: that is what np.load says of a file that is no zip."""
    (tmp_path / "mnist.npz").write_bytes(content)
    with pytest.raises(MNISTDataError) as error:
        load_mnist(tmp_path)
    assert_helpful(error, message)
    assert "pickle" not in str(error.value)


def test_a_gz_file_without_the_gzip_signature_says_so(tmp_path, write_idx):
    """A damaged gzip signature, not "wrong IDX magic": the file is read as what its name says."""
    path = write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(3, np.uint8), gz=True)
    path.write_bytes(b"\x1f\x8a" + path.read_bytes()[2:])
    with pytest.raises(MNISTDataError) as error:
        read_idx(path)
    assert_helpful(error, f"{path} is not a gzip file: it starts with 1f 8a 08 00, a gzip file")


def test_how_to_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert mnist.user_cache_dir() == tmp_path / "dlbasics" / "mnist"
    assert str(tmp_path / "dlbasics" / "mnist") in mnist.how_to_provide()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert mnist.user_cache_dir() == tmp_path / "home" / ".cache" / "dlbasics" / "mnist"


# ------------------------------------------------------------------------------ the real files
def test_real_mnist_matches_the_lecture(mnist_data):
    (x_train, y_train), (x_test, y_test) = mnist_data
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (60000, 28, 28),
        (60000,),
        (10000, 28, 28),
        (10000,),
    )
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert x_train[4][7, 12:21].tolist() == [55, 148, 210, 253, 253, 113, 87, 148, 55]
    assert y_train.max() == 9 and y_test.max() == 9 and x_train.max() == 255


def test_real_files_have_the_published_checksums(mnist_dir):
    """The table in dlbasics.mnist equals the README's hashes of the decompressed files."""
    for name, (shape, sha256) in FILES.items():
        data = gzip.decompress((mnist_dir / f"{name}.gz").read_bytes())
        assert hashlib.sha256(data).hexdigest() == sha256
        assert len(data) == 4 + 4 * len(shape) + int(np.prod(shape))


def test_each_call_returns_fresh_writable_arrays(mnist_dir):
    first, second = load_mnist(mnist_dir), load_mnist(mnist_dir)
    assert first[0][0].flags.writeable
    assert not np.shares_memory(first[0][0], second[0][0])
    first[0][0][0, 0, 0] = 99
    assert second[0][0][0, 0, 0] == 0


def test_raw_files_load_like_gzip_ones(mnist_dir, mnist_data, tmp_path):
    for name in FILES:
        (tmp_path / name).write_bytes(gzip.decompress((mnist_dir / f"{name}.gz").read_bytes()))
    (a, b), (c, d) = load_mnist(tmp_path)
    (x_train, y_train), (x_test, y_test) = mnist_data
    for got, want in zip((a, b, c, d), (x_train, y_train, x_test, y_test), strict=True):
        np.testing.assert_array_equal(got, want)


def test_keras_style_npz_is_verified_by_rebuilt_headers(mnist_data, tmp_path):
    """mnist.npz has no IDX headers; the loader rebuilds them, so the same hashes verify it."""
    (x_train, y_train), (x_test, y_test) = mnist_data
    np.savez_compressed(
        tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test
    )
    (a, b), (c, d) = load_mnist(tmp_path / "mnist.npz")
    for got, want in zip((a, b, c, d), (x_train, y_train, x_test, y_test), strict=True):
        np.testing.assert_array_equal(got, want)


def test_npz_with_one_changed_label_fails_the_checksum(mnist_data, tmp_path):
    (x_train, y_train), (x_test, y_test) = mnist_data
    y_test = y_test.copy()
    y_test[123] = (y_test[123] + 1) % 10
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    with pytest.raises(MNISTDataError) as error:
        load_mnist(tmp_path)
    assert_helpful(error, "mnist.npz['y_test']", "SHA-256", FILES["t10k-labels-idx1-ubyte"][1])


@pytest.mark.parametrize("gz", [False, True])
def test_a_corrupted_copy_is_rejected_by_checksum(mnist_dir, tmp_path, write_idx, gz):
    """A valid IDX file of the right shape but not the original content, under the real name."""
    for name in FILES:
        if name != "train-images-idx3-ubyte":
            shutil.copy(mnist_dir / f"{name}.gz", tmp_path / f"{name}.gz")
    images = read_idx(mnist_dir / "train-images-idx3-ubyte.gz")
    images[4, 7, 12] ^= 1  # one bit of one pixel
    path = write_idx(tmp_path / ("train-images-idx3-ubyte" + (".gz" if gz else "")), images, gz=gz)
    with pytest.raises(MNISTDataError) as error:
        load_mnist(tmp_path)
    assert_helpful(
        error, str(path), "SHA-256 of the decompressed content", "not the original MNIST"
    )
    assert load_mnist(tmp_path, verify=False)[0][0][4, 7, 12] == 54  # structure alone passes


def test_swapped_files_are_rejected(mnist_dir, tmp_path):
    """The test labels under the training labels' name: wrong shape, named."""
    for name in FILES:
        shutil.copy(mnist_dir / f"{name}.gz", tmp_path / f"{name}.gz")
    shutil.copy(mnist_dir / "t10k-labels-idx1-ubyte.gz", tmp_path / "train-labels-idx1-ubyte.gz")
    with pytest.raises(MNISTDataError) as error:
        load_mnist(tmp_path)
    assert_helpful(error, "train-labels-idx1-ubyte.gz holds uint8 of shape (10000,)")


def test_loading_writes_nothing_into_the_package(mnist_dir):
    package = Path(mnist.__file__).parent
    before = sorted(p.name for p in package.iterdir() if p.name != "__pycache__")
    load_mnist(mnist_dir)
    assert sorted(p.name for p in package.iterdir() if p.name != "__pycache__") == before
