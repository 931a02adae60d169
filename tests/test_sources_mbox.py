"""Local sources: the strict From_ splitter, mbox.gz, Maildir, .eml, folders mixing them, and kind detection."""

from __future__ import annotations

import gzip

import pytest

from kg import synth
from kg.errors import ConfigError, SourceError
from kg.sources.mbox import iter_mbox_file, split_mbox
from kg.sources.registry import KINDS, detect, iter_units
from kg.sources.units import Unit

PIPERMAIL_TXT = b"""From alice at example.org  Mon Jan  1 00:00:00 2001
From: alice at example.org (Alice Example)
Subject: first
Message-ID: <one@example.org>

From the desk of the chair: this line must not split the message.

From bob at example.org  Tue Jan  2 00:00:00 2001
From: bob at example.org (Bob Example)
Subject: second
Message-ID: <two@example.org>

Body two.
"""


def test_strict_splitter_keeps_unescaped_from_lines_in_the_body():
    raws = split_mbox(PIPERMAIL_TXT)
    assert len(raws) == 2  # mailbox.mbox finds 3 (security.md D16)
    assert b"From the desk of the chair" in raws[0]
    assert raws[1].startswith(b"From: bob at example.org")


def test_mboxrd_escapes_are_undone():
    raws = split_mbox(b"From a@b.org Mon Jan  1 00:00:00 2001\nSubject: x\n\n>From here\n>>From there\n")
    assert raws[0].endswith(b"\nFrom here\n>From there\n")


def test_gz_mbox_matches_plain_and_a_truncated_one_is_refused(tmp_path):
    data = synth.to_mbox(synth.generate(30, 2))
    plain, packed, cut = tmp_path / "a.mbox", tmp_path / "a.mbox.gz", tmp_path / "cut.mbox.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    cut.write_bytes(gzip.compress(data)[:-200])
    assert list(iter_mbox_file(plain)) == list(iter_mbox_file(packed))
    assert len(list(iter_mbox_file(plain))) == 30
    with pytest.raises(SourceError, match="truncated"):
        list(iter_mbox_file(cut))  # all or nothing: no message of a truncated file (D15)


def _maildir(root, raws):
    for part in ("cur", "new", "tmp"):
        (root / part).mkdir(parents=True)
    for i, raw in enumerate(raws):
        (root / ("cur" if i % 2 else "new") / f"{1700000000 + i}.M{i}.host").write_bytes(raw)
    (root / "tmp" / "in-progress").write_bytes(b"never read")


def test_folder_mixing_mbox_maildir_eml_and_pages(tmp_path):
    raws = split_mbox(synth.to_mbox(synth.generate(12, 1)))
    (tmp_path / "a.mbox").write_bytes(b"".join(b"From x@y.org Mon Jan  1 00:00:00 2001\n" + r + b"\n" for r in raws[:4]))
    _maildir(tmp_path / "box", raws[4:8])
    for i, raw in enumerate(raws[8:]):
        (tmp_path / f"m{i}.eml").write_bytes(raw)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    entries = list(iter_units([str(tmp_path)]))
    units = [e for e in entries if isinstance(e, Unit)]
    assert [u.key.split(":")[0] for u in units] == ["maildir", "mbox", "eml", "eml", "eml", "eml"]
    items = [item for u in units for item in u.open()[1]]
    assert sorted(i.data for i in items) == sorted(raws)
    assert any("not an mbox" in e.reason for e in entries if not isinstance(e, Unit))


@pytest.mark.parametrize("source, kind", [
    ("https://mail.example.org/pipermail/wg-strategy/", "pipermail"),
    ("https://lists.example.org/hyperkitty/list/wg@lists.example.org/", "hyperkitty"),
    ("https://mail.example.org/pipermail/wg-strategy/2025-July/000123.html", "page-url"),
])
def test_detection_of_urls(source, kind):
    assert detect(source) == kind


def test_detection_of_files(tmp_path):
    (tmp_path / "2024-January.txt").write_bytes(PIPERMAIL_TXT)
    (tmp_path / "page.txt").write_text("Subject line\nAlice alice at example.org\nMon Jan 1 00:00:00 UTC 2001\n\nHi")
    (tmp_path / "x.eml").write_bytes(b"Subject: x\n\nbody")
    assert [detect(str(tmp_path / n)) for n in ("2024-January.txt", "page.txt", "x.eml")] == ["mbox", "page", "eml"]
    assert detect(str(tmp_path)) == "folder"


def test_unknown_kinds_name_every_valid_kind(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"?")
    with pytest.raises(SourceError) as err:
        detect(str(tmp_path / "x.bin"))
    assert all(name in str(err.value) for name in KINDS)
    with pytest.raises(ConfigError, match="unsupported source"):
        detect("ftp://example.org/archive")
