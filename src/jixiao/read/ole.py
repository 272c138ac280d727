"""Legacy Word (.doc) and WPS Writer (.wps) files: OLE compound files holding a Word 97-2003 document.

The text and tables come from Debian's ``antiword`` (0.5 MB, no daemon), asked for DocBook XML so that a
table arrives as rows of cells instead of drawn boxes: paragraphs and titles become lines, each table row a
tab-separated line and a row of ``tables``, the same shape the .docx reader gives. antiword runs as a child
process with the file's remaining time budget and a memory ceiling; the file is checked first (an OLE file
with a WordDocument stream, not encrypted) so the common refusals need no child process at all. When
antiword is not installed the file is refused with the reason and the command that installs it.

Measured on 18 reports written by ``jixiao synth`` as .docx and converted to .doc by LibreOffice 7.4
(README, "Supported formats"): antiword's DocBook gave the same parsed fields as the .docx in every file.
"""

from __future__ import annotations

import os
import resource
import shutil
import struct
import subprocess
import tempfile
from typing import Any

from jixiao.errors import ReadError
from jixiao.proclife import die_with_parent
from jixiao.read.containers import Deadline, Extracted, Table

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ANTIWORD = "antiword"
CHILD_MEMORY = 512 * 1024**2  # address-space ceiling of the antiword process
INSTALL_HINT = "install it with `apt-get install antiword` (scripts/bootstrap.sh does so when run as root)"


def _check_ole(data: bytes, fmt: str) -> None:
    """Refuse what antiword cannot read, with a reason: not OLE, no Word stream, encrypted."""
    if not data.startswith(OLE_MAGIC):
        if data.startswith(b"PK"):
            raise ReadError(
                f"corrupt .{fmt}: it is a zip (a .docx saved under the .{fmt} name?); rename it to .docx"
            )
        raise ReadError(f"corrupt .{fmt}: not a Word 97-2003 or WPS document (no OLE compound-file header)")
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise ReadError(f"refused .{fmt}: it is encrypted (password-protected)")
            if not ole.exists("WordDocument"):
                raise ReadError(
                    f"corrupt .{fmt}: no WordDocument stream (a Works or other OLE file, not a Word/WPS document)"
                )
            fib = ole.openstream("WordDocument").read(12)
    except ReadError:
        raise
    except Exception as exc:  # olefile raises OSError, struct.error and others on damaged files
        raise ReadError(f"corrupt .{fmt}: damaged OLE compound file ({type(exc).__name__}: {exc})") from exc
    if len(fib) < 12:
        raise ReadError(f"corrupt .{fmt}: the WordDocument stream is truncated")
    (flags,) = struct.unpack_from("<H", fib, 10)
    if flags & 0x0100:  # FIB fEncrypted
        raise ReadError(f"refused .{fmt}: it is encrypted (password-protected)")


def _limit_memory() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    die_with_parent()  # a killed parse worker leaves no converter behind


def _docbook(data: bytes, fmt: str, budget: Deadline) -> bytes:
    exe = shutil.which(ANTIWORD)
    if exe is None:
        raise ReadError(f"cannot read .{fmt}: the antiword program is not installed; {INSTALL_HINT}")
    timeout = budget.left()
    if timeout <= 0:
        budget.check(f"before converting the .{fmt}")
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            done = subprocess.run(
                [exe, "-x", "db", "-m", "UTF-8.txt", tmp.name],
                capture_output=True,
                timeout=timeout,
                preexec_fn=_limit_memory,  # only setrlimit between fork and exec
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ReadError(
                f"took longer than the {budget.seconds:g} s budget (converting the .{fmt})"
            ) from exc
    if done.returncode != 0 or not done.stdout.strip():
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReadError(
            f"corrupt .{fmt}: antiword could not read it ({detail[-1] if detail else 'no output'})"
        )
    return done.stdout


_TABLES = ("informaltable", "table")


def _text(element: Any) -> str:
    return "".join(element.itertext()).strip("\n ")


def _cell(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def read_word97(data: bytes, fmt: str, budget: Deadline) -> Extracted:
    """Text and tables of a .doc/.wps."""
    _check_ole(data, fmt)
    xml = _docbook(data, fmt, budget)
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt .{fmt}: antiword's output is not readable ({exc})") from exc
    if root is None:
        raise ReadError(f"corrupt .{fmt}: antiword produced no document")
    lines: list[str] = []
    tables: list[Table] = []

    def table(element: Any) -> None:
        rows: list[tuple[str, ...]] = []
        for row in element.iter("row"):
            cells = tuple(_cell(e) for e in row.iter("entry"))
            rows.append(cells)
            if any(cells):
                lines.append("\t".join(cells))
        tables.append(tuple(rows))

    def para(element: Any) -> None:
        # antiword puts a table inside the paragraph that precedes it: text, table, text.
        if next(element.iter(*_TABLES), None) is None:
            lines.append(_text(element))
            return
        text = element.text or ""
        for sub in element:
            if sub.tag in _TABLES or next(sub.iter(*_TABLES), None) is not None:
                if text.strip():
                    lines.append(text.strip("\n "))
                for t in sub.iter(*_TABLES):
                    table(t)
                text = sub.tail or ""
            else:
                text += "".join(sub.itertext()) + (sub.tail or "")
        if text.strip():
            lines.append(text.strip("\n "))

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "bookinfo":
                continue
            if tag in _TABLES:
                table(child)
            elif tag in ("para", "title", "simpara"):
                para(child)
            else:
                walk(child)

    walk(root)
    budget.check(f"reading the .{fmt}")
    return Extracted("\n".join(lines), tuple(tables))
