//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;

/// Disaster recovery for oVirt and Oracle Linux Virtualization Manager.
#[derive(Debug, Parser)]
#[command(name = "olvm-dr", version, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Options every subcommand takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The ovirt-dr configuration file (INI). Default: ./dr.conf when it exists.
    #[arg(short = 'f', long, global = true, value_name = "FILE")]
    pub conf_file: Option<PathBuf>,
    /// Write logs to this file instead of stderr; `{}` becomes the epoch milliseconds.
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Log level: DEBUG, INFO, WARNING or ERROR (default WARNING on stderr, DEBUG in a log file).
    #[arg(long, global = true, value_name = "LEVEL", value_parser = parse_level)]
    pub log_level: Option<String>,
    /// More log output (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Less output: only errors are logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub quiet: u8,
    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

fn parse_level(s: &str) -> Result<String, String> {
    let upper = s.to_ascii_uppercase();
    match upper.as_str() {
        "DEBUG" | "INFO" | "WARNING" | "WARN" | "ERROR" => Ok(upper),
        _ => Err(format!("'{s}' is not one of DEBUG, INFO, WARNING, ERROR")),
    }
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal (and NO_COLOR is not set).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Output format of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// For people.
    #[default]
    Text,
    /// For programs: a stable JSON document (see docs/json-output.md).
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the mapping file (the role's disaster_recovery_vars.yml) from the primary site's
    /// Engine, optionally pre-filled from the secondary's.
    Generate(Box<GenerateArgs>),
    /// Check a mapping file (the role's disaster_recovery_vars.yml), offline and against both
    /// sites' Engines.
    Validate(ValidateArgs),
    /// Work with mapping files.
    #[command(subcommand)]
    Mapping(MappingCommand),
    /// Make and print the plan of a flow, changing nothing.
    #[command(subcommand)]
    Plan(crate::flow_args::PlanCommand),
    /// Bring the replicated domains, templates and VMs up on the target site.
    Failover(crate::flow_args::FailoverArgs),
    /// Release the mapped domains of a site (shut VMs down, write OVF stores, remove domains).
    Cleanup(crate::flow_args::CleanupArgs),
    /// Return to the site that failed: clean it, release the current site, wait for storage,
    /// fail over to it and start what was running.
    Failback(crate::flow_args::ReturnArgs),
    /// Move the workload to the other site with both sites up and no data loss.
    Switchover(crate::flow_args::ReturnArgs),
    /// Rehearse: the discreet failover test, its end, the failback of dedicated test domains,
    /// and the full failover and failback test.
    #[command(subcommand)]
    Drill(crate::drill_args::DrillCommand),
    /// Check that a site holds what the mapping and the last run say: domains active in their
    /// data centers, nothing left unregistered, VMs in mapped clusters and profiles, started
    /// VMs up.
    Verify(crate::drill_args::VerifyArgs),
    /// Show the reports of runs.
    #[command(subcommand)]
    Report(crate::flow_args::ReportCommand),
    /// Have a site's Engine write the OVF stores of the mapped storage domains now and wait
    /// until it has (the "Update OVFs" of the administration portal): the VMs and templates
    /// as they are now reach the replicas.
    OvfUpdate(OvfUpdateArgs),
    /// A simulated two-site lab: Engines on loopback ports to rehearse against.
    #[command(subcommand)]
    Lab(LabCommand),
    /// The whole DR cycle on an embedded two-site lab, no Engine needed: generate and validate
    /// the mapping, a disaster, failover, failback.
    Demo(DemoArgs),
}

/// `olvm-dr demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the files, journals and reports in this directory (default: a temporary one).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Keep the temporary directory after the demo.
    #[arg(long)]
    pub keep: bool,
    /// Seed of the world: the same seed gives the same names and ids.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of VMs (default: the small world's 20).
    #[arg(long)]
    pub vms: Option<usize>,
    /// Simulate a real Engine's durations (minutes instead of seconds).
    #[arg(long)]
    pub realistic: bool,
    /// Print every step of the runs as it finishes.
    #[arg(long)]
    pub steps: bool,
}

