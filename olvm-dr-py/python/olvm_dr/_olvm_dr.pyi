# Type stubs of the compiled extension olvm_dr._olvm_dr, written by hand to mirror the Rust
# code in olvm-dr-py/src. tests/test_stubs.py checks that every name here exists at runtime,
# that every public runtime name is here, and that every function's and method's parameters
# (names, kinds, defaults) are the runtime's. The flow functions and their options classes are
# in _flows.pyi, generated from the core's options tables; the records the getters give (report
# entries, mapping views, findings, plan steps, verifications, OVF ages and updates, VmState) are
# dataclasses in _report.py, _mapping_view.py, _results.py and testing.py.
#
# Sites are given as "primary" or "secondary" (any case). Outcomes are "done",
# "already_done", "skipped", "failed", "blocked" or "not_run".

from collections.abc import Callable
from collections.abc import Mapping as _Map
from os import PathLike
from types import TracebackType
from typing import Any, Literal, final

from typing_extensions import Self

from ._mapping_view import LunMapping, NetworkMapping, SiteKeys, Storage
from ._report import EntityOutcome, GroupOutcome, HookOutcome, Rto, StepCounts, StepResult, VmOutcome
from ._results import Diagnostic, OvfFreshness, OvfUpdate, PlanStep, Verification
from .testing import VmState

_Path = str | PathLike[str]
_Engines = _Map[str, Engine | None]
_Progress = Callable[[dict[str, Any]], object]
# A storage gate callable gets the gate's description; one that also takes the keywords
# ``gate`` and ``site`` gets the gate's id and the waiting site.
_Gate = Callable[..., bool | str | None]

__version__: str
DEFAULT_CONCURRENCY: int

@final
class Mapping:
    """A mapping file as loaded: the mapping, where it came from, the SHA-256 of its bytes (plans
    and reports record it), what loading found, and the vault password for its inline `!vault`
    values (never shown).
    """

    @staticmethod
    def load(path: _Path, *, vault_password: str | None = None) -> Mapping:
        """Reads the mapping file at `path`.

        Problems with its content are in `diagnostics` (see also `validate`).

        Args:
            path (str | os.PathLike[str]): The mapping (var) file.
            vault_password (str | None, default None): Decrypts inline `!vault` values (iSCSI CHAP
                passwords) and an encrypted passwords file given to `connect`; never shown.

        Returns:
            Mapping: The loaded mapping.

        Raises:
            FileError: The file cannot be read, or is not UTF-8.
            ValidationError: The text is not a YAML mapping at all.
        """
        ...
    @staticmethod
    def from_yaml(
        text: str, path: _Path | None = None, *, vault_password: str | None = None
    ) -> Mapping:
        """Reads mapping-file text.

        Args:
            text (str): The text of a mapping file.
            path (str | os.PathLike[str] | None, default None): Names the text in diagnostics and
                is the base of relative CA file paths; nothing is read from it.
            vault_password (str | None, default None): As for `load`.

        Returns:
            Mapping: The loaded mapping; problems with its content are in `diagnostics`.

        Raises:
            ValidationError: The text is not a YAML mapping at all.
        """
        ...
    def to_yaml(self) -> str:
        """The mapping as YAML in the role's layout, quoted so that Ansible reads it back
        unchanged. Values not filled in stay placeholder lines. CHAP passwords written in the
        file are written back as they were (clear or `!vault`).
        """
        ...
    def save(self, path: _Path) -> None:
        """Writes `to_yaml()` to `path` (atomically: the old file or the whole new one).

        Args:
            path (str | os.PathLike[str]): The file to write; an existing file is replaced.

        Raises:
            FileError: The file cannot be written.
        """
        ...
    @property
    def path(self) -> str | None:
        """The file it was read from (`None` when built in memory)."""
        ...
    @property
    def sha256(self) -> str:
        """SHA-256 of the text it was read from (hex)."""
        ...
    @property
    def diagnostics(self) -> list[Diagnostic]:
        """What loading found (syntax, types, unknown keys; not the validation rules)."""
        ...
    @property
    def has_errors(self) -> bool:
        """`True` when loading found an error."""
        ...
    @property
    def sites(self) -> dict[str, SiteKeys]:
        """Both sites' keys: `{"primary": SiteKeys, "secondary": SiteKeys}`."""
        ...
    def site(self, name: str) -> SiteKeys:
        """One site's keys.

        Args:
            name (str): `primary` or `secondary` (any case).

        Returns:
            SiteKeys: The site's `dr_sites_{site}_*` keys (never its password).

        Raises:
            ConfigurationError: `name` is neither `primary` nor `secondary`.
        """
        ...
    @property
    def storages(self) -> list[Storage]:
        """`dr_import_storages`: the storage domains to import."""
        ...
    @property
    def cluster_mappings(self) -> list[tuple[str | None, str | None]]:
        """`dr_cluster_mappings` as `(primary_name, secondary_name)` pairs."""
        ...
    @property
    def affinity_group_mappings(self) -> list[tuple[str | None, str | None]]:
        """`dr_affinity_group_mappings` as pairs."""
        ...
    @property
    def affinity_label_mappings(self) -> list[tuple[str | None, str | None]]:
        """`dr_affinity_label_mappings` as pairs."""
        ...
    @property
    def domain_mappings(self) -> list[tuple[str | None, str | None]]:
        """`dr_domain_mappings` (authz domains) as pairs."""
        ...
    @property
    def role_mappings(self) -> list[tuple[str | None, str | None]]:
        """`dr_role_mappings` as pairs."""
        ...
    @property
    def network_mappings(self) -> list[NetworkMapping]:
        """`dr_network_mappings`: vNIC profiles."""
        ...
    @property
    def lun_mappings(self) -> list[LunMapping]:
        """`dr_lun_mappings`: direct LUNs."""
        ...
    def connect(
        self, passwords: _Path, sites: list[str] | None = None
    ) -> dict[str, RestEngine]:
        """A `RestEngine` for each site, as the mapping's `dr_sites_{site}_*` keys say.

        No Engine is contacted yet.

        Args:
            passwords (str | os.PathLike[str]): The passwords file with `dr_sites_{site}_password`
                (plain, or ansible-vault encrypted: give `vault_password` to `Mapping.load`).
            sites (list[str] | None, default None): The sites to connect (`primary`, `secondary`);
                `None`: both.

        Returns:
            dict[str, RestEngine]: The Engines by site name, for the flow functions.

        Raises:
            FileError: The passwords file cannot be read.
            ConfigurationError: An unknown site name, a passwords file that cannot be used, or a
                site without URL, user or password, or whose CA file cannot be used.
        """
        ...

