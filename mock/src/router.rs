//! Maps request paths to handlers. Literal segments (`fields`, `lists`,
//! `funnel`, `kanban`, `mass_deletion`) are matched before `{id}`.

use http::Method;

use crate::crm_items::{self, path_id, Handled};
use crate::http::{json, route_not_found, ApiRequest, Resp};
use crate::server::Shared;
use crate::{auth, crm_schema, files};

/// A matched route with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    SignIn,
    AppSignIn,
    RefreshToken,
    ConfirmEmail,
    Register,
    SignUp,
    ForgotPassword,
    ResetPassword,
    CheckEmail,
    ChangeOwnPassword,
    ChangeUserPassword(String),
    Entities,
    FieldTypes,
    Fields(String),
    Field(String, String),
    ListValues(String, String),
    ListValue(String, String, String),
    Funnels(String),
    Funnel(String, String),
    Stages(String),
    Stage(String, String),
    MassDeletion(String),
    Items(String),
    Item(String, String),
    MoveToStage(String, String, String),
    Convert(String, String),
    Reasons(String),
    Files,
    File(String),
    FilesTotals,
}

/// Finds the route for percent-decoded path segments.
pub(crate) fn resolve(segments: &[String]) -> Option<Route> {
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let owned = |text: &str| text.to_string();
    let route = match s.as_slice() {
        ["auth", "v1", "auth", "sign_in"] => Route::SignIn,
        ["auth", "v1", "auth", "app_sign_in"] => Route::AppSignIn,
        ["auth", "v1", "auth", "refresh_token"] => Route::RefreshToken,
        ["auth", "v1", "auth", "confirm_email"] => Route::ConfirmEmail,
        ["auth", "v1", "auth", "register"] => Route::Register,
        ["auth", "v1", "users"] => Route::SignUp,
        ["auth", "v1", "users", "forgot_password"] => Route::ForgotPassword,
        ["auth", "v1", "users", "reset_password"] => Route::ResetPassword,
        ["auth", "v1", "users", "check_email"] => Route::CheckEmail,
        ["auth", "v1", "users", "change_password"] => Route::ChangeOwnPassword,
        // The JS SDK changes the own password here instead.
        ["auth", "v1", "users", "me", "reset_password"] => Route::ChangeOwnPassword,
        ["auth", "v1", "users", id, "change_password"] => Route::ChangeUserPassword(owned(id)),

        ["crm", "v1", "entity"] => Route::Entities,
        ["crm", "v1", "field_types"] => Route::FieldTypes,
        ["crm", "v1", "reasons", id] => Route::Reasons(owned(id)),
        ["crm", "v1", "entities", code] => Route::Items(owned(code)),
        ["crm", "v1", "entities", code, "fields"] => Route::Fields(owned(code)),
        ["crm", "v1", "entities", code, "fields", field] => Route::Field(owned(code), owned(field)),
        ["crm", "v1", "entities", code, "lists", field] => {
            Route::ListValues(owned(code), owned(field))
        }
        ["crm", "v1", "entities", code, "lists", field, value] => {
            Route::ListValue(owned(code), owned(field), owned(value))
        }
        ["crm", "v1", "entities", code, "funnel"] => Route::Funnels(owned(code)),
        ["crm", "v1", "entities", code, "funnel", id] => Route::Funnel(owned(code), owned(id)),
        ["crm", "v1", "entities", code, "kanban", "stage"] => Route::Stages(owned(code)),
        ["crm", "v1", "entities", code, "kanban", "stage", id] => {
            Route::Stage(owned(code), owned(id))
        }
        ["crm", "v1", "entities", code, "mass_deletion"] => Route::MassDeletion(owned(code)),
        ["crm", "v1", "entities", code, id] => Route::Item(owned(code), owned(id)),
        ["crm", "v1", "entities", code, id, "move", "stage", stage] => {
            Route::MoveToStage(owned(code), owned(id), owned(stage))
        }
        ["crm", "v1", "entities", code, id, "convert"] => Route::Convert(owned(code), owned(id)),

        ["files", "v1", "files"] => Route::Files,
        ["files", "v1", "files", id] => Route::File(owned(id)),
        ["files", "v1", "totals", "size"] => Route::FilesTotals,
        _ => return None,
    };
    Some(route)
}

