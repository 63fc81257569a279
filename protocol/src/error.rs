//! The body of every failed API call: `{"error": {"code": "...", "message": "..."}}`.
//! Codes are stable (clients switch on them); messages are for people.

use serde::{Deserialize, Serialize};

/// A failed call's body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `INVALID_CREDENTIALS`.
    pub code: String,
    /// Readable message.
    pub message: String,
}