class Engine:
    """What every engine object holds: the core's Engine, and how the mapping file names its site
    (for `generate`).
    """

    @property
    def url(self) -> str:
        """The Engine API URL."""
        ...
    @property
    def username(self) -> str:
        """The user."""
        ...
    def api_info(self) -> dict[str, Any]:
        """What the Engine says about itself (product, vendor, version); a quick check that the
        Engine answers and the credentials work.

        Returns:
            dict: `product_name`, `vendor`, `version` (a dict) and `time` (the Engine's clock as a
                dict, or `None` when the answer had none).

        Raises:
            EngineError: The Engine cannot be reached or refuses the credentials (a subclass per
                error kind, e.g. `AuthenticationError`, `EngineUnavailableError`).
        """
        ...
    def close(self) -> None:
        """Logs out (revokes the SSO token of a REST Engine). The object can be used again: the
        next call logs in anew.

        Raises:
            EngineError: The logout failed.
        """
        ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool: ...

@final
class RestEngine(Engine):
    """A real oVirt / OLVM Engine reached over its REST API v4.

    No request is sent until the first call. TLS is verified against `ca_file` (or the system's
    CA store when it is `None`) unless `insecure=True` is said out loud.

    Args:
        url (str): The Engine's API URL, e.g. `https://engine.example.com/ovirt-engine/api`.
        username (str): The user, e.g. `admin@internal`.
        password (str): The user's password (never shown by `repr()`).
        ca_file (str | os.PathLike[str] | None, default None): The CA certificate (PEM) TLS is
            verified against; `None`: the system's CA store.
        insecure (bool, default False): Turn TLS verification off.

    Raises:
        ConfigurationError: The URL or the CA file cannot be used.
    """

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        ca_file: _Path | None = None,
        insecure: bool = False,
    ) -> None: ...
    @property
    def ca_file(self) -> str | None:
        """The CA file TLS is verified against (`None`: the system's store, or `insecure`)."""
        ...
    @property
    def insecure(self) -> bool:
        """`True` when TLS verification is off."""
        ...

@final
class FakeEngine(Engine):
    """A fake world's Engine for one site; pass it to the flow functions like a `RestEngine`."""

    @property
    def site(self) -> str:
        """The site this Engine serves."""
        ...

