"""Bounded, all-or-nothing gunzip for archive files such as pipermail's monthly .txt.gz."""

import io
import zlib

from kg.errors import SourceError

_STEP = 1 << 20
_GZIP = 16 + zlib.MAX_WBITS  # wbits=31: gzip header and trailer only (no raw deflate, no zlib)


def gunzip_bounded(data: bytes, max_out: int) -> bytes:
    """Decompress every gzip member of `data`, refusing more than `max_out` bytes of output.

    Raises SourceError for input that is not gzip, a truncated stream (even one that ends cleanly
    after a complete member and starts a second), trailing garbage, or output over the cap.
    Nothing is returned unless the whole input decompressed cleanly: security.md D15 verified that
    `gzip.open(...).readline()` yields 1,056 good lines of a truncated file before `EOFError`.
    """
    if max_out < 0:
        raise ValueError("max_out must be >= 0")
    if not data:
        raise SourceError("not a gzip file: the input is empty")
    out, size = io.BytesIO(), 0  # getvalue() hands its buffer over: peak memory stays near max_out
    chunk, members = data, 0
    try:
        while chunk:
            d = zlib.decompressobj(_GZIP)
            # max_length bounds each step, so a bomb (1 GiB of zeros in 1 MB) stops at the cap
            # instead of being inflated in one call; 1 MiB steps keep the peak near 1x the output
            # (one step of the whole cap peaked at 2x: 411 MiB RSS for a 200 MiB cap).
            while True:
                piece = d.decompress(chunk, min(_STEP, max_out + 1 - size))
                size += out.write(piece)
                if size > max_out:
                    raise SourceError(f"gzip: decompressed size exceeds the cap of {max_out} bytes")
                chunk = d.unconsumed_tail
                # stop at the member's end, or when input is used up and zlib holds nothing back
                if d.eof or not (chunk or piece):
                    break
            if not d.eof:
                raise SourceError(f"gzip: truncated stream (member {members + 1} has no end)")
            members += 1
            chunk = d.unused_data
            if not chunk.strip(b"\0"):
                break  # NUL padding after the last member is legal (tape blocks); gzip.py skips it too
    except zlib.error as exc:
        if members:
            what = f"gzip: bytes after member {members} are not gzip"
        else:
            what = "not a gzip file" if not size else "gzip: corrupt data"
        raise SourceError(f"{what} ({exc})") from exc
    return out.getvalue()
