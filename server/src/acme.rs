//! Certificates over ACME (RFC 8555, with `instant-acme`): for the public origin's domain,
//! from Let's Encrypt or another directory, proved with the HTTP-01 challenge that the
//! plain-HTTP listener (`--redirect-http`, port 80 in production) answers. The account,
//! the certificate and its key are kept in `DATA_DIR/acme/` (readable by the owner only);
//! a certificate is renewed once two thirds of its lifetime have passed, and the new one
//! is served without a restart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use instant_acme::{
    Account, AccountCredentials, AuthorizationStatus, ChallengeType, Identifier, NewAccount,
    NewOrder, OrderStatus, RetryPolicy,
};

use crate::config::Acme;
use crate::private_fs;

/// The key authorizations of the HTTP-01 challenges under way, by token (what
/// `/.well-known/acme-challenge/{token}` answers).
#[derive(Clone, Default)]
pub struct Challenges(Arc<RwLock<HashMap<String, String>>>);

impl Challenges {
    /// The answer to `token`'s challenge, if one is under way.
    pub fn answer(&self, token: &str) -> Option<String> {
        self.0.read().ok()?.get(token).cloned()
    }

    fn set(&self, token: &str, answer: Option<String>) {
        if let Ok(mut m) = self.0.write() {
            match answer {
                Some(a) => m.insert(token.to_owned(), a),
                None => m.remove(token),
            };
        }
    }
}

/// Where the ACME files live.
pub struct Files {
    dir: PathBuf,
}

impl Files {
    /// The files under `data_dir/acme`.
    pub fn new(data_dir: &Path) -> Files {
        Files {
            dir: data_dir.join("acme"),
        }
    }

