"""``python -m newscrawl.snapshot {build,serve,copy}``."""

import argparse
import shutil
import signal
import sys
from pathlib import Path

from . import SNAPSHOT_DIR

SNAPSHOT_PARTS = ("manifest.json", "expected.json", "site")


def copy_snapshot(dest, root=None):
    """Copy a snapshot (manifest, ground truth, site files) to ``dest`` for editing in tests."""
    src = Path(root) if root is not None else SNAPSHOT_DIR
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for part in SNAPSHOT_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, dest / part, dirs_exist_ok=True)
        elif (src / part).exists():
            shutil.copy2(src / part, dest / part)
    return dest


def serve(port, root=None, host="127.0.0.1"):
    from .server import make_server

    httpd = make_server(root, port, host)
    print(httpd.url, flush=True)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        sys.stderr.write("snapshot server stopped\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m newscrawl.snapshot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="regenerate site/, manifest.json and expected.json")
    p_serve = sub.add_parser("serve", help="serve the snapshot on loopback")
    p_serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p_serve.add_argument("--root", default=None, help="a snapshot copy to serve instead")
    p_serve.add_argument("--host", default="127.0.0.1", help="a loopback address")
    p_copy = sub.add_parser("copy", help="copy the snapshot to DEST")
    p_copy.add_argument("dest")
    args = parser.parse_args(argv)

    if args.command == "build":
        from .build import build

        counts = build()
        print(" ".join(f"{k}={v}" for k, v in counts.items()))
    elif args.command == "serve":
        try:
            serve(args.port, args.root, args.host)
        except ValueError as exc:
            parser.error(str(exc))
    elif args.command == "copy":
        print(copy_snapshot(args.dest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
