//! Blobs (plans, reports, known hosts) in etcd: inline in one value when small, else in chunks
//! written first and made visible by one transaction that points at them, so a reader sees the
//! old or the new blob whole, however large (etcd limits one request to 1.5 MiB by default).

use etcd_client::{Compare, CompareOp, DeleteOptions, TxnOp};

use super::Shared;
use crate::journal::StateDirError;

/// The largest value written in one piece.
pub(super) const PIECE: usize = 512 * 1024;

/// Marks an inline value.
const INLINE: u8 = b'i';
/// Marks a pointer to chunks: `c<generation> <count>`.
const CHUNKED: u8 = b'c';

fn head_key(base: &str, name: &str) -> String {
    format!("{base}blob/{name}")
}

fn chunks_prefix(base: &str, name: &str, generation: &str) -> String {
    format!("{base}chunk/{name}/{generation}/")
}

/// `(generation, count)` of a chunked head.
fn pointer(value: &[u8]) -> Option<(String, usize)> {
    let rest = std::str::from_utf8(value.strip_prefix(&[CHUNKED])?).ok()?;
    let (generation, count) = rest.split_once(' ')?;
    Some((generation.to_owned(), count.parse().ok()?))
}

/// Reads blob `name` under `base`.
pub(super) fn read(s: &Shared, base: &str, name: &str) -> Result<Option<Vec<u8>>, StateDirError> {
    let Some(head) = s.get(&head_key(base, name))? else {
        return Ok(None);
    };
    let value = head.value();
    if let Some(inline) = value.strip_prefix(&[INLINE]) {
        return Ok(Some(inline.to_vec()));
    }
    let (generation, count) = pointer(value)
        .ok_or_else(|| s.unavailable(format!("blob {base}{name} is damaged (unknown layout)")))?;
    // Read as of the head's revision: the chunks it points at were all written by then.
    let revision = head.mod_revision();
    let prefix = chunks_prefix(base, name, &generation);
    let mut out = Vec::new();
    for i in 0..count {
        let part = s
            .get_at(&format!("{prefix}{i:06}"), revision)?
            .ok_or_else(|| s.unavailable(format!("blob {base}{name} misses chunk {i}")))?;
        out.extend(part);
    }
    Ok(Some(out))
}

/// Replaces blob `name` under `base`.
pub(super) fn write(s: &Shared, base: &str, name: &str, bytes: &[u8]) -> Result<(), StateDirError> {
    let key = head_key(base, name);
    let old = s.get(&key)?;
    let old_rev = old.as_ref().map_or(0, etcd_client::KeyValue::mod_revision);
    let old_chunks = old
        .as_ref()
        .and_then(|kv| pointer(kv.value()))
        .map(|(generation, _)| chunks_prefix(base, name, &generation));
    let head = if bytes.len() <= PIECE {
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.push(INLINE);
        v.extend_from_slice(bytes);
        v
    } else {
        let generation = uuid::Uuid::new_v4().simple().to_string();
        let prefix = chunks_prefix(base, name, &generation);
        let pieces: Vec<&[u8]> = bytes.chunks(PIECE).collect();
        for (i, piece) in pieces.iter().enumerate() {
            s.txn(
                Vec::new(),
                vec![TxnOp::put(format!("{prefix}{i:06}"), piece.to_vec(), None)],
            )?;
        }
        format!("{}{generation} {}", CHUNKED as char, pieces.len()).into_bytes()
    };
    let mut ops = vec![TxnOp::put(key.clone(), head.clone(), None)];
    if let Some(prefix) = old_chunks {
        ops.push(TxnOp::delete(
            prefix,
            Some(DeleteOptions::new().with_prefix()),
        ));
    }
    let done = s.txn(
        vec![Compare::mod_revision(
            key.clone(),
            CompareOp::Equal,
            old_rev,
        )],
        ops,
    )?;
    // Written by this very call, when its first answer was lost.
    if done || s.get(&key)?.is_some_and(|kv| kv.value() == head.as_slice()) {
        Ok(())
    } else {
        Err(s.unavailable(format!(
            "blob {key} was changed by another writer while this one wrote it"
        )))
    }
}
