//! Which of `,` `;` and tab separates the fields of a file: the one that splits the first
//! rows into the most fields, every row (empty trailing fields aside) as many as the header.

use super::read_options::Separator;

/// Rows looked at (the header included).
const SAMPLE_ROWS: usize = 50;

/// The detected separator; [`Separator::Comma`] when none splits the header.
pub(crate) fn detect_separator(text: &str) -> Separator {
    let mut best = (false, 0usize, Separator::Comma);
    for separator in Separator::ALL {
        let Some((consistent, fields)) = sample(text, separator) else {
            continue;
        };
        if fields > 1 && (consistent, fields) > (best.0, best.1) {
            best = (consistent, fields, separator);
        }
    }
    best.2
}

/// Whether the sampled rows all have as many fields as the header, and the header's count.
fn sample(text: &str, separator: Separator) -> Option<(bool, usize)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator.byte())
        .from_reader(text.as_bytes());
    let mut header_fields = None;
    let mut consistent = true;
    for record in reader.records().take(SAMPLE_ROWS) {
        let record = record.ok()?;
        let fields = record.len()
            - record
                .iter()
                .rev()
                .take_while(|c| c.trim().is_empty())
                .count();
        if fields == 0 {
            continue;
        }
        match header_fields {
            None => header_fields = Some(fields),
            Some(h) => consistent &= fields == h,
        }
    }
    header_fields.map(|h| (consistent, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_separator() {
        assert_eq!(detect_separator("a,b,c\n1,2,3\n"), Separator::Comma);
        assert_eq!(detect_separator("a;b;c\n1,5;2;3\n"), Separator::Semicolon);
        assert_eq!(detect_separator("a\tb\n1,5\t2\n"), Separator::Tab);
        // Commas inside a semicolon file's numbers do not fool it.
        assert_eq!(
            detect_separator("date;revenue\n2024-01-01;1,5\n2024-01-08;2\n"),
            Separator::Semicolon
        );
        assert_eq!(detect_separator("single\n1\n2\n"), Separator::Comma);
    }
}
