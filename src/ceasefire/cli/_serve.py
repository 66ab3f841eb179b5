"""``ceasefire serve``: a local web page with lever sliders, over a JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from .._errors import CeasefireError, InputError
from ._output import err_console

LOOPBACK = "127.0.0.1"


def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. The default serves this machine only; any other "
            "address exposes the server to the network and prints a warning.",
        ),
    ] = LOOPBACK,
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    max_paths: Annotated[
        int, typer.Option(help="Most Monte Carlo paths one request may ask for.", min=1)
    ] = 2000,
) -> None:
    """Serve the JSON API (OpenAPI at /docs) and a page with lever and premise sliders."""
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError as exc:
        raise CeasefireError(
            f"`ceasefire serve` needs the serve extra ({exc.name} is missing): "
            "pip install 'ceasefire[serve]'"
        ) from None
    from ..report._server import Limits, create_app, is_loopback

    if not host.strip():
        raise InputError("--host: empty address")
    exposed = not is_loopback(host)
    if exposed:
        err_console.print(
            f"[yellow]warning[/yellow]: listening on {host}: anyone who can reach this "
            "machine can run the model (and use its CPU); there is no authentication. "
            f"Use --host {LOOPBACK} to serve this machine only.",
            soft_wrap=True,
        )
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"ceasefire serving on http://{shown}:{port}/ (Ctrl-C to stop)")
    application = create_app(Limits(max_paths=max_paths), allowed_hosts=["*"] if exposed else None)
    uvicorn.run(application, host=host, port=port, log_level="warning")