@final
class Plan:
    """A plan: the ordered steps of a flow with their dependencies, made from the mapping and the
    live state of the sites. Nothing has been changed when you hold one.
    """

    @property
    def kind(self) -> Literal["failover", "cleanup", "failback", "switchover"]:
        """The flow: `failover`, `cleanup`, `failback` or `switchover`."""
        ...
    @property
    def target(self) -> str:
        """The site the flow brings the workload to (the site cleaned, for cleanup)."""
        ...
    @property
    def source(self) -> str:
        """The other site."""
        ...
    @property
    def hash(self) -> str:
        """SHA-256 of the plan's content (hex); a resumed run checks it."""
        ...
    @property
    def short_hash(self) -> str:
        """The first 12 characters of the hash, as printed."""
        ...
    @property
    def mapping_sha256(self) -> str:
        """SHA-256 of the mapping file the plan was made from."""
        ...
    @property
    def drill(self) -> bool:
        """`True` for a drill."""
        ...
    @property
    def steps(self) -> list[PlanStep]:
        """The steps in a valid execution order."""
        ...
    @property
    def notes(self) -> list[tuple[Literal["info", "warning"], str]]:
        """Notes for the operator, as `(level, text)` with level `info` or `warning`."""
        ...
    def render(self, all_steps: bool = False) -> str:
        """The plan as an indented text tree by phase, as `olvm-dr plan` prints it.

        Args:
            all_steps (bool, default False): Show every step; by default at most 25 steps per
                phase are shown.

        Returns:
            str: The text, one line per phase, step and note.
        """
        ...
    def to_json(self) -> str:
        """The plan as pretty JSON (the `olvm-dr plan --output json` layout)."""
        ...
    def to_dict(self) -> dict[str, Any]:
        """The plan as dicts and lists."""
        ...
    @staticmethod
    def from_json(text: str) -> Plan:
        """A plan from its JSON (e.g. a stored `plan.json`); its hash must match its content.

        Args:
            text (str): The JSON `to_json()` wrote.

        Returns:
            Plan: The plan.

        Raises:
            ConfigurationError: `text` is not a plan's JSON, or the plan's hash does not match
                its content (it was edited).
        """
        ...
    def __len__(self) -> int: ...

@final
class Report:
    """What a run did: the verdict (`success`, `partial`, `failed`), every storage domain, template,
    VM and step with its outcome, where the time went, and the check of the target after the run.
    """

    @property
    def verdict(self) -> Literal["success", "partial", "failed"]:
        """`success`, `partial` or `failed`."""
        ...
    @property
    def ok(self) -> bool:
        """`True` when every step succeeded (`verdict == "success"`)."""
        ...
    @property
    def run_id(self) -> str:
        """The run id (`in-memory` for a run without a state directory)."""
        ...
    @property
    def kind(self) -> Literal["failover", "cleanup", "failback", "switchover"]:
        """The flow."""
        ...
    @property
    def target(self) -> str:
        """The target site."""
        ...
    @property
    def source(self) -> str:
        """The source site."""
        ...
    @property
    def drill(self) -> bool:
        """`True` for a drill."""
        ...
    @property
    def started_at(self) -> str:
        """When the run started (RFC 3339, UTC)."""
        ...
    @property
    def finished_at(self) -> str:
        """When it ended."""
        ...
    @property
    def plan_hash(self) -> str:
        """SHA-256 of the plan that ran."""
        ...
    @property
    def mapping_sha256(self) -> str:
        """SHA-256 of the mapping file."""
        ...
    @property
    def rto(self) -> Rto:
        """Where the time went."""
        ...
    @property
    def counts(self) -> StepCounts:
        """Steps by outcome."""
        ...
    @property
    def storage_domains(self) -> list[EntityOutcome]:
        """Storage domains."""
        ...
    @property
    def templates(self) -> list[EntityOutcome]:
        """Templates."""
        ...
    @property
    def vms(self) -> list[VmOutcome]:
        """VMs."""
        ...
    @property
    def steps(self) -> list[StepResult]:
        """Every step."""
        ...
    @property
    def failures(self) -> list[StepResult]:
        """The steps that failed."""
        ...
    @property
    def recovery_groups(self) -> list[GroupOutcome]:
        """The recovery plan's groups, in order (empty when no recovery plan ordered the starts)."""
        ...
    @property
    def recovery_hooks(self) -> list[HookOutcome]:
        """The recovery plan's hooks and manual steps, in plan order."""
        ...
    @property
    def facts(self) -> dict[str, str]:
        """Facts the flow recorded (split-brain evidence, journal problems, ...)."""
        ...
    @property
    def verification(self) -> dict[str, Any] | None:
        """What the check of the target after the run found (`None` for a cleanup), as dicts."""
        ...
    def render(self) -> str:
        """The summary `olvm-dr` prints: verdict, counts, timings, every failure with its reason."""
        ...
    def to_json(self) -> str:
        """The report as pretty JSON (the `--output json` layout)."""
        ...
    def to_html(self) -> str:
        """The report as one self-contained HTML page (the `report.html` every run writes, and
        `olvm-dr report show --html`): timeline, VM table, failures, evidence, inputs.
        """
        ...
    def to_dict(self) -> dict[str, Any]:
        """The report as dicts and lists."""
        ...
    @staticmethod
    def from_json(text: str) -> Report:
        """A report from its JSON (e.g. a stored `report.json`).

        Args:
            text (str): The JSON `to_json()` wrote.

        Returns:
            Report: The report.

        Raises:
            ConfigurationError: `text` is not a report's JSON.
        """
        ...

