//! HTML parsing: a fast, forgiving tokenizer that builds a compact arena tree.

pub(crate) mod dom;
pub(crate) mod entities;
pub(crate) mod parse;
pub(crate) mod tags;

pub(crate) use dom::{Dom, NONE};
pub(crate) use parse::parse;
pub(crate) use tags::Tag;
