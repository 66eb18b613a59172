"""Files in an S3-compatible object store (boto3): AWS S3, MinIO, Ceph RGW, a cloud's object storage.

S3 has no rename: :meth:`S3Store.move` copies then deletes (a copy within the bucket, no download).
Objects are written whole (``PutObject``), so a reader never sees half a file.
"""
from __future__ import annotations

from collections.abc import Iterator

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from core.storage.base import FileStore, StorageError, StoredFile

_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Store(FileStore):
    kind = "s3"

    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None,
                 client=None):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30,
                          s3={"addressing_style": "path"} if endpoint_url else None))

    def _key(self, key: str) -> str:
        return self.prefix + self.check_key(key)

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(kwargs.get("Key") or kwargs.get("CopySource")) from None
            raise StorageError(f"object store refused {method}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"object store did not answer ({method}): {exc}") from exc

    def put(self, key: str, data: bytes) -> None:
        self._call("put_object", Key=self._key(key), Body=data)

    def get(self, key: str) -> bytes:
        return self._call("get_object", Key=self._key(key))["Body"].read()

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=self._key(key))
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        try:
            self._call("delete_object", Key=self._key(key))
        except FileNotFoundError:
            pass

    def move(self, src: str, dst: str) -> None:
        if not self.exists(src):
            raise FileNotFoundError(src)
        self._call("copy_object", Key=self._key(dst), CopySource={"Bucket": self.bucket, "Key": self._key(src)})
        self.delete(src)

    def list(self, prefix: str = "") -> Iterator[StoredFile]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    yield StoredFile(item["Key"][len(self.prefix):], int(item["Size"]), item["LastModified"])
        except (ClientError, BotoCoreError) as exc:
            raise StorageError(f"object store did not list {prefix!r}: {exc}") from exc

    def describe(self) -> str:
        endpoint = getattr(self.client.meta, "endpoint_url", "")
        return f"s3://{self.bucket}/{self.prefix} ({endpoint})"
