"""Files that appear whole or not at all: written to a temporary file beside the target, then
renamed over it, so a reader (or a crash) never meets half a file.

    write_replacing(path, data, durable=False)   `data` into `path`
    publish(tmp, path)                           a finished temporary file renamed into place
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_replacing(path: Path, data: bytes, *, durable: bool = False) -> None:
    """`data` into a temporary file beside `path` (".<name>.XXXX"), renamed over it.

    durable: for what the user keeps (graph files, reports): on the disk before the rename,
    with an ordinary file's permissions. A cache entry needs neither: lost in a crash, it is
    only a miss."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if durable:
            publish(Path(tmp), path)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish(tmp: Path, path: Path) -> None:
    """Rename a finished temporary file into place, with the permissions of an ordinary file
    (mkstemp makes 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)
