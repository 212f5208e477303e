"""Step results, the progress display while the story runs, and the final report (a table, or
JSON with `--json`)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from .checks import FAIL, PASS, SKIP, Check

JSON = dict[str, Any]


@dataclass
class StepResult:
    step: str
    action: str | None = None
    checks: list[Check] = field(default_factory=list)
    latency_ms: float | None = None
    ack_ms: float | None = None
    message_id: str | None = None
    transaction_id: str | None = None
    note: str = ""
    skip_reason: str = ""

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    @property
    def result(self) -> str:
        if any(c.result == FAIL for c in self.checks):
            return FAIL
        if self.skip_reason or any(c.result == SKIP and c.name == "deg" for c in self.checks):
            return SKIP
        return PASS if self.checks else SKIP

    @property
    def ok(self) -> bool:
        return self.result != FAIL

    @property
    def detail(self) -> str:
        """The first difference found, or why the step was skipped, or what passed."""
        first_failure = next((c for c in self.checks if c.result == FAIL), None)
        if first_failure is not None:
            return f"{first_failure.name}: {first_failure.detail}"
        if self.skip_reason.startswith("not run"):
            return self.skip_reason
        if self.skip_reason:
            return f"skipped: {self.skip_reason}"
        deg_skip = next((c for c in self.checks if c.result == SKIP and c.name == "deg"), None)
        if deg_skip is not None:
            return f"skipped: {deg_skip.detail}"
        parts = [self.note] if self.note else []
        parts += [f"{c.name} skipped" for c in self.checks if c.result == SKIP]
        return "; ".join(p for p in parts if p)

    def as_json(self) -> JSON:
        return {
            "step": self.step,
            "action": self.action,
            "result": self.result,
            "latency_ms": _round(self.latency_ms),
            "ack_ms": _round(self.ack_ms),
            "detail": self.detail,
            "message_id": self.message_id,
            "transaction_id": self.transaction_id,
            "checks": [c.as_json() for c in self.checks],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class Report:
    mode: str
    bpp_url: str
    bap_id: str
    bap_uri: str
    spec: str | None
    strict: bool = False
    steps: list[StepResult] = field(default_factory=list)
    started_at: str = ""
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        results = [s.result for s in self.steps]
        return {
            "passed": results.count(PASS),
            "failed": results.count(FAIL),
            "skipped": results.count(SKIP),
        }

    @property
    def ok(self) -> bool:
        counts = self.counts()
        if not self.steps or counts["failed"]:
            return False
        return not (self.strict and counts["skipped"])

    @property
    def exit_status(self) -> int:
        return 0 if self.ok else 1

    def as_json(self) -> JSON:
        return {
            "tool": "sunbeckn-simulate",
            "mode": self.mode,
            "bpp_url": self.bpp_url,
            "bap_id": self.bap_id,
            "bap_uri": self.bap_uri,
            "spec": self.spec,
            "strict": self.strict,
            "started_at": self.started_at,
            "ok": self.ok,
            "exit_status": self.exit_status,
            "summary": self.counts(),
            "notes": self.notes,
            "steps": [s.as_json() for s in self.steps],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2)

    def table(self, width: int = 100) -> str:
        headers = ("step", "result", "latency ms", "detail")
        rows = [
            (
                s.step,
                s.result.upper(),
                "" if s.latency_ms is None else f"{s.latency_ms:.0f}",
                s.detail,
            )
            for s in self.steps
        ]
        step_w = max(len(headers[0]), *(len(r[0]) for r in rows)) if rows else len(headers[0])
        lines = [
            f"{headers[0]:<{step_w}}  {headers[1]:<6}  {headers[2]:>10}  {headers[3]}",
            f"{'-' * step_w}  {'-' * 6}  {'-' * 10}  {'-' * 6}",
        ]
        for step, result, latency, detail in rows:
            lines.append(f"{step:<{step_w}}  {result:<6}  {latency:>10}  {detail}")
        counts = self.counts()
        verdict = "PASS" if self.ok else "FAIL"
        tail = f"{len(self.steps)} steps: {counts['passed']} passed, {counts['failed']} failed, "
        tail += f"{counts['skipped']} skipped"
        if self.strict and counts["skipped"]:
            tail += " (--strict: a skipped step fails the run)"
        lines += ["", f"{tail} -> {verdict}"]
        return "\n".join(lines)


class Progress:
    """One line per event while the steps run (to stderr with --json, or nowhere with
    --quiet)."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.stream = stream or sys.stdout
        self.enabled = enabled

    def say(self, text: str) -> None:
        if self.enabled:
            print(text, file=self.stream, flush=True)

    def step(self, index: int, total: int, name: str, text: str) -> None:
        self.say(f"[{index}/{total}] {name}: {text}")

    def done(self, index: int, total: int, result: StepResult) -> None:
        latency = "" if result.latency_ms is None else f" ({result.latency_ms:.0f} ms)"
        detail = result.detail
        self.say(
            f"[{index}/{total}] {result.step}: {result.result.upper()}{latency}"
            + (f" - {detail}" if detail else "")
        )
