"""`grader.data` on small fake IDX files made here (never the real 30 MB data set)."""

from __future__ import annotations

import gzip
import hashlib
import struct
import urllib.error
from pathlib import Path

import pytest
import torch

import grader.data as data
from core.errors import DataError, EnvironmentProblem
from grader.data import IdxFile, parse_idx, read_verified

N = 3


def _idx(shape: tuple[int, ...], body: bytes | None = None, dtype: int = 0x08) -> bytes:
    """An IDX payload: magic (0, dtype, ndim), the dims, then ``body`` (counting bytes)."""
    size = 1
    for s in shape:
        size *= s
    if body is None:
        body = bytes(i % 10 for i in range(size))
    return struct.pack(f">HBB{len(shape)}I", 0, dtype, len(shape), *shape) + body


def _gz(payload: bytes) -> bytes:
    return gzip.compress(payload, mtime=0)


def _md5(raw: bytes) -> str:
    return hashlib.md5(raw, usedforsecurity=False).hexdigest()


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


SHAPES = {
    "train_images": (N, 28, 28),
    "train_labels": (N,),
    "test_images": (N - 1, 28, 28),
    "test_labels": (N - 1,),
}
NAMES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


@pytest.fixture
def fake_set(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The gzip bytes of a tiny data set; ``grader.data.FILES`` describes it."""
    blobs: dict[str, bytes] = {}
    files: dict[str, IdxFile] = {}
    for key, shape in SHAPES.items():
        payload = _idx(shape)
        blobs[key] = _gz(payload)
        files[key] = IdxFile(NAMES[key], _md5(blobs[key]), _sha(payload), shape)
    monkeypatch.setattr(data, "FILES", files)
    return blobs


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Empty env, cache and Debian folders wired into the search order."""
    folders = {name: tmp_path / name for name in ("env", "cache", "debian")}
    monkeypatch.setenv("COURSE_DATA_DIR", str(folders["env"]))
    monkeypatch.setattr(data, "cache_dir", lambda: folders["cache"])
    monkeypatch.setattr(data, "DEBIAN_DIR", folders["debian"])
    return folders


def _put(folder: Path, blobs: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for key, blob in blobs.items():
        (folder / NAMES[key]).write_bytes(blob)


# --- parse_idx ----------------------------------------------------------------------------------


def test_parse_idx_returns_the_data() -> None:
    body = bytes(range(6))
    assert parse_idx(_idx((2, 3), body), (2, 3)) == body
    assert parse_idx(_idx((4,), b"\x00\x01\x02\x09"), (4,)) == b"\x00\x01\x02\x09"


@pytest.mark.parametrize(
    ("payload", "what"),
    [
        (b"\x00\x00\x08\x02\x00\x00", "IDX file too short: 6"),
        (b"\x00\x01\x08\x02" + struct.pack(">2I", 2, 3) + bytes(6), "unexpected IDX header"),
        (_idx((2, 3), bytes(6), dtype=0x0D), "unexpected IDX header"),
        (_idx((6,), bytes(6)) + bytes(4), "unexpected IDX header"),
        (_idx((3, 2), bytes(6)), "unexpected IDX header"),
        (_idx((2, 3), bytes(5)), "IDX data has the wrong size: 5. expected 6 bytes"),
        (_idx((2, 3), bytes(7)), "IDX data has the wrong size: 7. expected 6 bytes"),
    ],
    ids=["short", "magic", "dtype", "dims", "shape", "truncated", "too-long"],
)
def test_parse_idx_rejects(payload: bytes, what: str) -> None:
    with pytest.raises(DataError) as info:
        parse_idx(payload, (2, 3))
    assert info.value.message.startswith(what)
    assert isinstance(info.value, EnvironmentProblem)
    assert info.value.exit_code == 3


def test_parse_idx_header_message() -> None:
    with pytest.raises(DataError) as info:
        parse_idx(_idx((2, 3), bytes(6), dtype=0x0D), (2, 3))
    assert info.value.message == "unexpected IDX header: (0, 13, 2, (2, 3)). expected (2, 3)"


# --- read_verified --------------------------------------------------------------------------------


def test_read_verified_by_md5(tmp_path: Path) -> None:
    payload = _idx((2, 3))
    raw = _gz(payload)
    path = tmp_path / "a.gz"
    path.write_bytes(raw)
    assert read_verified(path, IdxFile("a.gz", _md5(raw), "0" * 64, (2, 3))) == payload


def test_read_verified_by_payload_sha256(tmp_path: Path) -> None:
    """A re-compressed file (Debian's) has other gzip bytes but the same payload."""
    payload = _idx((2, 3))
    published = _gz(payload)
    recompressed = gzip.compress(payload, compresslevel=1, mtime=123456)
    assert recompressed != published
    path = tmp_path / "a.gz"
    path.write_bytes(recompressed)
    spec = IdxFile("a.gz", _md5(published), _sha(payload), (2, 3))
    assert read_verified(path, spec) == payload


def test_read_verified_rejects_a_checksum_mismatch(tmp_path: Path) -> None:
    payload = _idx((2, 3))
    path = tmp_path / "a.gz"
    path.write_bytes(_gz(_idx((2, 3), bytes(6))))
    spec = IdxFile("a.gz", _md5(_gz(payload)), _sha(payload), (2, 3))
    with pytest.raises(DataError) as info:
        read_verified(path, spec)
    assert info.value.message == (
        f"Fashion-MNIST file fails its checksum (corrupt or a different data set): {path}. "
        "delete it; `course` will fetch a fresh copy, or reinstall dataset-fashion-mnist"
    )


def _bad_deflate() -> bytes:
    """A gzip file whose header is fine and whose compressed stream is garbage."""
    raw = bytearray(_gz(_idx((40, 40))))
    for i in range(12, 40):
        raw[i] ^= 0xFF
    return bytes(raw)


def _bad_crc() -> bytes:
    raw = bytearray(_gz(_idx((2, 3))))
    raw[-8] ^= 1
    return bytes(raw)


@pytest.mark.parametrize(
    "raw",
    [b"not gzip at all", _gz(_idx((2, 3)))[:20], _bad_deflate(), _bad_crc()],
    ids=["not-gzip", "truncated", "bad-deflate-stream", "bad-crc"],
)
def test_read_verified_rejects_corrupt_gzip(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "a.gz"
    path.write_bytes(raw)
    with pytest.raises(DataError) as info:
        read_verified(path, IdxFile("a.gz", _md5(raw), "0" * 64, (2, 3)))
    assert info.value.message.startswith(
        f"cannot read Fashion-MNIST file: {path}. delete it and get it again ("
    )


def test_read_verified_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.gz"
    with pytest.raises(DataError, match="cannot read Fashion-MNIST file"):
        read_verified(path, IdxFile("missing.gz", "0" * 32, "0" * 64, (1,)))


# --- search order ------------------------------------------------------------------------------


def test_search_dirs_order(dirs: dict[str, Path]) -> None:
    assert data.search_dirs() == [dirs["env"], dirs["cache"], dirs["debian"]]


def test_search_dirs_without_env(dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert data.search_dirs() == [dirs["cache"], dirs["debian"]]


def test_default_dirs() -> None:
    assert str(data.DEBIAN_DIR) == "/usr/share/datasets/fashion-mnist"
    assert data.cache_dir().parts[-2:] == ("course", "fashion-mnist")


def test_find_dataset_prefers_the_env_dir(
    dirs: dict[str, Path], fake_set: dict[str, bytes]
) -> None:
    _put(dirs["debian"], fake_set)
    assert data.find_dataset() == dirs["debian"]
    _put(dirs["cache"], fake_set)
    assert data.find_dataset() == dirs["cache"]
    _put(dirs["env"], fake_set)
    assert data.find_dataset() == dirs["env"]
    assert data.ensure_dataset(allow_download=False) == dirs["env"]


def test_find_dataset_needs_all_four_files(
    dirs: dict[str, Path], fake_set: dict[str, bytes]
) -> None:
    _put(dirs["env"], {k: v for k, v in fake_set.items() if k != "test_labels"})
    assert data.find_dataset() is None
    _put(dirs["debian"], fake_set)
    assert data.find_dataset() == dirs["debian"]


def test_ensure_dataset_offline_names_both_ways(
    dirs: dict[str, Path], fake_set: dict[str, bytes]
) -> None:
    with pytest.raises(DataError) as info:
        data.ensure_dataset(allow_download=False)
    message = info.value.message
    assert message.startswith(
        f"Fashion-MNIST not found: {dirs['env']}, {dirs['cache']}, {dirs['debian']}. "
    )
    assert "apt-get install dataset-fashion-mnist" in message
    assert "$COURSE_DATA_DIR" in message
    assert data.BASE_URL in message
    assert not dirs["env"].exists()


def test_ensure_dataset_downloads_into_the_env_dir(
    dirs: dict[str, Path], fake_set: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    by_url = {data.BASE_URL + NAMES[k]: blob for k, blob in fake_set.items()}
    monkeypatch.setattr(data, "_urlopen", lambda url: by_url[url])
    assert data.ensure_dataset() == dirs["env"]
    assert sorted(p.name for p in dirs["env"].iterdir()) == sorted(NAMES.values())
    assert not dirs["cache"].exists()


def test_ensure_dataset_downloads_into_the_cache_without_env(
    dirs: dict[str, Path], fake_set: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COURSE_DATA_DIR")
    by_url = {data.BASE_URL + NAMES[k]: blob for k, blob in fake_set.items()}
    monkeypatch.setattr(data, "_urlopen", lambda url: by_url[url])
    assert data.ensure_dataset() == dirs["cache"]
    assert sorted(p.name for p in dirs["cache"].iterdir()) == sorted(NAMES.values())


# --- download ----------------------------------------------------------------------------------


def test_download_writes_verified_files(tmp_path: Path, fake_set: dict[str, bytes]) -> None:
    asked: list[str] = []

    def opener(url: str) -> bytes:
        asked.append(url)
        return fake_set[next(k for k, n in NAMES.items() if url.endswith("/" + n))]

    target = tmp_path / "new" / "folder"
    assert data.download(target, opener=opener) == target
    assert asked == [data.BASE_URL + NAMES[k] for k in SHAPES]
    assert sorted(p.name for p in target.iterdir()) == sorted(NAMES.values())
    for key, blob in fake_set.items():
        assert (target / NAMES[key]).read_bytes() == blob


def test_download_skips_files_already_there(tmp_path: Path, fake_set: dict[str, bytes]) -> None:
    _put(tmp_path, {k: v for k, v in fake_set.items() if k != "test_labels"})
    asked: list[str] = []

    def opener(url: str) -> bytes:
        asked.append(url)
        return fake_set["test_labels"]

    data.download(tmp_path, opener=opener)
    assert asked == [data.BASE_URL + NAMES["test_labels"]]


def test_download_offline(
    tmp_path: Path, dirs: dict[str, Path], fake_set: dict[str, bytes]
) -> None:
    def opener(url: str) -> bytes:
        raise urllib.error.URLError("no route to host")

    with pytest.raises(DataError) as info:
        data.download(tmp_path / "out", opener=opener)
    message = info.value.message
    assert message.startswith(
        "Fashion-MNIST is not on this machine and cannot be downloaded: "
        f"{data.BASE_URL}train-images-idx3-ubyte.gz. install the Debian package "
        "(`apt-get install dataset-fashion-mnist`, files in "
    )
    assert "$COURSE_DATA_DIR" in message
    assert message.endswith("(<urlopen error no route to host>)")
    assert list((tmp_path / "out").iterdir()) == []


def test_download_timeout(tmp_path: Path, fake_set: dict[str, bytes]) -> None:
    def opener(url: str) -> bytes:
        raise TimeoutError("timed out")

    with pytest.raises(DataError, match="cannot be downloaded"):
        data.download(tmp_path, opener=opener)


def test_download_rejects_a_wrong_md5(tmp_path: Path, fake_set: dict[str, bytes]) -> None:
    def opener(url: str) -> bytes:
        return b"<html>captive portal</html>"

    with pytest.raises(DataError) as info:
        data.download(tmp_path / "out", opener=opener)
    assert info.value.message == (
        f"downloaded file fails its published MD5: {data.BASE_URL}train-images-idx3-ubyte.gz. "
        "try again later"
    )
    assert list((tmp_path / "out").iterdir()) == []


def test_download_keeps_good_files_before_a_bad_one(
    tmp_path: Path, fake_set: dict[str, bytes]
) -> None:
    def opener(url: str) -> bytes:
        if url.endswith(NAMES["test_images"]):
            return fake_set["test_images"][:-1]
        return fake_set[next(k for k, n in NAMES.items() if url.endswith("/" + n))]

    with pytest.raises(DataError, match="fails its published MD5"):
        data.download(tmp_path, opener=opener)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [NAMES["train_images"], NAMES["train_labels"]]
    )


# --- load_fashion_mnist ------------------------------------------------------------------------


def test_load_fashion_mnist(tmp_path: Path, fake_set: dict[str, bytes]) -> None:
    _put(tmp_path, fake_set)
    loaded = data.load_fashion_mnist("cpu", root=tmp_path)
    assert loaded.root == tmp_path
    assert loaded.train_images.shape == (N, 1, 28, 28)
    assert loaded.train_images.dtype == torch.uint8
    assert loaded.train_labels.shape == (N,)
    assert loaded.train_labels.dtype == torch.int64
    assert loaded.test_images.shape == (N - 1, 1, 28, 28)
    assert loaded.test_labels.dtype == torch.int64
    assert loaded.train_labels.tolist() == [0, 1, 2]
    assert loaded.test_labels.tolist() == [0, 1]
    assert loaded.train_images[0, 0, 0, :12].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    assert loaded.train_images.device.type == "cpu"


def test_load_fashion_mnist_finds_the_data(
    dirs: dict[str, Path], fake_set: dict[str, bytes]
) -> None:
    _put(dirs["debian"], fake_set)
    assert data.load_fashion_mnist().root == dirs["debian"]


def test_load_fashion_mnist_rejects_a_label_out_of_range(
    tmp_path: Path, fake_set: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = _idx((N,), bytes([1, 10, 2]))
    blob = _gz(payload)
    files = dict(data.FILES)
    files["train_labels"] = IdxFile(NAMES["train_labels"], _md5(blob), _sha(payload), (N,))
    monkeypatch.setattr(data, "FILES", files)
    _put(tmp_path, {**fake_set, "train_labels": blob})
    with pytest.raises(DataError) as info:
        data.load_fashion_mnist("cpu", root=tmp_path)
    assert info.value.message == (
        f"label out of range in: {tmp_path / 'train-labels-idx1-ubyte.gz'}"
    )


def test_load_fashion_mnist_rejects_a_corrupt_file(
    tmp_path: Path, fake_set: dict[str, bytes]
) -> None:
    _put(tmp_path, {**fake_set, "test_images": b"garbage"})
    with pytest.raises(DataError, match="cannot read Fashion-MNIST file"):
        data.load_fashion_mnist("cpu", root=tmp_path)


def test_published_files() -> None:
    """The real table: four files, their published shapes, 32-hex MD5 and 64-hex SHA-256."""
    assert {k: (f.name, f.shape) for k, f in data.FILES.items()} == {
        "train_images": ("train-images-idx3-ubyte.gz", (60000, 28, 28)),
        "train_labels": ("train-labels-idx1-ubyte.gz", (60000,)),
        "test_images": ("t10k-images-idx3-ubyte.gz", (10000, 28, 28)),
        "test_labels": ("t10k-labels-idx1-ubyte.gz", (10000,)),
    }
    for f in data.FILES.values():
        assert len(f.md5) == 32 and int(f.md5, 16) >= 0
        assert len(f.payload_sha256) == 64 and int(f.payload_sha256, 16) >= 0
