//! Arguments of `olvm-dr drill ...` and `olvm-dr verify`.

use clap::{Args, Subcommand};
use olvm_dr_core::Site;
use olvm_dr_core::plan::NicIsolation;

use crate::flow_args::{FlowInputs, GateArgs, RunArgs};

fn parse_site(s: &str) -> Result<Site, String> {
    s.parse()
        .map_err(|e: olvm_dr_core::site::UnknownSite| e.to_string())
}

/// `--isolate none|unplugged|profile=NAME[/NETWORK]`, read as the core reads it.
pub(crate) fn parse_isolation(s: &str) -> Result<NicIsolation, String> {
    s.parse()
}

/// `olvm-dr drill ...`: the OLVM DR guide's three tests, as commands.
#[derive(Debug, Clone, Subcommand)]
pub enum DrillCommand {
    /// The discreet failover test: replication toward the drill site is split, and the drill
    /// site fails over in drill mode while the other site keeps running; drill NICs are
    /// isolated.
    Start(DrillStartArgs),
    /// End the last drill on a site: power off and remove what it brought up there (the other
    /// site is not contacted), then wait until replication is resumed.
    End(DrillEndArgs),
    /// The discreet failover and failback test: return the last drill's dedicated test domains
    /// to their home site (a failback restricted to them), then wait until replication runs
    /// toward the drill site again.
    Failback(DrillFailbackArgs),
    /// The full failover and failback test: a planned switchover of everything to the other
    /// site and a failback home, both journaled and reported as a drill.
    Full(DrillFullArgs),
}

/// `olvm-dr drill start`.
#[derive(Debug, Clone, Args)]
pub struct DrillStartArgs {
    /// Inputs.
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// The site the drill runs on. Default: `[failover_failback] dr_target_host` of dr.conf,
    /// else secondary.
    #[arg(long, value_parser = parse_site)]
    pub target: Option<Site>,
    /// Where drill NICs go: `unplugged` (on their mapped profiles, unplugged: the guest sees no
    /// NIC until one is plugged, so VMs can be connected one by one), `profile=NAME` (a test network's vNIC
    /// profile, `NAME/NETWORK` when the name is on several networks; it must be in every
    /// cluster the VMs go to), or `none` (the mapped production networks — only when those are
    /// isolated already).
    #[arg(long, value_name = "HOW", default_value = "unplugged", value_parser = parse_isolation)]
    pub isolate: NicIsolation,
    /// Only these mapped domains (names of either site, comma-separated): dedicated test
    /// domains, which `drill failback` can then return home.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub domains: Vec<String>,
    /// Do not start the VMs that were running.
    #[arg(long)]
    pub no_start: bool,
    /// Start VMs but do not wait for them to be up.
    #[arg(long)]
    pub no_wait_vms: bool,
    /// Start the VMs as this recovery plan says (its re-IP only with `reip.in_drills`).
    /// Default: `[failover_failback] recovery_plan` of dr.conf, when set.
    #[arg(long, value_name = "FILE")]
    pub recovery_plan: Option<std::path::PathBuf>,
    /// The storage gate (replication split).
    #[command(flatten)]
    pub gate: GateArgs,
    /// Run options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `olvm-dr drill end`.
#[derive(Debug, Clone, Args)]
pub struct DrillEndArgs {
    /// Inputs.
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// The site the drill ran on. Default: `[failover_failback] dr_target_host` of dr.conf,
    /// else secondary.
    #[arg(long, value_parser = parse_site)]
    pub site: Option<Site>,
    /// The storage gate (replication resumed).
    #[command(flatten)]
    pub gate: GateArgs,
    /// Run options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `olvm-dr drill failback`.
#[derive(Debug, Clone, Args)]
pub struct DrillFailbackArgs {
    /// Inputs.
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// The home site of the test domains. Default: `[failover_failback] dr_source_map` of
    /// dr.conf, else primary.
    #[arg(long, value_parser = parse_site)]
    pub target: Option<Site>,
    /// The test domains (default: those of the last drill on the other site).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub domains: Vec<String>,
    /// The storage gates (replication reversed toward home; then restored).
    #[command(flatten)]
    pub gate: GateArgs,
    /// Run options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `olvm-dr drill full`.
#[derive(Debug, Clone, Args)]
pub struct DrillFullArgs {
    /// Inputs.
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// The site the workload moves to for the test. Default: `[failover_failback]
    /// dr_target_host` of dr.conf, else secondary.
    #[arg(long, value_parser = parse_site)]
    pub target: Option<Site>,
    /// Stop after moving to the target; the next `drill full` returns home.
    #[arg(long)]
    pub stay: bool,
    /// Power VMs off when their guest does not shut down in time (by default the move stops
    /// instead).
    #[arg(long)]
    pub power_off_after_timeout: bool,
    /// The storage gates (the arrays' planned failover; reversed toward home; restored).
    #[command(flatten)]
    pub gate: GateArgs,
    /// Run options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `olvm-dr verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Inputs (the state directory holds the run whose expectations are checked).
    #[command(flatten)]
    pub inputs: FlowInputs,
    /// The site to verify. Default: `[failover_failback] dr_target_host` of dr.conf, else
    /// secondary.
    #[arg(long, value_parser = parse_site)]
    pub site: Option<Site>,
    /// Check what this run brought up (default: the newest run that brought a workload to the
    /// site).
    #[arg(long, value_name = "RUN", conflicts_with = "no_run")]
    pub run: Option<String>,
    /// Check the site against the mapping only (no VM is expected to be up).
    #[arg(long)]
    pub no_run: bool,
}
