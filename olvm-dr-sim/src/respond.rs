//! Responses as the Engine sends them: XML bodies with `application/xml`, `201` plus
//! `Location` for adds, `<action><status>complete</status></action>` for actions and deletes,
//! and errors rendered from the fake's [`EngineError`] (its HTTP status and exact fault).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use olvm_dr_core::engine::{EngineError, ErrorKind, Fault};
use olvm_dr_core::xml::actions::ActionResult;
use olvm_dr_core::xml::fault::{write_failed_action, write_fault};
use olvm_dr_core::xml::{Scope, XmlEntity, XmlError, write_list, write_one};

use crate::search::SearchError;

/// The content type of every XML answer (the Engine adds the charset).
pub(crate) const XML: &str = "application/xml;charset=UTF-8";

/// An XML document with `status`.
pub(crate) fn xml(status: StatusCode, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(XML));
    r
}

/// `200` with an XML document.
pub(crate) fn ok(body: String) -> Response {
    xml(StatusCode::OK, body)
}

/// `200` with one entity.
pub(crate) fn one<T: XmlEntity>(item: &T, scope: &Scope) -> Response {
    ok(write_one(item, scope))
}

/// `200` with a collection.
pub(crate) fn list<T: XmlEntity>(items: &[T], scope: &Scope) -> Response {
    ok(write_list(items, scope))
}

/// `201 Created` with the new entity and its `Location`.
pub(crate) fn created<T: XmlEntity>(item: &T, scope: &Scope, id: &str) -> Response {
    let mut r = xml(StatusCode::CREATED, write_one(item, scope));
    if let Ok(v) = HeaderValue::from_str(&scope.href(id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `200` with `<action><status>complete</status></action>`: a finished action or delete, with
/// the `<job>` of the request's monitored command (`BackendResource.setJobLink`).
pub(crate) fn complete() -> Response {
    action(&ActionResult::complete())
}

/// `200` with an action answer carrying output fields, and the request's job when the answer
/// names none.
pub(crate) fn action(result: &ActionResult) -> Response {
    if result.job.is_none()
        && let Some(job) = crate::request_context::current_job()
    {
        let with_job = ActionResult {
            job: Some(job),
            ..result.clone()
        };
        return ok(with_job.write());
    }
    ok(result.write())
}

/// An empty answer with `status` (the Engine's 404 for an unknown path id).
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// How a failure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A `<fault>` document (reads, adds, deletes).
    Plain,
    /// An `<action>` holding the `<fault>` and `<status>failed</status>` (a failed action's
    /// command); failures before the command runs (404 lookups) stay plain.
    Action,
}

/// A request that fails.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// The fake refused it.
    Engine(EngineError, Shape),
    /// A path id that does not exist, or a path the API does not have: empty 404.
    NotFound,
    /// Refused before reaching the fake, with the Engine's status and fault.
    Fault(StatusCode, Fault),
    /// A path the Engine has but the simulator does not model: 501 with a fault saying so.
    Unsupported(&'static str),
}

/// A handler's outcome.
pub(crate) type Reply = Result<Response, ApiError>;

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        ApiError::Engine(e, Shape::Plain)
    }
}

impl From<SearchError> for ApiError {
    /// A search the Engine cannot parse: its query fails, and the REST layer reports the
    /// syntax error's name as a 400 command failure.
    fn from(e: SearchError) -> Self {
        ApiError::Fault(
            StatusCode::BAD_REQUEST,
            Fault::new("Operation Failed", format!("[{}]", e.0)),
        )
    }
}

impl ApiError {
    /// The same failure written as a failed action.
    pub(crate) fn in_action(e: EngineError) -> Self {
        ApiError::Engine(e, Shape::Action)
    }

    /// A body that cannot be read: 400 with the reader's message.
    pub(crate) fn bad_body(e: &XmlError) -> Self {
        ApiError::Fault(
            StatusCode::BAD_REQUEST,
            Fault::new("Operation Failed", e.to_string()),
        )
    }

