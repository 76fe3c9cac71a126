"""`core.files.atomic_output`: a picture is replaced whole, with the permissions it should have."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.errors import UsageError
from core.files import atomic_output


def test_a_new_file_gets_the_umasks_permissions(tmp_path: Path) -> None:
    out = tmp_path / "week.png"
    old = os.umask(0o027)
    try:
        with atomic_output(out) as tmp:
            tmp.write_bytes(b"png")
    finally:
        os.umask(old)
    assert out.read_bytes() == b"png"
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["week.png"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "week.png"
    out.write_bytes(b"old")
    out.chmod(0o604)
    with atomic_output(out) as tmp:
        tmp.write_bytes(b"new")
    assert (out.read_bytes(), out.stat().st_mode & 0o777) == (b"new", 0o604)


def test_an_error_in_the_block_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "week.png"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("drawing failed")
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["week.png"]


def test_a_missing_folder_names_the_option(tmp_path: Path) -> None:
    with (
        pytest.raises(UsageError) as info,
        atomic_output(tmp_path / "no" / "x.png", option="--png"),
    ):
        pass
    assert info.value.message == (
        f"the folder to write the picture in does not exist: {tmp_path / 'no'}. make it first, "
        "or pass another --png"
    )
