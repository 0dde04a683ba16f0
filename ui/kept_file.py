"""An uploaded file as the session keeps it: packed with zstd, unpacked only to be read again.

A file dropped on Your data serves every page until it is removed, and is read
again only when a reading setting changes; between those reads it is bytes
held for nothing. Packed with zstd (level 1) it takes a quarter to an eighth
of the memory: the 1M-row order log of ``benchmarks/upload.py`` goes from 39 to
10 MB in 79 ms and comes back in 36 ms; a 1M-row Shopify-style export from
121 to 15 MB. Its digest, the key of what is computed from it, is taken of the
packed bytes (11 ms instead of 45 ms for the file): the same content packs to
the same bytes within a process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyarrow as pa

_CODEC = pa.Codec("zstd", compression_level=1)


@dataclass(frozen=True, eq=False)
class KeptFile:
    """A file's bytes, packed; ``len()`` is the size of the file itself."""

    size: int
    digest: bytes
    packed: bytes = field(repr=False)

    @classmethod
    def of(cls, data: bytes) -> KeptFile:
        """Pack ``data`` (an uploaded file's content)."""
        packed = _CODEC.compress(data, asbytes=True)
        return cls(len(data), hashlib.blake2b(packed, digest_size=16).digest(), packed)

    def __len__(self) -> int:
        return self.size

    def data(self) -> bytes:
        """The file's content, as it was uploaded."""
        return _CODEC.decompress(self.packed, decompressed_size=self.size, asbytes=True)


#: What a page reads: a kept upload or a shipped sample's bytes.
Source = bytes | KeptFile