impl Route {
    /// Returns the methods the route accepts. Others get 405.
    pub fn methods(&self) -> &'static [Method] {
        const GET: &[Method] = &[Method::GET];
        const POST: &[Method] = &[Method::POST];
        const GET_POST: &[Method] = &[Method::GET, Method::POST];
        const ONE: &[Method] = &[Method::GET, Method::PATCH, Method::DELETE];
        match self {
            Route::SignIn
            | Route::AppSignIn
            | Route::RefreshToken
            | Route::ConfirmEmail
            | Route::Register
            | Route::SignUp
            | Route::ForgotPassword
            | Route::ResetPassword
            | Route::MoveToStage(..)
            | Route::Convert(..) => POST,
            Route::CheckEmail | Route::FieldTypes | Route::FilesTotals => GET,
            // The API reference documents PATCH, but the JS SDK sends POST.
            Route::ChangeOwnPassword | Route::ChangeUserPassword(_) => {
                &[Method::PATCH, Method::POST]
            }
            Route::Entities
            | Route::Fields(_)
            | Route::ListValues(..)
            | Route::Funnels(_)
            | Route::Stages(_)
            | Route::Items(_) => GET_POST,
            Route::Field(..)
            | Route::Funnel(..)
            | Route::Stage(..)
            | Route::Item(..)
            | Route::File(_) => ONE,
            Route::ListValue(..) => &[Method::PATCH, Method::DELETE],
            Route::MassDeletion(_) => &[Method::DELETE],
            Route::Reasons(_) => &[Method::GET, Method::POST, Method::PATCH, Method::DELETE],
            Route::Files => &[Method::GET, Method::POST, Method::PATCH, Method::DELETE],
        }
    }

    /// Tells whether the route needs a session (bearer token or webhook key).
    pub fn needs_session(&self) -> bool {
        !matches!(
            self,
            Route::SignIn
                | Route::AppSignIn
                | Route::RefreshToken
                | Route::ConfirmEmail
                | Route::Register
                | Route::SignUp
                | Route::ForgotPassword
                | Route::ResetPassword
                | Route::CheckEmail
        )
    }
}

/// Returns 405 with an `Allow` header.
fn method_not_allowed(route: &Route, method: &Method) -> Resp {
    let allowed: Vec<&str> = route.methods().iter().map(Method::as_str).collect();
    let mut response = json(
        405,
        &serde_json::json!({
            "message": format!("The {method} method is not supported for this route. Supported methods: {}.", allowed.join(", "))
        }),
    );
    if let Ok(value) = http::HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(http::header::ALLOW, value);
    }
    response
}

/// Routes a request whose session, if any, is already set in `req.user_id`.
/// `trusted` is true when a valid webhook key replaces the bearer token.
pub(crate) fn dispatch(shared: &Shared, req: &mut ApiRequest, trusted: bool) -> Resp {
    let Some(route) = resolve(&req.segments) else {
        return route_not_found(&format!("/{}", req.segments.join("/")));
    };
    if !route.methods().contains(&req.method) {
        return method_not_allowed(&route, &req.method);
    }
    if route.needs_session() && !trusted {
        match auth::authenticate(shared, req) {
            Ok(user_id) => req.user_id = Some(user_id),
            Err(response) => return response,
        }
    }
    handle(shared, req, &route).unwrap_or_else(|error| error)
}

