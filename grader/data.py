"""Fashion-MNIST from the original IDX gzip files (Xiao et al., 2017, arXiv:1708.07747).

Search order for the four files: ``$COURSE_DATA_DIR``, the user cache dir
(``platformdirs.user_cache_path("course") / "fashion-mnist"``), then
``/usr/share/datasets/fashion-mnist`` (Debian package ``dataset-fashion-mnist``). When none has
them, they are downloaded from the dataset's published URLs into ``$COURSE_DATA_DIR`` or the
cache dir; offline, :class:`core.errors.DataError` names both ways to get them.

Every file is verified before use. A file passes when its gzip bytes have the published MD5,
or when its decompressed IDX payload has the SHA-256 recorded below: Debian re-compresses the
files when it builds its package (the gzip header carries the build date), so its ``.gz`` bytes
differ from the published ones while the data inside is the same.

Only :func:`load_fashion_mnist` imports torch; finding and verifying files does not.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import os
import shutil
import struct
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from core.errors import DataError

if TYPE_CHECKING:
    import torch

BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


@dataclass(frozen=True)
class IdxFile:
    """One of the four published files.

    Attributes:
        name: File name, e.g. ``train-images-idx3-ubyte.gz``.
        md5: The published MD5 of the gzip file.
        payload_sha256: SHA-256 of the decompressed IDX bytes.
        shape: Shape of the array inside, e.g. ``(60000, 28, 28)``.
    """

    name: str
    md5: str
    payload_sha256: str
    shape: tuple[int, ...]


FILES: dict[str, IdxFile] = {
    "train_images": IdxFile(
        "train-images-idx3-ubyte.gz",
        "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        (60000, 28, 28),
    ),
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte.gz",
        "25c81989df183df01b3e8a0aad5dffbe",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        (60000,),
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte.gz",
        "bef4ecab320f06d8554ea6380940ec79",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        (10000, 28, 28),
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte.gz",
        "bb300cfdad3c16e7a12a480ee83cd310",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        (10000,),
    ),
}

_IDX_DTYPE_UINT8 = 0x08


def cache_dir() -> Path:
    """The user cache folder data is downloaded into when ``$COURSE_DATA_DIR`` is unset."""
    return platformdirs.user_cache_path("course") / "fashion-mnist"


def search_dirs() -> list[Path]:
    """The folders searched for the files, in order."""
    dirs = []
    if env := os.environ.get("COURSE_DATA_DIR"):
        dirs.append(Path(env))
    dirs += [cache_dir(), DEBIAN_DIR]
    return dirs


def find_dataset() -> Path | None:
    """The first search folder holding all four files (unverified), else ``None``."""
    for folder in search_dirs():
        if all((folder / f.name).is_file() for f in FILES.values()):
            return folder
    return None


def read_verified(path: Path, spec: IdxFile) -> bytes:
    """The decompressed IDX bytes of ``path``, after checking them.

    Raises:
        DataError: the file is unreadable, not gzip, or matches neither checksum.
    """
    try:
        raw = path.read_bytes()
        payload = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
        raise DataError(
            "cannot read Fashion-MNIST file", str(path), f"delete it and get it again ({exc})"
        ) from exc
    if (
        hashlib.md5(raw, usedforsecurity=False).hexdigest() != spec.md5
        and hashlib.sha256(payload).hexdigest() != spec.payload_sha256
    ):
        raise DataError(
            "Fashion-MNIST file fails its checksum (corrupt or a different data set)",
            str(path),
            "delete it; `course` will fetch a fresh copy, or reinstall dataset-fashion-mnist",
        )
    return payload


def parse_idx(payload: bytes, shape: tuple[int, ...]) -> bytes:
    """Check an IDX header (unsigned bytes, ``shape``) and return the data after it.

    Raises:
        DataError: wrong magic number, dtype or dimensions.
    """
    ndim = len(shape)
    header = 4 + 4 * ndim
    if len(payload) < header:
        raise DataError("IDX file too short", len(payload))
    zero, dtype, dims = struct.unpack(">HBB", payload[:4])
    found = struct.unpack(f">{dims}I", payload[4 : 4 + 4 * dims]) if dims == ndim else ()
    if zero != 0 or dtype != _IDX_DTYPE_UINT8 or tuple(found) != shape:
        raise DataError("unexpected IDX header", (zero, dtype, dims, found), f"expected {shape}")
    data = payload[header:]
    size = math.prod(shape)
    if len(data) != size:
        raise DataError("IDX data has the wrong size", len(data), f"expected {size} bytes")
    return data


def download(target: Path, opener: Callable[[str], bytes] | None = None) -> Path:
    """Download the four files into ``target``, verifying each before it is put in place.

    Args:
        target: Folder to write into (made when missing).
        opener: Returns the bytes at a URL; ``urllib`` with a 60 s timeout by default (tests
            pass a fake).

    Raises:
        DataError: offline, a server error, or a download that fails its checksum.
    """
    fetch = opener or _urlopen
    target.mkdir(parents=True, exist_ok=True)
    for spec in FILES.values():
        final = target / spec.name
        if final.is_file():
            continue
        url = BASE_URL + spec.name
        try:
            data = fetch(url)
        except (urllib.error.URLError, http.client.HTTPException, OSError, TimeoutError) as exc:
            raise DataError(
                "Fashion-MNIST is not on this machine and cannot be downloaded",
                url,
                f"{how_to_get()} ({exc})",
            ) from exc
        if hashlib.md5(data, usedforsecurity=False).hexdigest() != spec.md5:
            raise DataError("downloaded file fails its published MD5", url, "try again later")
        with tempfile.NamedTemporaryFile(dir=target, delete=False) as tmp:
            tmp.write(data)
        shutil.move(tmp.name, final)
    return target


def how_to_get() -> str:
    """The two ways to get the data, as one sentence."""
    return (
        "install the Debian package (`apt-get install dataset-fashion-mnist`, files in "
        f"{DEBIAN_DIR}) or put the four *-ubyte.gz files from {BASE_URL} in $COURSE_DATA_DIR"
        f" or {cache_dir()}"
    )


def _urlopen(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        body: bytes = response.read()
        return body


def ensure_dataset(allow_download: bool = True) -> Path:
    """The folder holding the four files, downloading them when missing and allowed.

    Raises:
        DataError: missing and (offline or ``allow_download`` is false).
    """
    found = find_dataset()
    if found is not None:
        return found
    if not allow_download:
        raise DataError("Fashion-MNIST not found", ", ".join(map(str, search_dirs())), how_to_get())
    env = os.environ.get("COURSE_DATA_DIR")
    return download(Path(env) if env else cache_dir())


@dataclass(frozen=True)
class FashionMNIST:
    """The data set as tensors on one device.

    Attributes:
        train_images: ``(60000, 1, 28, 28)`` uint8.
        train_labels: ``(60000,)`` int64 in ``[0, 10)``.
        test_images: ``(10000, 1, 28, 28)`` uint8.
        test_labels: ``(10000,)`` int64.
        root: Folder the files were read from.
    """

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    root: Path


def load_fashion_mnist(
    device: str | torch.device = "cpu", root: Path | None = None
) -> FashionMNIST:
    """Load, verify and move Fashion-MNIST to ``device`` once.

    Args:
        device: Where the tensors live (``"cpu"``, ``"cuda"``).
        root: Folder with the four files; found with :func:`ensure_dataset` when ``None``.

    Returns:
        Images ``(N, 1, 28, 28)`` uint8 and labels ``(N,)`` int64, train and test.

    Raises:
        DataError: missing, corrupt, or undownloadable files.
    """
    import torch

    folder = root or ensure_dataset()
    arrays: dict[str, torch.Tensor] = {}
    for key, spec in FILES.items():
        data = parse_idx(read_verified(folder / spec.name, spec), spec.shape)
        tensor = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(spec.shape)
        if key.endswith("images"):
            tensor = tensor.unsqueeze(1)
        else:
            tensor = tensor.long()
            if int(tensor.max()) >= len(CLASSES):
                raise DataError("label out of range in", str(folder / spec.name))
        arrays[key] = tensor.to(device)
    return FashionMNIST(root=folder, **arrays)
