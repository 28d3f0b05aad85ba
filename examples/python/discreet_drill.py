#!/usr/bin/env python3
"""The discreet failover test as a monthly script: refresh the OVF stores on the primary, start
the drill on the secondary with every vNIC unplugged (the primary keeps running production),
verify the secondary, print a short summary, end the drill; exit 0 only when all of it
succeeded.

Against your Engines (the role's mapping and passwords files, unchanged), with the commands your
storage administrator uses to split the replicas off for the drill and to resume replication
afterwards (each must exit 0 once the arrays are ready; both get OLVM_DR_GATE):

    python discreet_drill.py --mapping disaster_recovery_vars.yml \\
        --passwords passwords.yml --state-dir /var/lib/olvm-dr \\
        --split-command /usr/local/sbin/split-dr-replicas \\
        --resume-command /usr/local/sbin/resume-dr-replication

Without the commands the script asks on the terminal at each of the two storage steps.

Without any Engine, on a fake pair of sites (one OVF store made three hours old first):

    python discreet_drill.py --simulate

The drill's runs are journaled in --state-dir: if the script is interrupted while the drill
runs, `olvm-dr drill end --state-dir DIR` ends it (and `olvm-dr report list` shows the runs).

Exit status: 0 every step succeeded; 1 an OVF store was not written, the drill did not fully
succeed, the secondary differs from what the drill should have left, or the drill did not end
cleanly; 2 bad arguments or configuration; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import olvm_dr

# A storage step: a command (run by olvm_dr, OLVM_DR_GATE in its environment) or a callable
# (description, gate=..., site=...) that returns what confirmed the step.
Gate = Callable[[str, str, str], str]


@dataclass
class StorageSteps:
    """How the arrays are told: split the replicas off (drill start), resume replication (end)."""

    split_command: str | None = None
    resume_command: str | None = None
    ask: Gate | None = None


@dataclass
class Outcome:
    """What the drill found, for the summary and the exit status."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def ok(self, line: str) -> None:
        self.lines.append(line)

    def bad(self, line: str) -> None:
        self.lines.append(line)
        self.problems.append(line)


