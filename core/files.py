"""Writing a file whole or not at all, for every command that writes one (no imports of ours
but the errors)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import UsageError


@contextmanager
def atomic_output(out: Path, *, option: str = "--out") -> Iterator[Path]:
    """A temporary file beside ``out`` that replaces ``out`` when the block ends without error.

    The file is made (empty) in ``out``'s folder, so the final ``os.replace`` never crosses
    file systems; an error in the block leaves any earlier ``out`` as it was and removes the
    temporary file. The new ``out`` gets the earlier one's permissions, or those of a file
    made with ``open`` (0o666 less the umask) when there was none: not the temporary file's
    0o600.

    Args:
        out: The picture to write.
        option: The command-line option that named ``out``, for the messages.

    Raises:
        UsageError: ``out``'s folder is missing or not writable, or ``out`` is a folder.
    """
    folder = out.parent
    if not folder.is_dir():
        raise UsageError(
            "the folder to write the picture in does not exist",
            str(folder),
            f"make it first, or pass another {option}",
        )
    if out.is_dir():
        raise UsageError(
            f"{option} is a folder, not a file", str(out), "pass a file name, e.g. x.png"
        )
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError("cannot write in the folder", str(folder), str(exc)) from exc
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, out.stat().st_mode & 0o7777 if out.exists() else 0o666 & ~_umask())
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
