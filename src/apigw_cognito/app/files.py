"""Reading inputs and writing outputs: clear messages, and never a half-written file."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile

from apigw_cognito.basics.errors import InputError, Location, ToolError


def read_input(path: str) -> bytes:
    """The bytes of `path` (``-`` for standard input), or an `InputError` saying what is wrong."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(
            "no such file", Location(path), hint="check the path and the working folder"
        ) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", Location(path)) from None
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", Location(path)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", Location(path)) from None


def holds(path: str, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data` (False when it cannot be read).

    Read a chunk at a time, so comparing a large output with its target never holds a second copy.
    """
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size != len(data):
                return False
            at = 0
            while chunk := handle.read(1 << 20):
                if not data.startswith(chunk, at):
                    return False
                at += len(chunk)
            return at == len(data)
    except OSError:
        return False


class WriteError(ToolError):
    """The output could not be written; the previous file, if any, is intact."""

    exit_code = InputError.exit_code


def write_atomic(path: str, data: bytes) -> None:
    """Replace `path` with `data` all at once, following a symbolic link and keeping the file's mode;
    missing folders on the way are created.

    The bytes go to a temporary file beside the target and are renamed over it, so readers see the old
    file or the new one, never a mix; a failure (disk full, interruption) leaves the old file whole.
    """
    write_atomic_many({path: data})


def write_atomic_many(files: dict[str, bytes]) -> None:
    """Replace several files: every new file is written and synced beside its target before the first
    rename, so a failure while writing (disk full, interruption) leaves every old file whole."""
    staged: list[tuple[str, str, str]] = []  # (path as given, temporary file, target)
    # One sync of everything costs less than a sync per file once there are a few: a split document can
    # have a thousand files, and a sync each took 3 ms here.
    one_sync = len(files) > 8 and hasattr(os, "sync")
    try:
        for path, data in files.items():
            target, tmp = _stage(path, data, sync=not one_sync)
            staged.append((path, tmp, target))
        if one_sync:
            os.sync()
        for index, (path, tmp, target) in enumerate(staged):
            try:
                os.replace(tmp, target)
            except OSError as exc:
                done = ", ".join(p for p, _, _ in staged[:index])
                raise WriteError(
                    f"cannot write: {exc.strerror or exc}"
                    + (f"; already written: {done}" if done else "; nothing was changed"),
                    Location(path),
                ) from None
            staged[index] = (path, "", target)
    finally:
        for _, tmp, _ in staged:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _stage(path: str, data: bytes, *, sync: bool = True) -> tuple[str, str]:
    """Write `data` to a temporary file beside `path`'s target, synced unless the caller syncs everything
    at once; (the target, the temporary file)."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    try:
        # Every output creates the folders it lands in, as a configured `output` always did.
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise WriteError(
            f"cannot write: the folder {folder} cannot be created ({exc.strerror or exc})", Location(path)
        ) from None
    if os.path.isdir(target):
        raise WriteError("cannot write: it is a folder", Location(path))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        staged, tmp = tmp, None
        return target, staged
    except OSError as exc:
        reason = "no space left on the device" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise WriteError(f"cannot write: {reason}; nothing was changed", Location(path)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