def validate(
    mapping: Mapping | _Path,
    offline: bool = True,
    engines: _Engines | None = None,
    *,
    target: str = "secondary",
    source_may_be_down: bool = False,
    check_ca_files: bool = True,
    max_ovf_age_minutes: int = 60,
) -> list[Diagnostic]:
    """Checks a mapping and returns every finding, sorted by position: what loading found, the
    offline rules, and with ``offline=False`` the online rules against ``engines``.

    Args:
        mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
        offline (bool, default True): Only the offline rules; ``False`` adds the online rules
            against ``engines``.
        engines (Mapping[str, Engine | None] | None, default None): The sites' Engines by site name,
            for the online rules; a missing site is not checked and the findings say so.
        target (str, default 'secondary'): The site recovered to (``secondary`` for a failover,
            ``primary`` before a failback).
        source_may_be_down (bool, default False): An unreachable source is a warning, not an error
            (a real disaster).
        check_ca_files (bool, default True): Check that the CA files exist; ``False`` when
            validating on another machine than the one that runs the failover.
        max_ovf_age_minutes (int, default 60): The oldest a source domain's OVF store may be before
            it is a warning (DR0815; the Engine's default OVF update interval). At least 1.

    Returns:
        list[Diagnostic]: Every finding (``is_error`` tells errors apart).
    """
    ...
def generate(
    engine: Engine,
    path: _Path,
    secondary: Engine | None = None,
    force: bool = False,
    *,
    skip_hosted_engine_disks: bool = False,
) -> Mapping:
    """Reads the primary's Engine and writes the role-compatible mapping file to ``path``.

    Args:
        engine (Engine): The primary site's Engine. The file's site keys are the Engines' URL, user
            and CA file.
        path (str | os.PathLike[str]): Where the mapping file is written.
        secondary (Engine | None, default None): The secondary's Engine: values found there under
            the same names are filled in, the rest stay placeholders (``key: # primary's value``)
            that ``validate`` lists.
        force (bool, default False): Overwrite ``path`` when it exists.
        skip_hosted_engine_disks (bool, default False): Leave out VM disks on the hosted-engine
            storage domain instead of refusing them.

    Returns:
        Mapping: The written mapping; its ``diagnostics`` hold what generate found (domains left
            out, facts the Engine did not report) and what loading the file found.

    Raises:
        FileError: ``path`` exists and ``force`` is false, or it cannot be written.
        ValidationError: VM disks are on the hosted-engine storage domain (nothing written), unless
            ``skip_hosted_engine_disks``.
        EngineError: A site cannot be read.
    """
    ...
def verify(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    site: str = "secondary",
    state_dir: _Path | None = None,
    run: str | bool | None = None,
) -> Verification:
    """Verifies ``site`` against the mapping and a run's expectations: every mapped domain known,
    attached to its mapped data center and active; nothing left unregistered in the domains' OVF
    stores; every registered VM in a mapped cluster with its NICs on mapped profiles (or, after a
    drill, exactly as its isolation says); and up when the run started it. Only ``site``'s Engine
    is used.

    Args:
        mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
        engines (Mapping[str, Engine | None] | None): The sites' Engines by site name; ``site``'s is
            needed.
        site (str, default 'secondary'): The site to verify.
        state_dir (str | os.PathLike[str] | None, default None): Where the runs are kept.
        run (str | bool | None, default None): A run id of ``state_dir``; ``None`` the newest run in
            ``state_dir`` that brought a workload to ``site`` (without ``state_dir``, or with no
            such run: the mapping only); ``False`` the mapping only.

    Returns:
        Verification: What was found (``.clean`` is ``True`` when nothing differs).

    Raises:
        RunStateError: An unknown run.
        ConfigurationError: A run to the other site.
        EngineError: The site cannot be read.
    """
    ...

