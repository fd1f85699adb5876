//! Script output made fit for reports and terminals.

/// Text that any XML parser accepts and a terminal shows as text: invalid
/// UTF-8 becomes U+FFFD, ANSI escape sequences are removed, and characters
/// XML 1.0 forbids (NUL and other C0 controls, U+FFFE, U+FFFF) are dropped.
pub fn xml_safe(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = strip_ansi_escapes::strip_str(&text);
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::xml_safe;

    #[test]
    fn keeps_text_and_drops_what_xml_forbids() {
        let hostile = b"ok \x1b[31mred\x1b[0m \x00nul \x07bell \xff\xfe bad ]]> \xef\xbf\xbe end\n";
        assert_eq!(
            xml_safe(hostile),
            "ok red nul bell \u{FFFD}\u{FFFD} bad ]]>  end\n"
        );
    }
}
