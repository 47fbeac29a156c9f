/// Two FNV-1a 64 passes with different offsets: 128 bits, as 32 hex digits.
struct Hash128 {
    a: u64,
    b: u64,
}

impl Hash128 {
    fn new() -> Hash128 {
        Hash128 { a: 0xcbf2_9ce4_8422_2325, b: 0x8422_2325_cbf2_9ce4 }
    }

    fn feed(&mut self, byte: u8) {
        self.a = (self.a ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
        self.b = (self.b ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
    }

    fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.a, self.b)
    }
}

/// A stable 128-bit hash of an article's title and text, as 32 hex digits.
///
/// Whitespace runs count as one space and case is kept, so a re-wrapped copy hashes
/// the same while an edited one does not.
pub fn content_hash(title: &str, text: &str) -> String {
    let mut h = Hash128::new();
    for part in [title, "\u{1f}", text] {
        let mut first = true;
        for word in part.split_whitespace() {
            if !first {
                h.feed(b' ');
            }
            first = false;
            word.bytes().for_each(|b| h.feed(b));
        }
    }
    h.hex()
}

/// A stable 128-bit hash of byte strings taken in order (each one's length counts, so
/// the parts cannot run into each other), as 32 hex digits: the key of a raw page.
pub(crate) fn bytes_hash(parts: &[&[u8]]) -> String {
    let mut h = Hash128::new();
    for part in parts {
        (part.len() as u64).to_le_bytes().iter().for_each(|&b| h.feed(b));
        part.iter().for_each(|&b| h.feed(b));
    }
    h.hex()
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

    #[test]
    fn byte_parts_do_not_run_into_each_other() {
        assert_ne!(bytes_hash(&[b"ab", b"c"]), bytes_hash(&[b"a", b"bc"]));
        assert_eq!(bytes_hash(&[b"ab", b"c"]), bytes_hash(&[b"ab", b"c"]));
        assert_ne!(bytes_hash(&[b"\xe9t\xe9"]), bytes_hash(&[b"\xe8t\xe8"]));
    }
}