    /// 400 with the Engine's `Incomplete parameters` fault (`INCOMPLETE_PARAMS_DETAIL_TEMPLATE`).
    pub(crate) fn incomplete(entity: &str, fields: &str, op: &str) -> Self {
        ApiError::Fault(
            StatusCode::BAD_REQUEST,
            Fault::new(
                "Incomplete parameters",
                format!("{entity} [{fields}] required for {op}"),
            ),
        )
    }

    /// 404 with `Entity not found: <what>` (a named reference that resolves to nothing).
    pub(crate) fn entity_not_found(what: &str) -> Self {
        ApiError::Fault(
            StatusCode::NOT_FOUND,
            Fault::new("Operation Failed", format!("Entity not found: {what}")),
        )
    }
}

/// The HTTP status for an error the fake raised without one: a site that does not answer is a
/// 503 from the Apache proxy in front of a stopped Engine; an injected timeout a 504 from the
/// same proxy; the rest by kind.
fn status_for_kind(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict | ErrorKind::InvalidState | ErrorKind::Locked => StatusCode::CONFLICT,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
        // A dark site's listener is closed (clients see a refused connection); a request that
        // was already on its way gets the proxy's 503.
        ErrorKind::Unavailable | ErrorKind::Unreachable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal | ErrorKind::Protocol => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn fault_response(status: StatusCode, fault: &Fault, shape: Shape) -> Response {
    let body = if shape == Shape::Action && status != StatusCode::NOT_FOUND {
        write_failed_action(fault)
    } else {
        write_fault(fault)
    };
    xml(status, body)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::NotFound => empty(StatusCode::NOT_FOUND),
            ApiError::Fault(status, fault) => fault_response(status, &fault, Shape::Plain),
            ApiError::Unsupported(what) => fault_response(
                StatusCode::NOT_IMPLEMENTED,
                &Fault::new(
                    "Not implemented",
                    format!("olvm-dr-sim does not model {what}"),
                ),
                Shape::Plain,
            ),
            ApiError::Engine(e, shape) => {
                let status = e
                    .http_status
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .unwrap_or_else(|| status_for_kind(e.kind));
                match (&e.fault, e.http_status) {
                    (Some(f), _) => fault_response(status, f, shape),
                    // The fake's own errors without a fault are bodiless (404 for a path id,
                    // 503 for a site that does not answer).
                    (None, _) => empty(status),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use olvm_dr_core::xml::fault::read_fault;

    async fn body(r: Response) -> String {
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn errors_keep_status_and_fault_in_the_engines_shapes() {
        let e = EngineError::new(ErrorKind::InvalidState, "detach_storage_domain")
            .with_status(409)
            .with_fault_text("Operation Failed", "[Cannot detach Storage.]");
        let r = ApiError::Engine(e.clone(), Shape::Plain).into_response();
        assert_eq!(r.status(), 409);
        assert_eq!(r.headers()[header::CONTENT_TYPE], XML);
        let text = body(r).await;
        assert!(text.contains("<fault>"), "{text}");
        assert_eq!(
            read_fault(&text).unwrap().detail,
            "[Cannot detach Storage.]"
        );
        let text = body(ApiError::in_action(e).into_response()).await;
        assert!(text.contains("<action>") && text.contains("<status>failed</status>"));
        let nf = EngineError::new(ErrorKind::NotFound, "vm").with_status(404);
        let r = ApiError::in_action(nf).into_response();
        assert_eq!(r.status(), 404);
        assert!(body(r).await.is_empty());
        let down = EngineError::new(ErrorKind::Unavailable, "vms");
        assert_eq!(ApiError::from(down).into_response().status(), 503);
        let named = ApiError::entity_not_found("Cluster: name=x").into_response();
        assert_eq!(named.status(), 404);
        assert!(
            body(named)
                .await
                .contains("Entity not found: Cluster: name=x")
        );
    }
}
