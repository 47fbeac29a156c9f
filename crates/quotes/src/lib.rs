//! Quotes and their speakers, in English and French news text.
//!
//! This crate owns finding quotations in a text — direct ones between quotation marks
//! (`“…”`, `"…"`, `«…»`, `„…“`, `‹…›`, split ones around their cue included) and reported ones
//! ("X said that …", "X a déclaré que …", "selon X, …") — and resolving who speaks them: a name,
//! a pronoun resolved to the most recent person of matching gender, a description resolved
//! through the roles the text ties to names ("the French minister" → Stéphane Séjourné), or
//! an unnamed description kept as written ("a UNESCO diplomat").
//!
//! It does not own named-entity recognition: the entities come from `polmon-enrich`. When
//! none are given, a documented fallback ([`propose_entities`]) proposes person and
//! organisation spans from capitalised word sequences so that speakers can still be named.
//! It does no I/O.
//!
//! All offsets are Unicode code points into the text (`str::chars`), end exclusive.
//!
//! ```
//! let text = "“We will not give up,” Blinken told reporters. He added that talks went on.";
//! let quotes = polmon_quotes::find_quotes(text, &[], "en");
//! assert_eq!(quotes[0].text, "We will not give up");
//! assert_eq!(quotes[0].speaker.as_deref(), Some("Blinken"));
//! assert!(quotes[0].direct);
//! assert_eq!(quotes[1].text, "talks went on");
//! assert!(!quotes[1].direct);
//! ```
#![deny(missing_docs)]

mod clause;
mod direct;
mod indirect;
mod lexicon;
mod marks;
mod names;
mod speaker;
mod text;
mod work;

use polmon_model::{EntityMention, Quote};

pub use names::propose_entities;

/// Knobs of the quote finder; [`Options::default`] is what [`find_quotes`] uses.
#[derive(Debug, Clone)]
pub struct Options {
    /// A quoted fragment inside a sentence with no cue next to it is a quotation from this many
    /// words on; shorter ones are scare quotes or titles ("a “surge”").
    pub min_embedded_words: usize,
    /// A quote with no cue of its own takes the last speaker from up to this many paragraphs back.
    pub carry_paragraphs: usize,
    /// Whether to look for reported (indirect) quotes as well.
    pub indirect: bool,
    /// Whether to propose entities from capitalised words when none are given.
    pub fallback_entities: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { min_embedded_words: 5, carry_paragraphs: 3, indirect: true, fallback_entities: true }
    }
}

/// A quote with the span of its speaker mention in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributed {
    /// The quote.
    pub quote: Quote,
    /// Code-point span of the speaker mention as written, if there is one.
    pub speaker_span: Option<(usize, usize)>,
}

impl Attributed {
    fn new(doc: &text::Doc, start: usize, end: usize, speaker: Option<speaker::Speaker>, cue: Option<String>, direct: bool) -> Self {
        let speaker_span = speaker.as_ref().map(|s| (s.start, s.end));
        let (speaker, speaker_canonical) = match speaker {
            Some(s) => (Some(s.text), s.canonical),
            None => (None, None),
        };
        Attributed {
            quote: Quote {
                text: doc.slice(start, end),
                start,
                end,
                speaker,
                speaker_canonical,
                cue,
                direct,
                speaker_start: speaker_span.map(|s| s.0),
                speaker_end: speaker_span.map(|s| s.1),
            },
            speaker_span,
        }
    }
}

/// Direct and indirect quotes of `text`, in text order, with the default [`Options`].
///
/// `entities` are the named-entity mentions of the same text (offsets in code points); when
/// empty the capitalised-word fallback proposes them. `lang` is an ISO 639-1 code (`en`,
/// `fr`); other languages are read with the English and French lexicons together.
pub fn find_quotes(text: &str, entities: &[EntityMention], lang: &str) -> Vec<Quote> {
    find_attributed(text, entities, lang, &Options::default()).into_iter().map(|a| a.quote).collect()
}

/// Like [`find_quotes`], with options, keeping the speaker mention's span.
pub fn find_attributed(text: &str, entities: &[EntityMention], lang: &str, opts: &Options) -> Vec<Attributed> {
    let doc = text::Doc::new(text);
    let proposed;
    let entities = if entities.is_empty() && opts.fallback_entities {
        proposed = names::propose_in(&doc, lang);
        &proposed[..]
    } else {
        entities
    };
    let described;
    let entities = if lang == "fr" {
        described = names::with_described_names(&doc, entities);
        &described[..]
    } else {
        entities
    };
    let mentions = names::prepare(&doc, entities);
    let mut used = Vec::new();
    let mut out = direct::find(&doc, &mentions, lang, opts, &mut used);
    if opts.indirect {
        used.sort_unstable();
        let reported = indirect::find(&doc, &mentions, lang, &used, &out);
        // A partial quote inside a reported clause is part of that clause (reported clauses
        // come in text order, one per sentence at most, so only the last one starting before
        // the quote can hold it).
        out.retain(|q| {
            let k = reported.partition_point(|r| r.quote.start <= q.quote.start);
            q.quote.direct || k == 0 || reported[k - 1].quote.end < q.quote.end
        });
        out.extend(reported);
    }
    out.sort_by_key(|a| (a.quote.start, a.quote.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    include!("../examples/scale/page.rs");

    /// The look-back steps `find_attributed` takes on `text`.
    fn steps(text: &str, lang: &str) -> u64 {
        let before = work::steps();
        let found = find_attributed(text, &[], lang, &Options::default());
        assert!(found.len() > 100);
        work::steps() - before
    }

    /// A page four times as long takes about four times the work (a little more while the
    /// look-back windows fill up), not sixteen: no step looks back over the whole page (the 1 to
    /// 8 MB pages of the review took 3.6 to 41 s before).
    #[test]
    fn resolution_work_grows_linearly_with_the_page() {
        for lang in ["en", "fr"] {
            let small = steps(&page(100_000, lang), lang);
            let large = steps(&page(400_000, lang), lang);
            assert!(large <= small * 5, "{lang}: {small} steps for 100 kB, {large} for 400 kB");
        }
    }
}
