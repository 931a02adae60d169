"""manifest.json beside an export or store: each file's sha256, size and counts, written last and atomically.

Readers (and the server) trust only files the manifest lists with a matching hash: a run killed
mid-export leaves the previous file *and* its manifest entry, or the new file and the new entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.atomic import TEMP_PREFIX, write_atomically
from kg.errors import ExportError

MANIFEST = "manifest.json"
_VERSION = 1


@dataclass(frozen=True)
class ManifestEntry:
    """One exported file: name (relative to the folder), sha256, size in bytes, format and counts."""

    name: str
    sha256: str
    bytes: int
    format: str | None = None
    triples: int | None = None
    quads: int | None = None
    graphs: int | None = None


@dataclass
class ManifestReport:
    """The outcome of verify_manifest: files that match, and one line per problem."""

    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when every listed file is present and unchanged."""
        return not self.problems


def sha256_file(path: str | Path) -> str:
    """The sha256 hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def entry_for(path: str | Path, data: bytes | None = None, **counts) -> ManifestEntry:
    """The entry of a written file (its bytes, when at hand, save a second read)."""
    path = Path(path)
    if data is not None:
        return ManifestEntry(path.name, hashlib.sha256(data).hexdigest(), len(data), **counts)
    return ManifestEntry(path.name, sha256_file(path), path.stat().st_size, **counts)


def read_manifest(folder: str | Path) -> dict[str, ManifestEntry]:
    """The entries of `folder`'s manifest by file name (empty when there is none)."""
    path = Path(folder) / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("version") != _VERSION or not isinstance(raw.get("files"), list):
        raise ExportError(f"{path} is not an igkg manifest (version {_VERSION})")
    return {item["name"]: ManifestEntry(**item) for item in raw["files"]}


def update_manifest(folder: str | Path, *entries: ManifestEntry) -> Path:
    """Add or replace `entries` in `folder`'s manifest (entries whose file is gone are dropped); atomic."""
    folder = Path(folder)
    current = read_manifest(folder)
    for entry in entries:
        current[entry.name] = entry
    kept = [current[name] for name in sorted(current) if (folder / name).exists()]
    body = {"version": _VERSION, "files": [{k: v for k, v in asdict(e).items() if v is not None} for e in kept]}
    data = (json.dumps(body, indent=1, sort_keys=True) + "\n").encode("utf-8")
    try:
        write_atomically(folder / MANIFEST, data)
    except OSError as exc:
        raise ExportError(f"cannot write {folder / MANIFEST}: {exc.strerror or exc}") from exc
    return folder / MANIFEST


def verify_manifest(folder: str | Path) -> ManifestReport:
    """Check every file the manifest lists: present, same size, same sha256."""
    report = ManifestReport()
    folder = Path(folder)
    entries = read_manifest(folder)
    if not entries:
        report.problems.append(f"no {MANIFEST} in {folder}")
    for name, entry in sorted(entries.items()):
        path = folder / name
        if not path.is_file():
            report.problems.append(f"{name}: listed but missing")
        elif path.stat().st_size != entry.bytes or sha256_file(path) != entry.sha256:
            report.problems.append(f"{name}: changed since the manifest was written")
        else:
            report.ok.append(name)
    return report


def _pid_of(name: str) -> int | None:
    # atomic_write names temp files ".tmp-<pid>-<random><target>"; older ones have no pid.
    head = name[len(TEMP_PREFIX):].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def clean_stale_temp(folder: str | Path) -> list[Path]:
    """Remove `.tmp-*` leftovers of killed writers in `folder`; a live writer's temp file is kept."""
    folder = Path(folder)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.glob(TEMP_PREFIX + "*")):
        pid = _pid_of(path.name)
        if not path.is_file() or (pid is not None and pid != os.getpid() and _alive(pid)):
            continue
        if pid == os.getpid():
            continue  # this process is writing it right now (another thread)
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
    return removed
