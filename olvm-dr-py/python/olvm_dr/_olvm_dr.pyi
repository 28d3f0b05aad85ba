# Type stubs of the compiled extension olvm_dr._olvm_dr, written by hand to mirror the Rust
# code in olvm-dr-py/src. tests/test_stubs.py checks that every name here exists at runtime and
# that every public runtime name is here.
#
# Sites are given as "primary" or "secondary" (any case). Outcomes are "done",
# "already_done", "skipped", "failed", "blocked" or "not_run".

from collections.abc import Callable
from collections.abc import Mapping as _Map
from os import PathLike
from types import TracebackType
from typing import Any, Literal, final

from typing_extensions import Self

_Path = str | PathLike[str]
_Engines = _Map[str, Engine | None]
_Progress = Callable[[dict[str, Any]], object]
# A storage gate callable gets the gate's description; one that also takes the keywords
# ``gate`` and ``site`` gets the gate's id and the waiting site.
_Gate = Callable[..., bool | str | None]

__version__: str
DEFAULT_CONCURRENCY: int

@final
class Diagnostic:
    """One finding: severity, rule code, where, what is wrong, what to do."""

    @property
    def severity(self) -> Literal["error", "warning", "info"]: ...
    @property
    def code(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def line(self) -> int | None: ...
    @property
    def column(self) -> int | None: ...
    @property
    def key(self) -> str | None: ...
    @property
    def site(self) -> str | None: ...
    @property
    def entity(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str | None: ...
    @property
    def is_error(self) -> bool: ...
    def to_dict(self) -> dict[str, str | int]: ...

@final
class SiteKeys:
    """dr_sites_{site}_*: how to reach one site's Engine (never its password)."""

    @property
    def site(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def username(self) -> str | None: ...
    @property
    def ca_file(self) -> str | None: ...
    @property
    def insecure(self) -> bool: ...
    @property
    def has_password(self) -> bool: ...

@final
class StorageSite:
    """One site's side of a dr_import_storages entry."""

    @property
    def name(self) -> str | None: ...
    @property
    def dc_name(self) -> str | None: ...
    @property
    def master(self) -> bool: ...
    @property
    def address(self) -> str | None: ...
    @property
    def path(self) -> str | None: ...
    @property
    def vfs_type(self) -> str | None: ...
    @property
    def mount_options(self) -> str | None: ...
    @property
    def nfs_version(self) -> str | None: ...
    @property
    def port(self) -> int | None: ...
    @property
    def targets(self) -> list[str]: ...
    @property
    def username(self) -> str | None: ...
    @property
    def has_password(self) -> bool: ...

@final
class Storage:
    """One dr_import_storages entry."""

    @property
    def index(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def type(self) -> Literal["nfs", "glusterfs", "posixfs", "iscsi", "fcp"]: ...
    @property
    def domain_type(self) -> str | None: ...
    @property
    def domain_id(self) -> str | None: ...
    @property
    def primary(self) -> StorageSite: ...
    @property
    def secondary(self) -> StorageSite: ...
    def site(self, site: str) -> StorageSite: ...

@final
class NetworkSite:
    """One site's vNIC profile of a dr_network_mappings entry."""

    @property
    def network_name(self) -> str | None: ...
    @property
    def profile_name(self) -> str | None: ...
    @property
    def profile_id(self) -> str | None: ...
    @property
    def network_dc(self) -> str | None: ...

@final
class NetworkMapping:
    """One dr_network_mappings entry."""

    @property
    def index(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def primary(self) -> NetworkSite: ...
    @property
    def secondary(self) -> NetworkSite: ...
    def site(self, site: str) -> NetworkSite: ...

@final
class LunSite:
    """One site's LUN of a dr_lun_mappings entry."""

    @property
    def logical_unit_id(self) -> str | None: ...
    @property
    def storage_type(self) -> str | None: ...
    @property
    def address(self) -> str | None: ...
    @property
    def port(self) -> int: ...
    @property
    def portal(self) -> str | None: ...
    @property
    def target(self) -> str | None: ...
    @property
    def username(self) -> str | None: ...
    @property
    def has_password(self) -> bool: ...

@final
class LunMapping:
    """One dr_lun_mappings entry."""

    @property
    def index(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def alias(self) -> str | None: ...
    @property
    def description(self) -> str | None: ...
    @property
    def primary(self) -> LunSite: ...
    @property
    def secondary(self) -> LunSite: ...
    def site(self, site: str) -> LunSite: ...

@final
class Mapping:
    """The role's mapping (var) file, loaded. Not picklable (it may hold passwords)."""

    @staticmethod
    def load(path: _Path, *, vault_password: str | None = None) -> Mapping: ...
    @staticmethod
    def from_yaml(
        text: str, path: _Path | None = None, *, vault_password: str | None = None
    ) -> Mapping: ...
    def to_yaml(self) -> str: ...
    def save(self, path: _Path) -> None: ...
    @property
    def path(self) -> str | None: ...
    @property
    def sha256(self) -> str: ...
    @property
    def diagnostics(self) -> list[Diagnostic]: ...
    @property
    def has_errors(self) -> bool: ...
    @property
    def sites(self) -> dict[str, SiteKeys]: ...
    def site(self, name: str) -> SiteKeys: ...
    @property
    def storages(self) -> list[Storage]: ...
    @property
    def cluster_mappings(self) -> list[tuple[str | None, str | None]]: ...
    @property
    def affinity_group_mappings(self) -> list[tuple[str | None, str | None]]: ...
    @property
    def affinity_label_mappings(self) -> list[tuple[str | None, str | None]]: ...
    @property
    def domain_mappings(self) -> list[tuple[str | None, str | None]]: ...
    @property
    def role_mappings(self) -> list[tuple[str | None, str | None]]: ...
    @property
    def network_mappings(self) -> list[NetworkMapping]: ...
    @property
    def lun_mappings(self) -> list[LunMapping]: ...
    def connect(
        self, passwords: _Path, sites: list[str] | None = None
    ) -> dict[str, RestEngine]: ...

class Engine:
    """What every engine object shares; pass engines to the flow functions as
    {"primary": engine, "secondary": engine}. Not picklable."""

    @property
    def url(self) -> str: ...
    @property
    def username(self) -> str: ...
    def api_info(self) -> dict[str, Any]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool: ...

@final
class RestEngine(Engine):
    """A real Engine over its REST API v4. repr() shows the password as <redacted>."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        ca_file: _Path | None = None,
        insecure: bool = False,
    ) -> None: ...
    @property
    def ca_file(self) -> str | None: ...
    @property
    def insecure(self) -> bool: ...

@final
class FakeEngine(Engine):
    """A fake world's Engine for one site (see olvm_dr.testing.World.engine)."""

    @property
    def site(self) -> str: ...

@final
class PlanStep:
    """One step of a plan."""

    @property
    def id(self) -> str: ...
    @property
    def site(self) -> str: ...
    @property
    def phase(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def depends_on(self) -> list[str]: ...
    @property
    def state(self) -> Literal["to_do", "already_done", "skipped"]: ...
    @property
    def reason(self) -> str | None: ...

@final
class Plan:
    """What a flow will do, step by step. Picklable (as its JSON)."""

    @property
    def kind(self) -> Literal["failover", "cleanup", "failback", "switchover"]: ...
    @property
    def target(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def short_hash(self) -> str: ...
    @property
    def mapping_sha256(self) -> str: ...
    @property
    def drill(self) -> bool: ...
    @property
    def steps(self) -> list[PlanStep]: ...
    @property
    def notes(self) -> list[tuple[Literal["info", "warning"], str]]: ...
    def render(self, all_steps: bool = False) -> str: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @staticmethod
    def from_json(text: str) -> Plan: ...
    def __len__(self) -> int: ...

@final
class VmOutcome:
    """One VM's outcome on one site."""

    @property
    def site(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def registered(self) -> str | None: ...
    @property
    def started(self) -> str | None: ...
    @property
    def up(self) -> str | None: ...
    @property
    def stopped(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def macs_reassigned(self) -> list[tuple[str, str, str]]:
        """NICs whose MAC the Engine changed at registration: (nic, from, to)."""
        ...

@final
class EntityOutcome:
    """A storage domain's or template's outcome on one site."""

    @property
    def site(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def id(self) -> str | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def error(self) -> str | None: ...
    @property
    def duration_ms(self) -> int: ...

@final
class StepResult:
    """One step's result."""

    @property
    def id(self) -> str: ...
    @property
    def phase(self) -> str: ...
    @property
    def site(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def error(self) -> str | None: ...
    @property
    def error_kind(self) -> str | None: ...
    @property
    def started_ms(self) -> int | None: ...
    @property
    def duration_ms(self) -> int: ...
    @property
    def attempts(self) -> int: ...

@final
class Rto:
    """Where the recovery time went, in milliseconds."""

    @property
    def lease_wait_ms(self) -> int: ...
    @property
    def storage_ms(self) -> int: ...
    @property
    def registration_ms(self) -> int: ...
    @property
    def start_ms(self) -> int: ...
    @property
    def vms_up_ms(self) -> int: ...
    @property
    def total_ms(self) -> int: ...

@final
class StepCounts:
    """Steps by outcome."""

    @property
    def done(self) -> int: ...
    @property
    def already_done(self) -> int: ...
    @property
    def skipped(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def blocked(self) -> int: ...
    @property
    def not_run(self) -> int: ...

@final
class Report:
    """What a run did. Picklable (as its JSON)."""

    @property
    def verdict(self) -> Literal["success", "partial", "failed"]: ...
    @property
    def ok(self) -> bool: ...
    @property
    def run_id(self) -> str: ...
    @property
    def kind(self) -> Literal["failover", "cleanup", "failback", "switchover"]: ...
    @property
    def target(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def drill(self) -> bool: ...
    @property
    def started_at(self) -> str: ...
    @property
    def finished_at(self) -> str: ...
    @property
    def plan_hash(self) -> str: ...
    @property
    def mapping_sha256(self) -> str: ...
    @property
    def rto(self) -> Rto: ...
    @property
    def counts(self) -> StepCounts: ...
    @property
    def storage_domains(self) -> list[EntityOutcome]: ...
    @property
    def templates(self) -> list[EntityOutcome]: ...
    @property
    def vms(self) -> list[VmOutcome]: ...
    @property
    def steps(self) -> list[StepResult]: ...
    @property
    def failures(self) -> list[StepResult]: ...
    @property
    def facts(self) -> dict[str, str]: ...
    @property
    def verification(self) -> dict[str, Any] | None: ...
    def render(self) -> str: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @staticmethod
    def from_json(text: str) -> Report: ...

def validate(
    mapping: Mapping | _Path,
    offline: bool = True,
    engines: _Engines | None = None,
    *,
    target: str = "secondary",
    source_may_be_down: bool = False,
    check_ca_files: bool = True,
    max_ovf_age_minutes: int = 60,
) -> list[Diagnostic]: ...
def generate(
    engine: Engine,
    path: _Path,
    secondary: Engine | None = None,
    force: bool = False,
    *,
    skip_hosted_engine_disks: bool = False,
) -> Mapping: ...
def plan_failover(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "secondary",
    start_vms: bool = True,
    wait_for_vms: bool = True,
    all_active_domains: bool = False,
    partial_import: bool = True,
    keep_bad_macs: bool = False,
    force_reason: str | None = None,
    domains: list[str] | None = None,
) -> Plan: ...
def failover(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "secondary",
    start_vms: bool = True,
    wait_for_vms: bool = True,
    all_active_domains: bool = False,
    partial_import: bool = True,
    keep_bad_macs: bool = False,
    force_reason: str | None = None,
    domains: list[str] | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
    plan: Plan | None = None,
) -> Report: ...
def plan_cleanup(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    site: str = "primary",
    power_off: bool = False,
    remove_orphans: bool = False,
    force_remove: bool = False,
    domains: list[str] | None = None,
) -> Plan: ...
def cleanup(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    site: str = "primary",
    power_off: bool = False,
    remove_orphans: bool = False,
    force_remove: bool = False,
    domains: list[str] | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
    plan: Plan | None = None,
) -> Report: ...
def plan_failback(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "primary",
    start_vms: bool = True,
    wait_for_vms: bool = True,
    all_active_domains: bool = False,
    partial_import: bool = True,
    keep_bad_macs: bool = False,
    force_reason: str | None = None,
    domains: list[str] | None = None,
    clean_returning_site: bool = True,
    force_remove: bool = False,
) -> Plan: ...
def failback(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "primary",
    start_vms: bool = True,
    wait_for_vms: bool = True,
    all_active_domains: bool = False,
    partial_import: bool = True,
    keep_bad_macs: bool = False,
    force_reason: str | None = None,
    domains: list[str] | None = None,
    clean_returning_site: bool = True,
    force_remove: bool = False,
    storage_gate: _Gate | None = None,
    storage_ready_command: str | None = None,
    storage_ready_file: _Path | None = None,
    storage_ready_timeout: float | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
    plan: Plan | None = None,
) -> Report: ...
def plan_switchover(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "secondary",
    start_vms: bool = True,
    wait_for_vms: bool = True,
    all_active_domains: bool = False,
    partial_import: bool = True,
    keep_bad_macs: bool = False,
    force_reason: str | None = None,
    domains: list[str] | None = None,
    power_off_after_timeout: bool = False,
    force_remove: bool = False,
) -> Plan: ...
def switchover(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "secondary",
    start_vms: bool = True,
    wait_for_vms: bool = True,
    all_active_domains: bool = False,
    partial_import: bool = True,
    keep_bad_macs: bool = False,
    force_reason: str | None = None,
    domains: list[str] | None = None,
    power_off_after_timeout: bool = False,
    force_remove: bool = False,
    storage_gate: _Gate | None = None,
    storage_ready_command: str | None = None,
    storage_ready_file: _Path | None = None,
    storage_ready_timeout: float | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
    plan: Plan | None = None,
) -> Report: ...

def plan_drill(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "secondary",
    isolation: str = "unplugged",
    domains: list[str] | None = None,
    start_vms: bool = True,
    wait_for_vms: bool = True,
) -> Plan: ...
def drill_start(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "secondary",
    isolation: str = "unplugged",
    domains: list[str] | None = None,
    start_vms: bool = True,
    wait_for_vms: bool = True,
    storage_gate: _Gate | None = None,
    storage_ready_command: str | None = None,
    storage_ready_file: _Path | None = None,
    storage_ready_timeout: float | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
    plan: Plan | None = None,
) -> Report: ...
def drill_end(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    site: str = "secondary",
    storage_gate: _Gate | None = None,
    storage_ready_command: str | None = None,
    storage_ready_file: _Path | None = None,
    storage_ready_timeout: float | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
) -> Report: ...
def drill_failback(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "primary",
    domains: list[str] | None = None,
    storage_gate: _Gate | None = None,
    storage_ready_command: str | None = None,
    storage_ready_file: _Path | None = None,
    storage_ready_timeout: float | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
) -> Report: ...
def drill_full(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    target: str = "secondary",
    stay: bool = False,
    power_off_after_timeout: bool = False,
    storage_gate: _Gate | None = None,
    storage_ready_command: str | None = None,
    storage_ready_file: _Path | None = None,
    storage_ready_timeout: float | None = None,
    concurrency: int = ...,
    on_error: Literal["continue", "stop"] = "continue",
    state_dir: _Path | None = None,
    resume: bool | str | None = True,
    progress: _Progress | None = None,
) -> list[Report]: ...

@final
class Difference:
    """One difference between what should be and what is."""

    @property
    def entity(self) -> str: ...
    @property
    def problem(self) -> str: ...

@final
class Verification:
    """What ``verify`` found on a site."""

    @property
    def site(self) -> str: ...
    @property
    def clean(self) -> bool: ...
    @property
    def run_id(self) -> str | None: ...
    @property
    def run_kind(self) -> Literal["failover", "failback", "switchover"] | None: ...
    @property
    def drill(self) -> bool: ...
    @property
    def expected_up(self) -> list[str]: ...
    @property
    def domains(self) -> int: ...
    @property
    def vms(self) -> int: ...
    @property
    def differences(self) -> list[Difference]: ...
    def render(self) -> str: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

def verify(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    site: str = "secondary",
    state_dir: _Path | None = None,
    run: str | bool | None = None,
) -> Verification: ...

@final
class OvfAge:
    """How old an OVF store is, or why that is not known."""

    @property
    def last_update(self) -> str | None: ...
    @property
    def age_seconds(self) -> int | None: ...
    @property
    def unknown(self) -> str | None: ...
    @property
    def known(self) -> bool: ...

@final
class OvfDomainAge:
    """One mapped storage domain's OVF store age on a site."""

    @property
    def index(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def domain(self) -> str | None: ...
    @property
    def ovf_disks(self) -> int: ...
    @property
    def age(self) -> OvfAge | None: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class OvfFreshness:
    """The OVF store ages of a site's mapped domains."""

    @property
    def site(self) -> str: ...
    @property
    def clock(self) -> Literal["engine", "local"]: ...
    @property
    def domains(self) -> list[OvfDomainAge]: ...
    @property
    def oldest_seconds(self) -> int | None: ...

@final
class OvfDomainUpdate:
    """One storage entry's OVF update, with its store's age before and after."""

    @property
    def index(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def domain(self) -> str | None: ...
    @property
    def outcome(self) -> Literal["updated", "skipped", "failed"]: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def job(self) -> str | None: ...
    @property
    def took_seconds(self) -> float | None: ...
    @property
    def before(self) -> OvfAge | None: ...
    @property
    def after(self) -> OvfAge | None: ...
    @property
    def updated(self) -> bool: ...

@final
class OvfUpdate:
    """The result of ``ovf_update``."""

    @property
    def site(self) -> str: ...
    @property
    def clock(self) -> Literal["engine", "local"]: ...
    @property
    def all_updated(self) -> bool: ...
    @property
    def domains(self) -> list[OvfDomainUpdate]: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

def ovf_freshness(
    mapping: Mapping | _Path, engines: _Engines | None, *, site: str = "primary"
) -> OvfFreshness: ...
def ovf_update(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    site: str = "primary",
    job_timeout: float = 600.0,
    concurrency: int = 4,
) -> OvfUpdate: ...

# olvm_dr.testing

@final
class VmState:
    """One VM as a site's Engine knows it now."""

    @property
    def name(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def cluster(self) -> str | None: ...

@final
class World:
    """The fake two-site world. Not picklable."""

    def __init__(
        self,
        size: Literal["small", "medium", "large"] = "small",
        seed: int = 0,
        vms: int | None = None,
        latency: Literal["instant", "realistic"] = "instant",
        lease_timeout: float | None = None,
    ) -> None: ...
    @property
    def seed(self) -> int: ...
    @property
    def size(self) -> Literal["small", "medium", "large"]: ...
    def engine(self, site: str) -> FakeEngine: ...
    def engines(self) -> dict[str, FakeEngine]: ...
    def mapping(self) -> Mapping: ...
    def complete_mapping(self, mapping: Mapping) -> Mapping: ...
    def facts(self) -> dict[str, Any]: ...
    def vms(self, site: str) -> list[VmState]: ...
    def nics(self, site: str) -> dict[str, dict[str, dict[str, Any]]]: ...
    def snapshot(self, site: str) -> dict[str, Any]: ...
    def disaster(self, site: str) -> None: ...
    def lose(self, site: str) -> None: ...
    def engine_outage(self, site: str) -> None: ...
    def recover(self, site: str) -> None: ...
    def is_up(self, site: str) -> bool: ...
    def age_ovf_store(self, site: str, domain: str, seconds: float) -> bool: ...
    def expire_leases(self, site: str) -> None: ...
    def set_lease_timeout(self, seconds: float) -> None: ...
    def replication(self) -> list[dict[str, Any]]: ...
    def stop_replication(self, name: str | None = None) -> None: ...
    def reverse_replication(self, name: str | None = None) -> None: ...
    def resync_replication(self, name: str | None = None) -> None: ...
    def isolate_replication(self, name: str | None = None) -> None: ...
    def stop_vm(self, site: str, vm: str) -> bool: ...
    def set_latency(self, site: str, profile: Literal["instant", "realistic"]) -> None: ...
    def fail_next(
        self,
        site: str,
        operation: str,
        calls: int = 1,
        *,
        kind: str | None = None,
        status: int | None = None,
        detail: str = "",
        reason: str = "Operation Failed",
    ) -> None: ...
    def fail_randomly(
        self,
        site: str,
        fraction: float,
        *,
        seed: int = 0,
        operations: list[str] | None = None,
    ) -> None: ...
    def hang(
        self,
        site: str,
        operation: str,
        *,
        calls: int | None = None,
        seconds: float | None = None,
    ) -> None: ...
    def drop_site(
        self, site: str, after_calls: int, outage: Literal["disaster", "engine"] = "disaster"
    ) -> None: ...
    def clear_faults(self, site: str) -> None: ...
    def calls(self, site: str) -> int: ...
    def fork(self) -> World: ...

@final
class Simulator:
    """Both sites of a World served as simulated Engines on loopback ports. Not picklable."""

    @property
    def world(self) -> World: ...
    def api_url(self, site: str) -> str: ...
    def control_url(self, site: str) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def dir(self) -> str: ...
    @property
    def mapping_file(self) -> str: ...
    @property
    def passwords_file(self) -> str: ...
    @property
    def dr_conf(self) -> str: ...
    def mapping(self) -> Mapping: ...
    def engine(self, site: str) -> RestEngine: ...
    def engines(self) -> dict[str, RestEngine]: ...
    def sdk_connection(self, site: str) -> dict[str, str]: ...
    @property
    def running(self) -> bool: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool: ...

def start_simulator(
    world: World, *, dir: _Path | None = None, password: str | None = None
) -> Simulator: ...
