"""``python -m newscrawl.snapshot {build,serve,copy}``."""

import argparse
import json
import shutil
import signal
import sys
from pathlib import Path

from . import SNAPSHOT_DIR

SNAPSHOT_PARTS = ("manifest.json", "expected.json", "site", "variants.json", "site-variants")


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


def serve(port, root=None, host="127.0.0.1", faults=None, seed=0, faults_report=None,
          latency=0.0, variants=(), scale=None, scale_changed=0.0):
    from .server import make_server

    httpd = make_server(root, port, host, faults=faults, seed=seed, latency=latency,
                        variants=variants, scale=scale, scale_changed=scale_changed)
    print(httpd.url, flush=True)
    if scale:
        site = httpd.scale_site
        sys.stderr.write(f"scale site: {site.n} articles, seed {site.seed}"
                         + (f", {scale_changed:g}% changed: {site.added} added, "
                            f"{len(site.changed_indices()[1])} updated" if scale_changed else "")
                         + "\n")
        sys.stderr.flush()
    if httpd.faults is not None:
        sys.stderr.write(f"{httpd.faults.spec.describe()}; seed {seed}\n")
        sys.stderr.flush()
    if variants:
        sys.stderr.write(f"variants: {', '.join(variants)}\n")
        sys.stderr.flush()

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        if httpd.faults is not None:
            httpd.faults.stop()
        httpd.server_close()
        if httpd.faults is not None:
            report = httpd.faults.report()
            sys.stderr.write(httpd.faults.summary() + "\n")
            sys.stderr.write("faults injected (json): " + json.dumps(
                {k: report[k] for k in ("seed", "requests", "total", "by_kind")}) + "\n")
            if faults_report:
                with open(faults_report, "w", encoding="utf-8") as f:
                    json.dump(report, f, indent=1)
                    f.write("\n")
        sys.stderr.write("snapshot server stopped\n")


def serve_warc(parser, args):
    """``serve --warc FILE...``: replay an archive (newscrawl.archive.replay)."""
    from newscrawl.archive.reader import ArchiveError
    from newscrawl.archive.replay import serve as replay

    if args.root or args.faults:
        parser.error("--warc serves an archive: --root and --faults do not apply")
    try:
        replay(args.warc, args.port, args.host, latency=args.latency / 1000)
    except (ArchiveError, ValueError) as exc:
        parser.error(str(exc))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m newscrawl.snapshot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="regenerate site/, site-variants/, manifest.json, "
                                  "variants.json and expected.json")
    p_serve = sub.add_parser("serve", help="serve the snapshot on loopback")
    p_serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p_serve.add_argument("--root", default=None, help="a snapshot copy to serve instead")
    p_serve.add_argument("--site", default=None,
                         help="a site of the snapshot: japantimes (default), harbor-gazette, "
                              "northfield-tribune (generic: the first generic site)")
    p_serve.add_argument("--host", default="127.0.0.1", help="a loopback address")
    p_serve.add_argument("--faults", default=None, metavar="SPEC",
                         help="inject faults into listing and article pages, e.g. "
                              "'rate=0.2,max_per_path=2' or '500=0.05,429=0.03,hang=0.01' "
                              "(docs/faults.md)")
    p_serve.add_argument("--seed", type=int, default=0, help="fault seed (default 0)")
    p_serve.add_argument("--faults-report", default=None, metavar="FILE",
                         help="write what was injected (JSON) to FILE on shutdown")
    p_serve.add_argument("--latency", type=float, default=0, metavar="MS",
                         help="every answer waits MS milliseconds first, like a distant "
                              "site (default 0)")
    p_serve.add_argument("--variant", action="append", default=[], metavar="NAME",
                         help="serve a second state of the site over the base one "
                              "(variants.json: updated, broken); repeatable")
    p_serve.add_argument("--warc", nargs="+", default=None, metavar="FILE",
                         help="serve these WARC files instead of the snapshot "
                              "(newscrawl.archive.replay, docs/warc.md)")
    p_serve.add_argument("--scale", type=int, default=None, metavar="N",
                         help="serve a generated site of N articles instead of the snapshot "
                              "(pages made on request from --seed)")
    p_serve.add_argument("--scale-changed", type=float, default=0.0, metavar="PERCENT",
                         help="with --scale: the site's second state, PERCENT of its articles "
                              "added or updated (half each)")
    p_copy = sub.add_parser("copy", help="copy the snapshot to DEST")
    p_copy.add_argument("dest")
    args = parser.parse_args(argv)

    if args.command == "build":
        from .build import build

        counts = build()
        print(" ".join(f"{k}={v}" for k, v in counts.items()))
    elif args.command == "serve":
        from .server import MAX_LATENCY

        if not 0 <= args.latency <= MAX_LATENCY * 1000:
            parser.error(f"--latency: between 0 and {MAX_LATENCY * 1000} ms, "
                         f"got {args.latency:g}")
        if args.warc:
            return serve_warc(parser, args)
        if args.faults is not None:
            from .faults import FaultSpec, FaultSpecError

            try:
                FaultSpec.parse(args.faults)
            except FaultSpecError as exc:
                parser.error(f"--faults: {exc}")
        try:
            root = args.root
            if args.site is not None:
                if root is not None:
                    parser.error("--root and --site: give one")
                from . import snapshot_root

                root = snapshot_root(args.site)
            serve(args.port, root, args.host, faults=args.faults, seed=args.seed,
                  faults_report=args.faults_report, latency=args.latency / 1000,
                  variants=tuple(args.variant), scale=args.scale,
                  scale_changed=args.scale_changed)
        except ValueError as exc:
            parser.error(str(exc))
    elif args.command == "copy":
        print(copy_snapshot(args.dest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
