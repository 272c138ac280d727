"""The pipeline's stages as plain functions over a batch: scan → read+parse → match.

Loading lives in ``jixiao.db.repository``; orchestration (retries, logging, artifacts) in ``tasks/`` and
``flows/``. Everything here takes and returns plain data so the stages are easy to test and to run in
worker processes.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, replace
from pathlib import Path

from jixiao.dedupe import content_fingerprint, figures_key
from jixiao.errors import OcrDeferred, ReadError
from jixiao.fsutil import NotRegularFile, sha256_file
from jixiao.model import MONEY_FIELDS, ParsedReport
from jixiao.parse import parse_report
from jixiao.parse.kind import refusal
from jixiao.proclife import worker_init
from jixiao.read import SUPPORTED, Document, ReadLimits, read_path
from jixiao.units.match import Matcher, MatchResult
from jixiao.watch import inside, is_candidate

SUPPORTED_SUFFIXES = SUPPORTED  # .txt .md .docx .pdf .xlsx .xls .et .doc .wps .ofd


@dataclass(frozen=True)
class InboxFile:
    path: Path
    name: str
    size: int
    sha256: str
    mtime: float
    refused: str | None = None  # set when the file must not be read at all (e.g. a symlink leaving the inbox)


@dataclass(frozen=True)
class ReadParseResult:
    """What one worker returns for one file: either a parsed report or a readable reason why not."""

    file_id: int
    reason: str | None
    format: str | None = None
    encoding: str | None = None
    n_chars: int = 0
    replacement_ratio: float = 0.0
    text: str | None = None
    text_hash: str | None = None
    figures: str | None = None  # ``figures_key`` of the text, for near-duplicate tests at load time
    parsed: ParsedReport | None = None
    ocr_low_confidence: tuple[str, ...] = ()  # fields whose figure OCR read below the confidence threshold
    deferred: bool = False  # read with OCR left out, and the file needs OCR: not a result yet

    @property
    def ok(self) -> bool:
        return self.reason is None


def _in_flight(path: Path) -> bool:
    """Names of files still being written or locked by an editor: left for a later run, not refused."""
    return not path.name.startswith(".") or path.name.startswith(".~lock")


def scan_inbox(inbox: Path) -> list[Path]:
    """Every entry waiting in the inbox (recursively), oldest first: regular files, and also what must be
    refused with a reason (hidden names, FIFOs, sockets, symlinks to folders or outside the inbox).
    Only names of files still being written (``*.part``, ``~$*``, ``.~lock*`` …) are left for later."""
    if not inbox.is_dir():
        return []
    found: list[Path] = []
    for folder, dirs, files in os.walk(inbox, followlinks=False):
        base = Path(folder)
        # A symlink to a folder is not walked into (it may leave the inbox or loop): it is refused.
        found += [base / d for d in dirs if (base / d).is_symlink()]
        # A hidden folder is not walked into either: it is refused as one entry and moved aside whole.
        found += [base / d for d in dirs if d.startswith(".") and not (base / d).is_symlink()]
        dirs[:] = sorted(d for d in dirs if not (base / d).is_symlink() and not d.startswith("."))
        for name in files:
            p = base / name
            if name.endswith(".reason.txt") or (not is_candidate(p) and _in_flight(p)):
                continue
            found.append(p)

    def when(p: Path) -> tuple[float, str]:
        try:
            return (p.lstat().st_mtime, str(p))
        except OSError:
            return (0.0, str(p))

    return sorted(found, key=when)


def _refused(path: Path, reason: str, size: int = 0, mtime: float = 0.0) -> InboxFile:
    # The ledger key (sha256, path) of a file that cannot be hashed: unique to this path and state.
    digest = hashlib.sha256(f"refused:{path}:{size}:{mtime}:{reason}".encode()).hexdigest()
    return InboxFile(path, path.name, size, digest, mtime, refused=reason)


def describe(path: Path, inbox: Path) -> InboxFile:
    """Size, hash and time of an inbox entry. Never raises for a bad entry and never blocks: what cannot be
    read (unreadable, FIFO, hidden name, symlink to a folder or out of the inbox) comes back refused, with
    the reason. Raises FileNotFoundError only when the entry is gone (another run took it)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        return _refused(path, f"cannot read: {exc.strerror or exc} (check the folder's permissions)")
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(path)
        if not inside(path, inbox):
            digest = hashlib.sha256(f"symlink:{target}".encode()).hexdigest()
            return InboxFile(
                path,
                path.name,
                0,
                digest,
                st.st_mtime,
                refused=f"symlink pointing outside the inbox ({target}): refused",
            )
        if path.is_dir():
            return _refused(path, f"symlink to a folder ({target}): refused", 0, st.st_mtime)
    if path.name.startswith("."):
        return _refused(
            path,
            "hidden file name (starts with '.'): refused; rename it to have it read",
            st.st_size,
            st.st_mtime,
        )
    try:
        target_st = path.stat()
        digest = sha256_file(path)
    except FileNotFoundError:
        if os.path.lexists(path):  # a dangling symlink
            return _refused(path, "broken symlink: its target does not exist", 0, st.st_mtime)
        raise
    except NotRegularFile as exc:
        return _refused(path, str(exc), 0, st.st_mtime)
    except OSError as exc:
        reason = f"cannot read: {exc.strerror or exc} (check the file's permissions)"
        return _refused(path, reason, st.st_size, st.st_mtime)
    return InboxFile(
        path=path, name=path.name, size=target_st.st_size, sha256=digest, mtime=target_st.st_mtime
    )


