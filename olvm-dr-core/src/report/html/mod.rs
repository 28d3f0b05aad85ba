//! Reports as one self-contained HTML page each: the style sheet and the script are inline,
//! nothing is fetched when the page is opened (an auditor may read it offline, or print it).

mod diff;
mod recovery;
mod report;
mod timeline;

use std::fmt::Write;

/// The style sheet of every page (screen and print).
const STYLE: &str = include_str!("style.css");
/// The script of every page: sorting and filtering of tables. The page reads fully without it.
const SCRIPT: &str = include_str!("script.js");

/// `text` escaped for HTML text and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` in the head, `body` as given (already HTML).
pub(super) fn page(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + STYLE.len() + SCRIPT.len() + 512);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        esc(title)
    );
    out
}

/// A two-column table of `rows` (label, value: both text, escaped here), or nothing when empty.
pub(super) fn key_values(class: &str, rows: &[(&str, String)]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut out = format!("<table class=\"kv {class}\">\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    out.push_str("</table>\n");
    out
}

#[cfg(test)]
mod tests;
