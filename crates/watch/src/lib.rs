//! Watches: saved questions about the news, and the matcher that answers them for each
//! article as it is stored.
//!
//! A [`WatchSpec`] is a full-text query in the search syntax (words, `"phrases"`, `AND`,
//! `OR`, `NOT`/`-word`, `+word`, parentheses) and/or filters on entity canonical names, the
//! quoted speaker, category, language, source and country, with an optional burst minimum
//! ("at least N articles within H hours", enforced by the store, which sees the history).
//! [`WatchSpec::validate`] refuses a spec with a clear error naming what is wrong.
//!
//! A [`Matcher`] is built once from all the watches. It keeps a reverse index from one
//! *anchor* per watch (an entity, a speaker, a query word, a source, ...: something every
//! article the watch matches must contain) to the watches, so matching an article looks up
//! the article's distinct words and names and evaluates only the watches they point to:
//! the cost follows the article, not the number of watches.
//!
//! Words are folded exactly as the search index folds them (lowercase, accents removed:
//! [`polmon_index::for_each_folded_word`]), so a watch finds what a search finds.
//!
//! Unlike the search page, which ranks and so reads `a b` as "a or b", a watch reads
//! adjacent words as "a and b" (as alert services do): `Sudan conference` asks for both.
//!
//! A new watch as a person gives it ([`WatchRequest`]: name, question, webhook, e-mail
//! address, digest) is checked here, once, for the CLI and the web API alike
//! ([`WatchRequest::check`], [`check_address`], [`check_webhook`]).
//!
//! This crate is pure: no files, SQL or HTTP. Delivery itself (and the digest schedule's
//! clock) lives with the store and the deliverer.
#![deny(missing_docs)]

mod error;
mod matcher;
mod query;
mod request;
mod spec;
mod text;

pub use error::WatchError;
pub use matcher::{Matched, Matcher, WatchMatch};
pub use query::{Query, MAX_QUERY_CHARS, MAX_QUERY_TERMS};
pub use request::{
    check_address, check_webhook, CheckedWatch, WatchRequest, MAX_ADDRESS_BYTES, MAX_WATCH_NAME_CHARS, MAX_WEBHOOK_BYTES,
};
pub use spec::{Burst, WatchSpec, MAX_ENTITIES};

/// Folds a name or a word the way the index does, words joined by single spaces
/// ("Stéphane  Séjourné" gives "stephane sejourne").
pub fn fold(text: &str) -> String {
    let mut out = String::new();
    polmon_index::for_each_folded_word(text, |w| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    });
    out
}