fn handle(shared: &Shared, req: &ApiRequest, route: &Route) -> Handled {
    let method = req.method.clone();
    match route {
        Route::SignIn => Ok(auth::sign_in(shared, req)),
        Route::AppSignIn => Ok(auth::app_sign_in(shared, req)),
        Route::RefreshToken => Ok(auth::refresh_token(shared, req)),
        Route::ConfirmEmail => Ok(auth::confirm_email(shared, req)),
        Route::Register => Ok(auth::register(shared, req)),
        Route::SignUp => Ok(auth::sign_up(shared, req)),
        Route::ForgotPassword => Ok(auth::forgot_password(shared, req)),
        Route::ResetPassword => Ok(auth::reset_password(shared, req)),
        Route::CheckEmail => Ok(auth::check_email(shared, req)),
        Route::ChangeOwnPassword => Ok(auth::change_own_password(shared, req)),
        Route::ChangeUserPassword(id) => Ok(auth::change_user_password(shared, req, id)),

        Route::Entities if method == Method::GET => crm_schema::list_entities(shared, req),
        Route::Entities => crm_schema::create_entity(shared, req),
        Route::FieldTypes => crm_schema::field_types(),
        Route::Fields(code) if method == Method::GET => crm_schema::list_fields(shared, code),
        Route::Fields(code) => crm_schema::create_field(shared, req, code),
        Route::Field(code, field) => match method {
            Method::GET => crm_schema::get_field(shared, code, field),
            Method::PATCH => crm_schema::update_field(shared, req, code, field),
            _ => crm_schema::delete_field(shared, code, field),
        },
        Route::ListValues(code, field) if method == Method::GET => {
            crm_schema::list_values(shared, code, field)
        }
        Route::ListValues(code, field) => crm_schema::upsert_values(shared, req, code, field),
        Route::ListValue(code, field, value) if method == Method::PATCH => {
            crm_schema::update_value(shared, req, code, field, value)
        }
        Route::ListValue(code, field, value) => {
            crm_schema::delete_value(shared, code, field, value)
        }
        Route::Funnels(code) if method == Method::GET => crm_schema::list_funnels(shared, code),
        Route::Funnels(code) => crm_schema::create_funnel(shared, req, code),
        Route::Funnel(code, id) => {
            let id = path_id(code, id)?;
            match method {
                Method::GET => crm_schema::get_funnel(shared, code, id),
                Method::PATCH => crm_schema::update_funnel(shared, req, code, id),
                _ => crm_schema::delete_funnel(shared, code, id),
            }
        }
        Route::Stages(code) if method == Method::GET => crm_schema::list_stages(shared, req, code),
        Route::Stages(code) => crm_schema::create_stage(shared, req, code),
        Route::Stage(code, id) => {
            let id = path_id(code, id)?;
            match method {
                Method::GET => {
                    // Every SDK reads this route as a page of the stage's records.
                    crm_schema::stage_of(shared, code, id)?;
                    crm_items::list(shared, req, code, Some(id))
                }
                Method::PATCH => crm_schema::update_stage(shared, req, code, id),
                _ => crm_schema::delete_stage(shared, code, id),
            }
        }
        Route::MassDeletion(code) => crm_items::mass_delete(shared, req, code),
        Route::Items(code) if method == Method::GET => crm_items::list(shared, req, code, None),
        Route::Items(code) => crm_items::create(shared, req, code),
        Route::Item(code, id) => {
            let id = path_id(code, id)?;
            match method {
                Method::GET => crm_items::get(shared, code, id),
                Method::PATCH => crm_items::update(shared, req, code, id),
                _ => crm_items::delete(shared, code, id),
            }
        }
        Route::MoveToStage(code, id, stage) => {
            let id = path_id(code, id)?;
            let stage = path_id(code, stage)?;
            crm_items::move_to_stage(shared, req, code, id, stage)
        }
        Route::Convert(code, id) => {
            let id = path_id(code, id)?;
            crm_items::convert(shared, req, code, id)
        }
        Route::Reasons(id) => {
            // GET and POST take a funnel id, PATCH and DELETE a reason id.
            let id = id
                .parse::<i64>()
                .map_err(|_| crate::http::crm_error(404, format!("`{id}` not found.")))?;
            match method {
                Method::GET => crm_schema::list_reasons(shared, id),
                Method::POST => crm_schema::create_reason(shared, req, id),
                Method::PATCH => crm_schema::update_reason(shared, req, id),
                _ => crm_schema::delete_reason(shared, id),
            }
        }

        Route::Files => match method {
            Method::GET => files::list(shared, req),
            Method::POST => files::upload(shared, req),
            Method::PATCH => files::update_by_entity(shared, req),
            _ => files::delete_by_entity(shared, req),
        },
        Route::File(id) => match method {
            Method::GET => files::get(shared, id),
            Method::PATCH => files::update(shared, req, id),
            _ => files::delete(shared, id),
        },
        Route::FilesTotals => files::totals(shared),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> Option<Route> {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        resolve(&segments)
    }

    #[test]
    fn literal_segments_win() {
        assert_eq!(
            route("/crm/v1/entities/deals/fields"),
            Some(Route::Fields("deals".into()))
        );
        assert_eq!(
            route("/crm/v1/entities/deals/funnel"),
            Some(Route::Funnels("deals".into()))
        );
        assert_eq!(
            route("/crm/v1/entities/deals/42"),
            Some(Route::Item("deals".into(), "42".into()))
        );
        assert_eq!(
            route("/crm/v1/entities/deals/kanban/stage/3/"),
            Some(Route::Stage("deals".into(), "3".into()))
        );
    }

    #[test]
    fn unknown_path_is_none() {
        assert_eq!(route("/crm/v2/entities"), None);
        assert_eq!(route("/"), None);
    }
}
