/// A stable 128-bit hash of an article's title and text, as 32 hex digits.
///
/// Whitespace runs count as one space and case is kept, so a re-wrapped copy hashes
/// the same while an edited one does not. Two FNV-1a 64 passes with different offsets.
pub fn content_hash(title: &str, text: &str) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    let mut feed = |byte: u8| {
        a = (a ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
        b = (b ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
    };
    for part in [title, "\u{1f}", text] {
        let mut first = true;
        for word in part.split_whitespace() {
            if !first {
                feed(b' ');
            }
            first = false;
            word.bytes().for_each(&mut feed);
        }
    }
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_does_not_matter_but_words_do() {
        assert_eq!(content_hash("A  b", "c\n\nd"), content_hash("A b", "c d"));
        assert_ne!(content_hash("A b", "c d"), content_hash("A b", "c e"));
        assert_ne!(content_hash("A", "b c"), content_hash("A b", "c"));
        assert_eq!(content_hash("x", "y").len(), 32);
    }
}
