//! Why a plan could not be made, with where each problem is.

use std::path::{Path, PathBuf};

use crate::engine::EngineError;
use crate::mapping::yaml::Pos;
use crate::{Diagnostic, Location, Site};

/// A plan could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanningError {
    /// The mapping does not fit the live site: each problem with its place in the file.
    #[error("{} problem(s) prevent a plan:\n{}", .0.len(), render(.0))]
    Problems(Vec<Diagnostic>),
    /// A site's Engine could not be read.
    #[error("cannot read the {site} site: {error}")]
    Engine {
        /// The site.
        site: Site,
        /// What failed.
        error: EngineError,
    },
}

fn render(list: &[Diagnostic]) -> String {
    list.iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collects planning problems about one mapping file and one site.
#[derive(Debug, Clone)]
pub(crate) struct Problems {
    file: Option<PathBuf>,
    site: Site,
    list: Vec<Diagnostic>,
}

impl Problems {
    pub(crate) fn new(file: Option<&Path>, site: Site) -> Self {
        Self {
            file: file.map(Path::to_path_buf),
            site,
            list: Vec::new(),
        }
    }

    /// Adds an error at `pos` (when known) about `entity`.
    pub(crate) fn error(
        &mut self,
        code: &'static str,
        pos: Option<Pos>,
        key: Option<String>,
        entity: Option<String>,
        message: String,
        hint: &str,
    ) {
        let location = Location {
            file: self.file.clone(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            key,
            site: Some(self.site),
            entity,
        };
        self.list.push(
            Diagnostic::error(code, message)
                .at(location)
                .with_hint(hint),
        );
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_error(self) -> PlanningError {
        PlanningError::Problems(self.list)
    }
}
