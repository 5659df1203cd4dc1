"""Send a repeated request the bytes it got last time, while the answer behind them holds.

FastAPI validates every parameter, runs the dependencies and serialises the
response model on every request. For a weather report the cache already holds,
that work costs several times the cache lookup itself. So a route of class
:class:`ReplayRoute` keeps the body of each successful answer that its endpoint
marked with :func:`replay_while`, under the request's exact path and query
string, together with the endpoint's check that the answer still holds (for
weather: the cache still hands out that very report). The same request later
gets those bytes at once; when the check fails it goes through the endpoint
again. Identical path and query string mean identical parameters, so skipping
their validation changes nothing a client can see. Errors are never replayed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, NamedTuple

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.types import Scope

_MARK = "replay_while"


class _Answer(NamedTuple):
    body: bytes
    headers: list[tuple[bytes, bytes]]  # as sent the first time: Content-Type, Content-Length
    still_holds: Callable[[], bool]


class AnswerReplays:
    """Replayable answers by request path and query string; one per app, made by its lifespan."""

    def __init__(self, *, max_entries: int = 1024) -> None:
        self._max_entries = max_entries
        self._answers: dict[tuple[str, bytes], _Answer] = {}

    def find(self, scope: Scope) -> _Answer | None:
        key = (scope["path"], scope["query_string"])
        answer = self._answers.get(key)
        if answer is not None and not answer.still_holds():
            del self._answers[key]
            return None
        return answer

    def remember(self, scope: Scope, answer: _Answer) -> None:
        if not answer.still_holds():
            return  # e.g. a fresh report handed out as a copy: the next request can be kept
        if len(self._answers) >= self._max_entries:
            self._answers = {k: a for k, a in self._answers.items() if a.still_holds()}
        while len(self._answers) >= self._max_entries:
            del self._answers[next(iter(self._answers))]  # the oldest entry
        self._answers[(scope["path"], scope["query_string"])] = answer

    def __len__(self) -> int:
        return len(self._answers)


def replay_while(request: Request, still_holds: Callable[[], bool]) -> None:
    """Let the same request get this answer's bytes again for as long as ``still_holds()``."""
    setattr(request.state, _MARK, still_holds)


class ReplayRoute(APIRoute):
    """An API route that answers repeated requests from :class:`AnswerReplays` when it can."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def replay_or_handle(request: Request) -> Response:
            replays: AnswerReplays = request.app.state.answer_replays
            answer = replays.find(request.scope)
            if answer is not None:
                replayed = Response(answer.body)
                replayed.raw_headers = list(answer.headers)
                return replayed
            response = await handle(request)
            still_holds: Callable[[], bool] | None = getattr(request.state, _MARK, None)
            # Only a plain 200 with its whole body at hand: no stream, no background task.
            body = getattr(response, "body", None)
            if (
                still_holds is not None
                and response.status_code == 200
                and isinstance(body, bytes)
                and response.background is None
            ):
                replays.remember(
                    request.scope, _Answer(body, list(response.raw_headers), still_holds)
                )
            return response

        return replay_or_handle
