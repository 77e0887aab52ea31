"""Flow loading and validation: every problem gets one exact line."""
from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from ivr import ROOT
from ivr.engine.flow import load_flow, load_flow_text
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.errors import FlowError

CATALOG = PromptCatalog({"hello": "Xin chào", "menu": "Bấm 1", "bye": "Tạm biệt", "oops": "Xin lỗi",
                         "human": "Chuyển máy", "num": "Đọc số", "confirm": "Số {value} đúng không"})
HEADER = """\
flow: t
start: menu
defaults: {fallback: human}
prompts: {no_input: oops, no_match: oops, invalid_number: oops}
nodes:
"""
GOOD_NODES = """\
  menu:
    kind: ask
    prompt: menu
    choices:
      - {dtmf: "1", intent: emergency, next: bye}
  human:
    kind: handoff
    prompt: human
  bye:
    kind: hangup
    prompt: bye
"""


def problems(nodes: str, header: str = HEADER) -> list[str]:
    with pytest.raises(FlowError) as info:
        load_flow_text(header + textwrap.indent(textwrap.dedent(nodes), "  "), "f.yaml", CATALOG)
    return info.value.problems


def test_valid_flow_compiles_to_a_transition_table() -> None:
    flow = load_flow_text(HEADER + GOOD_NODES, "f.yaml", CATALOG)
    assert flow.start == "menu"
    assert flow.target("menu", "dtmf:1") == "bye"
    assert flow.target("menu", "intent:emergency") == "bye"
    assert flow.target("menu", "fallback") == "human"
    assert flow.nodes["menu"].line == 7  # the line where the node body starts


def test_default_flow_and_catalog_are_valid() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    assert flow.name == "covid_f0"
    assert flow.global_intents["emergency"] == "emergency"
    # every question falls back to a human
    for node in flow.nodes.values():
        if node.listens:
            assert flow.nodes[node.fallback].kind in ("handoff", "escalate"), node.id


def test_on_unclear_must_be_an_escalation() -> None:
    header = HEADER.replace("nodes:\n", "on_unclear: human\nnodes:\n")
    assert problems(GOOD_NODES, header) == [
        "f.yaml: node '(file)': on_unclear 'human' must be an 'escalate' node (a caller who spoke and was not "
        "understood is escalated), got kind 'handoff'"]
    header = HEADER.replace("nodes:\n", "on_unclear: ghost\nnodes:\n")
    assert problems(GOOD_NODES, header) == [
        "f.yaml: node '(file)': transition 'unclear' points to unknown node 'ghost'"]


def test_default_flow_escalates_what_it_cannot_understand() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    assert flow.on_unclear is not None
    node = flow.nodes[flow.on_unclear]
    assert (node.kind, node.mode) == ("escalate", "live")
    assert "115" in catalog.text(node.prompt or "", {})


def test_unknown_reprompt_id() -> None:
    assert problems("""\
        menu: {kind: ask, prompt: menu, reprompt: nope, choices: [{dtmf: "1", next: human}]}
        human: {kind: handoff, prompt: human}
    """) == ["f.yaml: node 'menu': unknown prompt id 'nope'"]


def test_unknown_prompt_id() -> None:
    assert problems("""\
        menu: {kind: ask, prompt: nope, choices: [{dtmf: "1", next: human}]}
        human: {kind: handoff, prompt: human}
    """) == ["f.yaml: node 'menu': unknown prompt id 'nope'"]


def test_dangling_transition() -> None:
    assert problems("""\
        menu: {kind: ask, prompt: menu, choices: [{dtmf: "1", next: ghost}]}
        human: {kind: handoff, prompt: human}
    """) == ["f.yaml: node 'menu': transition 'dtmf:1' points to unknown node 'ghost'"]


def test_unreachable_node() -> None:
    assert problems("""\
        menu: {kind: ask, prompt: menu, choices: [{dtmf: "1", next: human}]}
        human: {kind: handoff, prompt: human}
        lost: {kind: hangup, prompt: bye}
    """) == ["f.yaml: node 'lost': unreachable from start node 'menu'"]


def test_missing_fallback() -> None:
    header = HEADER.replace("defaults: {fallback: human}\n", "")
    assert problems("""\
        menu: {kind: ask, prompt: menu, choices: [{dtmf: "1", next: human}]}
        human: {kind: handoff, prompt: human}
    """, header) == ["f.yaml: node 'menu': missing fallback (a 'ask' node needs 'fallback' or defaults.fallback)"]


def test_fallback_must_not_hang_up() -> None:
    assert problems("""\
        menu: {kind: ask, prompt: menu, fallback: bye, choices: [{dtmf: "1", next: human}]}
        human: {kind: handoff, prompt: human}
        bye: {kind: hangup, prompt: bye}
    """) == ["f.yaml: node 'menu': fallback 'bye' hangs up: a failing caller must reach a human"]


def test_fallback_that_hangs_up_later_is_refused() -> None:
    """A fallback to an apology that then hangs up leaves a failing caller without a human."""
    assert problems("""\
        menu: {kind: ask, prompt: menu, fallback: sorry, choices: [{dtmf: "1", next: human}]}
        sorry: {kind: say, prompt: oops, next: bye}
        human: {kind: handoff, prompt: human}
        bye: {kind: hangup, prompt: bye}
    """) == ["f.yaml: node 'menu': fallback 'sorry' never reaches a human: sorry -> bye hangs up "
             "(a failing caller must reach an escalate or handoff node, or a question whose fallback does)"]