/// `olvm-dr lab ...`.
#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// Start two simulated Engines (primary, secondary) and write a ready mapping file,
    /// passwords file and dr.conf for them; runs until Ctrl-C.
    Up(LabUpArgs),
    /// Show the running lab: sites up or down, replication.
    Status(LabStatusArgs),
    /// Declare a site's disaster: its Engine and hosts go dark (with --engine-only, only its
    /// Engine: the hosts keep running VMs and listening on VDSM's port).
    Disaster(LabDisasterArgs),
    /// Bring a site back (with the state it had).
    Recover(LabSiteArgs),
    /// Change the storage replication: stop (replicas become read-write), reverse, resync, split
    /// (drill copies). What each storage gate of a run stands for in the lab: a failover needs
    /// `stop` first; a failback's gate (`storage-gate`, after `reverse` once the old site is
    /// back) is `stop`; a switchover's gate is `reverse`; a drill's `split-replication` gate is
    /// `split`, its `resume-replication` gate `resync`, and the `restore-replication` gate of its
    /// return `reverse`.
    Replication(LabReplicationArgs),
    /// Make a storage domain's OVF store look older (its last update moves back), to rehearse
    /// the RPO guard: `validate` warns (DR0815) until `ovf-update` writes the stores.
    OvfAge(LabOvfAgeArgs),
    /// Let a dark site's sanlock leases expire now, as they do once the lease timeout
    /// (`lab up --lease-timeout`) has passed or the site's hosts are fenced: attaches on the
    /// other site stop waiting. No effect while the site's hosts run.
    ExpireLeases(LabSiteArgs),
}

/// Where the lab's files and state are.
#[derive(Debug, Args)]
pub struct LabDir {
    /// The lab directory.
    #[arg(long, value_name = "DIR", default_value = "olvm-dr-lab")]
    pub dir: PathBuf,
}

/// `olvm-dr lab up`.
#[derive(Debug, Args)]
pub struct LabUpArgs {
    /// World preset.
    #[arg(long, value_enum, default_value_t = LabSize::Small, conflicts_with = "vms")]
    pub size: LabSize,
    /// Number of VMs (on a small world) instead of a preset.
    #[arg(long)]
    pub vms: Option<usize>,
    /// Seed of the world: the same seed gives the same names and ids.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How fast the simulated Engines work.
    #[arg(long, value_enum, default_value_t = LabLatency::Instant)]
    pub latency: LabLatency,
    /// Where the files and state go.
    #[command(flatten)]
    pub dir: LabDir,
    /// Serve the Engines on plain HTTP instead of HTTPS with the lab's own CA (ca.pem).
    #[arg(long)]
    pub plain_http: bool,
    /// How long a dark site's sanlock leases keep the other site's attaches waiting, in
    /// seconds (80 s, as on real storage; a small value makes rehearsals quick, `lab
    /// expire-leases` ends a wait at once).
    #[arg(long, value_name = "SECONDS", default_value_t = 80)]
    pub lease_timeout: u64,
}

/// The world presets of `lab up`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LabSize {
    /// 2 data centers, 3 replicated domains, 20 VMs.
    Small,
    /// 2 data centers, 10 domains of all five storage types, 500 VMs.
    Medium,
    /// 4 data centers, 20 domains, 2 000 VMs.
    Large,
}

/// The latency profiles of `lab up`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LabLatency {
    /// Every call and state change takes no time.
    Instant,
    /// The durations of a real Engine.
    Realistic,
}

/// `olvm-dr lab status`.
#[derive(Debug, Args)]
pub struct LabStatusArgs {
    /// Result format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// The lab.
    #[command(flatten)]
    pub dir: LabDir,
}

/// `olvm-dr lab disaster|recover SITE`.
#[derive(Debug, Args)]
pub struct LabSiteArgs {
    /// primary or secondary.
    pub site: olvm_dr_core::Site,
    /// The lab.
    #[command(flatten)]
    pub dir: LabDir,
}

/// `olvm-dr lab disaster SITE [--engine-only]`.
#[derive(Debug, Args)]
pub struct LabDisasterArgs {
    /// The site and the lab.
    #[command(flatten)]
    pub site: LabSiteArgs,
    /// Only the Engine goes dark; the hosts keep running (an Engine-only outage, which the
    /// split-brain guard must not take for a dark site).
    #[arg(long)]
    pub engine_only: bool,
}

