"""A real tandem server (uvicorn, its own database, the demo loaded) and Debian's chromium.

The server runs as a separate process exactly as `make run` starts it, so the browser tests
cover installation, migrations, the demo, static files and the production server together.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
# As root, chromium needs --no-sandbox; the network flags stop it calling hosts this machine
# cannot reach (see ../shared/RECIPES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(os.environ.get("TANDEM_ARTIFACTS", "artifacts")) / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tandem(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "tandem", *args], env=env, check=True, capture_output=True
    )


@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment for a server with its own data directory and, on PostgreSQL, its own database."""
    env = {**os.environ, "TANDEM_DATA_DIR": str(tmp_path_factory.mktemp("server"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url = os.environ.get("TANDEM_DATABASE_URL")
    database = None
    if url:
        import psycopg

        database = f"tandem_browser_{uuid.uuid4().hex[:12]}"
        base, _, _ = url.rpartition("/")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        env["TANDEM_DATABASE_URL"] = f"{base}/{database}"
    try:
        yield env
    finally:
        if database and url:
            import psycopg

            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def live_tandem(server_env: dict[str, str]) -> Iterator[str]:
    """The base URL of a served tandem with the demo organisation loaded."""
    _tandem(["db", "upgrade"], server_env)
    _tandem(["demo"], server_env)
    port = _free_port()
    log_path = Path(server_env["TANDEM_DATA_DIR"]) / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem", "serve", "--port", str(port), "--workers", "1"],
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                log.close()
                output = log_path.read_text()[-2000:]
                raise RuntimeError(f"tandem serve did not start: {output}") from None
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page; console errors (CSP violations among them) are kept."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
