//! Command-line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Usage text.
pub const USAGE: &str = "usage: huddle-server [options]
       huddle-server openapi   (prints the OpenAPI document)
       huddle-server backup --to FILE [--database URL | --data-dir DIR]
                               (a consistent copy of a SQLite database, also while the
                               server runs; for PostgreSQL use pg_dump)
       huddle-server rotate-master-key [--data-dir DIR | --master-key-file F] [--database URL]
                               (seals the data keys under a new master key; the server
                               may keep running)
       huddle-server copy-database --from URL --to URL
                               (moves a whole installation, e.g. from the SQLite file to an
                               empty PostgreSQL database; stop the server first)
  --listen ADDR          address to listen on (HUDDLE_LISTEN, default 127.0.0.1:8080)
  --dist DIR             the built SPA (HUDDLE_DIST, default dist)
  --data-dir DIR         where the server keeps its files (HUDDLE_DATA_DIR, default data)
  --database URL         a SQLite file (a path or sqlite:PATH) or a PostgreSQL server
                         (postgres://USER[:PASSWORD]@HOST[:PORT]/DB, options as libpq URLs,
                         e.g. ?host=/run/postgresql for a socket) (HUDDLE_DATABASE,
                         default DATA_DIR/huddle.sqlite); prefer the environment variable
                         when the URL holds a password
  --secret-salt SECRET   key of the session-token hashes in the database (HUDDLE_SECRET_SALT;
                         default: random, kept in DATA_DIR/secret-salt); prefer the
                         environment variable
  --master-key-file F    the master key of the encryption at rest (HUDDLE_MASTER_KEY_FILE,
                         default DATA_DIR/master-key, created with a new installation)
  --public-origin URL    the origin users load the app from, e.g. https://huddle.example.com
                         (HUDDLE_PUBLIC_ORIGIN); checked against Origin on state changes
  --trusted-proxy CIDR   a reverse proxy whose Forwarded / X-Forwarded-For headers name the
                         client (repeatable; HUDDLE_TRUSTED_PROXY, comma-separated), e.g.
                         127.0.0.1/32 for nginx on the same machine; without it the TCP
                         peer is the client and those headers are ignored
  --https                the public origin is HTTPS: HSTS and `Secure; __Host-` cookies
                         (HUDDLE_HTTPS=1); implied by --tls-cert
  --tls-cert FILE        serve HTTPS on --listen without a reverse proxy: the certificate
  --tls-key FILE         chain and its private key, PEM (HUDDLE_TLS_CERT, HUDDLE_TLS_KEY);
                         read again on SIGHUP (after a renewal)
  --redirect-http ADDR   also listen on ADDR with plain HTTP that only redirects to the
                         public origin (HUDDLE_REDIRECT_HTTP), e.g. 0.0.0.0:80; needs
                         --tls-cert or --acme-domain, and an https:// --public-origin
  --acme-domain DOMAIN   get the certificate over ACME instead (HUDDLE_ACME_DOMAIN): the
                         public origin's domain, proved over HTTP-01 on --redirect-http
                         (which must be reachable on port 80); kept in DATA_DIR/acme and
                         renewed on its own
  --acme-email ADDR      contact for the ACME account (HUDDLE_ACME_EMAIL)
  --acme-directory URL   the ACME server (HUDDLE_ACME_DIRECTORY, default Let's Encrypt:
                         https://acme-v02.api.letsencrypt.org/directory)
  --acme-ca-file FILE    a CA to trust for the ACME server (HUDDLE_ACME_CA_FILE), e.g. a
                         private or test ACME server
  --smtp-url URL         send mail (the link that confirms an address at sign-up) through
                         this submission server (HUDDLE_SMTP_URL): smtps://HOST[:465],
                         smtp://HOST:587?tls=required (STARTTLS), or smtp://HOST[:25]
                         (plain, for a relay on the same machine); user and password as
                         smtp://USER:PASSWORD@HOST; needs --mail-from and --public-origin;
                         prefer the environment variable when the URL holds a password
  --mail-from ADDR       the sender of that mail, e.g. 'Huddle <huddle@example.com>'
                         (HUDDLE_MAIL_FROM)
  --insecure-dev-cookies plain-HTTP development: session cookie without `Secure`
                         (HUDDLE_INSECURE_DEV_COOKIES=1); never in production
  --demo                 seed demo people, a workspace and messages into an empty
                         database (HUDDLE_DEMO=1)
  --role ROLE            all (default): API, relay and app in one process;
                         api: API and app, pushing to a separate relay (--relay-url);
                         relay: the WebSocket relay alone, no database, no keys
                         (HUDDLE_ROLE)
  --relay-secret SECRET  shared by the api and relay processes to sign and check relay
                         tickets (HUDDLE_RELAY_SECRET; needed by the api and relay roles,
                         random per process for `all`); prefer the environment variable
  --relay-url URL        the relay's WebSocket endpoint as the API server reaches it, e.g.
                         ws://127.0.0.1:8081/ws (HUDDLE_RELAY_URL; role api)
  --drive-dir DIR        where Drive keeps files, encrypted (HUDDLE_DRIVE_DIR, default
                         DATA_DIR/drive)
  --drive-store URL      keep Drive's files in an S3-compatible bucket instead:
                         s3://BUCKET[/PREFIX] (HUDDLE_DRIVE_STORE), with AWS_ENDPOINT,
                         AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
                         AWS_ALLOW_HTTP=true for a plain-HTTP endpoint) in the environment
  --drive-quota BYTES    what each workspace's files may take, unless set for it
                         (HUDDLE_DRIVE_QUOTA; default: no limit)
  --drive-max-file-size BYTES
                         the largest file Drive takes (HUDDLE_DRIVE_MAX_FILE_SIZE; default:
                         no limit but the quota)
  --download-origin URL  serve download URLs from this origin, e.g.
                         https://files.huddle.example.com (HUDDLE_DOWNLOAD_ORIGIN; default:
                         the app's own; see docs/deploy.md)";

