//! One module per `polmon` command.

pub(crate) mod analyze;
pub(crate) mod crawl;
pub(crate) mod demo;
pub(crate) mod export;
pub(crate) mod extract;
pub(crate) mod ingest;
pub(crate) mod serve;
pub(crate) mod similarity;
pub(crate) mod sources;
pub(crate) mod translate;
