"""olvm_dr: disaster recovery for Oracle Linux Virtualization Manager (OLVM) and oVirt.

Read and check the ``ovirt.ovirt.disaster_recovery`` role's mapping file, generate it from an
Engine, and run failover, cleanup, failback and planned switchover as plans with a journal and
a report, from Python::

    import olvm_dr

    mapping = olvm_dr.Mapping.load("disaster_recovery_vars.yml")
    problems = [d for d in olvm_dr.validate(mapping) if d.is_error]
    engines = mapping.connect(passwords="passwords.yml")
    print(olvm_dr.plan_failover(mapping, engines).render())
    report = olvm_dr.failover(mapping, engines, state_dir="/var/lib/olvm-dr")
    print(report.render())

Every call is synchronous; the work runs on one shared async runtime with the GIL released,
and Ctrl-C raises ``KeyboardInterrupt`` (an interrupted run resumes from its journal when
called again with the same ``state_dir``). ``olvm_dr.testing`` has a fake two-site world and
a simulated Engine server for tests. Errors are ``olvm_dr.exceptions`` classes, all derived
from ``OlvmDrError``.
"""

from ._olvm_dr import (
    DEFAULT_CONCURRENCY,
    Diagnostic,
    Engine,
    EntityOutcome,
    LunMapping,
    LunSite,
    Mapping,
    NetworkMapping,
    NetworkSite,
    Plan,
    PlanStep,
    Report,
    RestEngine,
    Rto,
    SiteKeys,
    StepCounts,
    StepResult,
    Storage,
    StorageSite,
    VmOutcome,
    __version__,
    cleanup,
    failback,
    failover,
    generate,
    plan_cleanup,
    plan_failback,
    plan_failover,
    plan_switchover,
    switchover,
    validate,
)
from .exceptions import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    EngineError,
    EngineInternalError,
    EngineTimeoutError,
    EngineUnavailableError,
    FileError,
    ForbiddenError,
    InvalidStateError,
    LeaseHeldError,
    LockedError,
    NotFoundError,
    OlvmDrError,
    PlanningError,
    ProtocolError,
    RunStateError,
    UnsupportedError,
    ValidationError,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "Diagnostic",
    "Engine",
    "EngineError",
    "EngineInternalError",
    "EngineTimeoutError",
    "EngineUnavailableError",
    "EntityOutcome",
    "FileError",
    "ForbiddenError",
    "InvalidStateError",
    "LeaseHeldError",
    "LockedError",
    "LunMapping",
    "LunSite",
    "Mapping",
    "NetworkMapping",
    "NetworkSite",
    "NotFoundError",
    "OlvmDrError",
    "Plan",
    "PlanStep",
    "PlanningError",
    "ProtocolError",
    "Report",
    "RestEngine",
    "Rto",
    "RunStateError",
    "SiteKeys",
    "StepCounts",
    "StepResult",
    "Storage",
    "StorageSite",
    "UnsupportedError",
    "ValidationError",
    "VmOutcome",
    "__version__",
    "cleanup",
    "failback",
    "failover",
    "generate",
    "plan_cleanup",
    "plan_failback",
    "plan_failover",
    "plan_switchover",
    "switchover",
    "validate",
]
