"""A local Telegram Bot API emulator for end-to-end tests, the terminal demo and benchmarks.

The real ``telegram.ext.Application`` talks to it over HTTP exactly as it talks to
api.telegram.org (long polling included), while tests play the users through the Python API
(:meth:`FakeBotAPI.send_text`, :meth:`FakeBotAPI.press`, ...) and wait for the bot's reactions
(:meth:`FakeBotAPI.next_message`, :meth:`FakeBotAPI.wait_for`). Faults and flood limits can be
switched on to test retry and outbox logic. Everything runs on 127.0.0.1; no network needed.

Usage::

    async with FakeBotAPI() as api:
        app = (ApplicationBuilder().token(api.token).base_url(api.base_url)
               .base_file_url(api.base_file_url).build())
        ...
        api.private_chat(42, first_name="Siti")
        await api.send_text(42, "/start")
        reply = await api.next_message(42)
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from bot.testing.fake_methods import BotMethods, canonical_method, normalize_id
from bot.testing.fake_state import DEFAULT_TOKEN, APIError, FakeState, JSONDict, UploadedFile
from bot.testing.fake_users import SimulatedUsers
from bot.testing.faults import SEND_METHODS, Fault, FaultInjector, FloodLimiter, make_fault

__all__ = ["DEFAULT_TOKEN", "Call", "FakeBotAPI"]

log = logging.getLogger(__name__)

# Form values are JSON-encoded by python-telegram-bot except plain strings, which are sent
# raw; these parameters are always strings and must not be JSON-decoded ("123" stays "123").
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "description",
        "short_description",
        "name",
        "language_code",
        "url",
        "title",
        "emoji",
        "action",
        "file_id",
        "phone_number",
        "first_name",
        "last_name",
        "secret_token",
        "business_connection_id",
        "message_effect_id",
        "photo",
        "document",
        "video",
        "voice",
        "audio",
        "animation",
        "sticker",
        "thumbnail",
        "video_note",
    }
)
_UPLOADS = "__uploads__"


# When the request being handled arrived: each aiohttp request runs in its own task, so each
# sees its own value.
_request_started: ContextVar[float] = ContextVar("request_started")


@dataclass
class Call:
    """One HTTP request the bot made, as recorded by the emulator."""

    method: str
    params: JSONDict
    status: int
    time: float  # time.monotonic() when the response was decided
    result: Any = None
    description: str | None = None
    started: float = 0.0  # time.monotonic() when the request arrived (a long poll waits between)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def chat_id(self) -> Any:
        return normalize_id(self.params.get("chat_id"))

    @property
    def message(self) -> JSONDict | None:
        """The Message the call produced (send/edit methods), else None."""
        if isinstance(self.result, dict) and "message_id" in self.result and "chat" in self.result:
            return self.result
        return None

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        shown = {k: v for k, v in self.params.items() if k in ("chat_id", "text", "message_id")}
        return f"<Call {self.method} {shown} -> {outcome}>"


def _decode(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def read_params(request: web.Request) -> JSONDict:
    """Decode query, form-encoded (JSON values), multipart or JSON bodies into one dict.

    Uploaded files replace the parameter of the same name; all uploads are also available
    under ``params["__uploads__"]`` to resolve ``attach://name`` references.
    """
    params: JSONDict = {key: _decode(key, value) for key, value in request.query.items()}
    uploads: dict[str, UploadedFile] = {}
    content_type = request.content_type
    if content_type == "application/json" and request.can_read_body:
        body = await request.json()
        if not isinstance(body, dict):
            raise APIError(400, "Bad Request: request body must be a JSON object")
        params.update(body)
    elif content_type.startswith("multipart/"):
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or not part.name:
                continue  # nested multipart: never sent by Bot API clients
            if part.filename is not None:
                data = await part.read(decode=False)
                mime = part.headers.get(hdrs.CONTENT_TYPE, "")
                uploads[part.name] = UploadedFile(part.name, part.filename, mime, bytes(data))
            else:
                params[part.name] = _decode(part.name, await part.text())
    elif request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = _decode(key, value)
    for name, upload in uploads.items():
        params.setdefault(name, upload)
    params[_UPLOADS] = uploads
    return params


class FakeBotAPI(SimulatedUsers):
    """The emulator: an aiohttp server on 127.0.0.1 plus the test-facing Python API."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "test_bot",
        bot_name: str = "Test Bot",
        strict_html: bool = True,
        callback_query_ttl: float | None = None,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.callback_query_ttl = callback_query_ttl
        self.state = FakeState(token, bot_username, bot_name)
        self.methods = BotMethods(self.state, strict_html=strict_html)
        self.faults = FaultInjector()
        self.calls: list[Call] = []
        self.stats: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self._action_mark = 0
        self._cursors: dict[int, int] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._call_listeners: list[Callable[[Call], None]] = []
        self.state.message_listeners.append(self._count_message)

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> FakeBotAPI:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._serve_file)
        # handler_cancellation: a client that gave up (timeout) must not keep handlers alive.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.state.closing = False
        log.debug("fake Bot API listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        self.state.close()  # release long polls so shutdown is immediate
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url()``; PTB appends the token and method."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url()``."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        return copy.deepcopy(self.state.bot_user)

    # -- HTTP --------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        _request_started.set(time.monotonic())
        name = request.match_info["method"]
        method = canonical_method(name) or name
        token = request.match_info["token"]
        if token != self.token:
            return self._error(method, {}, APIError(401, "Unauthorized"))
        if canonical_method(name) is None:
            return self._error(method, {}, APIError(404, "Not Found"))
        try:
            params = await read_params(request)
        except APIError as exc:
            return self._error(method, {}, exc)
        except (ValueError, UnicodeDecodeError) as exc:
            return self._error(method, {}, APIError(400, f"Bad Request: can't parse body: {exc}"))
        recorded = {key: value for key, value in params.items() if key != _UPLOADS}
        chat_id = normalize_id(params.get("chat_id"))

        fault = self.faults.pick_failure(method, chat_id)
        if fault is not None and not fault.deliver:
            return self._error(method, recorded, fault)
        flood = self.faults.flood if method in SEND_METHODS else None
        is_group = isinstance(chat_id, int) and chat_id < 0
        paid = params.get("allow_paid_broadcast") in (True, "true", "True")
        if flood is not None:
            retry_after = flood.check(chat_id, is_group, paid)
            if retry_after is not None:
                return self._error(
                    method, recorded, make_fault(429, retry_after=retry_after, source="flood")
                )
        try:
            result = self.methods.call(method, params)
            if inspect.isawaitable(result):
                result = await result
        except APIError as exc:
            return self._error(method, recorded, exc)
        if flood is not None:
            flood.record(chat_id, is_group, len(result) if isinstance(result, list) else 1, paid)
        if fault is not None:  # delivered, but the bot is told it failed
            self.stats["delivered_despite_error"] += 1
            return self._error(method, recorded, fault, result=result)

        self._record(method, recorded, 200, result=result)
        delay = self.faults.pick_delay(method, chat_id)
        if delay:
            self.stats["delayed"] += 1
            await asyncio.sleep(delay)  # already delivered: the "timeout hides a success" case
        return _json_response(200, {"ok": True, "result": result})

    def _error(
        self, method: str, params: JSONDict, error: APIError | Fault, result: Any = None
    ) -> web.Response:
        if isinstance(error, Fault):
            status, description, parameters = error.status, error.description, error.parameters()
            self.stats["flood_429" if error.source == "flood" else f"{error.source}_failures"] += 1
        else:
            status, description, parameters = error.status, error.description, error.parameters
        self._record(method, params, status, result=result, description=description)
        body: JSONDict = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return _json_response(status, body)

    def _record(
        self,
        method: str,
        params: JSONDict,
        status: int,
        result: Any = None,
        description: str | None = None,
    ) -> None:
        now = time.monotonic()
        call = Call(method, params, status, now, result, description, _request_started.get(now))
        self.calls.append(call)
        self.stats["requests"] += 1
        self.stats[f"http_{status}"] += 1
        self.stats["ok" if call.ok else "errors"] += 1
        if not call.ok:
            log.debug("fake Bot API: %r", call)
        for listener in list(self._call_listeners):
            try:
                listener(call)
            except Exception:
                log.exception("on_call callback failed")
        self.state.changed.fire()

    async def _serve_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json_response(
                401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return web.Response(body=stored.data, content_type=stored.mime_type)

    # -- observing the bot -------------------------------------------------------------------
    def _user_acted(self) -> None:
        self._action_mark = len(self.calls)

    def mark(self) -> int:
        """Current position in :attr:`calls`; pass as ``since=`` to :meth:`wait_for`."""
        return len(self.calls)

    async def wait_for(
        self,
        predicate: Callable[[Call], bool] | str | None = None,
        *,
        method: str | Iterable[str] | None = None,
        chat_id: int | str | None = None,
        count: int = 1,
        timeout: float = 5.0,
        since: int | None = None,
        ok: bool | None = True,
    ) -> list[Call]:
        """Wait until ``count`` recorded calls match and return the first ``count`` of them.

        ``predicate`` may be a callable on :class:`Call` or a method name. Only calls recorded
        since the last simulated user action are considered unless ``since`` is given (0 for
        all). ``ok=True`` (default) matches successful calls only, ``False`` failed ones only,
        ``None`` both. Raises TimeoutError listing the recent calls.
        """
        if isinstance(predicate, str):
            method, predicate = predicate, None
        methods = _method_set(method)
        wanted_chat = normalize_id(chat_id)
        found: list[Call] = []
        position = self._action_mark if since is None else since

        def matches(call: Call) -> bool:
            return (
                (methods is None or call.method in methods)
                and (wanted_chat is None or call.chat_id == wanted_chat)
                and (ok is None or call.ok == ok)
                and (predicate is None or bool(predicate(call)))
            )

        def check() -> list[Call] | None:
            nonlocal position
            while position < len(self.calls):
                call = self.calls[position]
                position += 1
                if matches(call):
                    found.append(call)
            return found[:count] if len(found) >= count else None

        try:
            return await self.state.changed.wait_for(check, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"wait_for(method={method!r}, chat_id={chat_id!r}, count={count}) timed out "
                f"after {timeout}s with {len(found)} match(es); recent calls: {self.recent()}"
            ) from None

    async def wait_until(
        self, condition: Callable[[], Any], timeout: float = 5.0, poll_interval: float = 0.02
    ) -> Any:
        """Wait until ``condition()`` is truthy and return its value.

        Re-checked on every emulator event (request recorded, message stored) and, for
        conditions on the bot's own state, at least every ``poll_interval`` seconds.
        """
        return await self.state.changed.wait_for(condition, timeout, poll_interval)

    async def wait_quiet(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the bot has taken every queued update and then made no request for
        ``quiet`` seconds.

        For tests that count what the bot did NOT do (stay silent, drop a flood): counting
        right after the last user action sees only the work finished so far.
        """

        def idle_since() -> float:
            last = next((c.time for c in reversed(self.calls) if c.method != "getUpdates"), 0.0)
            return time.monotonic() - last

        def settled() -> bool:
            return not self.state.updates and idle_since() >= quiet

        await self.state.changed.wait_for(settled, timeout, quiet / 4)

    def recent(self, limit: int = 10, include_polls: bool = False) -> list[Call]:
        """The last ``limit`` calls, skipping getUpdates unless asked; handy in assertions."""
        calls = [c for c in self.calls if include_polls or c.method != "getUpdates"]
        return calls[-limit:]

    def messages_to(self, chat_id: int, include_deleted: bool = False) -> list[JSONDict]:
        """Bot messages in ``chat_id`` in send order (current content, edits applied)."""
        chat = self.state.chats.get(normalize_id(chat_id))
        if chat is None:
            return []
        return [
            copy.deepcopy(message)
            for message in chat.bot_sent
            if include_deleted or message["message_id"] not in chat.deleted
        ]

    def history(self, chat_id: int) -> list[JSONDict]:
        """Every message still in the chat (user and bot), by message_id."""
        chat = self.state.chats.get(normalize_id(chat_id))
        if chat is None:
            return []
        return [copy.deepcopy(chat.messages[key]) for key in sorted(chat.messages)]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        chat = self.state.chats.get(normalize_id(chat_id))
        found = chat.messages.get(message_id) if chat else None
        return copy.deepcopy(found) if found else None

    async def next_message(self, chat_id: int, timeout: float = 5.0) -> JSONDict:
        """The next bot message to ``chat_id`` not yet returned by this method."""
        key = normalize_id(chat_id)
        cursor = self._cursors.get(key, 0)

        def check() -> JSONDict | None:
            chat = self.state.chats.get(key)
            if chat is not None and len(chat.bot_sent) > cursor:
                return chat.bot_sent[cursor]
            return None

        try:
            message = await self.state.changed.wait_for(check, timeout)
        except TimeoutError:
            tried = [c for c in self.recent(50) if c.chat_id == key]
            raise TimeoutError(
                f"no new bot message to chat {chat_id} within {timeout}s; "
                f"calls for that chat: {tried[-10:]}"
            ) from None
        self._cursors[key] = cursor + 1
        return copy.deepcopy(message)

    def skip_pending(self, chat_id: int) -> list[JSONDict]:
        """Mark every bot message to ``chat_id`` so far as read for `next_message`, and return
        the ones it had not returned yet (a simulated person looking at the latest message)."""
        key = normalize_id(chat_id)
        chat = self.state.chats.get(key)
        sent = chat.bot_sent if chat is not None else []
        skipped = sent[self._cursors.get(key, 0) :]
        self._cursors[key] = len(sent)
        return copy.deepcopy(skipped)

    def on_bot_message(self, callback: Callable[[JSONDict], Any]) -> Callable[[], None]:
        """Call ``callback(message)`` for every message the bot sends or edits (edited ones
        carry ``edit_date``). Coroutine callbacks are scheduled. Returns an unsubscribe."""

        def listener(message: JSONDict, edited: bool) -> None:
            try:
                outcome = callback(copy.deepcopy(message))
            except Exception:
                log.exception("on_bot_message callback failed")
                return
            if inspect.isawaitable(outcome):
                task = asyncio.ensure_future(outcome)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

        self.state.message_listeners.append(listener)
        return lambda: self.state.message_listeners.remove(listener)

    def on_call(self, callback: Callable[[Call], None]) -> Callable[[], None]:
        """Call ``callback(call)`` synchronously for every recorded request (errors too).
        Returns an unsubscribe function."""
        self._call_listeners.append(callback)
        return lambda: self._call_listeners.remove(callback)

    def _count_message(self, message: JSONDict, edited: bool) -> None:
        self.stats["messages_edited" if edited else "messages_sent"] += 1

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """What setMyCommands stored for this scope and language."""
        params = {"scope": scope, "language_code": language_code}
        return copy.deepcopy(self.state.commands.get(self.methods._scope_key(params), []))

    def descriptions(self) -> dict[tuple[str, str], str]:
        """{(kind, language_code): text} set by setMyDescription/ShortDescription/Name."""
        return dict(self.state.descriptions)

    def reset_stats(self) -> None:
        self.stats.clear()

    # -- fault injection ---------------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int,
        description: str | None = None,
        count: int | None = 1,
        chat_id: int | None = None,
        retry_after: int | None = None,
        *,
        deliver: bool = False,
    ) -> None:
        """Make the next ``count`` calls of ``method`` ("*" = any) fail with ``status``.

        Descriptions default to Telegram's (e.g. 429 → "Too Many Requests: retry after N" with
        parameters.retry_after, default 1). ``deliver=True`` performs the call anyway and
        still answers with the error (a lost response). ``count=None`` fails forever.
        """
        fault = make_fault(status, description, retry_after, deliver)
        self.faults.add_failure(
            canonical_method(method) or method, fault, count, normalize_id(chat_id)
        )

    def delay(
        self, method: str, seconds: float, count: int | None = 1, *, chat_id: int | None = None
    ) -> None:
        """Answer the next ``count`` calls of ``method`` after ``seconds`` — the call IS
        executed first, so a client timeout hides a success."""
        self.faults.add_delay(
            canonical_method(method) or method, seconds, count, normalize_id(chat_id)
        )

    def random_failures(
        self,
        rate: float = 0.3,
        seed: int | None = 1,
        methods: Iterable[str] | None = None,
        statuses: Iterable[int] = (500, 502, 429),
        *,
        retry_after: int = 1,
        deliver_rate: float = 0.0,
    ) -> None:
        """Fail a seeded-random ``rate`` of calls to ``methods`` (default: sending methods).

        ``deliver_rate`` is the share of 5xx failures where the message was in fact sent.
        ``rate=0`` switches random failures off.
        """
        self.faults.set_random(rate, seed, methods, statuses, retry_after, deliver_rate)

    def enforce_flood_limits(
        self,
        bulk_per_second: int | None = 30,
        per_chat_per_second: float | None = 1,
        group_per_minute: int | None = 20,
        *,
        per_chat_burst: int = 3,
        paid_per_second: int | None = 1000,
        reply_window: float = 60.0,
    ) -> None:
        """Reject sends beyond Telegram's limits with 429 + retry_after.

        A send to a chat that has not written to the bot in the last ``reply_window`` seconds
        is *bulk* (a broadcast) and counts against ``bulk_per_second``; replies to people who
        just wrote do not. Per-chat (a token bucket: ``per_chat_burst`` at once, then
        ``per_chat_per_second``) and per-group (a sliding minute) limits apply to every send;
        ``allow_paid_broadcast=True`` sends get ``paid_per_second`` instead of the bulk limit.
        Rejections are counted in ``stats["flood_429"]``; pass None to disable one limit.
        See :class:`bot.testing.faults.FloodLimiter`.
        """
        self.faults.flood = FloodLimiter(
            bulk_per_second,
            per_chat_per_second,
            group_per_minute,
            per_chat_burst=per_chat_burst,
            paid_per_second=paid_per_second,
            reply_window=reply_window,
            last_inbound=lambda chat_id: self.state.last_inbound.get(chat_id),  # type: ignore[arg-type]
        )

    def clear_faults(self) -> None:
        """Remove scripted failures, delays, random failures and flood limits."""
        self.faults.clear()


def _method_set(method: str | Iterable[str] | None) -> set[str] | None:
    if method is None:
        return None
    names = [method] if isinstance(method, str) else list(method)
    return {canonical_method(name) or name for name in names}


def _json_response(status: int, body: JSONDict) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
