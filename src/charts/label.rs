//! Text put into a figure.
//!
//! plotly.js renders labels, legend entries, category ticks and hover text through its own
//! small HTML subset (`<b>`, `<br>`, `<a href>`, `&amp;`, …). A channel or column name comes
//! from the data, so it must reach the screen as plain text: [`escape`] it first.

/// Escapes `&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`, so plotly.js shows `text` as
/// written (`"Search <b>Brand</b> & Co"` stays exactly that on screen). `&` goes first, so an
/// existing entity such as `&lt;` is shown literally too.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_entities_are_shown_as_text() {
        assert_eq!(escape("Paid Search"), "Paid Search");
        assert_eq!(
            escape("Search <b>Brand</b> & Co"),
            "Search &lt;b&gt;Brand&lt;/b&gt; &amp; Co"
        );
        assert_eq!(escape("a<br>b"), "a&lt;br&gt;b");
        assert_eq!(escape("&lt;"), "&amp;lt;");
        assert_eq!(escape("Ünïcode → ok"), "Ünïcode → ok");
        assert_eq!(escape(""), "");
    }
}
