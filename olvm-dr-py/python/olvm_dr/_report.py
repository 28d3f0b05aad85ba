"""The records of a run's report (``Report.vms``, ``Report.steps``, ...) and of a check of a site
(``Verification.differences``). Sites are ``primary`` or ``secondary``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ._record import Record

Outcome = Literal["done", "already_done", "skipped", "failed", "blocked", "not_run"]
"""How a step ended: ``done``, ``already_done``, ``skipped``, ``failed``, ``blocked`` or
``not_run``."""


@dataclass(frozen=True, kw_only=True)
class VmOutcome(Record):
    """One VM's outcome on one site; a part that was not to be done is ``None``.

    Args:
        site (str): The site.
        name (str): Name.
        id (str): Id.
        registered (Outcome | None): Registration.
        started (Outcome | None): Start.
        up (Outcome | None): Reached ``up``.
        stopped (Outcome | None): Shut down or powered off (a site being released).
        error (str | None): What failed, if anything.
        macs_reassigned (list[tuple[str, str, str]]): NICs whose MAC the Engine changed at
            registration: ``(nic, from, to)``.
        cluster (str | None): The cluster it was registered into (its id when its name could
            not be read); ``None`` when this run did not register it.
    """

    site: str
    name: str
    id: str
    registered: Outcome | None
    started: Outcome | None
    up: Outcome | None
    stopped: Outcome | None
    error: str | None
    macs_reassigned: list[tuple[str, str, str]]
    cluster: str | None


@dataclass(frozen=True, kw_only=True)
class EntityOutcome(Record):
    """A storage domain's or template's outcome on one site (the worst of its steps).

    Args:
        site (str): The site.
        name (str): Name.
        id (str | None): Id, when known.
        outcome (Outcome): Merged outcome.
        error (str | None): What failed, if anything.
        duration_ms (int): Total time of its steps, in milliseconds.
    """

    site: str
    name: str
    id: str | None
    outcome: Outcome
    error: str | None
    duration_ms: int


@dataclass(frozen=True, kw_only=True)
class StepResult(Record):
    """One step's result.

    Args:
        id (str): The step id.
        phase (str): Its phase.
        site (str): Its site.
        summary (str): What it did.
        outcome (Outcome): How it ended.
        error (str | None): Why it failed, was blocked or did not run.
        error_kind (str | None): The Engine error kind when an Engine call failed
            (``lease_held``, ...).
        started_ms (int | None): Milliseconds since the run started when it started.
        duration_ms (int): How long it took, in milliseconds.
        attempts (int): How many attempts it needed.
        lease_wait_ms (int): Time spent in the calls that acquire a storage lease (attach,
            activate), in milliseconds.
        hint (str | None): For a failed step: what it means, what to do, and the command that
            continues the run.
    """

    id: str
    phase: str
    site: str
    summary: str
    outcome: Outcome
    error: str | None
    error_kind: str | None
    started_ms: int | None
    duration_ms: int
    attempts: int
    lease_wait_ms: int
    hint: str | None


@dataclass(frozen=True, kw_only=True)
class Rto(Record):
    """Where the recovery time went, in milliseconds.

    Args:
        lease_wait_ms (int): Longest wait for a storage lease held by the other site.
        storage_ms (int): iSCSI logins, imports, attaches and activations.
        registration_ms (int): Discovery and registration of templates and VMs.
        start_ms (int): Start requests.
        vms_up_ms (int): Waiting for started VMs to be up.
        total_ms (int): The whole run.
    """

    lease_wait_ms: int
    storage_ms: int
    registration_ms: int
    start_ms: int
    vms_up_ms: int
    total_ms: int


@dataclass(frozen=True, kw_only=True)
class StepCounts(Record):
    """Counts of steps by outcome.

    Args:
        done (int): Steps that did their work.
        already_done (int): Steps whose effect was already in place.
        skipped (int): Steps the plan said to skip.
        failed (int): Steps that failed.
        blocked (int): Steps not run because a step they depend on failed.
        not_run (int): Steps not run because the run stopped first (on error, or interrupted).
    """

    done: int
    already_done: int
    skipped: int
    failed: int
    blocked: int
    not_run: int


@dataclass(frozen=True, kw_only=True)
class AddressOutcome(Record):
    """One address a recovery plan changed at a VM's start.

    Args:
        vm (str): The VM.
        interface (str): The guest's interface.
        old (str): Its address on the source.
        new (str): The address cloud-init was given.
        applied (bool | None): ``True`` when the guest reported the new address after its
            start, ``False`` when it reported others (a guest without cloud-init keeps its own
            configuration: a hook must change it), ``None`` when its wait did not read them.
    """

    vm: str
    interface: str
    old: str
    new: str
    applied: bool | None


@dataclass(frozen=True, kw_only=True)
class GroupOutcome(Record):
    """One group of a run that followed a recovery plan.

    Args:
        name (str): The group's name.
        started (int): How many of its VMs were started.
        first_start_ms (int | None): From the run's start to the group's first start, in
            milliseconds.
        time_to_up_ms (int | None): From its first start to the end of its last wait: the
            group's time to up, in milliseconds.
        outcome (Outcome): How the group ended.
        not_passed (list[str]): Its VMs that did not pass their wait.
        addresses (list[AddressOutcome]): The address changes of its VMs.
    """

    name: str
    started: int
    first_start_ms: int | None
    time_to_up_ms: int | None
    outcome: Outcome
    not_passed: list[str]
    addresses: list[AddressOutcome]


@dataclass(frozen=True, kw_only=True)
class HookOutcome(Record):
    """One hook or manual step of a run that followed a recovery plan.

    Args:
        step (str): Its step id.
        kind (str): ``hook`` or ``manual``.
        point (str): Where in the plan: ``before_run``, ``before``, ``before_start``, ...;
            ``manual`` for a manual step.
        group (str | None): Its group, if any.
        vm (str | None): Its VM's name, if any.
        what (str): The command (a hook) or the question (a manual step).
        outcome (Outcome): How its step ended.
        passed (bool | None): A hook's command succeeded (``False`` when it failed and the run
            went on, or the operator confirmed to go on); ``None`` when it did not end.
        exit (int | None): The command's exit status, when it exited.
        started_ms (int | None): From the run's start to the step's start, in milliseconds.
        duration_ms (int): How long the step took, in milliseconds.
        note (str | None): Why it failed or did not pass, or who confirmed it.
        stdout (str): The end of what the command printed on stdout.
        stderr (str): The end of what the command printed on stderr.
    """

    step: str
    kind: str
    point: str
    group: str | None
    vm: str | None
    what: str
    outcome: Outcome
    passed: bool | None
    exit: int | None
    started_ms: int | None
    duration_ms: int
    note: str | None
    stdout: str
    stderr: str


@dataclass(frozen=True, kw_only=True)
class Difference(Record):
    """One difference between what should be and what is.

    Args:
        entity (str): What it is about, e.g. ``VM 'web01'``.
        problem (str): What is wrong.
    """

    entity: str
    problem: str
