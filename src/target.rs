//! The implementation a run tests: the embedded reference server (started here, stopped when dropped) or one
//! at a URL the user gives.

use std::path::Path;

use crate::check::snapshot::SnapshotMode;
use crate::reference::{BackgroundServer, ServerConfig};

pub enum Target {
    /// The reference server on a free loopback port.
    Embedded(BackgroundServer),
    /// Another implementation, e.g. `https://eu.sms.api.sinch.com`.
    Remote(String),
}

impl Target {
    /// Starts the reference server with its default configuration.
    pub fn embedded() -> std::io::Result<Target> {
        BackgroundServer::start(ServerConfig::default(), ([127, 0, 0, 1], 0).into()).map(Target::Embedded)
    }

    /// `url` when given, otherwise the embedded server.
    pub fn from_base_url(url: Option<&str>) -> std::io::Result<Target> {
        match url {
            Some(url) => Ok(Target::Remote(url.trim_end_matches('/').to_string())),
            None => Target::embedded(),
        }
    }

    /// Without a trailing slash.
    pub fn base_url(&self) -> String {
        match self {
            Target::Embedded(server) => server.base_url(),
            Target::Remote(url) => url.clone(),
        }
    }

    pub fn is_embedded(&self) -> bool {
        matches!(self, Target::Embedded(_))
    }

    /// Snapshots when the user named no folder: the committed ones in `dir` against the embedded server, whose
    /// answers they record; none against another implementation, which has answers of its own.
    pub fn default_snapshots(&self, dir: &Path) -> SnapshotMode {
        if self.is_embedded() { SnapshotMode::Check { dir: dir.to_path_buf() } } else { SnapshotMode::Off }
    }
}
