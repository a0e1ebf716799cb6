//! Maps requests to handlers. Every operation of the core's table
//! (`uspacy::OPERATIONS`) is a route, with its method, path template and
//! auth mode, so the mock cannot drift from the table. A few aliases that
//! other SDKs send are added here. The handler registered under the op id
//! (see `handlers`) serves the request. An op without one gets the
//! schema-shaped response of `shapes`.
//!
//! When several templates match a path, the one with a literal segment
//! where the others have a placeholder wins (`/company/v1/users/me` before
//! `/company/v1/users/{id}`), checked from the left.

use std::sync::OnceLock;

use http::Method;
use serde_json::Value;
use uspacy::{AuthMode, Operation};

use crate::crm_items::Handled;
use crate::http::{json, route_not_found, ApiRequest, Resp};
use crate::server::Shared;
use crate::store::{not_found, Style};
use crate::{auth, handlers};

/// A request handler: the matched operation, path parameters and request.
pub(crate) type Handler = fn(&Call<'_>) -> Handled;

/// A request matched to an operation.
pub(crate) struct Call<'a> {
    pub shared: &'a Shared,
    pub req: &'a ApiRequest,
    pub op: &'static Operation,
    params: Params,
}

impl<'a> Call<'a> {
    pub fn new(
        shared: &'a Shared,
        req: &'a ApiRequest,
        op: &'static Operation,
        params: Params,
    ) -> Call<'a> {
        Call {
            shared,
            req,
            op,
            params,
        }
    }

    /// Returns the decoded path parameter `name` (empty when the template has none).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Returns a numeric path parameter, or 404 naming `resource` in `style`.
    pub fn id(&self, name: &str, style: Style, resource: &str) -> Result<i64, Resp> {
        let raw = self.param(name);
        raw.trim()
            .parse::<i64>()
            .map_err(|_| not_found(style, resource, raw))
    }

    /// Returns the signed-in user, the portal owner for webhook calls.
    pub fn actor(&self) -> i64 {
        self.req.actor()
    }

    /// Returns the parsed query string, always an object.
    pub fn query(&self) -> &Value {
        &self.req.query
    }

    /// Returns the absolute URL of the request path, for paginator links.
    pub fn url(&self) -> String {
        format!("{}/{}", self.shared.base_url, self.req.segments.join("/"))
    }
}

/// Requests other public clients send that the table spells differently.
/// They share the handler of the op id they carry, except the CRM mass
/// deletion and list-value edit, which have their own mock-only ids.
static ALIASES: &[Operation] = &[
    // The JS SDK changes passwords with POST; the JS self-service path differs.
    Operation::new(
        "auth.change_password",
        uspacy::Method::Post,
        "/auth/v1/users/change_password",
    ),
    Operation::new(
        "auth.change_password",
        uspacy::Method::Post,
        "/auth/v1/users/me/reset_password",
    ),
    Operation::new(
        "auth.change_password",
        uspacy::Method::Patch,
        "/auth/v1/users/me/reset_password",
    ),
    Operation::new(
        "auth.change_user_password",
        uspacy::Method::Post,
        "/auth/v1/users/{user_id}/change_password",
    ),
    // The JS and PHP SDKs disable another user's 2FA with GET.
    Operation::new(
        "users.two_factor.disable",
        uspacy::Method::Get,
        "/company/v1/users/{id}/twofa_disable",
    ),
    Operation::new(
        "crm.items.mass_delete",
        uspacy::Method::Delete,
        "/crm/v1/entities/{entity_code}/mass_deletion",
    ),
    Operation::new(
        "crm.field_list_items.update",
        uspacy::Method::Patch,
        "/crm/v1/entities/{entity_code}/lists/{field_code}/{value}",
    ),
];

#[derive(Debug)]
enum Segment {
    Literal(&'static str),
    Param(&'static str),
}

/// Path parameters of a matched request, named by the template.
pub(crate) type Params = Vec<(&'static str, String)>;

/// One routable operation.
pub(crate) struct Route {
    pub op: &'static Operation,
    method: Method,
    segments: Vec<Segment>,
    pub handler: Handler,
}

fn http_method(method: uspacy::Method) -> Method {
    match method {
        uspacy::Method::Get => Method::GET,
        uspacy::Method::Post => Method::POST,
        uspacy::Method::Put => Method::PUT,
        uspacy::Method::Patch => Method::PATCH,
        uspacy::Method::Delete => Method::DELETE,
    }
}

fn route_of(op: &'static Operation) -> Route {
    let segments = op
        .path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name),
                None => Segment::Literal(segment),
            },
        )
        .collect();
    Route {
        op,
        method: http_method(op.method),
        segments,
        handler: handlers::handler(op.id),
    }
}

/// Returns every route: the table's operations, then the aliases.
pub(crate) fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        uspacy::OPERATIONS
            .iter()
            .chain(ALIASES.iter())
            .map(route_of)
            .collect()
    })
}

impl Route {
    /// Returns the path parameters when `segments` fit the template, and a
    /// specificity key (literal segments are 1, placeholders 0).
    fn matches(&self, segments: &[String]) -> Option<(Params, Vec<u8>)> {
        if self.segments.len() != segments.len() {
            return None;
        }
        let mut params = Vec::new();
        let mut key = Vec::with_capacity(segments.len());
        for (template, actual) in self.segments.iter().zip(segments) {
            match template {
                Segment::Literal(text) if *text == actual => key.push(1),
                Segment::Literal(_) => return None,
                Segment::Param(name) => {
                    params.push((*name, actual.clone()));
                    key.push(0);
                }
            }
        }
        Some((params, key))
    }
}