def test_fallback_through_a_branch_must_reach_a_human_on_every_case() -> None:
    assert problems("""\
        menu: {kind: ask, prompt: menu, fallback: route, choices: [{dtmf: "1", next: human}]}
        route: {kind: branch, cases: [{when: {risk: high}, next: human}], else: bye}
        human: {kind: handoff, prompt: human}
        bye: {kind: hangup, prompt: bye}
    """) == ["f.yaml: node 'menu': fallback 'route' never reaches a human: route -> bye hangs up "
             "(a failing caller must reach an escalate or handoff node, or a question whose fallback does)"]


def test_retry_questions_whose_fallbacks_loop_never_reach_a_human() -> None:
    assert problems("""\
        menu: {kind: ask, prompt: menu, fallback: again, choices: [{dtmf: "1", next: human}]}
        again: {kind: ask, prompt: menu, fallback: menu, choices: [{dtmf: "1", next: human}]}
        human: {kind: handoff, prompt: human}
    """) == [
        "f.yaml: node 'menu': fallback 'again' never reaches a human: again -> menu -> again loops "
        "(a failing caller must reach an escalate or handoff node, or a question whose fallback does)",
        "f.yaml: node 'again': fallback 'menu' never reaches a human: menu -> again -> menu loops "
        "(a failing caller must reach an escalate or handoff node, or a question whose fallback does)",
    ]


def test_fallback_to_a_retry_that_reaches_a_human_is_fine() -> None:
    flow = load_flow_text(HEADER + textwrap.indent(textwrap.dedent("""\
        menu: {kind: ask, prompt: menu, fallback: sorry, choices: [{dtmf: "9", next: bye}]}
        sorry: {kind: say, prompt: oops, next: again}
        again: {kind: menu, prompt: menu, fallback: escalate, choices: [{dtmf: "9", next: bye}]}
        escalate: {kind: escalate, prompt: human, risk: medium, next: bye}
        bye: {kind: hangup, prompt: bye}
    """), "  "), "f.yaml", CATALOG)
    assert flow.target("menu", "fallback") == "sorry"


def test_bad_yaml_names_the_line() -> None:
    with pytest.raises(FlowError) as info:
        load_flow_text("flow: t\nnodes:\n  a: [unclosed\n  b: 1\n", "f.yaml", CATALOG)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("f.yaml: node '(file)': invalid YAML at line ")
    assert info.value.lines[0] is not None


def test_unknown_kind_field_intent_and_key() -> None:
    assert problems("""\
        menu:
          kind: ask
          prompt: menu
          colour: red
          choices:
            - {dtmf: "*", next: human}
            - {dtmf: "2", intent: dance, next: human}
        human: {kind: handoff, prompt: human}
        odd: {kind: teleport}
    """) == [
        "f.yaml: node 'menu': unknown field 'colour' for kind 'ask'",
        "f.yaml: node 'menu': choice 1: dtmf must be one key 0-9, # or A-D ('*' means repeat), got '*'",
        "f.yaml: node 'menu': choice 2: unknown intent 'dance'",
        "f.yaml: node 'odd': unknown kind 'teleport' (expected one of say, ask, menu, collect, checklist, branch, "
        "escalate, record, handoff, hangup)",
    ]


def test_collect_and_branch_checks() -> None:
    assert problems("""\
        menu: {kind: collect, prompt: num, vital: oxygen, min: 100, max: 50, next: route}
        route: {kind: branch, cases: [{when: {risk: dire}, next: human}]}
        human: {kind: handoff, prompt: human}
    """) == [
        "f.yaml: node 'menu': unknown vital 'oxygen' (expected one of spo2, temperature, breathing_rate, pulse, "
        "systolic_bp, diastolic_bp)",
        "f.yaml: node 'menu': 'min' 100 must be below 'max' 50",
        "f.yaml: node 'route': missing 'else' (a branch must always lead somewhere)",
        "f.yaml: node 'route': case 1: unknown risk level 'dire'",
    ]


def test_missing_file() -> None:
    with pytest.raises(FlowError) as info:
        load_flow("/nonexistent/x.yaml", CATALOG)
    assert info.value.problems == ["/nonexistent/x.yaml: node '(file)': file not found"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / ".venv" / "bin" / "ivr"), *args], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})


def test_cli_validate_ok_and_broken(tmp_path: Path) -> None:
    ok = run_cli("flows", "validate", str(ROOT / "callflows" / "covid_f0.yaml"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout == ""
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "callflows" / "covid_f0.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("prompt: goodbye", "prompt: goodbyee"), encoding="utf-8")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("flow: x\nnodes: [\n", encoding="utf-8")
    res = run_cli("flows", "validate", str(ROOT / "callflows" / "covid_f0.yaml"), str(broken), str(bad_yaml))
    assert res.returncode == 2
    lines = res.stdout.splitlines()
    assert lines[0] == f"{broken}: node 'goodbye': unknown prompt id 'goodbyee'"
    assert lines[1].startswith(f"{bad_yaml}: node '(file)': invalid YAML at line 3")
    assert len(lines) == 2
