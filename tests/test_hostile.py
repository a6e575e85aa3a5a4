"""Hostile and broken workbooks are refused cleanly, in bounded memory, touching nothing.

Each case of ``tests/hostile.py`` goes through the library (where it must be refused, with
which one-line message, at which step, in how much memory) and through every command of
``tests/commands.py`` (non-zero exit, one clear line on stderr, no traceback, peak memory
under 400 MB, the input unchanged, nothing written).
"""

from __future__ import annotations

import hashlib
import io
import socket
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from tests.commands import COMMANDS, Command, run_measured
from tests.hostile import (
    BOMB_SIZE,
    CANARY,
    CASES,
    Hostile,
    benign,
    billion_laughs,
    secret_file,
    xxe_parameter_entity,
    xxe_sheet,
    zip_bomb,
)
from xlcomp.errors import UnsafeWorkbookError, WorkbookError
from xlcomp.ooxml import Limits, Package, open_workbook, parse, safe_parser
from xlcomp.ooxml.limits import MiB
from xlcomp.ooxml.opc import XML_EXTENSIONS

PEAK_RSS_LIMIT = 400 * 1000 * 1000
"""The issue's bound on a command's peak memory for any hostile file."""
LIBRARY_PEAK_LIMIT = 64 * MiB
"""Python allocations of the library refusing any hostile file (the files are at most 14 MB)."""

CASE_IDS = [case.id for case in CASES]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def read_everything(path: Path) -> tuple[str, WorkbookError | None]:
    """Read ``path`` as a command would, step by step; the step that refused it and why."""
    try:
        Package.open(path)
    except WorkbookError as exc:
        return "Package.open", exc
    try:
        pkg = open_workbook(path)
    except WorkbookError as exc:
        return "open_workbook", exc
    try:
        for name in pkg.parts:
            data = pkg.parts[name]
            if name.rsplit(".", 1)[-1].lower() in XML_EXTENSIONS:
                parse(data, part=name, source=path)
    except WorkbookError as exc:
        return "read", exc
    return "accepted", None


