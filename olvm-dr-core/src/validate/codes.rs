//! The stable diagnostic codes. `docs/diagnostics.md` is the catalogue with severity, meaning
//! and fix for each; a test checks that every code here is documented there.
//!
//! Numbering: `DR01xx` YAML and file, `DR02xx` shape and values, `DR03xx` storage domains,
//! `DR04xx` name/network/LUN mappings, `DR05xx` sites, `DR06xx` `dr.conf`, `DR07xx` the passwords file;
//! online: `DR08xx` the sites, their versions and storage, `DR09xx` mapped entities on the sites,
//! `DR10xx` the workload (capacity, failback blockers, drift); `DR11xx` generate; `DR12xx`
//! planning a flow against a live site; `DR13xx` the recovery plan file.

/// The file is not well-formed YAML.
pub const YAML_SYNTAX: &str = "DR0100";
/// A `key:value` line without the space after the colon.
pub const YAML_MISSING_SPACE: &str = "DR0101";
/// A key written twice in one mapping (the last one wins, as in Ansible).
pub const YAML_DUPLICATE_KEY: &str = "DR0102";
/// A tag no loader of Ansible's can construct (`!!python/object`, `=`).
pub const YAML_UNSUPPORTED: &str = "DR0103";
/// Over an input budget (size, depth, alias expansion).
pub const YAML_BUDGET: &str = "DR0104";
/// More than one YAML document.
pub const YAML_MULTIPLE_DOCUMENTS: &str = "DR0105";
/// The top level is not a mapping of keys.
pub const YAML_NOT_A_MAPPING: &str = "DR0106";
/// The file holds no document.
pub const YAML_EMPTY: &str = "DR0107";
/// A plain value that YAML 1.1 reads as something other than the text written (`no`, `017`).
pub const YAML_IMPLICIT_TYPE: &str = "DR0108";

/// A value of the wrong type (a list where a name is expected, text for a number, ...).
pub const WRONG_TYPE: &str = "DR0200";
/// A key nobody reads (with a "did you mean" when one is close).
pub const UNKNOWN_KEY: &str = "DR0201";
/// A required key is missing.
pub const MISSING_KEY: &str = "DR0202";
/// A value is not filled in yet.
pub const NOT_FILLED: &str = "DR0203";
/// `dr_master_domain`, the old spelling of `dr_{site}_master_domain`.
pub const DEPRECATED_KEY: &str = "DR0204";
/// A value outside the allowed set (`dr_storage_domain_type: daat`).
pub const INVALID_VALUE: &str = "DR0205";
/// A number out of range (negative, port above 65535).
pub const OUT_OF_RANGE: &str = "DR0206";
/// A boolean written as text (`'yes'`), which Ansible's conditionals may read differently.
pub const QUOTED_BOOLEAN: &str = "DR0207";
/// A mapping list that is missing or empty.
pub const EMPTY_LIST: &str = "DR0208";
/// A value longer than the Engine accepts for it (a storage domain name over 250 characters).
pub const FIELD_TOO_LONG: &str = "DR0209";

/// `dr_domain_type` is not one of nfs, glusterfs, posixfs, iscsi, fcp.
pub const UNKNOWN_DOMAIN_TYPE: &str = "DR0300";
/// A `hosted_storage` domain is listed.
pub const HOSTED_STORAGE: &str = "DR0301";
/// An export domain is listed.
pub const EXPORT_DOMAIN: &str = "DR0302";
/// `dr_domain_id` is not a UUID.
pub const INVALID_UUID: &str = "DR0303";
/// Two storage entries with the same name on one site.
pub const DUPLICATE_STORAGE: &str = "DR0304";
/// More than one master domain for a data center on one site.
pub const SEVERAL_MASTERS: &str = "DR0305";
/// A data center with domains listed and none of them master.
pub const NO_MASTER: &str = "DR0306";
/// A key that this storage type does not use.
pub const KEY_NOT_FOR_TYPE: &str = "DR0307";
/// Two storage entries with the same `dr_domain_id`.
pub const DUPLICATE_DOMAIN_ID: &str = "DR0308";

