//! Accounts and sessions: `/auth/*`.

use serde::{Deserialize, Serialize};

/// A person as the API shows them to themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Id.
    pub id: i64,
    /// Unique handle.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Their settings, the same on every device.
    #[serde(default)]
    pub preferences: Preferences,
}

/// How the app looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Theme {
    /// As the system says (`prefers-color-scheme`).
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// The language of the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Language {
    /// The browser's (English unless it prefers French).
    #[default]
    Auto,
    /// English.
    En,
    /// French.
    Fr,
}

/// A person's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    /// Light, dark, or as the system says.
    pub theme: Theme,
    /// The app's language.
    pub language: Language,
    /// What they are notified of in a channel they set nothing for (a direct message
    /// notifies of everything unless set otherwise).
    pub notify_default: crate::channels::NotifyLevel,
}

impl Default for Preferences {
    fn default() -> Preferences {
        Preferences {
            theme: Theme::System,
            language: Language::Auto,
            notify_default: crate::channels::NotifyLevel::fallback(),
        }
    }
}

macro_rules! wire_names {
    ($t:ty { $($v:ident = $s:literal),* }) => {
        impl $t {
            /// Its name on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }

            /// The value named `s`.
            pub fn parse(s: &str) -> Option<$t> {
                match s { $($s => Some(<$t>::$v),)* _ => None }
            }
        }
    };
}
wire_names!(Theme { System = "system", Light = "light", Dark = "dark" });
wire_names!(Language { Auto = "auto", En = "en", Fr = "fr" });

/// `PATCH /auth/me`: changes what is given of one's display name and settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileChange {
    /// A new display name, 1 to 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub display_name: Option<String>,
    /// A theme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// A language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// A default notification level for channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_default: Option<crate::channels::NotifyLevel>,
}

/// `POST /auth/signup`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signup {
    /// 3 to 32 of `a-z A-Z 0-9 . _ -`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9._-]+$")
    )]
    pub username: String,
    /// E-mail address, at most 254 bytes.
    pub email: String,
    /// 10 to 1024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub password: String,
    /// Name shown to others (the username when absent), 1 to 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub display_name: Option<String>,
}

/// `202` from `POST /auth/signup` on a server that sends mail: nothing is created yet; a
/// link went to the address (or, when an account already has it, a note saying so: the
/// answer is the same, so it tells nobody which addresses have accounts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupPending {
    /// Where the mail went.
    pub email: String,
    /// How long the link works, in seconds.
    pub expires_in: i64,
}

/// `POST /auth/signup/verify`: the token of the link mailed at sign-up (what follows
/// `/verify#`), and another username when the one asked for was taken meanwhile.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupVerify {
    /// 64 hex digits.
    pub token: String,
    /// Replaces the username given at sign-up (same rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// `POST /auth/signin`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signin {
    /// Username or e-mail address.
    pub login: String,
    /// Password.
    pub password: String,
}

/// `POST /auth/password`: a new password, given the current one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// The new one, 10 to 1024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub new: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { <redacted> }")
    }
}

/// `GET /auth/session`: who is signed in (`null` when nobody is: an answer, not an
/// error).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The signed-in person.
    pub user: Option<User>,
}

// Debug without the password: these bodies must never reach a log by accident.
impl std::fmt::Debug for Signup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signup")
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("display_name", &self.display_name)
            .finish()
    }
}

impl std::fmt::Debug for SignupVerify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupVerify")
            .field("token", &"<redacted>")
            .field("username", &self.username)
            .finish()
    }
}

impl std::fmt::Debug for Signin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signin")
            .field("login", &self.login)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// One of the signed-in person's sessions (`GET /auth/sessions`), newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionSummary {
    /// Names it in `DELETE /auth/sessions/{id}`: a one-way hash of the session's token
    /// hash, which signs no one in.
    pub id: String,
    /// The browser and system it signed in from, e.g. "Chrome 131 on Linux".
    pub device: String,
    /// The client address it was last seen from (as the server sees it, through the
    /// configured trusted proxies).
    pub client: String,
    /// When it signed in (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds; updated at most every 5 minutes).
    pub last_seen_at: i64,
    /// The session of this request.
    pub current: bool,
}

/// `202` answer of `POST /auth/signin` when the account has two-factor sign-in: the
/// password was right; send a code with this challenge to
/// `POST /auth/signin/second-factor` before it expires.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorRequired {
    /// Random token (64 hex digits) naming this sign-in.
    pub challenge: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// The account has passkeys: one may stand in for the code
    /// (`/auth/signin/second-factor/passkey/*`).
    #[serde(default)]
    pub passkey: bool,
}

/// `POST /auth/signin/second-factor`: the code that finishes a sign-in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactor {
    /// From [`SecondFactorRequired`].
    pub challenge: String,
    /// A 6-digit code from the authenticator app, or an unused recovery code.
    pub code: String,
}

/// `POST /auth/totp/setup`: a new secret for the authenticator app, not yet in force.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetup {
    /// The secret in base32 (to type into an app that cannot scan).
    pub secret: String,
    /// The `otpauth://totp/…` URI (what the QR code holds).
    pub uri: String,
}

/// `POST /auth/totp/confirm`: a code from the app, proving it holds the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpCode {
    /// 6 digits.
    pub code: String,
}

/// Fresh recovery codes, shown this once (only their keyed hashes are stored); each
/// signs in once in place of a code from the app.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    /// Ten codes like `3f9a-07c2-b1d4-e86a`.
    pub codes: Vec<String>,
}

/// `GET /auth/totp`: whether two-factor sign-in is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpStatus {
    /// Sign-in asks for a code.
    pub enabled: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: u32,
}

/// A step that needs the password again (turning two-factor sign-in off, new recovery
/// codes).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordConfirm {
    /// The account's password.
    pub password: String,
}

// Debug without secrets: these bodies must never reach a log by accident.
redacted_debug!(
    SecondFactorRequired,
    SecondFactor,
    TotpSetup,
    TotpCode,
    RecoveryCodes,
    PasswordConfirm
);
