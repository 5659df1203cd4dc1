"""Parse and render notes on every core, keeping each note's tokens where they were made.

Token trees are large: sending them between processes costs more than parsing them again.
So each worker process parses its share of the notes, sends back only the facts (links,
headings, tags, text), and keeps the tokens. Once the main process has resolved every
link it sends the vault-wide lookups back, and each worker renders the bodies of the
notes it parsed. What crosses a process boundary is facts and HTML strings only.

A worker keeps the tokens of about 3 MiB of Markdown (see ``KEEP_TOKENS_OF``); the notes
past that, in a very large vault, are parsed again when their bodies are rendered, which
bounds a worker's memory at the cost of some parsing; such a worker also lets go of tokens
once a body is made. Answers go back in parts, so no answer is ever pickled whole.

The workers are forked when first needed, after the vault is loaded, so they see it
without receiving it. A worker that dies (killed, out of memory) costs speed, never the
build: its share is done again in the main process. A bug inside a worker is raised with
the worker's traceback, as it would be in one process.
"""

from __future__ import annotations

import os
import pickle
import signal
import traceback
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from generator.engine.recording import NoteRecord, render_records, resolve_note
from generator.model import SourceFile
from generator.parse import LazyTokens, ParsedNote, note_text, parse_note
from generator.rendercontext import RenderContext

PARALLEL_THRESHOLD = 150  # below this many notes, forking costs more than it saves
# Markdown (in bytes) whose tokens a worker keeps between parsing and rendering. A note's
# token tree takes about 30 times its text, so this holds a worker near 90 MiB of tokens;
# past it, a note's text is kept instead and parsed again when its body is rendered.
KEEP_TOKENS_OF = 3 << 20
# Notes parsed again while rendering (embedded from elsewhere, or past that budget) whose
# tokens stay for the next bodies: a note embedded by many is not parsed for each of them.
KEEP_PARSED_AGAIN = 64
REPLY_PART = 256  # notes per message back: the whole answer is never pickled at once


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class WorkerFailed(Exception):
    """A worker process died (killed, out of memory); the caller does its share itself."""


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    parsed: set[str]  # paths of the notes whose tokens this worker holds
    alive: bool = True

    def send(self, message: tuple[Any, ...]) -> None:
        if self.alive:
            try:
                self.conn.send(message)
            except OSError:
                self.alive = False

    def receive(self) -> Any:
        """The answer to the last message, a list or a dict sent in parts (see ``_reply``);
        :class:`WorkerFailed` if there will be none."""
        answer: Any = None
        while True:
            if not self.alive:
                raise WorkerFailed(f"worker {self.process.pid} is gone")
            try:
                status, value = self.conn.recv()
            except (EOFError, OSError) as exc:
                self.alive = False
                raise WorkerFailed(f"worker {self.process.pid} stopped") from exc
            if status not in ("part", "ok"):  # a bug, not bad input: fail as one process would
                raise RuntimeError(f"a build worker failed:\n{value}")
            if answer is None:
                answer = value
            elif isinstance(answer, dict):
                answer.update(value)
            else:
                answer.extend(value)
            if status == "ok":
                return answer


class NoteWorkers:
    """A few forked processes that parse notes, then render the bodies of those notes."""

    def __init__(self, count: int, notes: list[SourceFile]) -> None:
        self.count = count
        self.notes = notes  # the vault's notes: forked workers read them without a copy
        self._workers: list[_Worker] = []

    def _started(self) -> list[_Worker]:
        """The processes, forked on first use: a build with nothing to do forks nothing."""
        if not self._workers:
            ctx = get_context("fork")
            for _ in range(self.count):
                parent, child = ctx.Pipe()
                process = ctx.Process(target=_serve, args=(child, self.notes), daemon=True)
                with warnings.catch_warnings():
                    # Python 3.12+ warns when a process with threads forks (a terminal
                    # spinner may run). The workers only parse and render: they never take
                    # a lock another thread could hold.
                    warnings.filterwarnings("ignore", "This process .* is multi-threaded")
                    process.start()
                child.close()
                self._workers.append(_Worker(process, parent, set()))
        return self._workers

    def close(self) -> None:
        for worker in self._workers:
            worker.send(("stop",))
            worker.conn.close()
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()

    def parse(self, notes: list[SourceFile]) -> list[ParsedNote]:
        """Parse ``notes`` across the workers; the results carry facts, not tokens."""
        if len(notes) < PARALLEL_THRESHOLD:
            return [parse_note(note.path, note.data) for note in notes]
        workers = self._started()
        shares = _split(notes, len(workers))
        for worker, share in zip(workers, shares, strict=True):
            worker.send(("parse", [(note.path, note.data) for note in share]))
        results: list[ParsedNote] = []
        for worker, share in zip(workers, shares, strict=True):
            try:
                parsed: list[ParsedNote] = worker.receive()
                worker.parsed.update(note.path for note in share)
            except WorkerFailed:
                parsed = [parse_note(note.path, note.data) for note in share]
            results.extend(parsed)
        return results

    def records(self, base: RenderContext, paths: list[str]) -> dict[str, NoteRecord]:
        """Resolve and render the bodies of ``paths``, each on the worker that holds its
        tokens, recording what each read (see :func:`generator.engine.recording.resolve_note`)."""
        if len(paths) < PARALLEL_THRESHOLD and not self._workers:
            return render_records(base, paths)
        workers = self._started()
        shares: list[list[str]] = [[] for _ in workers]
        others: list[str] = []
        for path in paths:
            holder = next((i for i, w in enumerate(workers) if path in w.parsed), None)
            if holder is None:
                others.append(path)  # parsed in an earlier run: whoever has least to do
            else:
                shares[holder].append(path)
        for path in others:
            min(shares, key=len).append(path)
        # Send the lookups once, pickled once, with only what rendering reads of each note.
        slim = {
            path: replace(info, parsed=_for_rendering(info.parsed))
            for path, info in base.notes.items()
        }
        payload = pickle.dumps(replace(base, notes=slim, diagnostics=[]), pickle.HIGHEST_PROTOCOL)
        for worker, share in zip(workers, shares, strict=True):
            if share:
                worker.send(("records", payload, share))
        records: dict[str, NoteRecord] = {}
        for worker, share in zip(workers, shares, strict=True):
            if not share:
                continue
            try:
                records.update(worker.receive())
            except WorkerFailed:
                records.update(render_records(base, share))
        return records


