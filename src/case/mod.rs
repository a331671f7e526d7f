//! Case files: the YAML format, its validated model and the loader.

pub mod diagnostic;
pub mod json_schema;
pub mod load;
pub mod matcher;
pub mod model;
pub mod position;
pub mod raw;
pub mod template;
mod validate;
pub mod value;
pub mod vars;

pub use diagnostic::{Diagnostic, LoadErrors};
pub use load::{LoadOptions, load};
pub use model::*;
