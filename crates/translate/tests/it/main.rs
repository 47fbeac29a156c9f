//! Integration tests: the HTTP engines against loopback servers speaking
//! their documented protocols, and the real Apertium.

mod apertium;
mod http;
mod server;
