//! Search: `GET /workspaces/{id}/search?q=&before=&limit=` answers a
//! [`Page`](crate::messages::Page) of matching messages.

use serde::{Deserialize, Serialize};

/// `?q=&before=&limit=` of a search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SearchQuery {
    /// The words to find: every one must match, a word of 3 letters or more also matches
    /// the words it starts, and words are compared after Unicode NFKC normalisation and
    /// lowercasing (accents count). At most 256 bytes, 8 words.
    #[cfg_attr(feature = "openapi", param(max_length = 256))]
    pub q: String,
    /// Only messages with a smaller id (the previous page's `next_before`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// Page size, 1 to 100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100, default = 50))]
    pub limit: Option<i64>,
}
