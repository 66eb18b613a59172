"""Files in a local folder (the default): outside the web root, the folder and its files private (0700/0600)."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from core.storage.base import FileStore, StoredFile, StoreFull, no_room


class LocalStore(FileStore):
    kind = "local"

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / self.check_key(key)

    def put(self, key: str, data: bytes) -> None:
        path = self.path(key)
        tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}.part"
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())  # a full disk shows here, not after the row that names the file is committed
            os.replace(tmp, path)
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            if no_room(exc):
                raise StoreFull() from exc
            raise

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def move(self, src: str, dst: str) -> None:
        target = self.path(dst)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(self.path(src), target)

    def list(self, prefix: str = "") -> Iterator[StoredFile]:
        if not self.root.is_dir():
            return
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                full = Path(dirpath) / name
                key = full.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                try:
                    stat = full.stat()
                except FileNotFoundError:
                    continue
                yield StoredFile(key, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc))

    def describe(self) -> str:
        return f"local folder {self.root}"

    def free_bytes(self) -> int | None:
        """The room left for this store's files (``None`` where the folder cannot be read)."""
        folder = self.root
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        try:
            stat = os.statvfs(folder)
        except OSError:
            return None
        return stat.f_bavail * stat.f_frsize
