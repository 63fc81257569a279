//! Command-line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Usage text.
pub const USAGE: &str = "usage: huddle-server [options]
  --listen ADDR          address to listen on (HUDDLE_LISTEN, default 127.0.0.1:8080)
  --dist DIR             the built SPA (HUDDLE_DIST, default dist)
  --database FILE        SQLite database (HUDDLE_DATABASE, default data/huddle.sqlite)
  --public-origin URL    the origin users load the app from, e.g. https://huddle.example.com
                         (HUDDLE_PUBLIC_ORIGIN); checked against Origin on state changes
  --https                the public origin is HTTPS: HSTS and `Secure; __Host-` cookies
                         (HUDDLE_HTTPS=1)
  --insecure-dev-cookies plain-HTTP development: session cookie without `Secure`
                         (HUDDLE_INSECURE_DEV_COOKIES=1); never in production
  --demo                 seed demo people, a workspace and messages into an empty
                         database (HUDDLE_DEMO=1)";

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address to listen on.
    pub listen: SocketAddr,
    /// Directory of the built SPA.
    pub dist: PathBuf,
    /// SQLite database file.
    pub database: PathBuf,
    /// The app's public origin (scheme://host[:port]), if configured.
    pub public_origin: Option<String>,
    /// Whether the app is served over HTTPS (adds HSTS).
    pub https: bool,
    /// Whether session cookies are `__Host-…; Secure` (everything but plain-HTTP dev).
    pub secure_cookies: bool,
    /// Seed demo data into an empty database.
    pub demo: bool,
}

fn env_flag(k: &str) -> bool {
    std::env::var(k).is_ok_and(|v| v == "1" || v == "true")
}

impl Config {
    /// Reads flags, falling back to `HUDDLE_*` environment variables and defaults.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Config, String> {
        let env = |k: &str| std::env::var(k).ok();
        let mut listen = env("HUDDLE_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let mut dist = env("HUDDLE_DIST").unwrap_or_else(|| "dist".into());
        let mut database = env("HUDDLE_DATABASE").unwrap_or_else(|| "data/huddle.sqlite".into());
        let mut public_origin = env("HUDDLE_PUBLIC_ORIGIN");
        let mut https = env_flag("HUDDLE_HTTPS");
        let mut insecure = env_flag("HUDDLE_INSECURE_DEV_COOKIES");
        let mut demo = env_flag("HUDDLE_DEMO");
        let mut args = args;
        while let Some(a) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match a.as_str() {
                "--listen" => listen = value("--listen")?,
                "--dist" => dist = value("--dist")?,
                "--database" => database = value("--database")?,
                "--public-origin" => public_origin = Some(value("--public-origin")?),
                "--https" => https = true,
                "--insecure-dev-cookies" => insecure = true,
                "--demo" => demo = true,
                "-h" | "--help" => return Err("help".into()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if let Some(o) = &public_origin {
            if !(o.starts_with("https://") || o.starts_with("http://")) || o.ends_with('/') {
                return Err(format!(
                    "--public-origin: expected scheme://host[:port], got {o:?}"
                ));
            }
        }
        Ok(Config {
            listen: listen
                .parse()
                .map_err(|_| format!("--listen: not a socket address: {listen:?}"))?,
            dist: PathBuf::from(dist),
            database: PathBuf::from(database),
            public_origin,
            https,
            secure_cookies: !insecure,
            demo,
        })
    }
}
