//! The user's data kept in the browser (`localStorage`), so a reload restores it.
//!
//! One key, [`STORAGE_KEY`], holds a JSON envelope:
//!
//! ```text
//! { "format": "mixplan-userdata/1", "checksum": "<FNV-1a 64 of payload, hex>", "payload": "<JSON of StoredData>" }
//! ```
//!
//! The payload is the **compact form** of the user's data: the weekly matrix after the
//! mapping step (not the file, which may be 50 MB of daily rows), the mapping, the file's
//! name, the target's kind, the aggregation notes, whether it is the data in use, and the
//! last plan (the share link's fragment). A week is a handful of numbers, so 1,000 weeks of
//! 20 channels take about 400 KB, well inside the 5 MB or so a browser gives `localStorage`.
//! Beyond the quota nothing is kept: the page says so and works on with the data until the
//! tab closes.
//!
//! On load, a record in another format (an older or newer mixplan), one that does not parse,
//! whose checksum does not match its payload (edited or truncated), or whose weekly matrix
//! breaks an invariant (checked by `WeeklyData`'s deserialiser) is dropped with a message,
//! and the page opens on the demo: never a blank page. Encoding and decoding are plain Rust,
//! tested natively; the `localStorage` calls are thin wrappers.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::data_source::dataset::UserDataset;

/// The `localStorage` key.
pub const STORAGE_KEY: &str = "mixplan.userdata";

/// The format tag this build writes and reads.
pub const FORMAT: &str = "mixplan-userdata/1";

/// What is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredData {
    /// The user's weekly data and mapping.
    pub dataset: UserDataset,
    /// True when the page should open on it (false after "back to the demo").
    pub active: bool,
    /// The last plan on it: a share-link fragment (`v1;total=…`), if any.
    pub plan: Option<String>,
}

/// Why stored data was not restored or not kept.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StorageError {
    /// The stored value is not a mixplan record, or is damaged.
    #[error(
        "Your saved data could not be read back (it is damaged: {0}) and has been removed; the demo is shown. Load your file again to use it."
    )]
    Corrupted(String),
    /// Written by another version of mixplan.
    #[error(
        "Your saved data were written by another version of mixplan (format \"{0}\") and have been removed; the demo is shown. Load your file again to use it."
    )]
    OtherVersion(String),
    /// The checksum does not match: the value was edited or truncated.
    #[error(
        "Your saved data were changed outside mixplan (their checksum does not match) and have been removed; the demo is shown. Load your file again to use it."
    )]
    ChecksumMismatch,
    /// The browser refused to store it (quota, or storage disabled).
    #[error(
        "Your data are in use but could not be kept in this browser ({bytes} bytes; {detail}): after a reload the demo opens and you will need to load your file again."
    )]
    NotKept {
        /// Size of the record.
        bytes: usize,
        /// The browser's reason.
        detail: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    checksum: String,
    payload: String,
}

