//! What the commands print: JSON on stdout, with per-channel values as objects keyed by
//! channel name in model order.

use crate::error::CliError;
use serde::Serialize;
use serde::ser::SerializeMap;

/// Prints `value` as pretty JSON on stdout. A reader that stops early (`mixplan fit … |
/// head`) is not an error.
pub fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(value)?;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Stdout(error))
        }
        _ => Ok(()),
    }
}

/// Serialises parallel slices of names and values as a JSON object in channel order.
pub struct Named<'a>(pub &'a [String], pub &'a [f64]);

impl Serialize for Named<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0.iter().zip(self.1) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_keeps_channel_order() {
        let n = ["b".to_string(), "a".to_string()];
        let json = serde_json::to_string(&Named(&n, &[1.0, 2.0])).unwrap();
        assert_eq!(json, r#"{"b":1.0,"a":2.0}"#);
    }
}
