//! Command-line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Usage text.
pub const USAGE: &str = "usage: huddle-server [--listen ADDR] [--dist DIR] [--https]
  --listen ADDR   address to listen on (env HUDDLE_LISTEN, default 127.0.0.1:8080)
  --dist DIR      the built SPA (env HUDDLE_DIST, default dist)
  --https         the public origin is HTTPS: send Strict-Transport-Security
                  (env HUDDLE_HTTPS=1)";

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address to listen on.
    pub listen: SocketAddr,
    /// Directory of the built SPA.
    pub dist: PathBuf,
    /// Whether the app is served over HTTPS (adds HSTS).
    pub https: bool,
}

impl Config {
    /// Reads flags, falling back to `HUDDLE_*` environment variables and defaults.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Config, String> {
        let env = |k: &str| std::env::var(k).ok();
        let mut listen = env("HUDDLE_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let mut dist = env("HUDDLE_DIST").unwrap_or_else(|| "dist".into());
        let mut https = env("HUDDLE_HTTPS").is_some_and(|v| v == "1" || v == "true");
        let mut args = args;
        while let Some(a) = args.next() {
            match a.as_str() {
                "--listen" => listen = args.next().ok_or("--listen needs an address")?,
                "--dist" => dist = args.next().ok_or("--dist needs a directory")?,
                "--https" => https = true,
                "-h" | "--help" => return Err("help".into()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(Config {
            listen: listen
                .parse()
                .map_err(|_| format!("--listen: not a socket address: {listen:?}"))?,
            dist: PathBuf::from(dist),
            https,
        })
    }
}
