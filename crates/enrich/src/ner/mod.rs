//! Named-entity recognition: an averaged-perceptron greedy BIO tagger over hashed features.
//!
//! [`features`] turns tokens into hashed feature keys, [`model`] stores quantised weights,
//! [`tagger`] decodes, [`train`] learns a model (run by `examples/train-ner.rs`),
//! [`gazetteer`] marks listed place names, [`cleanup`] cuts tagged spans into names.

pub mod cleanup;
pub mod features;
pub mod gazetteer;
pub mod model;
pub mod tagger;
pub mod train;