def run_ids(state_dir: _Path) -> list[str]:
    """The ids of the runs kept in ``state_dir``, oldest first.

    Args:
        state_dir (str | os.PathLike[str]): A state directory, or an etcd location
            ``etcd://host:2379,.../PREFIX`` (``etcds://`` for TLS). The etcd user and password come
            from ``OLVM_DR_STATE_USER`` and ``OLVM_DR_STATE_PASSWORD``, its TLS files (and user,
            password file) from the ``[state]`` section of ``./dr.conf`` — never from the URL. A
            directory that does not exist has no runs.

    Raises:
        RunStateError: The location cannot be used (the message says what to write instead), or etcd
            cannot be reached.
    """
    ...
def load_report(state_dir: _Path, run: str | None = None) -> Report:
    """The report of a run kept in ``state_dir`` (``olvm-dr report show``).

    Args:
        state_dir (str | os.PathLike[str]): A state directory or an etcd location, as for
            :func:`run_ids`.
        run (str | None, default None): The run's id; ``None`` the newest run.

    Raises:
        RunStateError: The store cannot be used, it has no such run (or none at all), or the run has
            no report (an interrupted run has none until it is resumed).
    """
    ...
def ovf_freshness(
    mapping: Mapping | _Path, engines: _Engines | None, *, site: str = "primary"
) -> OvfFreshness:
    """How old the OVF stores of the mapped storage domains on ``site`` are (one listing of disks per
    domain, a few at a time; nothing is changed). What a VM or template became on ``site`` since
    its domain's store was written is not on the replica: the metadata recovery point. Ages are
    measured with the Engine's clock when it reports its time.

    Args:
        mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
        engines (Mapping[str, Engine | None] | None): The sites' Engines by site name; ``site``'s is
            needed.
        site (str, default 'primary'): The site whose stores are measured.

    Returns:
        OvfFreshness: Each mapped domain's store age; a domain whose disks cannot be read has an
            unknown age.

    Raises:
        EngineError: The site's domains cannot be listed.
    """
    ...
def ovf_update(
    mapping: Mapping | _Path,
    engines: _Engines | None,
    *,
    site: str = "primary",
    job_timeout: float = 600.0,
    concurrency: int = 4,
) -> OvfUpdate:
    """Has ``site``'s Engine write the OVF stores of every mapped storage domain it holds active
    (what the OLVM DR guide has administrators do by hand before a planned failover or a drill),
    and waits for each job.

    Args:
        mapping (Mapping | str | os.PathLike[str]): The mapping, or the path of its file.
        engines (Mapping[str, Engine | None] | None): The sites' Engines by site name; ``site``'s is
            needed.
        site (str, default 'primary'): The site whose stores are written.
        job_timeout (float, default 600.0): Seconds each domain's job may take.
        concurrency (int, default 4): Domains updated at a time.

    Returns:
        OvfUpdate: The result whatever happened to each domain (check ``.all_updated``).

    Raises:
        EngineError: The site cannot be read at all (then nothing was changed).
    """
    ...

# olvm_dr.testing

