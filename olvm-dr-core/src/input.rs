//! Reading the files an operator names (mapping, passwords, `dr.conf`, CA files, password
//! files): regular files only, and never more than a budget, so that `/dev/zero`, a FIFO or a
//! runaway file is a clear error instead of a process that grows until it is killed (or waits
//! forever for a writer).

use std::io::{self, Read};
use std::path::Path;

/// The most any input file may hold: 32 MiB, the YAML reader's own budget. A mapping of 10 000
/// VMs is a few MiB.
pub const MAX_INPUT_BYTES: u64 = 32 * 1024 * 1024;

/// Reads `path` whole, refusing what is not a regular file (checked before opening: opening a
/// FIFO would wait for a writer) and anything over `max` bytes (counted while reading, so a file
/// that grows meanwhile is stopped too).
///
/// # Errors
/// The I/O error, or `InvalidInput` naming what the path is and what to give instead.
pub fn read_bytes(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            file_kind(&meta)
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what}, not a regular file: give the path of a file"),
        ));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(max)).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("larger than {} MiB", max / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// Like [`read_bytes`], as UTF-8 text.
///
/// # Errors
/// As [`read_bytes`]; `InvalidData` when the bytes are not UTF-8.
pub fn read_text(path: &Path, max: u64) -> io::Result<String> {
    String::from_utf8(read_bytes(path, max)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(unix)]
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn file_kind(_meta: &std::fs::Metadata) -> &'static str {
    "not a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_and_the_budget_holds() {
        let e = read_bytes(Path::new("/dev/zero"), MAX_INPUT_BYTES).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(
            e.to_string().contains("a device, not a regular file"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let e = read_bytes(dir.path(), MAX_INPUT_BYTES).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        let f = dir.path().join("f");
        std::fs::write(&f, vec![b'a'; 11]).unwrap();
        assert!(
            read_bytes(&f, 10)
                .unwrap_err()
                .to_string()
                .contains("larger than")
        );
        assert_eq!(read_bytes(&f, 11).unwrap().len(), 11);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let e = read_text(&fifo, MAX_INPUT_BYTES).unwrap_err();
        assert!(e.to_string().contains("a FIFO, not a regular file"), "{e}");
    }
}