/// The outcome of matching a request.
pub(crate) enum Resolution {
    Found(&'static Route, Params),
    /// The path exists, but not with this method. Contains the allowed methods.
    WrongMethod(Vec<Method>),
    NotFound,
}

/// Finds the route for a method and percent-decoded path segments.
pub(crate) fn resolve(method: &Method, segments: &[String]) -> Resolution {
    let mut best: Option<(&'static Route, Params, Vec<u8>)> = None;
    let mut allowed: Vec<Method> = Vec::new();
    for route in routes() {
        let Some((params, key)) = route.matches(segments) else {
            continue;
        };
        if route.method != *method {
            if !allowed.contains(&route.method) {
                allowed.push(route.method.clone());
            }
            continue;
        }
        // Strictly greater: among equal templates the first declared wins.
        if best.as_ref().is_none_or(|(_, _, best_key)| key > *best_key) {
            best = Some((route, params, key));
        }
    }
    match best {
        Some((route, params, _)) => Resolution::Found(route, params),
        None if allowed.is_empty() => Resolution::NotFound,
        None => Resolution::WrongMethod(allowed),
    }
}

/// Returns 405 with an `Allow` header.
fn method_not_allowed(allowed: &[Method], method: &Method) -> Resp {
    let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
    let mut response = json(
        405,
        &serde_json::json!({
            "message": format!("The {method} method is not supported for this route. Supported methods: {}.", names.join(", "))
        }),
    );
    if let Ok(value) = http::HeaderValue::from_str(&names.join(", ")) {
        response.headers_mut().insert(http::header::ALLOW, value);
    }
    response
}

/// Routes a request whose session, if any, is already set in `req.user_id`.
/// `trusted` is true when a valid webhook key replaces the bearer token.
pub(crate) fn dispatch(shared: &Shared, req: &mut ApiRequest, trusted: bool) -> Resp {
    let (route, params) = match resolve(&req.method, &req.segments) {
        Resolution::Found(route, params) => (route, params),
        Resolution::WrongMethod(allowed) => return method_not_allowed(&allowed, &req.method),
        Resolution::NotFound => {
            return route_not_found(&format!("/{}", req.segments.join("/")));
        }
    };
    if route.op.auth == AuthMode::Session && !trusted {
        match auth::authenticate(shared, req) {
            Ok(user_id) => req.user_id = Some(user_id),
            Err(response) => return response,
        }
    }
    let call = Call::new(shared, req, route.op, params);
    (route.handler)(&call).unwrap_or_else(|error| error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn op_of(method: Method, path: &str) -> Option<&'static str> {
        match resolve(&method, &segments(path)) {
            Resolution::Found(route, _) => Some(route.op.id),
            _ => None,
        }
    }

    #[test]
    fn literal_segments_win() {
        assert_eq!(
            op_of(Method::GET, "/crm/v1/entities/deals/fields"),
            Some("crm.fields.list")
        );
        assert_eq!(
            op_of(Method::GET, "/crm/v1/entities/leads/fields"),
            Some("crm.lead_fields.list")
        );
        assert_eq!(
            op_of(Method::GET, "/crm/v1/entities/deals/42"),
            Some("crm.items.get")
        );
        assert_eq!(
            op_of(Method::GET, "/crm/v1/entities/deals/kanban/stage/3/"),
            Some("crm.kanban_stages.get")
        );
        assert_eq!(
            op_of(Method::GET, "/company/v1/users/me"),
            Some("users.me.get")
        );
        assert_eq!(
            op_of(Method::PATCH, "/crm/v1/static/list-products/bulk"),
            Some("crm.list_products.bulk_update")
        );
    }

    #[test]
    fn method_selects_among_templates() {
        assert_eq!(
            op_of(Method::GET, "/crm/v1/entities/deals"),
            Some("crm.deals.list")
        );
        assert_eq!(
            op_of(Method::POST, "/crm/v1/entities/deals"),
            Some("crm.items.create")
        );
    }

    #[test]
    fn params_are_named_by_the_template() {
        let Resolution::Found(route, params) = resolve(
            &Method::POST,
            &segments("/crm/v1/entities/deals/7/move/stage/3"),
        ) else {
            panic!("move route not found");
        };
        assert_eq!(route.op.id, "crm.kanban_stages.move");
        assert_eq!(
            params,
            [
                ("entity_code", "deals".to_string()),
                ("item_id", "7".to_string()),
                ("stage_id", "3".to_string())
            ]
        );
    }

    #[test]
    fn wrong_method_and_unknown_path() {
        match resolve(&Method::PUT, &segments("/crm/v1/entities/deals/1")) {
            Resolution::WrongMethod(allowed) => {
                assert!(allowed.contains(&Method::GET));
                assert!(allowed.contains(&Method::PATCH));
            }
            _ => panic!("PUT on an item is not allowed"),
        }
        assert!(matches!(
            resolve(&Method::GET, &segments("/crm/v2/entities")),
            Resolution::NotFound
        ));
        assert!(matches!(
            resolve(&Method::GET, &segments("/")),
            Resolution::NotFound
        ));
    }

    /// Every operation of the table resolves to itself (or to an operation
    /// with the same method and template) from a path built from its template.
    #[test]
    fn every_table_operation_is_routed() {
        let mut wrong = Vec::new();
        for op in uspacy::OPERATIONS {
            let path = op
                .path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "sample-7"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            match resolve(&http_method(op.method), &segments(&path)) {
                Resolution::Found(route, _)
                    if route.op.path == op.path && route.op.method == op.method => {}
                Resolution::Found(route, _) => {
                    wrong.push(format!("{} resolves to {}", op.id, route.op.id))
                }
                _ => wrong.push(format!("{} is not routed", op.id)),
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