@contextmanager
def note_workers(notes: list[SourceFile], workers: int | None) -> Iterator[NoteWorkers | None]:
    """Workers for a build of ``notes``, or None when one process is quicker."""
    count = workers if workers is not None else default_workers()
    if count <= 1 or len(notes) < PARALLEL_THRESHOLD:
        yield None
        return
    pool = NoteWorkers(count, notes)
    try:
        yield pool
    finally:
        pool.close()


def _for_rendering(parsed: ParsedNote) -> ParsedNote:
    """The facts resolving and rendering a body read (links, headings, block ids); tokens
    come from the worker."""
    return replace(parsed, tokens=[], source="", text="", tags=[], diagnostics=[])


def _split(items: list[SourceFile], count: int) -> list[list[SourceFile]]:
    """``count`` shares of about equal size in bytes, each keeping the vault's order."""
    total = sum(len(item.data) for item in items) or 1
    shares: list[list[SourceFile]] = [[] for _ in range(count)]
    done = 0
    for item in items:
        shares[min(count - 1, done * count // total)].append(item)
        done += len(item.data)
    return shares


def _reply(conn: Connection, answer: list[ParsedNote] | dict[str, NoteRecord]) -> None:
    """Send ``answer`` in parts of ``REPLY_PART`` notes, the last one marked "ok"."""
    items: list[Any] = list(answer.items()) if isinstance(answer, dict) else list(answer)
    starts = range(0, max(len(items), 1), REPLY_PART)
    for start in starts:
        part = items[start : start + REPLY_PART]
        status = "ok" if start == starts[-1] else "part"
        conn.send((status, dict(part) if isinstance(answer, dict) else part))


def _render_releasing(
    context: RenderContext,
    paths: list[str],
    kept: dict[str, ParsedNote],
    sources: dict[str, bytes],
    room: int,
) -> dict[str, NoteRecord]:
    """Render ``paths`` one by one, parsing again what this worker holds no tokens for.

    Notes parsed by the other worker, or past ``KEEP_TOKENS_OF``, are parsed again when a body
    embeds them; their tokens stay while they fit in ``room`` (bytes of Markdown this worker
    may still hold), and past it only the ``KEEP_PARSED_AGAIN`` used last keep theirs. A
    worker that could not keep every note it parsed (``room`` is 0) also lets go of each
    note's tokens once its body is made, so they never pile up.
    """
    release = room <= 0
    loaded: list[str] = []  # paths parsed again since the last look
    recent: OrderedDict[str, None] = OrderedDict()
    extra = 0  # bytes of Markdown parsed again whose tokens stay

    def reparsed(path: str) -> LazyTokens:
        return LazyTokens(note_text(sources[path]), on_load=lambda: loaded.append(path))

    for path, info in context.notes.items():
        mine = kept.get(path)
        if mine is not None and mine.digest == info.parsed.digest:
            info.parsed.tokens = mine.tokens
        elif path in sources:
            info.parsed.tokens = reparsed(path)
    bodies: dict[str, NoteRecord] = {}
    for path in paths:
        bodies[path] = resolve_note(path, context)
        if release and kept.pop(path, None) is not None and path in sources:
            # its body is made: parse it again only if a later body embeds it
            context.notes[path].parsed.tokens = reparsed(path)
        for done in loaded:
            if extra + len(sources[done]) <= room:
                extra += len(sources[done])
            else:
                recent[done] = None
                recent.move_to_end(done)
        loaded.clear()
        while len(recent) > KEEP_PARSED_AGAIN:
            gone, _ = recent.popitem(last=False)
            context.notes[gone].parsed.tokens = reparsed(gone)
    return bodies


def _serve(conn: Connection, notes: list[SourceFile]) -> None:
    """A worker's loop: parse notes and keep their tokens; render their bodies on request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle
    kept: dict[str, ParsedNote] = {}
    held = 0  # bytes of Markdown whose tokens are in ``kept``
    left_out = False  # whether a note parsed here did not fit in ``KEEP_TOKENS_OF``
    sources = {note.path: note.data for note in notes}
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        try:
            if message[0] == "parse":
                facts = []
                for path, data in message[1]:
                    parsed = parse_note(path, data)
                    if held + len(data) <= KEEP_TOKENS_OF:
                        kept[path] = parsed  # the tokens stay here
                        held += len(data)
                    else:
                        left_out = True
                    facts.append(replace(parsed, tokens=[]))
                _reply(conn, facts)
            elif message[0] == "records":
                context: RenderContext = pickle.loads(message[1])
                room = 0 if left_out else KEEP_TOKENS_OF - held
                _reply(conn, _render_releasing(context, message[2], kept, sources, room))
            else:
                return
        except Exception:  # the main process redoes this share; say why on its stderr
            conn.send(("error", traceback.format_exc()))
