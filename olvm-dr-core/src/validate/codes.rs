//! The stable diagnostic codes. `docs/diagnostics.md` is the catalogue with severity, meaning
//! and fix for each; a test checks that every code here is documented there.
//!
//! Numbering: `DR01xx` YAML and file, `DR02xx` shape and values, `DR03xx` storage domains,
//! `DR04xx` name/network/LUN mappings, `DR05xx` sites, `DR06xx` `dr.conf`, `DR07xx` the passwords file,
//! `DR12xx` planning a flow against a live site.

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
/// `--domains` names a domain the mapping does not have, or an isolation profile is not on the
/// target.
pub const PLAN_UNKNOWN_DOMAIN: &str = "DR1204";
/// The planner produced an inconsistent plan (a bug: please report it).
pub const PLAN_INTERNAL: &str = "DR1299";

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
    PLAN_INTERNAL,
];