/// The certificate and key HTTPS is served with.
#[derive(Debug, Clone)]
pub struct Tls {
    /// The certificate chain, PEM.
    pub cert: PathBuf,
    /// Its private key, PEM.
    pub key: PathBuf,
}

/// Let's Encrypt's ACME directory.
pub const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// Certificates over ACME.
#[derive(Debug, Clone)]
pub struct Acme {
    /// The domain to certify (the public origin's).
    pub domain: String,
    /// Contact address for the ACME account.
    pub email: Option<String>,
    /// The ACME server's directory URL.
    pub directory: String,
    /// A CA to trust for the ACME server.
    pub ca_file: Option<PathBuf>,
}

/// Outgoing mail.
#[derive(Clone)]
pub struct Mail {
    /// The submission server: `smtp://` or `smtps://`, with lettre's `?tls=` options.
    pub smtp_url: String,
    /// The sender, as `Name <address>` or an address.
    pub from: String,
}

/// Shown without the password of the SMTP URL.
impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("smtp_url", &redact_password(&self.smtp_url))
            .field("from", &self.from)
            .finish()
    }
}

/// What a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// API, relay and the app in one process.
    All,
    /// API and the app; server pushes go to a separate relay.
    Api,
    /// The WebSocket relay alone.
    Relay,
}

/// Where the data is kept.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (the embedded default).
    Sqlite(PathBuf),
    /// A PostgreSQL server, by `postgres://` URL.
    Postgres(String),
}

impl Database {
    /// Parses a path, a `sqlite:` URL (`sqlite:data/h.sqlite`, `sqlite:///var/lib/h.sqlite`)
    /// or a `postgres://` / `postgresql://` URL.
    pub fn parse(d: &str) -> Result<Database, String> {
        if d.starts_with("postgres://") || d.starts_with("postgresql://") {
            return Ok(Database::Postgres(d.to_owned()));
        }
        if let Some(rest) = d.strip_prefix("sqlite://") {
            return Ok(Database::Sqlite(PathBuf::from(rest)));
        }
        if let Some(rest) = d.strip_prefix("sqlite:") {
            return Ok(Database::Sqlite(PathBuf::from(rest)));
        }
        if d.contains("://") {
            return Err(format!(
                "--database: a SQLite path or sqlite: URL, or a postgres:// URL; got {d:?}"
            ));
        }
        Ok(Database::Sqlite(PathBuf::from(d)))
    }
}

