"""``ivr prompts render|list|status``: prompt audio for the phone line (recordings, cache, synthesis)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ivr.config import Config
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.tts.recording import coverage, coverage_summary
from ivr.tts.render import PromptRenderer
from ivr.tts.synthesizer import ENGINES


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("prompts", help="prompt audio", parents=[common])
    psub = p.add_subparsers(dest="prompts_command", metavar="ACTION")
    psub.required = True
    r = psub.add_parser("render", parents=[common],
                        help="render every prompt of the catalog to 8 kHz audio (recording, cache or synthesis)")
    r.add_argument("ids", nargs="*", metavar="ID", help="only these prompt ids (default: all)")
    r.add_argument("--engine", choices=ENGINES, help="synthesizer (default: tts_engine from config)")
    r.add_argument("--force", action="store_true", help="synthesize again even when cached")
    r.add_argument("--catalog", type=Path, metavar="PATH", help="prompt catalog (default: prompts_catalog)")
    r.add_argument("--db", action="store_true", help="with the texts admins edited (prompts table of the database)")
    r.set_defaults(run=run_render)
    ls = psub.add_parser("list", parents=[common], help="list prompts and where their audio comes from")
    ls.add_argument("--catalog", type=Path, metavar="PATH", help="prompt catalog (default: prompts_catalog)")
    ls.set_defaults(run=run_list)
    st = psub.add_parser("status", parents=[common],
                         help="coverage of human recordings: which prompts are still synthesized")
    st.add_argument("--catalog", type=Path, metavar="PATH", help="prompt catalog (default: prompts_catalog)")
    st.add_argument("--db", action="store_true", help="with the texts admins edited (prompts table of the database)")
    st.add_argument("--json", action="store_true", help="print one JSON object")
    st.set_defaults(run=run_status)


def _catalog(args: argparse.Namespace, cfg: Config) -> PromptCatalog:
    catalog = load_catalog(args.catalog or cfg.prompts_catalog)
    if getattr(args, "db", False):
        from sqlalchemy import select

        from ivr.store.database import Database, check_schema
        from ivr.store.models import Prompt

        db = Database(cfg.db_url)
        try:
            check_schema(db.engine)
            with db.session() as s:
                edits = {p.id: p.text for p in s.scalars(select(Prompt)) if p.text.strip() and p.id in catalog}
        finally:
            db.dispose()
        catalog = catalog.with_overrides(edits)
    return catalog


def run_render(args: argparse.Namespace, cfg: Config) -> int:
    catalog = _catalog(args, cfg)
    with PromptRenderer(cfg, catalog=catalog, engine=args.engine) as renderer:
        report = renderer.render_catalog(catalog, force=args.force, ids=args.ids or None)
        engine = renderer.engine
    width = max((len(pid) for pid in catalog.texts), default=10)
    for item in report.items:
        extra = f"  synthesis {item.synth_s:.2f} s" if item.source == "synthesized" else ""
        print(f"{item.prompt_id:<{width}}  {item.source:<11}  {item.duration_s:5.1f} s{extra}")
    for pid in report.dynamic:
        slots = ", ".join(sorted(catalog.placeholders(pid)))
        print(f"{pid:<{width}}  {'at runtime':<11}      - (filled in during the call: {slots})")
    print(f"{engine}: {report.summary()}; cache {cfg.prompt_cache_dir}")
    return 0


LABELS = {"recording": "recording", "synthesis": "synthesis", "stale": "stale rec."}


def run_list(args: argparse.Namespace, cfg: Config) -> int:
    catalog = _catalog(args, cfg)
    width = max((len(pid) for pid in catalog.texts), default=10)
    for item in coverage(cfg, catalog.texts.items()):
        source = LABELS[item.source] + ("*" if item.dynamic else "")  # stale: synthesis plays instead
        print(f"{item.prompt_id:<{width}}  {source:<11}  {item.text}")
    print(f"{len(catalog.texts)} prompts in {catalog.path}; * = filled in during the call")
    return 0


def run_status(args: argparse.Namespace, cfg: Config) -> int:
    """Exit 0 either way: missing recordings are a to-do for staff, not a failure."""
    catalog = _catalog(args, cfg)
    base = load_catalog(args.catalog or cfg.prompts_catalog)
    items = coverage(cfg, catalog.texts.items(), defaults=dict(base.texts))
    summary = coverage_summary(items)
    if args.json:
        summary["items"] = [{"id": i.prompt_id, "source": i.source, "dynamic": i.dynamic} for i in items]
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    print(f"recorded {summary['recorded']} of {summary['recordable']} fixed prompts "
          f"({100 * summary['coverage']:.0f}%); {summary['stale']} recorded for older words; "
          f"{summary['dynamic']} filled in during calls (always synthesized)")
    for pid in summary["missing"]:
        print(f"  still synthesized: {pid}")
    return 0
