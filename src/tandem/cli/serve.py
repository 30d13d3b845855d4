"""`tandem serve`: the production ASGI server (uvicorn) for the web app and API."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(2, min=1, help="Worker processes."),
    proxy_headers: bool = typer.Option(
        False, help="Trust X-Forwarded-* from a reverse proxy on this machine."
    ),
) -> None:
    """Serve tandem with uvicorn (not Django's development server)."""
    import uvicorn
    from rich.console import Console

    Console(stderr=True).print(f"[bold]tandem[/] serving on [link]http://{host}:{port}[/]")
    uvicorn.run(
        "tandem.asgi:application",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