/// A name appears twice on one side of a name mapping.
pub const DUPLICATE_NAME: &str = "DR0400";
/// Two network mappings with the same profile, network and data center on one side.
pub const DUPLICATE_NETWORK: &str = "DR0401";
/// A LUN mapping whose storage type is not iscsi or fcp.
pub const LUN_STORAGE_TYPE: &str = "DR0402";
/// An iSCSI LUN mapping without its connection keys.
pub const LUN_ISCSI_CONNECTION: &str = "DR0403";
/// The same LUN id twice on one side.
pub const DUPLICATE_LUN: &str = "DR0404";
/// A CHAP user without a password, or a password without a user.
pub const CHAP_INCOMPLETE: &str = "DR0405";

/// A site URL that is not an http(s) Engine API URL.
pub const SITE_URL: &str = "DR0500";
/// A site URL with plain http: the password would travel in clear text.
pub const SITE_HTTP: &str = "DR0501";
/// No CA file and no explicit `insecure`.
pub const CA_FILE_MISSING: &str = "DR0502";
/// The CA file does not exist or cannot be read.
pub const CA_FILE_NOT_FOUND: &str = "DR0503";
/// TLS verification is turned off for a site.
pub const INSECURE: &str = "DR0504";
/// A password written in the mapping file.
pub const PASSWORD_IN_MAPPING: &str = "DR0505";
/// The CA file exists but cannot be used: not a regular file, empty, or no PEM certificate in it.
pub const CA_FILE_UNUSABLE: &str = "DR0506";

/// `dr.conf` is not a valid INI file.
pub const CONF_SYNTAX: &str = "DR0600";
/// An unknown section or option in `dr.conf`.
pub const CONF_UNKNOWN: &str = "DR0601";
/// A password in `dr.conf`.
pub const CONF_PASSWORD: &str = "DR0602";
/// `ansible_play`: accepted and ignored (olvm-dr does not run Ansible).
pub const CONF_IGNORED: &str = "DR0603";
/// An invalid value in `dr.conf` (log level, site name).
pub const CONF_INVALID: &str = "DR0604";

/// The passwords file cannot be used (unreadable, not YAML, cannot be decrypted).
pub const PASSWORDS_FILE: &str = "DR0700";
/// A site's password is not in the passwords file.
pub const PASSWORD_MISSING: &str = "DR0701";

