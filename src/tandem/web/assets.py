"""Copy the front-end libraries installed by npm into static files (`make assets`).

The files come from the npm registry through package-lock.json; they are build output, so
src/tandem/web/static/vendor/ is ignored by git and rebuilt by `make run` and `make test`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# (file inside node_modules, name under static/vendor/)
VENDOR_FILES: tuple[tuple[str, str], ...] = (
    ("htmx.org/dist/htmx.min.js", "htmx.min.js"),
    ("chart.js/dist/chart.umd.min.js", "chart.umd.min.js"),
)

TARGET = Path(__file__).resolve().parent / "static" / "vendor"


def build(node_modules: Path) -> list[Path]:
    """Copy every vendor file; raise FileNotFoundError naming the first one npm did not install."""
    TARGET.mkdir(parents=True, exist_ok=True)
    copied = []
    for source, name in VENDOR_FILES:
        path = node_modules / source
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `npm ci` first")
        shutil.copyfile(path, TARGET / name)
        copied.append(TARGET / name)
    return copied


def main() -> None:
    node_modules = Path(sys.argv[1] if len(sys.argv) > 1 else "node_modules")
    try:
        copied = build(node_modules)
    except FileNotFoundError as error:
        print(f"assets: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"assets: {len(copied)} front-end files copied to {TARGET}")


if __name__ == "__main__":
    main()