/// `olvm-dr lab replication ACTION [TARGET]`.
#[derive(Debug, Args)]
pub struct LabReplicationArgs {
    /// What to do with the replication pairs.
    #[arg(value_enum)]
    pub action: ReplicationAction,
    /// A storage domain or direct LUN alias; every pair when omitted.
    #[arg(default_value = "all")]
    pub target: String,
    /// The lab.
    #[command(flatten)]
    pub dir: LabDir,
}

/// `olvm-dr lab ovf-age DOMAIN --minutes N`.
#[derive(Debug, Args)]
pub struct LabOvfAgeArgs {
    /// A replicated storage domain's name (or id).
    pub domain: String,
    /// How many minutes older its OVF store should look.
    #[arg(long, value_name = "N")]
    pub minutes: u64,
    /// The site whose store ages: the source of a failover (the primary in a fresh lab).
    #[arg(long, value_enum, value_name = "SITE", default_value_t = SiteArg::Primary)]
    pub site: SiteArg,
    /// The lab.
    #[command(flatten)]
    pub dir: LabDir,
}

/// Replication changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReplicationAction {
    /// Stop copying: the replicas become read-write (what a failover needs).
    Stop,
    /// Copy the other way, after a full resync (before a failback).
    Reverse,
    /// Resynchronise and restart in the current direction.
    Resync,
    /// Split the replicas off for a drill: read-write copies with their own leases, while the
    /// source keeps running.
    Split,
}

/// The two sites, as `--target` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SiteArg {
    /// The primary site.
    Primary,
    /// The secondary site.
    Secondary,
}

impl From<SiteArg> for olvm_dr_core::Site {
    fn from(s: SiteArg) -> Self {
        match s {
            SiteArg::Primary => olvm_dr_core::Site::Primary,
            SiteArg::Secondary => olvm_dr_core::Site::Secondary,
        }
    }
}

/// `olvm-dr validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Only the checks that need no Engine. Without it, both sites' Engines are read too (URLs,
    /// users and CA files from the mapping, passwords from the passwords file).
    #[arg(long)]
    pub offline: bool,
    /// The site a failover or failback would recover to (the role's dr_target_host). Default:
    /// `[failover_failback] dr_target_host` of dr.conf, else secondary.
    #[arg(long, value_enum, value_name = "SITE", conflicts_with = "offline")]
    pub target: Option<SiteArg>,
    /// The other (source) site may be down, as in a real disaster: not reaching it is a
    /// warning, and the target is still checked.
    #[arg(long, conflicts_with = "offline")]
    pub source_may_be_down: bool,
    /// Result format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Do not check that the CA files exist (when validating on another machine).
    #[arg(long)]
    pub no_ca_check: bool,
    /// The oldest, in minutes, the OVF store of a source domain may be before it is a warning
    /// (DR0815). Default 60: the Engine's default OVF update interval.
    #[arg(long, value_name = "MINUTES", conflicts_with = "offline", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_ovf_age: Option<u64>,
    /// The passwords file (plain or ansible-vault): checked, and where the Engine passwords come
    /// from. Default: `[failover_failback] vault` of dr.conf, when set. A site it has no
    /// password for is asked for OLVM_DR_PRIMARY_PASSWORD / OLVM_DR_SECONDARY_PASSWORD, then on
    /// the terminal.
    #[arg(long, value_name = "FILE")]
    pub passwords: Option<PathBuf>,
    /// File holding the ansible-vault password (else OLVM_DR_VAULT_PASSWORD, else a prompt on
    /// a terminal).
    #[arg(long, value_name = "FILE")]
    pub vault_password_file: Option<PathBuf>,
    /// The state directory where each answering site's hosts are recorded, for the split-brain
    /// guard of a later failover (default: OLVM_DR_STATE_DIR, else the user's data directory;
    /// unused with --offline).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// A recovery plan file to check too (groups, waits, dependencies, re-IP rules). Default:
    /// `[failover_failback] recovery_plan` of dr.conf, when set.
    #[arg(long, value_name = "FILE")]
    pub recovery_plan: Option<PathBuf>,
    /// The mapping file. Default: `[validate_vars] var_file` of dr.conf.
    pub mapping: Option<PathBuf>,
}

