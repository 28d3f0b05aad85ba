//! The options of each flow, as a front end offers them: one type per flow ([`Failover`],
//! [`Cleanup`], [`Failback`], [`Switchover`], [`Drill`], [`DrillFailback`], [`DrillFull`]) with
//! its defaults, documentation and validation in one place. The command line, the Python
//! package and the uniffi bindings map onto these types; `request()` turns one into the
//! [`FlowRequest`](super::FlowRequest) the core plans.
//!
//! Each type is declared once, in an exported description macro ([`failover_options!`](crate::failover_options)
//! and its siblings) that hands the fields — name, type, default, doc — to a macro of the
//! caller's choice: this module makes the Rust types and their table of [`OptionInfo`] from
//! it, the bindings make their records from the same description. Adding an option to a flow
//! is one line (and its doc comment) in that description, plus its use in `request()`.

mod flows;
mod value;

pub use flows::{Cleanup, Drill, DrillFailback, DrillFull, Failback, Failover, Switchover};
pub use value::{OptionKind, OptionType, OptionValue};

/// One option of a flow, for front ends that build their interface from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionInfo {
    /// Its name (the Rust field, the Python keyword, the uniffi record field).
    pub name: &'static str,
    /// What values it takes.
    pub kind: OptionKind,
    /// What it does, with its default (the doc comment of the field, one line per line).
    pub doc: &'static str,
}

/// An option was set to something it cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    /// No option of this name.
    #[error("{flow} has no option '{name}'; its options are: {known}")]
    Unknown {
        /// The flow.
        flow: &'static str,
        /// The name given.
        name: String,
        /// The option names, comma-separated.
        known: String,
    },
    /// A value of the wrong kind.
    #[error("the {flow} option '{name}' takes {expected}")]
    Type {
        /// The flow.
        flow: &'static str,
        /// The option.
        name: &'static str,
        /// What it takes.
        expected: &'static str,
    },
    /// A value of the right kind that makes no sense.
    #[error("the {flow} option '{name}': {message}")]
    Invalid {
        /// The flow.
        flow: &'static str,
        /// The option.
        name: &'static str,
        /// What is wrong and what to give.
        message: String,
    },
}

/// What every flow's options type offers, to front ends that handle them by name.
pub trait FlowOptions: Default + Clone + std::fmt::Debug {
    /// The flow (`failover`, `cleanup`, ...).
    const FLOW: &'static str;
    /// The name bindings give the type (`FailoverOptions`, ...).
    const BINDING: &'static str;
    /// What the type is for (its doc comment, one line per line).
    const DOC: &'static str;
    /// Every option, in declaration order.
    const OPTIONS: &'static [OptionInfo];

    /// The value of the option `name` (`None`: no such option).
    fn get(&self, name: &str) -> Option<OptionValue>;

    /// Sets the option `name`.
    ///
    /// # Errors
    /// [`OptionError::Unknown`] for a name the flow does not have, [`OptionError::Type`] for a
    /// value of the wrong kind.
    fn set(&mut self, name: &str, value: OptionValue) -> Result<(), OptionError>;

    /// The options from `(name, value)` pairs over the defaults.
    ///
    /// # Errors
    /// As [`FlowOptions::set`], for the first pair that fails.
    fn from_values<I>(values: I) -> Result<Self, OptionError>
    where
        I: IntoIterator<Item = (String, OptionValue)>,
    {
        let mut options = Self::default();
        for (name, value) in values {
            options.set(&name, value)?;
        }
        Ok(options)
    }
}

/// Makes an options type and its table from a description macro's fields.
macro_rules! define_options {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident as $binding:ident ($flow:literal) {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $default:tt ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: <$ty as $crate::flow::options::OptionType>::from_lit($default), )* }
            }
        }

        impl $crate::flow::options::FlowOptions for $name {
            const FLOW: &'static str = $flow;
            const BINDING: &'static str = stringify!($binding);
            const DOC: &'static str = concat!($($sdoc, "\n"),*);
            const OPTIONS: &'static [$crate::flow::options::OptionInfo] = &[
                $( $crate::flow::options::OptionInfo {
                    name: stringify!($field),
                    kind: <$ty as $crate::flow::options::OptionType>::KIND,
                    doc: concat!($($doc, "\n"),*),
                }, )*
            ];

            fn get(&self, name: &str) -> Option<$crate::flow::options::OptionValue> {
                use $crate::flow::options::OptionType as _;
                match name {
                    $( stringify!($field) => Some(self.$field.to_value()), )*
                    _ => None,
                }
            }

            fn set(
                &mut self,
                name: &str,
                value: $crate::flow::options::OptionValue,
            ) -> Result<(), $crate::flow::options::OptionError> {
                match name {
                    $( stringify!($field) => {
                        self.$field = <$ty as $crate::flow::options::OptionType>::from_value(value)
                            .ok_or($crate::flow::options::OptionError::Type {
                                flow: $flow,
                                name: stringify!($field),
                                expected: <$ty as $crate::flow::options::OptionType>::KIND.expected(),
                            })?;
                        Ok(())
                    } )*
                    _ => Err($crate::flow::options::OptionError::Unknown {
                        flow: $flow,
                        name: name.to_owned(),
                        known: [$(stringify!($field)),*].join(", "),
                    }),
                }
            }
        }
    };
}
pub(crate) use define_options;
