use polmon_model::{Block, BlockKind};

/// Splits plain text into blocks: paragraphs at blank lines; a short one-line paragraph
/// without closing punctuation, after the first, is a subheading.
pub fn blocks_from_text(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    for (i, para) in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).enumerate() {
        let one_line = !para.contains('\n');
        let joined = para.split_whitespace().collect::<Vec<_>>().join(" ");
        let words = joined.split(' ').count();
        let ends_like_sentence = joined.ends_with(['.', '!', '?', ':', ';', '»', '"', '”', '…', ')', ',']);
        let kind = if i > 0 && one_line && words <= 12 && joined.chars().count() <= 100 && !ends_like_sentence {
            BlockKind::H2
        } else {
            BlockKind::P
        };
        out.push(Block { kind, text: joined });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_subheadings() {
        let b = blocks_from_text("First paragraph here.\nStill first.\n\nInitiatives for Ukraine\n\nLast one.");
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].text, "First paragraph here. Still first.");
        assert_eq!(b[0].kind, BlockKind::P);
        assert_eq!(b[1].kind, BlockKind::H2);
        assert_eq!(b[2].kind, BlockKind::P);
    }

    #[test]
    fn a_lone_title_like_first_paragraph_stays_a_paragraph() {
        assert_eq!(blocks_from_text("Breaking news")[0].kind, BlockKind::P);
    }
}