/// A storage entry's data center does not exist on the site a plan acts on.
pub const PLAN_DC_NOT_FOUND: &str = "DR1200";
/// No host is up in the data center a domain is to be imported into.
pub const PLAN_NO_UP_HOST: &str = "DR1201";
/// The domain is attached to another data center on the site a plan acts on.
pub const PLAN_DOMAIN_ELSEWHERE: &str = "DR1202";
/// A VM blocks the detach of a domain to release (delete-protected, or previewing a snapshot).
pub const CLEANUP_BLOCKED: &str = "DR1203";
/// `--domains` names a domain the mapping does not have.
pub const PLAN_UNKNOWN_DOMAIN: &str = "DR1204";
/// A drill's isolation profile is not on the target, is ambiguous, or its network is not
/// attached to a cluster the drill VMs register into.
pub const PLAN_ISOLATION: &str = "DR1205";
/// `--domains` selects some domains of a VM and leaves out others it has disks on.
pub const PLAN_SPLITS_VM: &str = "DR1206";
/// The planner produced an inconsistent plan (a bug: please report it).
pub const PLAN_INTERNAL: &str = "DR1299";
/// Two groups of a recovery plan share a name.
pub const RECOVERY_DUPLICATE_GROUP: &str = "DR1300";
/// A VM is selected by two groups of a recovery plan.
pub const RECOVERY_VM_IN_TWO_GROUPS: &str = "DR1301";
/// The `after` dependencies of a recovery plan form a cycle.
pub const RECOVERY_DEPENDENCY_CYCLE: &str = "DR1302";
/// A VM depends (`after`) on a VM of a later group.
pub const RECOVERY_DEPENDENCY_ORDER: &str = "DR1303";
/// A duration is not one (`90s`, `10m`, `1h 30m`).
pub const RECOVERY_DURATION: &str = "DR1304";
/// A wait is incomplete: `for: check` without a `command`, or a command without `for: check`.
pub const RECOVERY_WAIT: &str = "DR1305";
/// A re-IP rule is invalid: not a subnet, prefixes of different lengths or families, a gateway
/// or address outside its subnet, two rules for one source subnet.
pub const RECOVERY_REIP: &str = "DR1306";
/// The recovery plan names a VM, cluster, label or tag the source site does not have.
pub const RECOVERY_UNKNOWN_NAME: &str = "DR1307";
/// A hook or manual step of a recovery plan cannot run as written: an empty command or
/// question, a timeout that is not a duration above zero, an unknown failure policy.
pub const RECOVERY_HOOK: &str = "DR1308";
/// A site's Engine cannot be reached.
pub const SITE_UNREACHABLE: &str = "DR0800";
/// A site's Engine rejects the credentials (or the user lacks a permission).
pub const SITE_CREDENTIALS: &str = "DR0801";
/// A listing failed on a site that answered.
pub const SITE_READ_FAILED: &str = "DR0802";
/// Rules that need a site were not run: it could not be read, or its keys are not filled in.
pub const SITE_NOT_CHECKED: &str = "DR0803";
/// The two Engines run different versions.
pub const ENGINE_VERSION_MISMATCH: &str = "DR0804";
/// Mapped clusters have different compatibility versions.
pub const CLUSTER_VERSION_MISMATCH: &str = "DR0805";
/// The target data center of a storage entry cannot attach the domain's storage format (its
/// compatibility level is older than the format needs).
pub const DC_VERSION_MISMATCH: &str = "DR0806";
/// A storage domain of the mapping is not on the source site.
pub const DOMAIN_NOT_ON_SOURCE: &str = "DR0810";
/// The source Engine's connection facts of a domain differ from the mapping.
pub const DOMAIN_FACTS_DIFFER: &str = "DR0811";
/// A replicated domain is attached to a data center of the target site.
pub const DOMAIN_ATTACHED_AT_TARGET: &str = "DR0812";
/// A target data center has no UP host to import the domains with.
pub const TARGET_DC_NO_UP_HOST: &str = "DR0813";
/// On the source, a domain is attached to another data center than the mapping says.
pub const DOMAIN_DC_DIFFERS: &str = "DR0814";
/// The age of a source domain's OVF store: a warning when older than the limit, else an info.
pub const OVF_STORE_AGE: &str = "DR0815";
/// The age of a source domain's OVF store is not known (and why).
pub const OVF_STORE_AGE_UNKNOWN: &str = "DR0816";