def test_benign_control_is_a_real_workbook(tmp_path: Path) -> None:
    """The minimal workbook the attacks are built on opens in openpyxl and in the library."""
    path = benign(tmp_path)
    got = openpyxl.load_workbook(path)["Sheet1"]
    assert (got["A2"].value, got["B2"].value, got["C2"].value) == ("row 2", 3.0, "=B2*2")
    assert read_everything(path) == ("accepted", None)
    assert open_workbook(path).workbook_part == "xl/workbook.xml"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_library_refuses(case: Hostile, tmp_path: Path) -> None:
    """The library refuses the file at the expected step, in one line, touching nothing."""
    path = case.build(tmp_path)
    before = snapshot(tmp_path)
    tracemalloc.start()
    try:
        stage, error = read_everything(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error is not None, f"{case.id} was accepted"
    message = str(error)
    assert stage == case.stage, message
    assert "\n" not in message
    assert message.startswith(f"{path}: "), message
    assert case.reason in message
    if case.part is not None:
        assert case.part in message, message
    assert isinstance(error, UnsafeWorkbookError) == case.unsafe, message
    assert CANARY not in message
    assert peak < LIBRARY_PEAK_LIMIT, f"peak {peak / MiB:.1f} MiB"
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_bomb_really_inflates_to_2_gib(tmp_path: Path) -> None:
    """The zip bomb is real: its sheet inflates to 2 GiB (checked streaming) from ~2 MiB."""
    path = zip_bomb(tmp_path)
    assert path.stat().st_size < 4 * MiB
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size == BOMB_SIZE
        with open(path, "rb") as fh:
            fh.seek(info.header_offset + 30 + len(info.filename))
            inflater = zlib.decompressobj(-15)
            got = crc = 0
            left = info.compress_size
            while left:
                data = fh.read(min(left, MiB))
                left -= len(data)
                while data:
                    out = inflater.decompress(data, 64 * MiB)
                    got += len(out)
                    crc = zlib.crc32(out, crc)
                    data = inflater.unconsumed_tail
    assert (got, crc, inflater.eof) == (BOMB_SIZE, info.CRC, True)


def test_external_entities_read_no_file_and_open_no_connection(tmp_path: Path) -> None:
    """Neither the library nor its bare lxml parser reads a local file or connects out."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/evil.dtd"
        stage, error = read_everything(xxe_parameter_entity(tmp_path, url))
        assert stage == "open_workbook" and isinstance(error, UnsafeWorkbookError)
        sheet = xxe_sheet(secret_file(tmp_path).resolve().as_uri()).encode()
        with pytest.raises(UnsafeWorkbookError, match="refused XML with a DTD"):
            parse(sheet, part="xl/worksheets/sheet1.xml")
        from lxml import etree

        root = etree.fromstring(sheet, safe_parser())  # the second lock on its own
        assert CANARY not in etree.tostring(root).decode()
        param = f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{url}"> %p;]><x/>'.encode()
        etree.fromstring(param, safe_parser())
        with pytest.raises(BlockingIOError):
            server.accept()


def test_bare_parser_does_not_expand_billion_laughs() -> None:
    """The hardened lxml parser alone refuses or leaves unexpanded a billion laughs."""
    from lxml import etree

    try:
        root = etree.fromstring(billion_laughs().encode(), safe_parser())
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc)
    else:
        assert len(etree.tostring(root)) < 10_000


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (Limits(max_part_size=100), "over the 100 bytes limit per part"),
        (Limits(max_total_size=1000), "over the 1000 bytes limit"),
        (Limits(max_parts=3), "too many parts"),
        (Limits(max_file_size=1000), "over the 1000 bytes limit"),
        (Limits(max_ratio=2, ratio_floor=100), "over the 2x limit"),
        (Limits(max_name_length=10), "longer than 10 characters"),
    ],
    ids=["part-size", "total-size", "parts", "file-size", "ratio", "name-length"],
)
def test_limits_are_configurable(limits: Limits, reason: str, tmp_path: Path) -> None:
    """Tighter limits refuse the benign workbook, naming the limit."""
    path = benign(tmp_path)
    with pytest.raises(UnsafeWorkbookError, match=reason):
        open_workbook(path, limits=limits)


def test_parts_are_read_lazily(tmp_path: Path) -> None:
    """Opening inflates nothing; a part is inflated when read; unread parts still copy."""
    path = benign(tmp_path)
    pkg = Package.open(path)
    parts = pkg.parts
    assert not any(parts.is_loaded(name) for name in parts)  # type: ignore[attr-defined]
    assert parts["xl/workbook.xml"].startswith(b"<?xml")
    assert [n for n in parts if parts.is_loaded(n)] == ["xl/workbook.xml"]  # type: ignore[attr-defined]
    with zipfile.ZipFile(path) as archive:
        exp = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(io.BytesIO(pkg.to_bytes())) as archive:
        got = {name: archive.read(name) for name in archive.namelist()}
    assert got == exp
    assert list(got) == list(exp)


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    """With --debug a refused file shows the traceback; without, one line."""
    book = next(c for c in CASES if c.id == "text-file").build(tmp_path)
    got = run_measured([sys.executable, "-m", "xlcomp.ooxml.selfcheck", "--debug", str(book)])
    assert got.returncode != 0
    assert "Traceback" in got.stderr and "looks like text" in got.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="measures memory with os.wait4 (POSIX)")
def test_memory_meter_sees_a_large_allocation() -> None:
    """The peak-memory meter the command tests rely on reports a 450 MB allocation."""
    touch = "b = bytearray(450_000_000); b[::4096] = b'x' * len(b[::4096])"
    got = run_measured([sys.executable, "-c", touch])
    assert got.returncode == 0, got.stderr
    assert 450e6 < got.peak_rss < 600e6


@pytest.mark.skipif(sys.platform == "win32", reason="measures memory with os.wait4 (POSIX)")
@pytest.mark.parametrize("command", COMMANDS, ids=[c.id for c in COMMANDS])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_command_refuses(case: Hostile, command: Command, tmp_path: Path) -> None:
    """The command exits non-zero with one clear line, in bounded memory, writing nothing."""
    folder = tmp_path / "in"
    folder.mkdir()
    book = case.build(folder)
    out = tmp_path / "out" / "copy.xlsx"
    out.parent.mkdir()
    before = snapshot(folder)
    got = run_measured(command.argv(book, out))
    lines = [line for line in got.stderr.splitlines() if line.strip()]
    assert got.returncode != 0, got.stdout
    assert len(lines) == 1, got.stderr
    assert "Traceback" not in got.stderr
    assert str(book) in lines[0] and case.reason in lines[0], lines[0]
    assert CANARY not in got.stdout + got.stderr
    assert got.peak_rss < PEAK_RSS_LIMIT, f"peak {got.peak_rss / 1e6:.0f} MB"
    assert snapshot(folder) == before
    assert not any(out.parent.iterdir())


@pytest.mark.skipif(sys.platform == "win32", reason="measures memory with os.wait4 (POSIX)")
@pytest.mark.parametrize("command", [c for c in COMMANDS if c.accepts_minimal], ids=lambda c: c.id)
def test_command_accepts_benign_control(command: Command, tmp_path: Path) -> None:
    """The benign control passes every command, so the refusals above are the attacks'."""
    book = benign(tmp_path)
    with zipfile.ZipFile(book) as archive:
        exp = {name: archive.read(name) for name in archive.namelist()}
    out = tmp_path / "copy.xlsx"
    got = run_measured(command.argv(book, out))
    assert got.returncode == 0, got.stderr
    written = {"in-place": book, "copy": out}.get(command.writes)
    if written is not None:
        with zipfile.ZipFile(written) as archive:
            got_parts = {name: archive.read(name) for name in archive.namelist()}
        if command.edits:
            assert set(got_parts) == set(exp)
        else:
            assert got_parts == exp
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["benign.xlsx"] + (["copy.xlsx"] if command.writes == "copy" else [])
    )