def age(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h {rest // 60}m" if hours else f"{rest // 60}m {rest % 60}s"


def oldest(ages: list[olvm_dr.OvfAge | None]) -> str:
    """The oldest known age; a real Engine's API often shows none (its OVF_STORE disks are
    described only as 'OVF_STORE'), and then the finished update jobs are the evidence."""
    known = [a.age_seconds for a in ages if a is not None and a.age_seconds is not None]
    return age(max(known)) if known else "unknown"


def show_progress(event: dict[str, Any]) -> None:
    """One line per phase and per failed step, on stderr."""
    if event["event"] == "phase_started":
        print(f"== {event['phase']}", file=sys.stderr)
    elif event["event"] == "step_finished" and event["outcome"] == "failed":
        print(f"   FAILED: {event['summary']}: {event['error']}", file=sys.stderr)


def refresh_ovf(mapping: olvm_dr.Mapping, engines: Mapping[str, olvm_dr.Engine], out: Outcome) -> bool:
    """The guide's "Update OVFs" on the primary: what changed there today reaches the replicas
    before they are split off."""
    update = olvm_dr.ovf_update(mapping, engines, site="primary")
    written = sum(1 for d in update.domains if d.updated)
    # The Engine writes only stores something changed on; the others had nothing to update.
    unchanged = sum(1 for d in update.domains if d.outcome == "unchanged")
    line = (
        f"OVF stores on the primary: {written + unchanged} of {len(update.domains)} current "
        f"({written} written, {unchanged} with nothing to update; "
        f"oldest before: {oldest([d.before for d in update.domains])}, "
        f"after: {oldest([d.after for d in update.domains])})"
    )
    if not update.all_updated:
        out.bad(line)
        for d in update.domains:
            if not (d.updated or d.outcome == "unchanged"):
                out.lines.append(f"  {d.name}: {d.outcome}: {d.reason}")
        return False
    out.ok(line)
    return True


def gate_options(command: str | None, ask: Gate | None) -> dict[str, Any]:
    return {"storage_ready_command": command} if command else {"storage_gate": ask}


def drill(
    mapping: olvm_dr.Mapping,
    engines: Mapping[str, olvm_dr.Engine],
    *,
    state_dir: str,
    steps: StorageSteps,
    progress: Callable[[dict[str, Any]], None] | None = show_progress,
) -> Outcome:
    """Refreshes the OVF stores, starts the drill, verifies, ends the drill. Nothing starts
    after a failed OVF update; a drill that ran is ended, whatever its verdict."""
    out = Outcome()
    if not refresh_ovf(mapping, engines, out):
        out.lines.append("the drill was not started: the replicas would miss the latest changes")
        return out

    start = olvm_dr.drill_start(
        mapping,
        engines,
        target="secondary",
        isolation="unplugged",
        state_dir=state_dir,
        progress=progress,
        **gate_options(steps.split_command, steps.ask),
    )
    up = sum(1 for v in start.vms if v.up == "done")
    line = (
        f"drill start: {start.verdict} in {start.rto.total_ms / 1000:.1f} s (run {start.run_id}), "
        f"{up} VM(s) up on the secondary with their NICs unplugged"
    )
    (out.ok if start.ok else out.bad)(line)
    for failure in start.failures:
        out.lines.append(f"  {failure.summary}: {failure.error}")

    check = olvm_dr.verify(mapping, engines, site="secondary", state_dir=state_dir, run=start.run_id)
    line = f"verification of the secondary: {len(check.differences)} difference(s) ({check.domains} domains, {check.vms} VMs)"
    (out.ok if check.clean else out.bad)(line)
    for d in check.differences:
        out.lines.append(f"  {d.entity}: {d.problem}")

    end = olvm_dr.drill_end(
        mapping,
        engines,
        site="secondary",
        state_dir=state_dir,
        progress=progress,
        **gate_options(steps.resume_command, steps.ask),
    )
    line = f"drill end: {end.verdict} (run {end.run_id}), replication resumed"
    (out.ok if end.ok else out.bad)(line)
    for failure in end.failures:
        out.lines.append(f"  {failure.summary}: {failure.error}")
    return out


def summary(out: Outcome) -> str:
    verdict = "PASSED" if not out.problems else f"FAILED ({len(out.problems)} problem(s))"
    return "\n".join(["Discreet failover test:", *(f"  {line}" for line in out.lines), f"Result: {verdict}"])


def ask_on_terminal(description: str, gate: str, site: str) -> str:
    """The storage administrator confirms each storage step on the terminal."""
    print(f"\n[{gate}] {description}", file=sys.stderr)
    if input("Type 'done' once the arrays are ready: ").strip() != "done":
        raise RuntimeError(f"{gate} not confirmed")
    return "confirmed on the terminal"


def simulate(state_dir: str | None) -> int:
    from olvm_dr.testing import World

    # A short lease timeout: the drill site waits for the leases its split copies carry.
    world = World("small", seed=1, lease_timeout=0.5)
    mapping = world.mapping()
    # Today's change on the primary, not yet in its OVF stores: a VM its owner stopped.
    running = [v.name for v in world.vms("primary") if v.status == "up" and v.name != "HostedEngine"]
    if running:
        world.stop_vm("primary", running[0])

    def arrays(description: str, gate: str, site: str) -> str:
        if gate == "split-replication":
            world.isolate_replication()
        elif gate == "resume-replication":
            world.resync_replication()
        return f"simulated arrays: {gate}"

    with tempfile.TemporaryDirectory(prefix="olvm-dr-drill-") as tmp:
        out = drill(mapping, world.engines(), state_dir=state_dir or tmp, steps=StorageSteps(ask=arrays))
    print(summary(out))
    return 0 if not out.problems else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mapping", help="the role's mapping file")
    parser.add_argument("--passwords", help="the passwords file (plain or ansible-vault)")
    parser.add_argument("--vault-password", help="the ansible-vault password, if encrypted")
    parser.add_argument("--state-dir", help="where the drill's plans, journals and reports are kept")
    parser.add_argument("--split-command", help="splits the replicas off for the drill (exit 0: done)")
    parser.add_argument("--resume-command", help="resumes replication after the drill (exit 0: done)")
    parser.add_argument("--simulate", action="store_true", help="use a fake pair of sites")
    args = parser.parse_args(argv)

    try:
        if args.simulate:
            return simulate(args.state_dir)
        if not (args.mapping and args.passwords and args.state_dir):
            parser.error("give --mapping, --passwords and --state-dir (or --simulate)")
        if not (args.split_command and args.resume_command) and not sys.stdin.isatty():
            parser.error("without a terminal, give --split-command and --resume-command")
        steps = StorageSteps(args.split_command, args.resume_command, ask_on_terminal)
        mapping = olvm_dr.Mapping.load(args.mapping, vault_password=args.vault_password)
        engines = mapping.connect(passwords=args.passwords)
        try:
            out = drill(mapping, engines, state_dir=args.state_dir, steps=steps)
        finally:
            for engine in engines.values():
                try:
                    engine.close()
                except olvm_dr.EngineError:
                    pass
        print(summary(out))
        return 0 if not out.problems else 1
    except (olvm_dr.ConfigurationError, olvm_dr.FileError, olvm_dr.RunStateError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (olvm_dr.ValidationError, olvm_dr.PlanningError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except olvm_dr.EngineError as e:
        print(f"error: the {e.site or 'an'} Engine: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: `olvm-dr drill end --state-dir DIR` ends a drill left running", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
