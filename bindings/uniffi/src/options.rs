//! The options of each flow as records made from the core's description of them (one field
//! per option, with the core's default and doc), and the choices of a run.

use olvm_dr_core::engine::DEFAULT_CONCURRENCY;
use olvm_dr_core::execute::{OnError, SchedulerOptions};
use olvm_dr_core::flow::options::{self, OptionError};
use olvm_dr_core::flow::{FlowRequest, Resume, RunOptions};

use crate::error::DrError;

/// Makes a flow's options record from the core's description, with its conversion to the
/// core's type and the core's defaults.
macro_rules! ffi_record {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident as $binding:ident ($flow:literal) {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $default:tt ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
        pub struct $binding {
            $( $(#[doc = $doc])* #[uniffi(default = $default)] pub $field: $ty, )*
        }

        impl From<$binding> for options::$name {
            fn from(o: $binding) -> Self {
                Self { $( $field: o.$field, )* }
            }
        }

        impl Default for $binding {
            fn default() -> Self {
                let o = options::$name::default();
                Self { $( $field: o.$field, )* }
            }
        }
    };
}

olvm_dr_core::failover_options!(ffi_record);
olvm_dr_core::cleanup_options!(ffi_record);
olvm_dr_core::failback_options!(ffi_record);
olvm_dr_core::switchover_options!(ffi_record);
olvm_dr_core::drill_options!(ffi_record);
olvm_dr_core::drill_failback_options!(ffi_record);
olvm_dr_core::drill_full_options!(ffi_record);

/// The core's request from a flow's options (`None`: the defaults); a value the core refuses is
/// a `Config` error.
pub(crate) fn request<R, C>(
    options: Option<R>,
    request: fn(&C) -> Result<FlowRequest, OptionError>,
) -> Result<FlowRequest, DrError>
where
    R: Default + Into<C>,
{
    request(&options.unwrap_or_default().into()).map_err(|e| DrError::Config {
        reason: e.to_string(),
    })
}

/// How a run is executed.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RunSettings {
    /// Engine calls in flight per site. Default: the core's `DEFAULT_CONCURRENCY`, measured in
    /// the failover benchmark.
    #[uniffi(default = None)]
    pub concurrency: Option<u32>,
    /// Start nothing new after the first failure. Default `false`: everything that does not
    /// depend on a failed step still runs (the role's behaviour, minus hiding failures).
    #[uniffi(default = false)]
    pub stop_on_error: bool,
    /// Always plan a new run, even if an interrupted run of the same flow, target and mapping
    /// is in the state directory. Default `false`: rerunning resumes it.
    #[uniffi(default = false)]
    pub new_run: bool,
    /// Continue this run (its id) of the state directory.
    #[uniffi(default = None)]
    pub resume_run: Option<String>,
}

impl RunSettings {
    /// Which run to continue.
    pub(crate) fn resume(&self) -> Resume {
        match (&self.resume_run, self.new_run) {
            (Some(id), _) => Resume::Run(id.clone()),
            (None, true) => Resume::Never,
            (None, false) => Resume::Auto,
        }
    }

    /// The core run options (reporter and gate are set by the caller).
    pub(crate) fn run_options(&self) -> RunOptions {
        RunOptions {
            concurrency: self
                .concurrency
                .map_or(DEFAULT_CONCURRENCY, |c| (c as usize).max(1)),
            scheduler: SchedulerOptions {
                on_error: if self.stop_on_error {
                    OnError::Stop
                } else {
                    OnError::Continue
                },
                ..SchedulerOptions::default()
            },
            ..RunOptions::default()
        }
    }
}