_REPLACEMENT = "\ufffd"


def _looks_like_report(parsed: ParsedReport) -> bool:
    facts = parsed.facts
    return "fiscal_year" in facts or "unit_name" in facts or any(name in facts for name in MONEY_FIELDS)


_FIGURE = re.compile(r"\d[\d,.]*")


def _low_confidence_figures(doc: Document, parsed: ParsedReport) -> tuple[str, ...]:
    """Fields (and project lines) that OCR recognised below its confidence thresholds, for a check to flag:
    a figure read below the figure threshold, a text (unit name, problems, a project's name) with any
    character read below the text threshold."""
    if not doc.anchors:
        return ()
    from jixiao.read.ocr_engine import thresholds

    figure_min, text_min = thresholds()

    def low(start: int, end: int, last_only: bool) -> bool:
        spans = [m.span() for m in _FIGURE.finditer(doc.text, start, end)]
        for s, e in spans[-1:] if last_only else spans:
            conf = doc.confidence(s, e)
            if conf is not None and conf < figure_min:
                return True
        return False

    def low_text(start: int, end: int) -> bool:
        conf = doc.confidence(start, end)
        return conf is not None and conf < text_min

    out = [
        name
        for name, fact in parsed.facts.items()
        if name != "doc_kind"  # what kind of document it is: refused elsewhere, never loaded as a value
        and (
            low_text(fact.evidence.start, fact.evidence.end)
            if isinstance(fact.value, str)
            else low(fact.evidence.start, fact.evidence.end, True)
        )
    ]
    out += [
        f"project_lines[{line.seq}]"
        for line in parsed.project_lines
        if line.evidence is not None
        and (
            low(line.evidence.start, line.evidence.end, False)
            or low_text(line.evidence.start, line.evidence.end)
        )
    ]
    return tuple(out)


def read_and_parse(file_id: int, path: str, limits: ReadLimits) -> ReadParseResult:
    """Read, normalise and parse one file. Never raises for bad input: the reason says what is wrong."""
    try:
        doc = read_path(Path(path), limits)
    except OcrDeferred as exc:
        return ReadParseResult(file_id=file_id, reason=exc.reason, deferred=True)
    except ReadError as exc:
        return ReadParseResult(file_id=file_id, reason=exc.reason)
    except Exception as exc:  # a reader bug must quarantine one file, not stop the batch
        return ReadParseResult(file_id=file_id, reason=f"unreadable: {type(exc).__name__}: {exc}")
    text = doc.text
    try:
        parsed = parse_report(text, page_of=doc.page_of if doc.page_starts else None, tables=doc.tables)
    except Exception as exc:  # as above: a parser bug quarantines the file with the reason
        return ReadParseResult(file_id=file_id, reason=f"parser failed: {type(exc).__name__}: {exc}")
    common = {
        "format": doc.format,
        "encoding": doc.encoding,
        "n_chars": len(text),
        "replacement_ratio": text.count(_REPLACEMENT) / max(1, len(text)),
    }
    if not _looks_like_report(parsed):
        return ReadParseResult(
            file_id=file_id,
            reason="not recognised as a 绩效自评报告: no unit, fiscal year or amounts found",
            **common,  # type: ignore[arg-type]  # keys match the dataclass fields above
        )
    kind = parsed.facts.get("doc_kind")
    refused = refusal(str(kind.value), kind.evidence.snippet) if kind is not None else None
    if refused is not None:  # a project's or nobody's figures never become a department's totals
        return ReadParseResult(file_id=file_id, reason=refused, **common)  # type: ignore[arg-type]  # as below
    return ReadParseResult(
        file_id=file_id,
        reason=None,
        text=text,
        text_hash=content_fingerprint(text),
        figures=figures_key(text),
        parsed=parsed,
        ocr_low_confidence=_low_confidence_figures(doc, parsed),
        **common,  # type: ignore[arg-type]  # as above
    )