/// FNV-1a, 64 bits, of `text`, as 16 hex digits: detects edits and truncation (not an
/// attacker, who could recompute it; nothing stored is trusted beyond the core's checks).
pub fn checksum(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The stored text of `data`.
pub fn encode(data: &StoredData) -> String {
    let payload = serde_json::to_string(data).unwrap_or_default();
    let envelope = Envelope {
        format: FORMAT.to_string(),
        checksum: checksum(&payload),
        payload,
    };
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// Reads a stored text back.
///
/// # Errors
/// [`StorageError::Corrupted`], [`StorageError::OtherVersion`] or
/// [`StorageError::ChecksumMismatch`].
pub fn decode(text: &str) -> Result<StoredData, StorageError> {
    let envelope: Envelope =
        serde_json::from_str(text).map_err(|e| StorageError::Corrupted(e.to_string()))?;
    if envelope.format != FORMAT {
        return Err(StorageError::OtherVersion(envelope.format));
    }
    if checksum(&envelope.payload) != envelope.checksum {
        return Err(StorageError::ChecksumMismatch);
    }
    serde_json::from_str(&envelope.payload).map_err(|e| StorageError::Corrupted(e.to_string()))
}

fn local_storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or("no window")?
        .local_storage()
        .map_err(|_| "storage is disabled in this browser".to_string())?
        .ok_or_else(|| "this browser has no local storage".to_string())
}

/// The stored data, if any. A record that cannot be used is removed, and the error says so.
pub fn load() -> Result<Option<StoredData>, StorageError> {
    let Ok(storage) = local_storage() else {
        return Ok(None);
    };
    let Ok(Some(text)) = storage.get_item(STORAGE_KEY) else {
        return Ok(None);
    };
    decode(&text).map(Some).inspect_err(|_| forget())
}

/// What is kept, read without removing anything (`None` when nothing is kept, or it
/// cannot be read: the next [`load`] reports and removes it).
pub fn peek() -> Option<StoredData> {
    let text = local_storage().ok()?.get_item(STORAGE_KEY).ok()??;
    decode(&text).ok()
}

/// Keeps `data`, replacing what was kept.
///
/// # Errors
/// [`StorageError::NotKept`] when the browser refuses (over quota, storage disabled); what
/// was kept before is removed, so a reload never brings back older data than the page shows.
pub fn save(data: &StoredData) -> Result<(), StorageError> {
    let text = encode(data);
    let not_kept = |detail: String| StorageError::NotKept {
        bytes: text.len(),
        detail,
    };
    let storage = local_storage().map_err(not_kept)?;
    storage.set_item(STORAGE_KEY, &text).map_err(|e| {
        forget();
        not_kept(
            js_sys::Reflect::get(&e, &wasm_bindgen::JsValue::from_str("name"))
                .ok()
                .and_then(|n| n.as_string())
                .map_or_else(
                    || "the browser refused it".to_string(),
                    |n| format!("{n}: over this browser's storage quota"),
                ),
        )
    })
}

/// Removes what was kept.
pub fn forget() {
    if let Ok(storage) = local_storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_source::choices::{MappingChoices, TargetKind};
    use crate::data_source::file::SourceFile;
    use crate::data_source::template::template_csv;

    fn stored() -> StoredData {
        let file = SourceFile::text("shop.csv", &template_csv());
        let (table, found) = file.read(None, None).unwrap();
        let mapping = MappingChoices::default().mapping(&found).unwrap();
        StoredData {
            dataset: UserDataset::build("shop.csv", &table, mapping, TargetKind::Revenue).unwrap(),
            active: true,
            plan: Some("v1;total=40000".into()),
        }
    }

    #[test]
    fn a_record_round_trips_exactly() {
        let data = stored();
        assert_eq!(decode(&encode(&data)), Ok(data));
    }

    #[test]
    fn damaged_edited_and_foreign_records_are_refused_with_their_reason() {
        let text = encode(&stored());
        assert!(matches!(
            decode("{not json"),
            Err(StorageError::Corrupted(_))
        ));
        assert!(matches!(
            decode(&text[..text.len() / 2]),
            Err(StorageError::Corrupted(_))
        ));
        let edited = text.replacen("shop.csv", "shop.tsv", 1);
        assert_eq!(decode(&edited), Err(StorageError::ChecksumMismatch));
        let old = text.replacen(FORMAT, "mixplan-userdata/0", 1);
        assert_eq!(
            decode(&old),
            Err(StorageError::OtherVersion("mixplan-userdata/0".into()))
        );
        for error in [
            decode("{").unwrap_err(),
            decode(&edited).unwrap_err(),
            decode(&old).unwrap_err(),
        ] {
            assert!(error.to_string().contains("the demo is shown"), "{error}");
        }
    }

    #[test]
    fn a_matrix_breaking_an_invariant_is_refused_even_with_a_matching_checksum() {
        let data = stored();
        let payload =
            serde_json::to_string(&data)
                .unwrap()
                .replacen("\"values\":[", "\"values\":[-5,", 1);
        let envelope = serde_json::json!({ "format": FORMAT, "checksum": checksum(&payload), "payload": payload });
        assert!(matches!(
            decode(&envelope.to_string()),
            Err(StorageError::Corrupted(_))
        ));
    }
}
