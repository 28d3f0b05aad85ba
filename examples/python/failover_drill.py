#!/usr/bin/env python3
"""A failover as a script: check the mapping against both sites, show the plan, run it with
progress lines, print the report, exit 0 only when everything succeeded.

Against your Engines (the role's mapping and passwords files, unchanged):

    python failover_drill.py --mapping disaster_recovery_vars.yml \\
        --passwords passwords.yml --state-dir /var/lib/olvm-dr

Without any Engine, on a fake pair of sites whose primary has just been lost:

    python failover_drill.py --simulate --yes

The plan you approve is the plan that runs. If the run is interrupted (Ctrl-C, a crash), run
the same command with --resume: it continues from the journal in --state-dir.

Exit status: 0 success; 1 the mapping has errors, the plan was not approved, or the failover
did not fully succeed; 2 bad arguments or configuration.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

import olvm_dr


def show_progress(event: dict[str, Any]) -> None:
    """One line per phase and per failed step, on stderr."""
    if event["event"] == "phase_started":
        print(f"== {event['phase']}", file=sys.stderr)
    elif event["event"] == "step_finished" and event["outcome"] == "failed":
        print(f"   FAILED: {event['summary']}: {event['error']}", file=sys.stderr)


def check(mapping: olvm_dr.Mapping, engines: Mapping[str, olvm_dr.Engine], target: str) -> bool:
    """The offline and online checks; the source site may be down (that is the disaster)."""
    findings = olvm_dr.validate(
        mapping, offline=False, engines=engines, target=target, source_may_be_down=True
    )
    for d in findings:
        if d.severity != "info":
            print(d, file=sys.stderr)
    errors = [d for d in findings if d.is_error]
    if errors:
        print(f"{len(errors)} error(s) in the mapping: nothing was changed", file=sys.stderr)
    return not errors


def run(
    mapping: olvm_dr.Mapping,
    engines: Mapping[str, olvm_dr.Engine],
    args: argparse.Namespace,
) -> int:
    """Checks, plans, asks, runs, reports."""
    target: str = args.target
    if args.resume:
        report = olvm_dr.failover(
            mapping, engines, target=target, state_dir=args.state_dir, progress=show_progress
        )
    else:
        if not check(mapping, engines, target):
            return 1
        plan = olvm_dr.plan_failover(mapping, engines, target=target)
        print(plan.render())
        if not args.yes and input("Run this plan? Type 'yes' to go on: ").strip() != "yes":
            print("not confirmed; nothing was changed", file=sys.stderr)
            return 1
        report = olvm_dr.failover(
            mapping,
            engines,
            target=target,
            plan=plan,
            state_dir=args.state_dir,
            resume=False,
            progress=show_progress,
        )
    print(report.render())
    not_up = [v.name for v in report.vms if v.started == "done" and v.up != "done"]
    if not_up:
        print(f"started but not up: {', '.join(sorted(not_up))}", file=sys.stderr)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mapping", help="the role's mapping file")
    parser.add_argument("--passwords", help="the passwords file (plain or ansible-vault)")
    parser.add_argument("--vault-password", help="the ansible-vault password, if encrypted")
    parser.add_argument("--target", default="secondary", help="the site to fail over to")
    parser.add_argument("--state-dir", help="where the run's plan, journal and report are kept")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run")
    parser.add_argument("--yes", action="store_true", help="do not ask before running")
    parser.add_argument("--simulate", action="store_true", help="use a fake pair of sites")
    args = parser.parse_args(argv)

    try:
        if args.simulate:
            from olvm_dr.testing import World

            world = World("small", seed=1)
            mapping = world.mapping()
            world.lose("primary")
            return run(mapping, world.engines(), args)
        if not (args.mapping and args.passwords):
            parser.error("give --mapping and --passwords (or --simulate)")
        mapping = olvm_dr.Mapping.load(args.mapping, vault_password=args.vault_password)
        engines = mapping.connect(passwords=args.passwords)
        try:
            return run(mapping, engines, args)
        finally:
            for engine in engines.values():
                try:
                    engine.close()  # SSO logout; a dark site cannot be logged out of
                except olvm_dr.EngineError:
                    pass
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
        print("interrupted: run again with --resume to continue", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