/// A mapped cluster does not exist on its site.
pub const CLUSTER_NOT_FOUND: &str = "DR0900";
/// A mapped affinity group does not exist on its site.
pub const AFFINITY_GROUP_NOT_FOUND: &str = "DR0901";
/// A mapped affinity label does not exist on its site.
pub const AFFINITY_LABEL_NOT_FOUND: &str = "DR0902";
/// A mapped authz domain does not exist on its site.
pub const AUTHZ_DOMAIN_NOT_FOUND: &str = "DR0903";
/// A mapped role does not exist on its site.
pub const ROLE_NOT_FOUND: &str = "DR0904";
/// The data center of a storage entry does not exist on its site.
pub const DATA_CENTER_NOT_FOUND: &str = "DR0905";
/// A mapped vNIC profile (profile, network, data center) does not exist on its site.
pub const VNIC_PROFILE_NOT_FOUND: &str = "DR0906";
/// A mapped profile and network name exist in several data centers and no data center is given.
pub const VNIC_PROFILE_AMBIGUOUS: &str = "DR0907";
/// A mapped profile id does not exist, or names another profile.
pub const VNIC_PROFILE_ID: &str = "DR0908";
/// A mapped LUN is not found on its site.
pub const LUN_NOT_FOUND: &str = "DR0909";
/// An iSCSI LUN of the target is not visible yet (no host is logged in to its target).
pub const LUN_NOT_VISIBLE: &str = "DR0910";
/// The Engine's facts of a mapped LUN differ from the mapping.
pub const LUN_FACTS_DIFFER: &str = "DR0911";
/// A target LUN already backs a disk on the target site.
pub const LUN_IN_USE_AT_TARGET: &str = "DR0912";

/// The VMs to start need more memory than the target cluster's UP hosts offer.
pub const CAPACITY_MEMORY: &str = "DR1000";
/// A VM to start is larger than every UP host of its target cluster.
pub const VM_TOO_LARGE: &str = "DR1001";
/// The VMs to start have more vCPUs than the target cluster's UP hosts have threads.
pub const VCPU_OVERCOMMIT: &str = "DR1002";
/// A target cluster that is to run VMs has no UP host.
pub const TARGET_CLUSTER_NO_UP_HOST: &str = "DR1003";
/// A VM on a replicated domain has a snapshot in preview (blocks failback).
pub const VM_IN_PREVIEW: &str = "DR1010";
/// A VM on a replicated domain is delete-protected (blocks failback).
pub const VM_DELETE_PROTECTED: &str = "DR1011";
/// The hosted-engine VM is delete-protected; it is not on a replicated domain and is left out.
pub const HOSTED_ENGINE_VM_EXCLUDED: &str = "DR1012";
/// VMs on replicated domains use a cluster with no mapping and no namesake on the target.
pub const DRIFT_CLUSTER: &str = "DR1020";
/// VMs on replicated domains use a vNIC profile with no mapping and no namesake on the target.
pub const DRIFT_PROFILE: &str = "DR1021";
/// VMs on replicated domains are in an affinity group with no mapping and no namesake.
pub const DRIFT_AFFINITY_GROUP: &str = "DR1022";
/// VMs on replicated domains carry an affinity label with no mapping and no namesake.
pub const DRIFT_AFFINITY_LABEL: &str = "DR1023";

/// `generate`: a VM disk is on the hosted-engine storage domain.
pub const GENERATE_HOSTED_ENGINE_DISK: &str = "DR1100";
/// `generate`: a domain is written commented out (hosted engine, export, unsupported type).
pub const GENERATE_DOMAIN_LEFT_OUT: &str = "DR1101";
/// `generate`: the Engine does not report a fact the file needs (portal, target, network).
pub const GENERATE_FACTS_UNKNOWN: &str = "DR1102";
/// The data centers of a storage entry have different compatibility levels, and the target's
/// can attach the domain: what its storage format does on the way there and back.
pub const DC_LEVELS_DIFFER: &str = "DR0807";