@final
class World:
    """Two fake sites (primary and secondary) and the replicated storage between them, whose
    Engines follow the real Engine's rules; deterministic from `size` and `seed`.

    Building it reads the world's mapping from its Engines while both sites answer.

    Args:
        size (str, default 'small'): The preset: `small` (2 data centers, 3 replicated domains,
            20 VMs), `medium` (10 domains of all five storage types, 500 VMs) or `large` (20
            domains, 2 000 VMs).
        seed (int, default 0): The seed every name, id and choice of the world derives from.
        vms (int | None, default None): The number of VMs instead of the preset's.
        latency (str, default 'instant'): `instant` (every call and transition takes no time)
            or `realistic` (a real Engine's durations: attaches take 25 s, ...), for both sites.
        lease_timeout (float | None, default None): The sanlock lease timeout in seconds;
            `None` keeps sanlock's 80.

    Raises:
        ConfigurationError: An unknown `size` or `latency`, or a negative `lease_timeout`.
    """

    def __init__(
        self,
        size: Literal["small", "medium", "large"] = "small",
        seed: int = 0,
        vms: int | None = None,
        latency: Literal["instant", "realistic"] = "instant",
        lease_timeout: float | None = None,
    ) -> None: ...
    @property
    def seed(self) -> int:
        """The seed."""
        ...
    @property
    def size(self) -> Literal["small", "medium", "large"]:
        """The preset: `small`, `medium` or `large`."""
        ...
    def engine(self, site: str) -> FakeEngine:
        """One site's Engine, to pass to the flow functions.

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            FakeEngine: The Engine of `site` (a new object on each call, the same fake Engine).

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def engines(self) -> dict[str, FakeEngine]:
        """Both Engines: `{"primary": FakeEngine, "secondary": FakeEngine}`, for the flow functions."""
        ...
    def mapping(self) -> Mapping:
        """The mapping file for this world, every value filled in for both sites (what an
        administrator has after `generate` and completing the secondary). Its URLs are
        `http://{site}.fake.invalid/...`: never contacted.
        """
        ...
    def complete_mapping(self, mapping: Mapping) -> Mapping:
        """`mapping` with its secondary placeholders filled in from the world's facts, as an
        administrator completes a generated file from their own knowledge.

        Args:
            mapping (Mapping): A mapping of this world, e.g. what `generate` wrote from the
                primary's Engine alone.

        Returns:
            Mapping: A new mapping, read back from its YAML; `mapping` is not changed.

        Raises:
            EngineError: The secondary's networks or data centers cannot be listed.
        """
        ...
    def facts(self) -> dict[str, Any]:
        """Everything the builder made, as dicts: names and ids of data centers, clusters, hosts,
        profiles, domains (with their replication pair), LUNs, VMs, templates, and the mappings
        between the sites.
        """
        ...
    def vms(self, site: str) -> list[VmState]:
        """The VMs `site`'s Engine knows now, with their status and cluster name (the hosted-engine
        VM included).

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            list[VmState]: One entry per VM.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def nics(self, site: str) -> dict[str, dict[str, dict[str, Any]]]:
        """Every VM's NICs on `site` now.

        A drill's `unplugged` isolation leaves NICs on their mapped profiles with `plugged`
        false.

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            dict: `{vm name: {nic name: {"profile": name or None, "plugged": bool}}}`.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
            EngineError: The site's Engine cannot be read (e.g. it is dark).
        """
        ...
    def snapshot(self, site: str) -> dict[str, Any]:
        """`site`'s Engine state now (data centers, domains, VMs, templates, unregistered VMs), as
        dicts, for "unchanged" assertions.

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            dict: The state as dicts and lists.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def disaster(self, site: str) -> None:
        """The whole site goes dark: its Engine stops answering and its hosts stop.

        Its hosts' sanlock leases expire only after the lease timeout (see `lose`,
        `expire_leases`).

        Args:
            site (str): The site that goes dark: `primary` or `secondary` (any case).

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def lose(self, site: str) -> None:
        """A disaster as the storage team handles it: `site` goes dark, its sanlock leases expire
        at once (instead of after the lease timeout) and replication stops, so the other site's
        replicas are writable. What a failover test usually needs.

        Args:
            site (str): The site lost: `primary` or `secondary` (any case).

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def engine_outage(self, site: str) -> None:
        """Only `site`'s Engine stops answering; its hosts keep running (a split brain, seen from
        the other site).

        Args:
            site (str): `primary` or `secondary` (any case).

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def recover(self, site: str) -> None:
        """`site` comes back with the state it had (its Engine stale).

        Args:
            site (str): `primary` or `secondary` (any case).

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def is_up(self, site: str) -> bool:
        """Whether `site`'s Engine answers.

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            bool: `True` while the Engine answers.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def age_ovf_store(self, site: str, domain: str, seconds: float) -> bool:
        """Makes the OVF store of a replicated domain on `site` look older, as if the Engine had
        not written it for that long.

        Args:
            site (str): `primary` or `secondary` (any case).
            domain (str): The replicated storage domain's name.
            seconds (float): How much older (>= 0).

        Returns:
            bool: `False` when nothing changed (the store was never written, or the volume is a
                read-only replica).

        Raises:
            ConfigurationError: An unknown `site` or `domain`, or a negative `seconds`.
        """
        ...
    def expire_leases(self, site: str) -> None:
        """The leases held by `site`'s dead hosts expire now.

        Args:
            site (str): `primary` or `secondary` (any case).

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def set_lease_timeout(self, seconds: float) -> None:
        """Sets the sanlock lease timeout of the world.

        Args:
            seconds (float): The timeout in seconds (>= 0).

        Raises:
            ConfigurationError: `seconds` is negative or not a number.
        """
        ...
    def replication(self) -> list[dict[str, Any]]:
        """The replication pairs: `[{"pair": 0, "volumes": [names], "direction": ..., "running":
        ...}]`.
        """
        ...
    def stop_replication(self, name: str | None = None) -> None:
        """Stops replication (every pair, or the pair of one domain or direct LUN): the replicas
        become read-write.

        Args:
            name (str | None, default None): A replicated domain's name or a direct LUN's alias;
                `None`: every pair.

        Raises:
            ConfigurationError: No replicated domain or direct LUN is named `name`.
        """
        ...
    def reverse_replication(self, name: str | None = None) -> None:
        """Reverses replication (the old replicas become the sources), resynchronised and running.

        Args:
            name (str | None, default None): A replicated domain's name or a direct LUN's alias;
                `None`: every pair.

        Raises:
            ConfigurationError: No replicated domain or direct LUN is named `name`.
        """
        ...
    def resync_replication(self, name: str | None = None) -> None:
        """Restarts replication in its direction after a full copy from its source.

        Args:
            name (str | None, default None): A replicated domain's name or a direct LUN's alias;
                `None`: every pair.

        Raises:
            ConfigurationError: No replicated domain or direct LUN is named `name`.
        """
        ...
    def isolate_replication(self, name: str | None = None) -> None:
        """Splits replicas off for a drill (every pair, or the pair of one domain or direct LUN):
        read-write copies that no longer receive writes.

        Args:
            name (str | None, default None): A replicated domain's name or a direct LUN's alias;
                `None`: every pair.

        Raises:
            ConfigurationError: No replicated domain or direct LUN is named `name`.
        """
        ...
    def stop_vm(self, site: str, vm: str) -> bool:
        """Powers off a VM through `site`'s Engine, as an administrator would by hand (e.g. to
        see `verify` find a VM that should run).

        Args:
            site (str): `primary` or `secondary` (any case).
            vm (str): The VM's name.

        Returns:
            bool: `False` when it was down already, `True` when it was stopped.

        Raises:
            ConfigurationError: An unknown `site`, or no VM named `vm` on it.
            EngineError: The Engine refused to stop the VM.
        """
        ...
    def set_latency(self, site: str, profile: Literal["instant", "realistic"]) -> None:
        """Sets `site`'s latency profile.

        Args:
            site (str): `primary` or `secondary` (any case).
            profile (str): `instant` (no time) or `realistic` (a real Engine's durations).

        Raises:
            ConfigurationError: An unknown `site` or `profile`.
        """
        ...
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
    ) -> None:
        """The next `calls` calls of `operation` on `site` fail with the error described.

        Give `kind`, or `status` (and `detail`) for the kind they mean to a REST client; with
        both, `kind` decides the kind and `status` is the error's HTTP status.

        Args:
            site (str): `primary` or `secondary` (any case).
            operation (str): An Engine method name, e.g. `attach_storage_domain`.
            calls (int, default 1): How many calls fail.
            kind (str | None, default None): The error kind: `not_found`, `conflict`, `locked`,
                `lease_held`, ... (what `EngineError.kind` says).
            status (int | None, default None): An HTTP status, e.g. 409 or 503.
            detail (str, default ''): The Engine's fault detail.
            reason (str, default 'Operation Failed'): The Engine's fault reason.

        Raises:
            ConfigurationError: An unknown `site`, `operation` or `kind`, or neither `kind`
                nor `status` given.
        """
        ...
    def fail_randomly(
        self,
        site: str,
        fraction: float,
        *,
        seed: int = 0,
        operations: list[str] | None = None,
    ) -> None:
        """A random share of `site`'s calls fail with transient errors (503, timeouts),
        deterministically from `seed`.

        Args:
            site (str): `primary` or `secondary` (any case).
            fraction (float): The share of calls that fail, 0.0 to 1.0.
            seed (int, default 0): The seed of the random choice.
            operations (list[str] | None, default None): Only calls of these Engine methods
                (e.g. `attach_storage_domain`); `None`: every call.

        Raises:
            ConfigurationError: An unknown `site` or operation, or `fraction` outside 0.0-1.0.
        """
        ...
    def hang(
        self,
        site: str,
        operation: str,
        *,
        calls: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """Calls of `operation` on `site` hang.

        Args:
            site (str): `primary` or `secondary` (any case).
            operation (str): An Engine method name, e.g. `attach_storage_domain`.
            calls (int | None, default None): How many of the next calls hang; `None`: every call.
            seconds (float | None, default None): How long each hangs; `None`: forever.

        Raises:
            ConfigurationError: An unknown `site` or `operation`, or a negative `seconds`.
        """
        ...
    def drop_site(
        self, site: str, after_calls: int, outage: Literal["disaster", "engine"] = "disaster"
    ) -> None:
        """`site` drops out after `after_calls` more calls to its Engine.

        Args:
            site (str): `primary` or `secondary` (any case).
            after_calls (int): How many more calls the Engine answers first.
            outage (str, default 'disaster'): `disaster` (Engine and hosts, as `disaster`) or
                `engine` (the Engine only, as `engine_outage`).

        Raises:
            ConfigurationError: An unknown `site` or `outage`.
        """
        ...
    def clear_faults(self, site: str) -> None:
        """Removes every injected fault of `site` (`fail_next`, `fail_randomly`, `hang`,
        `drop_site`).

        Args:
            site (str): `primary` or `secondary` (any case).

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def calls(self, site: str) -> int:
        """How many calls `site`'s Engine has received.

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            int: The number of calls so far.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def fork(self) -> World:
        """An independent copy of the world in its current state."""
        ...

@final
class Simulator:
    """A running pair of simulated Engines. Stop it with `stop()` or use it as a context manager;
    it stops when garbage-collected otherwise.
    """

    @property
    def world(self) -> World:
        """The world both Engines serve (the same object the simulator was started with)."""
        ...
    def api_url(self, site: str) -> str:
        """One site's Engine API URL.

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            str: `https://127.0.0.1:PORT/ovirt-engine/api`.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def control_url(self, site: str) -> str:
        """One site's control endpoint (`/_sim`: disasters, replication, faults over HTTP).

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            str: The endpoint's URL.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    @property
    def username(self) -> str:
        """The user both Engines accept."""
        ...
    @property
    def password(self) -> str:
        """The password both Engines accept (a test lab's; `repr()` does not show it)."""
        ...
    @property
    def ca_file(self) -> str | None:
        """The lab's CA certificate (PEM), the `ca_file` every client verifies the Engines with."""
        ...
    @property
    def dir(self) -> str:
        """The lab directory."""
        ...
    @property
    def mapping_file(self) -> str:
        """The mapping file written for the lab (every value filled in, the simulator's URLs)."""
        ...
    @property
    def passwords_file(self) -> str:
        """The passwords file (both sites' Engine password)."""
        ...
    @property
    def dr_conf(self) -> str:
        """A `dr.conf` pointing at the two files above (for `olvm-dr -f`)."""
        ...
    def mapping(self) -> Mapping:
        """The lab's mapping, loaded."""
        ...
    def engine(self, site: str) -> RestEngine:
        """A `RestEngine` for one site, over HTTPS to the simulator (verified with the lab's CA).

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            RestEngine: A new Engine object; no request is sent yet.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    def engines(self) -> dict[str, RestEngine]:
        """Both `RestEngine`s, for the flow functions."""
        ...
    def sdk_connection(self, site: str) -> dict[str, str]:
        """Keyword arguments for `ovirtsdk4.Connection(**sim.sdk_connection("primary"))`.

        Args:
            site (str): `primary` or `secondary` (any case).

        Returns:
            dict[str, str]: `url`, `username`, `password` and `ca_file`.

        Raises:
            ConfigurationError: `site` is neither `primary` nor `secondary`.
        """
        ...
    @property
    def running(self) -> bool:
        """`True` until `stop()`."""
        ...
    def stop(self) -> None:
        """Stops both Engines (the lab's files stay until the object goes away). Idempotent.

        Calling it again, or after the `with` block, does nothing.
        """
        ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool: ...

def start_simulator(
    world: World, *, dir: _Path | None = None, password: str | None = None
) -> Simulator:
    """Starts ``world`` as two simulated Engines on loopback ports (HTTPS, a CA of its own).

    Args:
        world (World): The fake world both Engines serve.
        dir (str | os.PathLike[str] | None, default None): Where the lab's files go (mapping,
            passwords file, ``dr.conf``, CA); ``None``: a temporary directory, removed with the
            simulator.
        password (str | None, default None): The Engines' admin password; ``None``: a random one.

    Returns:
        Simulator: The running lab; ``stop()`` it (or use it as a context manager).

    Raises:
        FileError: The lab's directory or files cannot be written.
        ConfigurationError: The lab cannot be started otherwise (e.g. no loopback port).
    """
    ...
