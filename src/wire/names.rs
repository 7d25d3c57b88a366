//! The IANA names, under the path the rest of the crate has always used; the tables
//! themselves live in the leaf module `crate::iana`.

pub use crate::iana::*;