/// Every code, for the documentation check.
pub const ALL: &[&str] = &[
    YAML_SYNTAX,
    YAML_MISSING_SPACE,
    YAML_DUPLICATE_KEY,
    YAML_UNSUPPORTED,
    YAML_BUDGET,
    YAML_MULTIPLE_DOCUMENTS,
    YAML_NOT_A_MAPPING,
    YAML_EMPTY,
    YAML_IMPLICIT_TYPE,
    WRONG_TYPE,
    UNKNOWN_KEY,
    MISSING_KEY,
    NOT_FILLED,
    DEPRECATED_KEY,
    INVALID_VALUE,
    OUT_OF_RANGE,
    QUOTED_BOOLEAN,
    EMPTY_LIST,
    FIELD_TOO_LONG,
    UNKNOWN_DOMAIN_TYPE,
    HOSTED_STORAGE,
    EXPORT_DOMAIN,
    INVALID_UUID,
    DUPLICATE_STORAGE,
    SEVERAL_MASTERS,
    NO_MASTER,
    KEY_NOT_FOR_TYPE,
    DUPLICATE_DOMAIN_ID,
    DUPLICATE_NAME,
    DUPLICATE_NETWORK,
    LUN_STORAGE_TYPE,
    LUN_ISCSI_CONNECTION,
    DUPLICATE_LUN,
    CHAP_INCOMPLETE,
    SITE_URL,
    SITE_HTTP,
    CA_FILE_MISSING,
    CA_FILE_NOT_FOUND,
    INSECURE,
    PASSWORD_IN_MAPPING,
    CA_FILE_UNUSABLE,
    CONF_SYNTAX,
    CONF_UNKNOWN,
    CONF_PASSWORD,
    CONF_IGNORED,
    CONF_INVALID,
    PASSWORDS_FILE,
    PASSWORD_MISSING,
    PLAN_DC_NOT_FOUND,
    PLAN_NO_UP_HOST,
    PLAN_DOMAIN_ELSEWHERE,
    CLEANUP_BLOCKED,
    PLAN_UNKNOWN_DOMAIN,
    PLAN_ISOLATION,
    PLAN_INTERNAL,
    RECOVERY_DUPLICATE_GROUP,
    RECOVERY_VM_IN_TWO_GROUPS,
    RECOVERY_DEPENDENCY_CYCLE,
    RECOVERY_DEPENDENCY_ORDER,
    RECOVERY_DURATION,
    RECOVERY_WAIT,
    RECOVERY_REIP,
    RECOVERY_UNKNOWN_NAME,
    RECOVERY_HOOK,
    SITE_UNREACHABLE,
    SITE_CREDENTIALS,
    SITE_READ_FAILED,
    SITE_NOT_CHECKED,
    ENGINE_VERSION_MISMATCH,
    CLUSTER_VERSION_MISMATCH,
    DC_VERSION_MISMATCH,
    DOMAIN_NOT_ON_SOURCE,
    DOMAIN_FACTS_DIFFER,
    DOMAIN_ATTACHED_AT_TARGET,
    TARGET_DC_NO_UP_HOST,
    DOMAIN_DC_DIFFERS,
    OVF_STORE_AGE,
    OVF_STORE_AGE_UNKNOWN,
    CLUSTER_NOT_FOUND,
    AFFINITY_GROUP_NOT_FOUND,
    AFFINITY_LABEL_NOT_FOUND,
    AUTHZ_DOMAIN_NOT_FOUND,
    ROLE_NOT_FOUND,
    DATA_CENTER_NOT_FOUND,
    VNIC_PROFILE_NOT_FOUND,
    VNIC_PROFILE_AMBIGUOUS,
    VNIC_PROFILE_ID,
    LUN_NOT_FOUND,
    LUN_NOT_VISIBLE,
    LUN_FACTS_DIFFER,
    LUN_IN_USE_AT_TARGET,
    CAPACITY_MEMORY,
    VM_TOO_LARGE,
    VCPU_OVERCOMMIT,
    TARGET_CLUSTER_NO_UP_HOST,
    VM_IN_PREVIEW,
    VM_DELETE_PROTECTED,
    HOSTED_ENGINE_VM_EXCLUDED,
    DRIFT_CLUSTER,
    DRIFT_PROFILE,
    DRIFT_AFFINITY_GROUP,
    DRIFT_AFFINITY_LABEL,
    GENERATE_HOSTED_ENGINE_DISK,
    GENERATE_DOMAIN_LEFT_OUT,
    GENERATE_FACTS_UNKNOWN,
    DC_LEVELS_DIFFER,
];
