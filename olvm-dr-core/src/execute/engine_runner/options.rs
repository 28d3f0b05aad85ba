//! Deadlines and polling of the Engine-backed steps.

use std::time::Duration;

/// How long steps wait for the Engine, and how they poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowTimeouts {
    /// A storage domain reaching the state an attach, activate, deactivate or detach leads to.
    /// Default 180 s: the Ansible modules' wait, which real Engines meet.
    pub domain_state: Duration,
    /// How long an attach or activate refused because the other site's sanlock lease is still
    /// held keeps being retried. Default 180 s: sanlock declares a dead host's lease free after
    /// about 80 s; 180 s is what the role's own TODO asks for, with margin.
    pub lease_grace: Duration,
    /// A registered template becoming `ok` / a registered VM appearing. Default 180 s, the
    /// Ansible modules' wait.
    pub registration: Duration,
    /// A started VM reaching `up`. Default 180 s: the Engine reports `up` when the VM's process
    /// runs (not when its guest finished booting); a VM still not up after that has a problem.
    pub vm_up: Duration,
    /// A VM reaching `down` after a shutdown or power-off. Default 180 s, as the role's power-off.
    pub vm_down: Duration,
    /// One Engine call. Default 300 s: an attach can legitimately take minutes (the Engine
    /// connects every host and reads the OVF store inside the call).
    pub call: Duration,
    /// How long transient failures of one call (locked, unavailable, timeout) are retried.
    /// Default 120 s.
    pub retry_window: Duration,
    /// Attempts of a domain deactivation or removal refused because of running tasks (the role's
    /// `dr_cleanup_retries_maintenance`). Default 3.
    pub cleanup_retries: u32,
    /// Pause between those attempts (the role's `dr_cleanup_delay_maintenance`). Default 120 s:
    /// Engine tasks on a data center usually end within two minutes.
    pub cleanup_retry_delay: Duration,
    /// First poll interval. Default 100 ms, so fast Engines are not slowed by polling.
    pub poll_min: Duration,
    /// Largest poll interval; intervals double from `poll_min` up to it. Default 3 s, the Ansible
    /// modules' interval, so slow operations do not flood the Engine.
    pub poll_max: Duration,
}

impl Default for FlowTimeouts {
    fn default() -> Self {
        Self {
            domain_state: Duration::from_secs(180),
            lease_grace: Duration::from_secs(180),
            registration: Duration::from_secs(180),
            vm_up: Duration::from_secs(180),
            vm_down: Duration::from_secs(180),
            call: Duration::from_secs(300),
            retry_window: Duration::from_secs(120),
            cleanup_retries: 3,
            cleanup_retry_delay: Duration::from_secs(120),
            poll_min: Duration::from_millis(100),
            poll_max: Duration::from_secs(3),
        }
    }
}