    /// The certificate chain (PEM).
    pub fn cert(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    /// Its private key (PEM).
    pub fn key(&self) -> PathBuf {
        self.dir.join("key.pem")
    }

    fn account(&self) -> PathBuf {
        self.dir.join("account.json")
    }

    /// Writes `contents` to `name`, readable by the owner only, replacing it whole (a
    /// crash leaves the old file or the new one, never half of one).
    fn write(&self, path: &Path, contents: &str) -> Result<(), String> {
        private_fs::create_dir(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let tmp = path.with_extension("tmp");
        let _ = std::fs::remove_file(&tmp);
        private_fs::create_file(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::write(&tmp, contents).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// When the certificate at `path` should be renewed (Unix seconds): two thirds into its
/// lifetime. `None` if there is none, it cannot be read, or it does not name `domain`.
pub fn renew_at(path: &Path, domain: &str) -> Option<i64> {
    let pem = std::fs::read(path).ok()?;
    let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).ok()?;
    let cert = pem.parse_x509().ok()?;
    let names = cert.subject_alternative_name().ok()??;
    let named = names.value.general_names.iter().any(|n| {
        matches!(n, x509_parser::extensions::GeneralName::DNSName(d) if d.eq_ignore_ascii_case(domain))
    });
    if !named {
        return None;
    }
    let from = cert.validity().not_before.timestamp();
    let to = cert.validity().not_after.timestamp();
    Some(from + (to - from) * 2 / 3)
}

fn now() -> i64 {
    crate::db::now()
}

async fn account(acme: &Acme, files: &Files) -> Result<Account, String> {
    let builder = || {
        match &acme.ca_file {
            Some(ca) => Account::builder_with_root(ca),
            None => Account::builder(),
        }
        .map_err(|e| format!("ACME client: {e}"))
    };
    if let Ok(saved) = std::fs::read_to_string(files.account()) {
        let credentials: AccountCredentials = serde_json::from_str(&saved)
            .map_err(|e| format!("{}: {e}", files.account().display()))?;
        return builder()?
            .from_credentials(credentials)
            .await
            .map_err(|e| format!("ACME account: {e}"));
    }
    let contact: Vec<String> = acme.email.iter().map(|e| format!("mailto:{e}")).collect();
    let contact: Vec<&str> = contact.iter().map(String::as_str).collect();
    let (account, credentials) = builder()?
        .create(
            &NewAccount {
                contact: &contact,
                terms_of_service_agreed: true,
                only_return_existing: false,
            },
            acme.directory.clone(),
            None,
        )
        .await
        .map_err(|e| format!("ACME account at {}: {e}", acme.directory))?;
    let saved = serde_json::to_string(&credentials).map_err(|e| e.to_string())?;
    files.write(&files.account(), &saved)?;
    tracing::info!(directory = %acme.directory, "ACME account created");
    Ok(account)
}

/// Orders a certificate for `acme.domain`, answering its HTTP-01 challenge through
/// `challenges`, and writes it and its key.
pub async fn obtain(acme: &Acme, files: &Files, challenges: &Challenges) -> Result<(), String> {
    let account = account(acme, files).await?;
    let identifiers = [Identifier::Dns(acme.domain.clone())];
    let mut order = account
        .new_order(&NewOrder::new(&identifiers))
        .await
        .map_err(|e| format!("ACME order: {e}"))?;
    let mut tokens = Vec::new();
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        let mut authz = authz.map_err(|e| format!("ACME authorization: {e}"))?;
        if authz.status == AuthorizationStatus::Valid {
            continue;
        }
        let mut challenge = authz
            .challenge(ChallengeType::Http01)
            .ok_or("the ACME server offers no HTTP-01 challenge")?;
        challenges.set(
            &challenge.token,
            Some(challenge.key_authorization().as_str().to_owned()),
        );
        tokens.push(challenge.token.clone());
        challenge
            .set_ready()
            .await
            .map_err(|e| format!("ACME challenge: {e}"))?;
    }
    let retry = RetryPolicy::new().timeout(Duration::from_secs(120));
    let status = order.poll_ready(&retry).await;
    for t in &tokens {
        challenges.set(t, None);
    }
    let status = status.map_err(|e| format!("ACME order: {e}"))?;
    if status != OrderStatus::Ready {
        return Err(format!(
            "the ACME server did not validate {}: order {status:?} (is {} reachable on port 80 at this server?)",
            acme.domain, acme.domain
        ));
    }
    let key = order
        .finalize()
        .await
        .map_err(|e| format!("ACME finalize: {e}"))?;
    let chain = order
        .poll_certificate(&retry)
        .await
        .map_err(|e| format!("ACME certificate: {e}"))?;
    files.write(&files.key(), &key)?;
    files.write(&files.cert(), &chain)?;
    tracing::info!(domain = %acme.domain, "certificate obtained over ACME");
    Ok(())
}

/// Makes sure a usable certificate is on disk: the stored one if it names the domain and
/// is not due for renewal, else a new one.
pub async fn ensure(acme: &Acme, files: &Files, challenges: &Challenges) -> Result<(), String> {
    match renew_at(&files.cert(), &acme.domain) {
        Some(at) if at > now() && files.key().is_file() => {
            tracing::info!(path = %files.cert().display(), "using the stored ACME certificate");
            Ok(())
        }
        _ => obtain(acme, files, challenges).await,
    }
}

/// Renews the certificate when it is due, and serves the new one; failures are logged
/// and tried again an hour later.
pub fn keep_renewed(acme: Acme, files: Files, challenges: Challenges, rustls: RustlsConfig) {
    tokio::spawn(async move {
        loop {
            let due = renew_at(&files.cert(), &acme.domain).unwrap_or(0);
            let wait = (due - now()).clamp(0, 12 * 3600);
            tokio::time::sleep(Duration::from_secs(wait as u64)).await;
            if renew_at(&files.cert(), &acme.domain).unwrap_or(0) > now() {
                continue;
            }
            match obtain(&acme, &files, &challenges).await {
                Ok(()) => match rustls.reload_from_pem_file(files.cert(), files.key()).await {
                    Ok(()) => tracing::info!("renewed certificate in use"),
                    Err(e) => tracing::error!(error = %e, "renewed certificate not loaded"),
                },
                Err(e) => {
                    tracing::error!(error = %e, "certificate renewal failed: trying again in an hour");
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
            }
        }
    });
}
