//! Outgoing mail (`--smtp-url`, `--mail-from`), through a submission server with
//! `lettre`: the links that confirm an address at sign-up.
//!
//! Mail leaves in the background, after the request has been answered, so that how long
//! the answer takes says nothing about which mail went out (or whether the server could
//! reach the mail server). A failure is logged, without the address or the message.

use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Mail;

/// How long one delivery to the submission server may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What a mail is about (logged; never its text or its recipient).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The link that confirms an address and creates the account.
    ConfirmSignup,
    /// Someone tried to sign up with an address an account already has.
    AccountExists,
}

/// A mail to send.
pub struct Letter {
    /// What it is about.
    pub kind: Kind,
    /// The recipient (checked with [`parse_address`]).
    pub to: Address,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Sends mail through the configured server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// An address mail can be sent to, or `None`.
pub fn parse_address(email: &str) -> Option<Address> {
    Address::from_str(email).ok()
}

impl Mailer {
    /// The mailer of `config`; an error names the setting that is wrong (the URL is not
    /// repeated: it may hold a password). Connects only when there is mail to send.
    pub fn new(config: &Mail) -> Result<Mailer, String> {
        let from = Mailbox::from_str(&config.from)
            .map_err(|e| format!("--mail-from: not a mail address ({e}): {:?}", config.from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .timeout(Some(TIMEOUT))
            .build();
        Ok(Mailer { transport, from })
    }

    /// Sends `letter` in the background.
    pub fn send(&self, letter: Letter) {
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, letter.to))
            .subject(letter.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(letter.body);
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(kind = ?letter.kind, error = %e, "mail not built");
                return;
            }
        };
        let transport = self.transport.clone();
        let kind = letter.kind;
        tokio::spawn(async move {
            match transport.send(message).await {
                Ok(_) => tracing::info!(?kind, "mail sent"),
                Err(e) => tracing::warn!(?kind, error = %e, "mail not sent"),
            }
        });
    }
}
