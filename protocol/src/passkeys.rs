//! Passkeys (WebAuthn): register them, list, rename and remove them, and sign in with
//! one alone: `/auth/passkeys*`. The WebAuthn options and credentials are the JSON forms
//! of the WebAuthn Level 3 specification (`PublicKeyCredential.parseCreationOptionsFromJSON`,
//! `parseRequestOptionsFromJSON` and `toJSON()` in the browser).

use serde::{Deserialize, Serialize};

/// A ceremony started: its token, for the finishing request, and the options for
/// `navigator.credentials.create` or `.get` (`{"publicKey": {…}}`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyCeremony {
    /// Random token naming this ceremony (good once, for five minutes).
    pub ceremony: String,
    /// The WebAuthn options, as JSON.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub options: serde_json::Value,
}

/// `POST /auth/passkeys/register/finish`: the new credential, and a name for it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPasskey {
    /// From [`PasskeyCeremony`].
    pub ceremony: String,
    /// What the person calls it, 1 to 64 characters (e.g. "Laptop").
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
    /// `PublicKeyCredential.toJSON()` of the new credential.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// `POST /auth/passkeys/signin/finish`: the assertion that signs in.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyAssertion {
    /// From [`PasskeyCeremony`].
    pub ceremony: String,
    /// `PublicKeyCredential.toJSON()` of the assertion.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// A registered passkey, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyInfo {
    /// Id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last sign-in with it.
    pub last_used_at: Option<i64>,
}

/// `PATCH /auth/passkeys/{id}`: a new name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRename {
    /// 1 to 64 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
}

/// `POST /auth/signin/second-factor/passkey/start`: a passkey in place of the code of a
/// sign-in whose password was right.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorPasskeyStart {
    /// The sign-in's challenge (`SecondFactorRequired`).
    pub challenge: String,
}

/// `POST /auth/signin/second-factor/passkey/finish`: the assertion that finishes it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorPasskey {
    /// The sign-in's challenge.
    pub challenge: String,
    /// From [`PasskeyCeremony`].
    pub ceremony: String,
    /// `PublicKeyCredential.toJSON()` of the assertion.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

redacted_debug!(
    PasskeyCeremony,
    NewPasskey,
    PasskeyAssertion,
    SecondFactorPasskeyStart,
    SecondFactorPasskey
);