/// `olvm-dr generate`: the options of `ovirt-dr generate` (`[generate_vars]` of dr.conf), and
/// the secondary to pre-fill from. Passwords never on the command line.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The primary Engine's API URL, e.g. https://engine.example.com/ovirt-engine/api.
    /// Default: `[generate_vars] site`; asked on a terminal.
    #[arg(long, value_name = "URL")]
    pub site: Option<String>,
    /// The primary Engine's user. Default: `[generate_vars] username`, else admin@internal.
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
    /// The primary Engine's CA certificate (PEM). Default: `[generate_vars] ca_file`, else
    /// /etc/pki/ovirt-engine/ca.pem when it exists (on the Engine's own machine).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Do not verify the primary Engine's TLS certificate (the file then says so:
    /// dr_sites_primary_insecure: true).
    #[arg(long)]
    pub insecure: bool,
    /// File holding the primary Engine's password. Else `[generate_vars] password` (with a
    /// warning), OLVM_DR_PRIMARY_PASSWORD, or a prompt on a terminal.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Also read the secondary Engine at this API URL and pre-fill every secondary value whose
    /// entity exists there under the same name.
    #[arg(long, value_name = "URL")]
    pub secondary: Option<String>,
    /// The secondary Engine's user (default: the primary's).
    #[arg(long, value_name = "USER", requires = "secondary")]
    pub secondary_username: Option<String>,
    /// The secondary Engine's CA certificate (PEM).
    #[arg(long, value_name = "FILE", requires = "secondary")]
    pub secondary_ca_file: Option<PathBuf>,
    /// Do not verify the secondary Engine's TLS certificate.
    #[arg(long, requires = "secondary")]
    pub secondary_insecure: bool,
    /// File holding the secondary Engine's password. Else OLVM_DR_SECONDARY_PASSWORD, or a
    /// prompt on a terminal.
    #[arg(long, value_name = "FILE", requires = "secondary")]
    pub secondary_password_file: Option<PathBuf>,
    /// Where to write the mapping. Default: `[generate_vars] output_file`; asked on a terminal.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Overwrite the output file if it exists (otherwise asked on a terminal, refused elsewhere).
    #[arg(long)]
    pub force: bool,
    /// Write the file even when VM disks are on the hosted-engine storage domain: they are
    /// left out of disaster recovery, and a comment at the top of the file lists them.
    #[arg(long)]
    pub skip_hosted_engine_disks: bool,
    /// The state directory where the sites' hosts are recorded, for the split-brain guard of a
    /// later failover (default: OLVM_DR_STATE_DIR, else the user's data directory).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Result format (the summary on stdout).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `olvm-dr mapping ...`.
#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Rewrite a mapping file in the role's layout, every value quoted so that Ansible reads it
    /// back unchanged; values not filled in stay placeholders.
    Normalize(NormalizeArgs),
}

/// `olvm-dr mapping normalize`.
#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// The mapping file to read.
    pub input: PathBuf,
    /// Where to write (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `olvm-dr ovf-update`.
#[derive(Debug, Args)]
pub struct OvfUpdateArgs {
    /// The site whose Engine writes the stores: the one the workload runs on.
    #[arg(long, value_enum, value_name = "SITE")]
    pub site: SiteArg,
    /// The mapping file. Default: `[failover_failback] var_file` of dr.conf.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The passwords file (plain or ansible-vault). Default: `[failover_failback] vault` of
    /// dr.conf. Without it the password comes from OLVM_DR_PRIMARY_PASSWORD /
    /// OLVM_DR_SECONDARY_PASSWORD, then a prompt on a terminal.
    #[arg(long, value_name = "FILE")]
    pub passwords: Option<PathBuf>,
    /// File holding the ansible-vault password (else OLVM_DR_VAULT_PASSWORD, else a prompt on
    /// a terminal).
    #[arg(long, value_name = "FILE")]
    pub vault_password_file: Option<PathBuf>,
    /// How long, in seconds, one domain's update job may run before it counts as failed.
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub job_timeout: u64,
    /// Result format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}