/// Shown without the password of a PostgreSQL URL.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Database::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

/// A URL with the password of its user info replaced.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:<redacted>@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => {
                        format!("{k}=<redacted>")
                    }
                    _ => kv.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// Server settings. `Debug` leaves the relay secret out.
#[derive(Clone)]
pub struct Config {
    /// Socket address to listen on.
    pub listen: SocketAddr,
    /// The certificate chain and key to serve HTTPS with (PEM files).
    pub tls: Option<Tls>,
    /// Where plain HTTP is answered with a redirect to the public origin.
    pub redirect_http: Option<SocketAddr>,
    /// Certificates over ACME.
    pub acme: Option<Acme>,
    /// Directory of the built SPA.
    pub dist: PathBuf,
    /// The database.
    pub database: Database,
    /// Where the server keeps its files (the default database, the generated salt).
    pub data_dir: PathBuf,
    /// Key of the session-token hashes (see `session`); generated into `data_dir` if unset.
    pub secret_salt: Option<String>,
    /// The master key file (default `data_dir/master-key`).
    pub master_key_file: Option<PathBuf>,
    /// The app's public origin (scheme://host[:port]), if configured.
    pub public_origin: Option<String>,
    /// Outgoing mail; without it, sign-up creates the account at once.
    pub mail: Option<Mail>,
    /// Reverse proxies whose forwarding headers are believed (see `client_addr`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Whether the app is served over HTTPS (adds HSTS).
    pub https: bool,
    /// Whether session cookies are `__Host-…; Secure` (everything but plain-HTTP dev).
    pub secure_cookies: bool,
    /// Seed demo data into an empty database.
    pub demo: bool,
    /// What this process runs.
    pub role: Role,
    /// Secret shared by the API and relay processes (relay tickets).
    pub relay_secret: Option<String>,
    /// The relay's `/ws` as the API server reaches it (role `api`).
    pub relay_url: Option<String>,
    /// Where Drive's chunks go (default `data_dir/drive`).
    pub drive_dir: Option<PathBuf>,
    /// An S3-compatible bucket for Drive's chunks instead (`s3://BUCKET[/PREFIX]`).
    pub drive_store: Option<String>,
    /// Bytes each workspace's Drive may take unless set for it.
    pub drive_quota: Option<u64>,
    /// The largest file Drive takes.
    pub drive_max_file_size: Option<u64>,
    /// The origin download URLs point at (default: the app's, a path only).
    pub download_origin: Option<String>,
    /// The program that renders PDF pages (`<program> render-pdf`, see
    /// `api::drive::pdf`); `None`: this server's own executable.
    pub pdf_renderer: Option<PathBuf>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("tls", &self.tls)
            .field("redirect_http", &self.redirect_http)
            .field("acme", &self.acme)
            .field("dist", &self.dist)
            .field("database", &self.database)
            .field("data_dir", &self.data_dir)
            .field(
                "secret_salt",
                &self.secret_salt.as_ref().map(|_| "<redacted>"),
            )
            .field("master_key_file", &self.master_key_file)
            .field("public_origin", &self.public_origin)
            .field("mail", &self.mail)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("https", &self.https)
            .field("secure_cookies", &self.secure_cookies)
            .field("demo", &self.demo)
            .field("role", &self.role)
            .field(
                "relay_secret",
                &self.relay_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("relay_url", &self.relay_url)
            .field("drive_dir", &self.drive_dir)
            .field("drive_store", &self.drive_store)
            .field("drive_quota", &self.drive_quota)
            .field("drive_max_file_size", &self.drive_max_file_size)
            .field("download_origin", &self.download_origin)
            .field("pdf_renderer", &self.pdf_renderer)
            .finish()
    }
}

