"""``ceasefire serve``: a JSON API over ``analyze`` and a page with lever and premise sliders.

Safety, by construction:

- Requests never name server files: a scenario is a built-in id or YAML text in the body;
  the scenario format has no includes, and YAML anchors/aliases are refused (no
  exponential expansion).
- Limits: request body size, YAML size, Monte Carlo paths, months simulated, the number
  of runs at once and the wall time of a run. A request over a limit or otherwise bad gets
  a 4xx with a one-line ``{"error": ...}``; the server answers no request with a traceback.
- It listens on 127.0.0.1 unless told otherwise (``ceasefire serve --host``).
"""

from __future__ import annotations

import asyncio
import itertools
import math
import threading
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._errors import CeasefireError
from ..scenario import _scenario
from ..scenario._registry import LEVERS, PARAMETERS

__all__ = ["Limits", "RunRequest", "create_app"]


@dataclass(frozen=True)
class Limits:
    """What one request may ask for."""

    max_body_bytes: int = 256_000
    max_yaml_chars: int = 200_000
    max_paths: int = 2_000
    max_months: int = 120
    max_seconds: float = 30.0
    max_concurrent: int = 2
    interactive_paths: int = 200


Knot = Annotated[list[float], Field(min_length=2, max_length=2)]
LeverValue = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class RunRequest(BaseModel):
    """Body of ``POST /run``: a scenario (built-in ``scenario`` id or ``yaml`` text) and
    optional levers, parameters, paths and seed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["scenario"]}, {"required": ["yaml"]}]},
    )

    scenario: str | None = Field(
        default=None,
        description="a built-in scenario id (GET /scenarios); give this or `yaml`",
        max_length=100,
    )
    yaml: str | None = Field(
        default=None, description="a whole scenario as YAML text; give this or `scenario`"
    )
    levers: dict[str, LeverValue | Annotated[list[Knot], Field(min_length=1, max_length=240)]] = (
        Field(
            default_factory=dict,
            description="lever -> value held from month 0, or [[month, value], ...] knots "
            "(interpolated, the last held)",
        )
    )
    parameters: dict[str, Annotated[float, Field(allow_inf_nan=False)]] = Field(
        default_factory=dict, description="engine parameter -> value (within its bounds)"
    )
    paths: int = Field(default=200, ge=1, description="Monte Carlo paths")
    seed: int = Field(default=0, ge=0, le=2**32 - 1)

    @field_validator("levers")
    @classmethod
    def _known_levers(cls, v: dict[str, Any]) -> dict[str, Any]:
        for name, val in v.items():
            if name not in LEVERS:
                raise ValueError(f"unknown lever {name!r} (levers: {', '.join(LEVERS)})")
            if isinstance(val, list):
                months = [k[0] for k in val]
                if months[0] < 0 or any(b <= a for a, b in itertools.pairwise(months)):
                    raise ValueError(f"lever {name!r}: knot months must start >= 0 and increase")
                if months[-1] > 600 or not all(math.isfinite(m) for m in months):
                    raise ValueError(f"lever {name!r}: knot months must lie in [0, 600]")
                if not all(0.0 <= k[1] <= 1.0 for k in val):
                    raise ValueError(f"lever {name!r}: knot values must lie in [0, 1]")
        return v

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, v: dict[str, float]) -> dict[str, float]:
        for name, val in v.items():
            p = PARAMETERS.get(name)
            if p is None:
                raise ValueError(f"unknown parameter {name!r} (see GET /scenarios/{{id}})")
            if not p.lo <= val <= p.hi:
                raise ValueError(f"parameter {name!r}: {val:g} must lie in [{p.lo:g}, {p.hi:g}]")
        return v


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": _one_line(message)}, status_code=status)


class BodyLimit:
    """ASGI middleware: refuse a request body over ``limit`` bytes with 413."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        too_big = _error(413, f"request body over the limit of {self.limit} bytes")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await too_big(scope, receive, send)
            return
        # Read the body first (bounded), then hand it to the application: a body without
        # a Content-Length is held to the same limit.
        chunks: list[bytes] = []
        seen = 0
        more = True
        while more:
            msg = await receive()
            if msg.get("type") != "http.request":
                break
            chunk = msg.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                await too_big(scope, receive, send)
                return
            chunks.append(chunk)
            more = bool(msg.get("more_body", False))
        body = b"".join(chunks)
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _no_aliases(text: str) -> None:
    """Refuse YAML that uses anchors/aliases (they can expand exponentially)."""
    from ..scenario._yaml import load_yaml

    tree = load_yaml(text, file="<request yaml>")
    seen: set[int] = set()
    stack = [tree]
    count = 0
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                raise ApiError(422, "YAML anchors and aliases are not accepted by the server")
            seen.add(id(node))
            count += 1
            if count > 50_000:
                raise ApiError(413, "the YAML has too many nodes")
            stack.extend(node.values() if isinstance(node, dict) else node)


