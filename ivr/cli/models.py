"""``ivr models list`` and ``ivr models fetch NAME [--dest DIR] [--insecure]``: speech and voice models."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ivr.config import Config
from ivr.errors import ModelError
from ivr.speech.modelstore import MANIFEST, fetch, installed_path, load_manifest


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("models", help="speech recognition and voice models", parents=[common])
    msub = p.add_subparsers(dest="models_command", metavar="ACTION")
    msub.required = True
    ls = msub.add_parser("list", help="the models the manifest knows, and which are installed", parents=[common])
    ls.add_argument("--manifest", type=Path, default=MANIFEST, help=argparse.SUPPRESS)
    ls.set_defaults(run=run_list)
    f = msub.add_parser("fetch", help="download, verify and install a model", parents=[common])
    f.add_argument("name", metavar="NAME", help="vosk-vn, vosk-vn-large or piper-vi")
    f.add_argument("--dest", type=Path, metavar="DIR", help="install folder (default: the asr_models_dir setting)")
    f.add_argument("--insecure", action="store_true",
                   help="install even when the manifest has no publisher digest for a file")
    f.add_argument("--manifest", type=Path, default=MANIFEST, help=argparse.SUPPRESS)
    f.set_defaults(run=run_fetch)


def _size(n: int | None) -> str:
    return "unknown size" if n is None else f"{n / 1_048_576:.1f} MiB"


def run_list(args: argparse.Namespace, cfg: Config) -> int:
    for name, entry in load_manifest(args.manifest).items():
        where = installed_path(entry, cfg.asr_models_dir)
        state = f"installed at {where}" if where else "not installed"
        check = "" if entry.verified else ", no publisher digest"
        print(f"{name:14} {entry.install_as:28} {_size(entry.size)}{check}; {state}")
        print(f"{'':14} {entry.title}")
    return 0


def run_fetch(args: argparse.Namespace, cfg: Config) -> int:
    manifest = load_manifest(args.manifest)
    entry = manifest.get(args.name)
    if entry is None:
        raise ModelError(f"unknown model '{args.name}' (known: {', '.join(manifest)})")
    dest = args.dest or cfg.asr_models_dir
    shown = {"pct": -1}

    def progress(name: str, done: int, total: int | None) -> None:
        if total:
            pct = done * 100 // total
            if pct != shown["pct"] and (pct % 5 == 0 or done == total):
                shown["pct"] = pct
                print(f"\r{name}: {pct:3d}% of {_size(total)}", end="", file=sys.stderr, flush=True)

    target = fetch(entry, dest, insecure=args.insecure, progress=progress)
    print(file=sys.stderr)
    print(f"installed '{entry.name}' at {target}")
    return 0