def _read_and_parse_chunk(args: tuple[list[tuple[int, str]], ReadLimits]) -> list[ReadParseResult]:
    items, limits = args
    return [read_and_parse(fid, path, limits) for fid, path in items]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


_progress_hook: Callable[[int], None] | None = None


def set_progress_hook(hook: Callable[[int], None] | None) -> None:
    """Let an interactive caller (the CLI) show progress of a flow running in its own process."""
    global _progress_hook
    _progress_hook = hook


def read_and_parse_many(
    items: Sequence[tuple[int, str]],
    limits: ReadLimits,
    workers: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[ReadParseResult]:
    """Read and parse a batch, in ``workers`` processes (0 = one per core; 1 = in this process).

    Results come back in input order, so a parallel run equals a serial one; see ``iter_read_and_parse``
    for the order they are ready in (scanned PDFs last, from their own OCR pool).
    """
    done: dict[int, ReadParseResult] = {}
    for k, result in iter_read_and_parse(items, limits, workers, progress):
        done[k] = result
    return [done[k] for k in range(len(items))]


OCR_WORKERS = 1  # processes recognising scanned pages, one page at a time (RapidOCR on one ONNX thread)


def iter_read_and_parse(
    items: Sequence[tuple[int, str]],
    limits: ReadLimits,
    workers: int = 0,
    progress: Callable[[int], None] | None = None,
    ahead: int = 0,
) -> Iterator[tuple[int, ReadParseResult]]:
    """(index in ``items``, result) as each is ready. Files go to the workers in chunks with OCR left out
    (``ReadLimits.ocr`` False); a PDF with pages to recognise comes back deferred and goes to a pool of
    its own (``OCR_WORKERS``) with its own time budget per page, so scanned files never hold up the
    others. Without a pool (``workers`` 1 or a small batch) the deferred files are read after the rest.

    ``ahead`` (0: no bound) bounds the files handed to the workers and not yet taken by the caller, so a
    caller that takes results in chunks holds at most its chunk and ``ahead`` results in memory, while the
    workers keep reading the next ones."""
    progress = progress or _progress_hook
    workers = workers or default_workers()
    first = replace(limits, ocr=False)
    if workers == 1 or len(items) < 8:
        deferred: list[int] = []
        for k, (fid, path) in enumerate(items):
            result = read_and_parse(fid, path, first)
            if result.deferred:
                deferred.append(k)
                continue
            yield k, result
            if progress:
                progress(1)
        for k in deferred:
            yield k, read_and_parse(*items[k], limits)
            if progress:
                progress(1)
        return
    yield from _pooled(items, limits, first, workers, progress, ahead or len(items))


def _pooled(
    items: Sequence[tuple[int, str]],
    limits: ReadLimits,
    first: ReadLimits,
    workers: int,
    progress: Callable[[int], None] | None,
    ahead: int,
) -> Iterator[tuple[int, ReadParseResult]]:
    size = max(4, min(64, len(items) // (workers * 4) or 1, ahead // (workers * 2) or 1))
    starts = iter(range(0, len(items), size))
    # Workers of both pools die with this process, even when it is killed with SIGKILL (issue 17 K).
    with (
        ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(os.getpid(),)) as pool,
        ProcessPoolExecutor(
            max_workers=OCR_WORKERS, initializer=worker_init, initargs=(os.getpid(),)
        ) as ocr_pool,
    ):
        chunks: dict[Future[list[ReadParseResult]], int] = {}

        def refill() -> None:
            while len(chunks) * size < ahead and (i := next(starts, None)) is not None:
                chunks[pool.submit(_read_and_parse_chunk, (list(items[i : i + size]), first))] = i

        refill()
        ocr: dict[Future[ReadParseResult], int] = {}
        while chunks:
            for future in wait(chunks, return_when=FIRST_COMPLETED).done:
                i = chunks.pop(future)
                refill()  # before handing results over: the workers go on while the caller works
                for k, result in enumerate(future.result(), i):
                    if result.deferred:
                        ocr[ocr_pool.submit(read_and_parse, *items[k], limits)] = k
                        continue
                    yield k, result
                    if progress:
                        progress(1)
        for recognised in as_completed(ocr):
            yield ocr[recognised], recognised.result()
            if progress:
                progress(1)


def match_many(results: Iterable[ReadParseResult], matcher: Matcher) -> dict[int, MatchResult]:
    """Match every parsed report's unit names to the registry in one batch call."""
    items: list[tuple[Sequence[str], str]] = []
    own: list[Sequence[str]] = []
    ok: list[ReadParseResult] = []
    for r in results:
        if r.parsed is not None and r.text is not None:
            items.append((r.parsed.unit_names, r.text))
            own.append(r.parsed.own_names)
            ok.append(r)
    matched = matcher.match_many(items, own)
    return {r.file_id: m for r, m in zip(ok, matched, strict=True)}
