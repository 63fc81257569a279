//! The REST API under `/api/v1`.

pub(crate) mod auth;
pub(crate) mod channels;
pub mod drive;
pub(crate) mod invitations;
pub(crate) mod messages;
mod realtime;
pub(crate) mod search;
pub(crate) mod tasks;
pub(crate) mod workspaces;

pub use auth::purge_expired_signups;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Router;
use huddle_protocol::error::ErrorBody;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::AppState;

/// Largest request body the API accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// What the generated document says before the routes are added.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Huddle API",
        version = "1.0.0",
        description = "REST API of the Huddle reference server. State-changing requests need the header `X-Requested-With: huddle` (CSRF defence). Sessions are the `__Host-huddle_session` cookie. Every error is `{\"error\": {\"code\", \"message\"}}`. Generated from the server's routes and the `huddle-protocol` types (`huddle-server openapi`)."
    ),
    servers((url = "/api/v1")),
    security(("session" = [])),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// Every route with its OpenAPI operation: one router per module, merged.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(workspaces::router())
        .merge(invitations::router())
        .merge(channels::router())
        .merge(messages::router())
        .merge(realtime::router())
        .merge(search::router())
        .merge(drive::router())
        .merge(tasks::router())
        .routes(routes!(openapi))
}

/// The API routes.
pub fn router(state: AppState) -> Router {
    let (router, _) = routes().split_for_parts();
    router
        .fallback(|| async { ApiError::not_found("API route") })
        // Answers hold people's data: no cache (browser, proxy, back-forward) keeps them.
        // (Downloads say `private, no-store` themselves.)
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Layers run bottom-up: the CSRF check first, then idempotency keys.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::idempotency::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::guard,
        ))
        .with_state(state)
}

/// The OpenAPI 3.1 document of this API, generated from the routes and the
/// `huddle-protocol` types; `server/openapi.json` is a copy that CI checks.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = routes().split_for_parts();
    conventions(&mut doc);
    doc
}

/// What every operation shares, added once here rather than on each: the error answer,
/// the session cookie, and the `Idempotency-Key` header of the creating POSTs.
fn conventions(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
    use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
    use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, ResponseBuilder, Type};

    let error = ResponseBuilder::new()
        .description("Error (stable `code`, readable `message`)")
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    let key: Parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "16 to 128 characters of A-Z a-z 0-9 - _, random per request (the SPA makes them with crypto-wasm's randomToken). The first request with a key is done and its successful answer kept for 24 hours per person; a repeat gets that answer with `Idempotent-Replayed: true` and changes nothing. The same key with another method, path or body: 422 IDEMPOTENCY_KEY_REUSED; a repeat while the first still runs: 409 IDEMPOTENCY_KEY_IN_USE. A failed answer is not kept.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(16))
                .max_length(Some(128))
                .pattern(Some("^[A-Za-z0-9_-]+$")),
        ))
        .build();
    for (path, item) in doc.paths.paths.iter_mut() {
        let creates = crate::idempotency::ROUTES.contains(&path.as_str());
        let ops = [
            (false, &mut item.get),
            (false, &mut item.put),
            (true, &mut item.post),
            (false, &mut item.patch),
            (false, &mut item.delete),
        ];
        for (post, op) in ops {
            let Some(op) = op else { continue };
            // Handlers of different modules share names (`create`): prefix the tag.
            if let (Some(id), Some(tag)) =
                (&op.operation_id, op.tags.as_ref().and_then(|t| t.first()))
            {
                op.operation_id = Some(format!("{tag}_{id}"));
            }
            for (status, response) in op.responses.responses.iter_mut() {
                if let utoipa::openapi::RefOr::T(r) = response {
                    if r.description.is_empty() {
                        r.description = match status.as_str() {
                            "201" => "Created",
                            "204" => "Done",
                            _ => "OK",
                        }
                        .to_owned();
                    }
                }
            }
            op.responses
                .responses
                .insert("default".to_owned(), error.clone().into());
            if creates && post {
                op.parameters
                    .get_or_insert_with(Vec::new)
                    .push(key.clone().into());
            }
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("__Host-huddle_session"))),
    );
}

/// The document as served, made once.
static OPENAPI_JSON: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    openapi_document()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
});

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", security(()), responses((status = 200, description = "The OpenAPI document of this API")))]
async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON.as_str(),
    )
}

/// A JSON body whose rejections are API errors (`INVALID_INPUT`, 413, 415) rather than
/// axum's plain-text ones.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "send the body as application/json",
            )),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "TOO_LARGE",
                format!("request body over {MAX_BODY} bytes"),
            )),
            Err(e) => Err(ApiError::invalid(e.body_text())),
        }
    }
}

/// A path parameter whose rejection is a JSON `INVALID_INPUT` error.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::invalid(e.body_text()))
    }
}

/// A query string whose rejection is a JSON `INVALID_INPUT` error.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError::invalid(e.body_text()))
    }
}

/// A trimmed name of 1 to `max` characters without control characters or invisible
/// ones (see [`invisible`]).
pub fn clean_name(raw: &str, what: &str, max: usize) -> Result<String, ApiError> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 || n > max || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!("{what}: 1 to {max} characters")));
    }
    if invisible(name) {
        return Err(ApiError::invalid(format!(
            "{what}: no invisible or direction-changing characters"
        )));
    }
    Ok(name.to_owned())
}

/// Whether `s` holds a character that changes how the text around it reads without
/// being seen: bidirectional overrides and isolates (which can reverse what follows, e.g.
/// in a name shown beside a message), zero-width spaces and joiners between letters
/// (which make two different names look the same), the byte-order mark, tags and the
/// like. A zero-width joiner between two symbols is allowed: it builds emoji such as 👩‍💻.
pub fn invisible(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| match c {
        '\u{200D}' => {
            let symbol =
                |c: Option<&char>| c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace());
            !(i > 0 && symbol(chars.get(i - 1)) && symbol(chars.get(i + 1)))
        }
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200C}'
        | '\u{200E}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}' => true,
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_direction_changing_characters_are_refused() {
        for bad in [
            "ali\u{200B}ce",
            "Ali\u{200D}ce",
            "\u{202E}gnp.exe",
            "a\u{2066}b\u{2069}",
            "\u{FEFF}bob",
            "x\u{E0041}",
            "soft\u{00AD}hyphen",
        ] {
            assert!(invisible(bad), "{bad:?}");
            assert!(clean_name(bad, "name", 64).is_err(), "{bad:?}");
        }
        for good in [
            "Alice",
            "José Ñúñez",
            "李小龙",
            "👩\u{200D}💻 Dev",
            "Zoë (she/her)",
            "עברית",
            "العربية",
        ] {
            assert!(!invisible(good), "{good:?}");
            assert_eq!(clean_name(good, "name", 64).unwrap(), good);
        }
    }
}
