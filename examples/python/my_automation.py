"""An example of a site's own DR automation built on olvm_dr: fail over, then tell the on-call
channel what happened in one line. test_my_automation.py tests it against the fake world."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import olvm_dr

Notify = Callable[[str], None]


def recover(
    mapping: olvm_dr.Mapping,
    engines: Mapping[str, olvm_dr.Engine],
    notify: Notify,
    state_dir: str | None = None,
) -> bool:
    """Fails over to the secondary and sends one message; `True` when everything came up."""
    try:
        report = olvm_dr.failover(mapping, engines, state_dir=state_dir)
    except olvm_dr.ValidationError as e:
        errors = [d for d in e.diagnostics if d.is_error]
        notify(f"failover refused: {len(errors)} error(s) in the mapping, first: {errors[0].message}")
        return False
    except olvm_dr.PlanningError as e:
        notify(f"failover refused: {e.diagnostics[0].message}")
        return False
    except olvm_dr.EngineError as e:
        notify(f"failover could not start: the {e.site} Engine failed ({e.kind})")
        return False
    up = [v.name for v in report.vms if v.up == "done"]
    if report.ok:
        notify(f"failover to {report.target} done: {len(up)} VM(s) up")
        return True
    failed = sorted(v.name for v in report.vms if "failed" in (v.registered, v.started, v.up))
    notify(
        f"failover to {report.target} {report.verdict}: {len(up)} VM(s) up, "
        f"failed: {', '.join(failed) or 'none'}"
    )
    return False