def _scenario_from(req: RunRequest, limits: Limits) -> Any:
    if (req.scenario is None) == (req.yaml is None):
        raise ApiError(422, "give exactly one of `scenario` (a built-in id) or `yaml`")
    if req.scenario is not None:
        if req.scenario not in _scenario.builtin_ids():
            raise ApiError(404, f"no built-in scenario {req.scenario!r}")
        return _scenario.load(req.scenario)
    text = req.yaml or ""
    if len(text) > limits.max_yaml_chars:
        raise ApiError(413, f"yaml over the limit of {limits.max_yaml_chars} characters")
    _no_aliases(text)
    return _scenario.loads(text, file="<request yaml>")


def _with_parameters(sc: Any, parameters: dict[str, float]) -> Any:
    if not parameters:
        return sc
    if sc.engine is None:
        raise ApiError(422, f"scenario {sc.id!r} has no engine section: parameters do not apply")
    from ..scenario._changes import with_parameters

    return with_parameters(sc, **{k: float(v) for k, v in parameters.items()})


def _lever_paths(levers: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    out: dict[str, Any] = {}
    for name, val in levers.items():
        if isinstance(val, list):
            months = [k[0] for k in val]
            t = np.arange(math.ceil(months[-1]) + 1, dtype=float)
            out[name] = list(np.interp(t, months, [k[1] for k in val]))
        else:
            out[name] = float(val)
    return out


def run_request(req: RunRequest, limits: Limits) -> dict[str, Any]:
    """Do the work of ``POST /run`` (synchronously); ApiError for a bad request."""
    from .._analysis import analyze
    from ._data import _plain

    if req.paths > limits.max_paths:
        raise ApiError(422, f"paths {req.paths} over the limit of {limits.max_paths}")
    sc = _scenario_from(req, limits)
    if req.levers and sc.engine is None:
        raise ApiError(422, f"scenario {sc.id!r} has no engine section: levers do not apply")
    sc = _with_parameters(sc, req.parameters)
    if sc.engine is not None and sc.engine_spec.horizon_months > limits.max_months:
        raise ApiError(
            422,
            f"the scenario simulates {sc.engine_spec.horizon_months} months: the server's "
            f"limit is {limits.max_months}",
        )
    res = analyze(sc, seed=req.seed, paths=req.paths, levers=_lever_paths(req.levers) or None)
    data: dict[str, Any] = _plain(res.to_dict())
    return data


def scenario_info(sid: str) -> dict[str, Any]:
    """What GET /scenarios/{id} returns: the scenario's structure, levers and parameters."""
    sc = _scenario.load(sid)
    out: dict[str, Any] = {
        "id": sc.id,
        "title": sc.title,
        "as_of": sc.as_of.isoformat(),
        "description": sc.description,
        "issues": [
            {
                "id": i.id,
                "label": i.label,
                "anchors": i.anchors.model_dump(),
                "status_quo": i.status_quo.value,
            }
            for i in sc.issues
        ],
        "actors": [{"id": a.id, "name": a.name, "kind": a.kind, "veto": a.veto} for a in sc.actors],
        "plans": [{"id": p.id, "label": p.label} for p in sc.proposals],
        "levers": {},
        "parameters": {},
        "yaml": _scenario.builtin_text(sid),
    }
    if sc.engine is not None:
        spec = sc.engine_spec
        for name in LEVERS:
            base = spec.levers.get(name)
            out["levers"][name] = {
                "value": base.value if base is not None else 0.0,
                "path": base.path if base is not None else None,
            }
        for name, p in PARAMETERS.items():
            q = spec.parameters.get(name)
            out["parameters"][name] = {
                "value": q.value if q is not None else p.default,
                "range": list(q.range) if q is not None and q.range is not None else None,
                "lo": p.lo,
                "hi": p.hi,
                "unit": p.unit,
                "meaning": p.meaning,
            }
    return out


LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(limits: Limits | None = None, *, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The FastAPI application (``uvicorn.run(create_app())``).

    ``allowed_hosts``: the Host headers accepted (default: loopback names only, so that
    a web page elsewhere cannot reach a local server by DNS rebinding); ``["*"]`` for a
    server deliberately exposed with ``ceasefire serve --host``.
    """
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    lim = limits or Limits()
    app = FastAPI(
        title="ceasefire",
        summary="Run ceasefire's analysis of a war scenario with your levers and premises.",
        version=_version(),
    )
    app.add_middleware(BodyLimit, limit=lim.max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_NAMES)

    class Run(RunRequest):  # the paths limit of this server, stated in its schema
        model_config = ConfigDict(title="RunRequest")
        paths: int = Field(
            default=min(200, lim.max_paths),
            ge=1,
            le=lim.max_paths,
            description="Monte Carlo paths",
        )

    slots = threading.BoundedSemaphore(lim.max_concurrent)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        if not errs:
            return _error(422, "invalid request")
        e = errs[0]
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        msg = str(e.get("msg", "invalid"))
        return _error(422, f"{where}: {msg}" if where else msg)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        from ._page import page_html

        return HTMLResponse(page_html(lim.__dict__))

    @app.get("/assets/vega.js", include_in_schema=False)
    async def vega_js() -> Response:
        from ._html import _vega_bundle

        return Response(
            _vega_bundle(),
            media_type="text/javascript",
            headers={"Cache-Control": "max-age=3600"},
        )

    @app.get("/scenarios", summary="List the built-in scenarios")
    async def scenarios() -> list[dict[str, Any]]:
        out = []
        for sid in _scenario.builtin_ids():
            sc = _scenario.load(sid)
            out.append(
                {
                    "id": sid,
                    "title": sc.title,
                    "as_of": sc.as_of.isoformat(),
                    "actors": len(sc.actors),
                    "issues": len(sc.issues),
                    "plans": len(sc.proposals),
                    "engine": sc.engine is not None,
                }
            )
        return out

    @app.get(
        "/scenarios/{scenario_id}",
        summary="One built-in scenario: issues, actors, plans, levers, parameters, YAML",
        responses={404: {"description": "no such scenario"}},
    )
    async def scenario(scenario_id: str) -> dict[str, Any]:
        if scenario_id not in _scenario.builtin_ids():
            raise ApiError(404, f"no built-in scenario {scenario_id!r}")
        return scenario_info(scenario_id)

    @app.get("/limits", summary="What one request may ask for")
    async def limits_() -> dict[str, Any]:
        return dict(lim.__dict__)

    async def run(req: RunRequest) -> dict[str, Any]:
        if not slots.acquire(blocking=False):
            raise ApiError(429, "the server is busy with other runs: try again shortly")
        loop = asyncio.get_running_loop()
        done: asyncio.Future[dict[str, Any]] = loop.create_future()

        def deliver(result: dict[str, Any] | None, exc: ApiError | None) -> None:
            try:
                loop.call_soon_threadsafe(_settle, done, result, exc)
            except RuntimeError:  # the loop has closed: nobody waits for this run any more
                pass

        def work() -> None:
            try:
                result = run_request(req, lim)
            except ApiError as exc:
                deliver(None, exc)
            except CeasefireError as exc:
                deliver(None, ApiError(422, str(exc)))
            except Exception as exc:  # a bad input the checks above let through
                deliver(None, ApiError(422, f"could not run this request: {exc}"))
            else:
                deliver(result, None)
            finally:
                slots.release()

        threading.Thread(target=work, daemon=True, name="ceasefire-run").start()
        try:
            return await asyncio.wait_for(asyncio.shield(done), timeout=lim.max_seconds)
        except TimeoutError:
            raise ApiError(
                422,
                f"the run took longer than the server's limit of {lim.max_seconds:g} s: "
                "ask for fewer paths",
            ) from None

    run.__annotations__["req"] = Run  # this server's limits, in its schema
    app.post(
        "/run",
        summary="Run the analysis; the same JSON as `ceasefire run --json`",
        responses={
            404: {"description": "no such built-in scenario"},
            413: {"description": "request over a size limit"},
            422: {"description": "invalid request, or a run over a limit"},
            429: {"description": "the server is busy with other runs"},
        },
    )(run)

    return app


def _settle(
    fut: asyncio.Future[dict[str, Any]], result: dict[str, Any] | None, exc: ApiError | None
) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result or {})


def _version() -> str:
    from .. import __version__

    return __version__


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
