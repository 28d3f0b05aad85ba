"""The records of checks and plans: a finding (``Diagnostic``), a plan's step (``PlanStep``),
what ``verify`` found (``Verification``), and the OVF store ages and updates (``OvfAge``,
``OvfDomainAge``, ``OvfFreshness``, ``OvfDomainUpdate``, ``OvfUpdate``). The extension fills
them from the core's values; a record's texts (``str()``, ``render()``, ``to_json()``) are the
core's, as the command line prints them."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from ._record import Record
from ._report import Difference

Clock = Literal["engine", "local"]
"""Whose clock ages are measured against: ``engine`` (the Engine reported its time) or
``local`` (this machine's; clock skew counts)."""


def _core_text() -> Any:
    """A text the core made (a display form, a JSON document): not a constructor parameter, not
    compared, not shown in the repr."""
    return field(default="", init=False, repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class Diagnostic(Record):
    """One finding: how bad, which rule, where (file, line, column, key path, site, entity), what
    is wrong and what to do about it. ``str()`` gives the core's display form.

    Args:
        severity (Literal['error', 'warning', 'info']): How bad it is.
        code (str): The rule's stable code, e.g. ``DR0101`` (see docs/diagnostics.md).
        file (str | None): The file, when the finding is about one.
        line (int | None): 1-based line.
        column (int | None): 1-based column.
        key (str | None): Key path in the file, e.g. ``dr_import_storages[2].dr_secondary_name``.
        site (str | None): ``primary`` or ``secondary``, when the finding is about a site.
        entity (str | None): The entity, e.g. ``cluster 'prod'``.
        message (str): What is wrong.
        hint (str | None): What to do about it.
    """

    severity: Literal["error", "warning", "info"]
    code: str
    file: str | None
    line: int | None
    column: int | None
    key: str | None
    site: str | None
    entity: str | None
    message: str
    hint: str | None
    _text: str = _core_text()

    @property
    def is_error(self) -> bool:
        """``True`` for an error (errors make a validation fail; warnings and notes do not)."""
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (the JSON output's shape, without empty fields)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None and k != "_text"}

    def __str__(self) -> str:
        return self._text or f"{self.severity}[{self.code}]: {self.message}"


@dataclass(frozen=True, kw_only=True)
class PlanStep(Record):
    """One step of a plan.

    Args:
        id (str): Stable id, e.g. ``attach/data1``, ``register-vm/<id>``.
        site (str): The site it acts on.
        phase (str): Its phase (``storage``, ``vms``, ``start``, ...).
        action (str): What it does, e.g. ``attach_storage_domain``, ``register_vm``.
        summary (str): One line for humans.
        depends_on (list[str]): Steps that must succeed first.
        state (Literal['to_do', 'already_done', 'skipped']): What the planner found.
        reason (str | None): Why it is already done or skipped.
    """

    id: str
    site: str
    phase: str
    action: str
    summary: str
    depends_on: list[str]
    state: Literal["to_do", "already_done", "skipped"]
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class Verification(Record):
    """What ``verify`` found on a site: the mapped domains and registered VMs checked, every
    difference, and the run whose expectations were checked (if any). ``str()`` is
    ``render()``.

    Args:
        site (str): The site verified.
        clean (bool): ``True`` when nothing differs.
        run_id (str | None): The id of the run whose expectations were checked (``None``: the
            mapping only).
        run_kind (Literal['failover', 'failback', 'switchover'] | None): That run's flow.
        drill (bool): ``True`` when that run was a drill.
        expected_up (list[str]): Ids of the VMs that must be up (those the run started).
        domains (int): How many mapped domains were checked.
        vms (int): How many registered VMs were checked.
        differences (list[Difference]): Every difference found.
    """

    site: str
    clean: bool
    run_id: str | None
    run_kind: Literal["failover", "failback", "switchover"] | None
    drill: bool
    expected_up: list[str]
    domains: int
    vms: int
    differences: list[Difference]
    _text: str = _core_text()
    _json: str = _core_text()

    def render(self) -> str:
        """For people: one line, then one line per difference (what ``olvm-dr verify`` prints)."""
        return self._text

    def to_json(self) -> str:
        """As ``olvm-dr verify --output json`` prints it: ``{"schema", "site", "run", "verification"}``."""
        return self._json

    def to_dict(self) -> dict[str, Any]:
        """The same as dicts and lists."""
        data: dict[str, Any] = json.loads(self._json)
        return data

    def __str__(self) -> str:
        return self._text


@dataclass(frozen=True, kw_only=True)
class OvfAge(Record):
    """How old a storage domain's OVF store is: when the Engine last wrote it and how long ago, or
    why that is not known.

    Args:
        last_update (str | None): When the Engine last wrote the store (RFC 3339, UTC), or
            ``None`` when unknown.
        age_seconds (int | None): How long ago, in whole seconds, or ``None`` when unknown.
        unknown (str | None): Why the age is not known, or ``None`` when it is.
    """

    last_update: str | None
    age_seconds: int | None
    unknown: str | None

    @property
    def known(self) -> bool:
        """``True`` when the age is known."""
        return self.age_seconds is not None


@dataclass(frozen=True, kw_only=True)
class OvfDomainAge(Record):
    """One mapped storage domain's OVF store age on a site.

    Args:
        index (int): Its index in ``dr_import_storages``.
        name (str): Its name on the site (or its id).
        domain (str | None): The domain's id, ``None`` when the site does not have it.
        ovf_disks (int): How many OVF_STORE disks it has.
        age (OvfAge | None): Its store's age; ``None`` when the domain is not on the site or not
            an attached data domain (only those stores are kept up to date by the Engine).
    """

    index: int
    name: str
    domain: str | None
    ovf_disks: int
    age: OvfAge | None

    def to_dict(self) -> dict[str, Any]:
        """As a dict (``age`` as in ``olvm-dr ovf-update --output json``)."""
        data = dataclasses.asdict(self)
        if data["age"] is not None:
            data["age"] = {k: v for k, v in data["age"].items() if v is not None}
        return data


@dataclass(frozen=True, kw_only=True)
class OvfFreshness(Record):
    """The OVF store ages of a site's mapped domains.

    Args:
        site (str): The site.
        clock (Clock): Whose clock the ages are measured against: ``engine`` (the Engine
            reported its time) or ``local`` (this machine's; clock skew counts).
        domains (list[OvfDomainAge]): Every storage entry of the mapping named on the site, in
            its order.
    """

    site: str
    clock: Clock
    domains: list[OvfDomainAge]

    @property
    def oldest_seconds(self) -> int | None:
        """The oldest known age in seconds, ``None`` when no age is known."""
        known = [d.age.age_seconds for d in self.domains if d.age and d.age.age_seconds is not None]
        return max(known, default=None)


@dataclass(frozen=True, kw_only=True)
class OvfDomainUpdate(Record):
    """What happened to one storage entry's domain, with the store's age before and after
    (``None`` when not attempted).

    Args:
        index (int): Its index in ``dr_import_storages``.
        name (str): Its name on the site (or its id).
        domain (str | None): The domain's id, ``None`` when the site does not have it.
        outcome (Literal['updated', 'skipped', 'failed', 'unchanged']): ``updated``, ``skipped``
            (not attempted: not on the site, not attached, not active, not a data domain),
            ``failed`` or ``unchanged`` (the Engine had nothing to update).
        reason (str | None): Why it was skipped, failed or unchanged.
        job (str | None): The Engine's job, when it returned one.
        took_seconds (float | None): From the request to the end of the job, in seconds
            (updated domains).
        before (OvfAge | None): The store's age before.
        after (OvfAge | None): The store's age after.
    """

    index: int
    name: str
    domain: str | None
    outcome: Literal["updated", "skipped", "failed", "unchanged"]
    reason: str | None
    job: str | None
    took_seconds: float | None
    before: OvfAge | None
    after: OvfAge | None

    @property
    def updated(self) -> bool:
        """``True`` when the store was written."""
        return self.outcome == "updated"


@dataclass(frozen=True, kw_only=True)
class OvfUpdate(Record):
    """The result of ``ovf_update``: every storage entry of the mapping, in its order.

    Args:
        site (str): The site whose Engine wrote the stores.
        clock (Clock): Whose clock the ages are measured against: ``engine`` or ``local``.
        all_updated (bool): ``True`` when every domain's update ran to the end (written, or the
            Engine had nothing to update), nothing skipped, nothing failed, at least one.
        domains (list[OvfDomainUpdate]): Every storage entry, before and after.
    """

    site: str
    clock: Clock
    all_updated: bool
    domains: list[OvfDomainUpdate]
    _json: str = _core_text()

    def to_json(self) -> str:
        """As ``olvm-dr ovf-update --output json`` prints it (``olvm-dr/ovf-update/v1``)."""
        return self._json

    def to_dict(self) -> dict[str, Any]:
        """The same as dicts and lists."""
        data: dict[str, Any] = json.loads(self._json)
        return data
