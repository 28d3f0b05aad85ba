//! Writing a mapping file so that it is always either the old file or the whole new one, as
//! `olvm-dr generate`, `olvm_dr.Mapping.save` and the uniffi `Mapping::save` do.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A mapping file could not be written; the old file, if any, is unchanged.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file (or its temporary file) that failed.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Writes `text` to `path` through a temporary file in the same directory, synced, then
/// renamed over it. The directory must exist (a missing one is more often a typo than a wish).
/// A failure leaves no temporary file.
///
/// # Errors
/// [`WriteError`] naming what could not be created, written or renamed.
pub fn write_file(path: &Path, text: &str) -> Result<(), WriteError> {
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError { path, source }
    };
    let dir = (path.parent())
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = (path.file_name()).map_or_else(|| "mapping".into(), |n| n.to_string_lossy());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .map_err(failed(&tmp))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(failed(path)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vars.yml");
        write_file(&path, "a: 1\n").unwrap();
        write_file(&path, "b: 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "b: 2\n");
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
    }

    #[test]
    fn a_failure_names_the_path_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should go: the rename fails.
        let path = dir.path().join("vars.yml");
        std::fs::create_dir_all(path.join("inside")).unwrap();
        let e = write_file(&path, "a: 1\n").unwrap_err();
        assert_eq!(e.path, path);
        assert!(e.to_string().starts_with("cannot write "), "{e}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the directory that was there");
        let e = write_file(&dir.path().join("missing").join("vars.yml"), "").unwrap_err();
        assert_eq!(e.source.kind(), std::io::ErrorKind::NotFound);
    }
}
