//! Case files: the YAML format, its validated model and the loader.

pub mod budget;
pub(crate) mod diagnostic;
pub mod json_schema;
pub(crate) mod level;
pub(crate) mod load;
pub mod matcher;
pub(crate) mod model;
pub(crate) mod position;
pub(crate) mod raw;
mod read;
mod scan;
pub(crate) mod template;
mod tree;
mod validate;
mod validate_retry;
pub(crate) mod value;
pub mod vars;

pub use diagnostic::LoadErrors;
pub use level::Level;
pub(crate) use load::{LoadOptions, load};
pub use model::*;
pub use read::{DocumentError, read_document};