impl Config {
    /// Settings for one process serving `dist` from `database`, with defaults for the
    /// rest (tests and embedding).
    pub fn local(dist: PathBuf, database: PathBuf) -> Config {
        let data_dir = database
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        Config {
            listen: "127.0.0.1:0".parse().expect("socket address"),
            tls: None,
            redirect_http: None,
            acme: None,
            dist,
            database: Database::Sqlite(database),
            data_dir,
            secret_salt: None,
            master_key_file: None,
            public_origin: None,
            mail: None,
            trusted_proxies: Vec::new(),
            https: false,
            secure_cookies: true,
            demo: false,
            role: Role::All,
            relay_secret: None,
            relay_url: None,
            drive_dir: None,
            drive_store: None,
            drive_quota: None,
            drive_max_file_size: None,
            download_origin: None,
            pdf_renderer: None,
        }
    }
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
        let mut database = env("HUDDLE_DATABASE");
        let mut data_dir = env("HUDDLE_DATA_DIR").unwrap_or_else(|| "data".into());
        let mut secret_salt = env("HUDDLE_SECRET_SALT");
        let mut public_origin = env("HUDDLE_PUBLIC_ORIGIN");
        let mut master_key_file = env("HUDDLE_MASTER_KEY_FILE");
        let mut trusted: Vec<String> = env("HUDDLE_TRUSTED_PROXY")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let mut https = env_flag("HUDDLE_HTTPS");
        let mut insecure = env_flag("HUDDLE_INSECURE_DEV_COOKIES");
        let mut demo = env_flag("HUDDLE_DEMO");
        let mut role = env("HUDDLE_ROLE").unwrap_or_else(|| "all".into());
        let mut relay_secret = env("HUDDLE_RELAY_SECRET");
        let mut relay_url = env("HUDDLE_RELAY_URL");
        let mut tls_cert = env("HUDDLE_TLS_CERT");
        let mut tls_key = env("HUDDLE_TLS_KEY");
        let mut redirect_http = env("HUDDLE_REDIRECT_HTTP");
        let mut acme_domain = env("HUDDLE_ACME_DOMAIN");
        let mut acme_email = env("HUDDLE_ACME_EMAIL");
        let mut acme_directory = env("HUDDLE_ACME_DIRECTORY");
        let mut acme_ca_file = env("HUDDLE_ACME_CA_FILE");
        let mut smtp_url = env("HUDDLE_SMTP_URL");
        let mut mail_from = env("HUDDLE_MAIL_FROM");
        let mut drive_dir = env("HUDDLE_DRIVE_DIR");
        let mut drive_store = env("HUDDLE_DRIVE_STORE");
        let mut drive_quota = env("HUDDLE_DRIVE_QUOTA");
        let mut drive_max_file_size = env("HUDDLE_DRIVE_MAX_FILE_SIZE");
        let mut download_origin = env("HUDDLE_DOWNLOAD_ORIGIN");
        let mut args = args;
        while let Some(a) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match a.as_str() {
                "--listen" => listen = value("--listen")?,
                "--dist" => dist = value("--dist")?,
                "--database" => database = Some(value("--database")?),
                "--data-dir" => data_dir = value("--data-dir")?,
                "--secret-salt" => secret_salt = Some(value("--secret-salt")?),
                "--public-origin" => public_origin = Some(value("--public-origin")?),
                "--master-key-file" => master_key_file = Some(value("--master-key-file")?),
                "--trusted-proxy" => trusted.push(value("--trusted-proxy")?),
                "--https" => https = true,
                "--insecure-dev-cookies" => insecure = true,
                "--demo" => demo = true,
                "--role" => role = value("--role")?,
                "--relay-secret" => relay_secret = Some(value("--relay-secret")?),
                "--relay-url" => relay_url = Some(value("--relay-url")?),
                "--tls-cert" => tls_cert = Some(value("--tls-cert")?),
                "--tls-key" => tls_key = Some(value("--tls-key")?),
                "--redirect-http" => redirect_http = Some(value("--redirect-http")?),
                "--acme-domain" => acme_domain = Some(value("--acme-domain")?),
                "--acme-email" => acme_email = Some(value("--acme-email")?),
                "--acme-directory" => acme_directory = Some(value("--acme-directory")?),
                "--acme-ca-file" => acme_ca_file = Some(value("--acme-ca-file")?),
                "--smtp-url" => smtp_url = Some(value("--smtp-url")?),
                "--mail-from" => mail_from = Some(value("--mail-from")?),
                "--drive-dir" => drive_dir = Some(value("--drive-dir")?),
                "--drive-store" => drive_store = Some(value("--drive-store")?),
                "--drive-quota" => drive_quota = Some(value("--drive-quota")?),
                "--drive-max-file-size" => {
                    drive_max_file_size = Some(value("--drive-max-file-size")?)
                }
                "--download-origin" => download_origin = Some(value("--download-origin")?),
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
        let listen: SocketAddr = listen
            .parse()
            .map_err(|_| format!("--listen: not a socket address: {listen:?}"))?;
        if !listen.ip().is_loopback() && public_origin.is_none() {
            return Err(format!(
                "--public-origin: required when listening on {listen}, which is not a \
                 loopback address (it is the origin checked against every state change \
                 and WebSocket)"
            ));
        }
        let trusted_proxies = trusted
            .iter()
            .map(|t| {
                // A bare address is a network of one.
                t.parse::<ipnet::IpNet>()
                    .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("--trusted-proxy: expected an address or CIDR, got {t:?}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let bytes = |v: Option<String>, name: &str| -> Result<Option<u64>, String> {
            v.map(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|&n| n <= i64::MAX as u64)
                    .ok_or(format!("{name}: a number of bytes, got {v:?}"))
            })
            .transpose()
        };
        let drive_quota = bytes(drive_quota, "--drive-quota")?;
        let drive_max_file_size = bytes(drive_max_file_size, "--drive-max-file-size")?;
        if let Some(o) = &download_origin {
            if !(o.starts_with("https://") || o.starts_with("http://")) || o.ends_with('/') {
                return Err(format!(
                    "--download-origin: expected scheme://host[:port], got {o:?}"
                ));
            }
        }
        let data_dir = PathBuf::from(data_dir);
        let database = match database {
            None => Database::Sqlite(data_dir.join("huddle.sqlite")),
            Some(d) => Database::parse(&d)?,
        };
        if secret_salt.as_deref().is_some_and(|s| s.len() < 16) {
            return Err("--secret-salt: at least 16 characters".into());
        }
        let role = match role.as_str() {
            "all" => Role::All,
            "api" => Role::Api,
            "relay" => Role::Relay,
            other => return Err(format!("--role: expected all, api or relay, got {other:?}")),
        };
        if role != Role::All && relay_secret.as_deref().is_none_or(|s| s.len() < 32) {
            return Err(
                "--relay-secret (or HUDDLE_RELAY_SECRET): the api and relay roles need \
                 the same secret of at least 32 characters"
                    .into(),
            );
        }
        if role == Role::Api
            && !relay_url
                .as_deref()
                .is_some_and(|u| u.starts_with("ws://") || u.starts_with("wss://"))
        {
            return Err("--relay-url: the api role needs the relay's ws:// URL".into());
        }
        if relay_url
            .as_deref()
            .is_some_and(|u| u.starts_with("wss://"))
        {
            return Err(
                "--relay-url: wss:// is not supported for the link from the API server to the \
                 relay; use ws:// on loopback or a private network (people's browsers still \
                 reach the relay over wss:// through the reverse proxy)"
                    .into(),
            );
        }
        let tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => Some(Tls {
                cert: PathBuf::from(cert),
                key: PathBuf::from(key),
            }),
            (None, None) => None,
            _ => return Err("--tls-cert and --tls-key: give both, or neither".into()),
        };
        let acme = match acme_domain {
            None => None,
            Some(domain) => {
                if tls.is_some() {
                    return Err("--acme-domain and --tls-cert: one or the other".into());
                }
                let host = public_origin
                    .as_deref()
                    .and_then(|o| o.strip_prefix("https://"))
                    .map(|h| h.split(':').next().unwrap_or(h));
                if host != Some(domain.as_str()) || redirect_http.is_none() {
                    return Err(format!(
                        "--acme-domain {domain}: needs --public-origin https://{domain} and \
                         --redirect-http (where the HTTP-01 challenge is answered)"
                    ));
                }
                Some(Acme {
                    domain,
                    email: acme_email,
                    directory: acme_directory.unwrap_or_else(|| LETS_ENCRYPT.to_owned()),
                    ca_file: acme_ca_file.map(PathBuf::from),
                })
            }
        };
        let mail = match (smtp_url, mail_from) {
            (None, None) => None,
            (Some(smtp_url), Some(from)) => {
                if !(smtp_url.starts_with("smtp://") || smtp_url.starts_with("smtps://")) {
                    return Err(format!(
                        "--smtp-url: expected smtp:// or smtps://, got {:?}",
                        redact_password(&smtp_url)
                    ));
                }
                if public_origin.is_none() {
                    return Err(
                        "--smtp-url: needs --public-origin (the links in mail point there)".into(),
                    );
                }
                Some(Mail { smtp_url, from })
            }
            _ => return Err("--smtp-url and --mail-from: give both, or neither".into()),
        };
        // Serving HTTPS means the public origin is HTTPS.
        let https = https || tls.is_some() || acme.is_some();
        let redirect_http = match redirect_http {
            None => None,
            Some(a) => {
                if (tls.is_none() && acme.is_none())
                    || !public_origin
                        .as_deref()
                        .is_some_and(|o| o.starts_with("https://"))
                {
                    return Err(
                        "--redirect-http: needs --tls-cert/--tls-key or --acme-domain, and an \
                         https:// --public-origin (where it redirects to)"
                            .into(),
                    );
                }
                Some(
                    a.parse::<SocketAddr>()
                        .map_err(|_| format!("--redirect-http: not a socket address: {a:?}"))?,
                )
            }
        };
        Ok(Config {
            listen,
            tls,
            redirect_http,
            acme,
            dist: PathBuf::from(dist),
            database,
            data_dir,
            secret_salt,
            master_key_file: master_key_file.map(PathBuf::from),
            public_origin,
            mail,
            trusted_proxies,
            https,
            secure_cookies: !insecure,
            demo,
            role,
            relay_secret,
            relay_url,
            drive_dir: drive_dir.map(PathBuf::from),
            drive_store,
            drive_quota,
            drive_max_file_size,
            download_origin,
            pdf_renderer: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        Config::from_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn mail_needs_a_sender_and_a_public_origin_and_hides_its_password() {
        let url = "smtp://huddle:mail-secret@mx.internal:587?tls=required";
        let origin = ["--public-origin", "https://h.example"];
        let c = parse(
            &[
                &origin[..],
                &["--smtp-url", url, "--mail-from", "h@h.example"],
            ]
            .concat(),
        )
        .unwrap();
        let mail = c.mail.clone().unwrap();
        assert_eq!(
            (mail.smtp_url.as_str(), mail.from.as_str()),
            (url, "h@h.example")
        );
        let shown = format!("{c:?}");
        assert!(!shown.contains("mail-secret"), "{shown}");
        assert!(
            shown.contains("smtp://huddle:<redacted>@mx.internal:587"),
            "{shown}"
        );
        assert!(parse(&["--smtp-url", url, "--mail-from", "h@h.example"]).is_err());
        assert!(parse(&[&origin[..], &["--smtp-url", url]].concat()).is_err());
        assert!(parse(&[&origin[..], &["--mail-from", "h@h.example"]].concat()).is_err());
        let http = ["--smtp-url", "http://mx", "--mail-from", "h@h.example"];
        assert!(parse(&[&origin[..], &http[..]].concat()).is_err());
        assert!(parse(&[]).unwrap().mail.is_none());
    }

    #[test]
    fn database_urls_and_the_data_dir() {
        let sqlite = |p: &str| Database::Sqlite(PathBuf::from(p));
        let c = parse(&["--data-dir", "/srv/h"]).unwrap();
        assert_eq!(c.database, sqlite("/srv/h/huddle.sqlite"));
        let c = parse(&["--database", "sqlite:///var/lib/h.sqlite"]).unwrap();
        assert_eq!(c.database, sqlite("/var/lib/h.sqlite"));
        let c = parse(&["--database", "sqlite:rel.sqlite"]).unwrap();
        assert_eq!(c.database, sqlite("rel.sqlite"));
        let url = "postgres://huddle:hunter2-secret@db.internal:5433/huddle?password=other-secret&sslmode=disable";
        let c = parse(&["--database", url]).unwrap();
        assert_eq!(c.database, Database::Postgres(url.into()));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("other-secret"),
            "{shown}"
        );
        assert!(shown.contains("postgres://huddle:<redacted>@db.internal:5433/huddle?password=<redacted>&sslmode=disable"), "{shown}");
        assert!(parse(&["--database", "mysql://db/h"]).is_err());
        assert!(parse(&["--secret-salt", "short"]).is_err());
        let c = parse(&["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "::1"]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(c.trusted_proxies[1].contains(&"::1".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse(&["--trusted-proxy", "nginx"]).is_err());
        // Reachable from elsewhere: only with a public origin to check requests against.
        assert!(parse(&["--listen", "0.0.0.0:8080"]).is_err());
        assert!(parse(&["--listen", "[::]:8080"]).is_err());
        let c = parse(&[
            "--listen",
            "0.0.0.0:8080",
            "--public-origin",
            "https://h.example",
        ]);
        assert!(c.is_ok());
        assert!(parse(&["--listen", "[::1]:8080"]).is_ok());
        // HTTPS without a proxy: both files, which make the origin HTTPS; the HTTP
        // redirect needs them and an https:// origin to send people to.
        assert!(parse(&["--tls-cert", "c.pem"]).is_err());
        let c = parse(&["--tls-cert", "c.pem", "--tls-key", "k.pem"]).unwrap();
        assert!(c.https && c.tls.is_some() && c.redirect_http.is_none());
        let tls = ["--tls-cert", "c.pem", "--tls-key", "k.pem"];
        assert!(parse(&["--redirect-http", "127.0.0.1:80"]).is_err());
        assert!(parse(&[&tls[..], &["--redirect-http", "127.0.0.1:80"]].concat()).is_err());
        let https = ["--public-origin", "https://h.example"];
        let c = parse(&[&tls[..], &https, &["--redirect-http", "127.0.0.1:80"]].concat()).unwrap();
        assert_eq!(c.redirect_http, Some("127.0.0.1:80".parse().unwrap()));
        assert!(parse(&[&tls[..], &https, &["--redirect-http", "port 80"]].concat()).is_err());
        // ACME: the public origin's domain, with the HTTP listener, instead of files.
        let redirect = ["--redirect-http", "0.0.0.0:80"];
        let acme = ["--acme-domain", "h.example"];
        let c = parse(&[&acme[..], &https, &redirect].concat()).unwrap();
        let a = c.acme.unwrap();
        assert_eq!(
            (a.domain.as_str(), a.directory.as_str()),
            ("h.example", LETS_ENCRYPT)
        );
        assert!(c.https && c.tls.is_none());
        assert!(
            parse(&[&acme[..], &https].concat()).is_err(),
            "no HTTP-01 listener"
        );
        assert!(parse(
            &[
                &acme[..],
                &redirect,
                &["--public-origin", "https://other.example"]
            ]
            .concat()
        )
        .is_err());
        assert!(parse(&[&acme[..], &https, &redirect, &tls].concat()).is_err());
        // The API server's link to a separate relay is plain WebSocket; TLS is refused
        // rather than silently not used.
        let relay = |url: &str| {
            parse(&[
                "--role",
                "api",
                "--relay-secret",
                &"s".repeat(32),
                "--relay-url",
                url,
            ])
        };
        assert!(relay("ws://127.0.0.1:8081/ws").is_ok());
        let err = relay("wss://relay.internal/ws").err().unwrap();
        assert!(err.contains("wss:// is not supported"), "{err}");
        let c = parse(&["--secret-salt", "a long enough secret salt"]).unwrap();
        assert!(!format!("{c:?}").contains("a long enough secret salt"));
    }
}
