//! The YAML layer of the mapping file: a spanned node tree ([`parse`]), PyYAML's YAML 1.1
//! implicit typing ([`resolve`]) and quoting for writing ([`emit`]).
//!
//! The mapping file is read the way Ansible reads it (PyYAML `safe_load`, YAML 1.1), but every
//! value keeps its line and column, whether it was quoted, its tag, and the generator's
//! placeholder comment, which a typed deserializer cannot give.

pub mod emit;
mod node;
mod parse;
pub mod resolve;

pub use node::{Key, Node, NodeKind, Pos, Scalar, ScalarStyle};
pub use parse::{Budget, Document, DuplicateKey, YamlError, YamlErrorKind, parse};
pub use resolve::{Resolved, resolve};
