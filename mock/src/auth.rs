//! Auth routes: sign-in, app sign-in, refresh with rotation, registration,
//! password flows, and bearer checks for session routes.

use serde_json::{json, Value};

use crate::http::{
    json, looks_like_email, message, now, text_field, unauthenticated, ApiRequest, Errors, Resp,
};
use crate::jwt;
use crate::server::Shared;
use crate::state::{Portal, User};
use crate::IssuedTokens;

/// Minimum password length accepted by sign-up and password changes.
const MIN_PASSWORD: usize = 8;

/// Signs an access token for `user_id` and registers a fresh refresh token.
pub(crate) fn issue_tokens(
    shared: &Shared,
    portal: &mut Portal,
    user_id: i64,
    lifetime_secs: i64,
) -> IssuedTokens {
    let now = now();
    let user = portal.user(user_id).cloned();
    let (email, first, last, roles) = match &user {
        Some(u) => (
            u.email.clone(),
            u.first_name.clone(),
            u.last_name.clone(),
            u.roles.clone(),
        ),
        None => (String::new(), String::new(), String::new(), Vec::new()),
    };
    let workspace = shared
        .domain
        .split('.')
        .next()
        .unwrap_or(&shared.domain)
        .to_string();
    let claims = json!({
        "id": user_id,
        "authUserId": user_id,
        "email": email,
        "firstName": first,
        "lastName": last,
        "workspaceId": workspace,
        "domain": shared.domain,
        "roles": roles,
        "departments": [],
        "permissions": {"create": [], "view": [], "edit": [], "delete": [], "export": []},
        "iat": now,
        "exp": now.saturating_add(lifetime_secs),
        "jti": random_token(32),
    });
    let access_token = jwt::sign(&shared.jwt_secret, &claims);
    let refresh_token = random_token(64);
    portal.refresh_tokens.insert(refresh_token.clone(), user_id);
    IssuedTokens {
        access_token,
        refresh_token,
        expires_in: lifetime_secs,
    }
}

/// Returns a random alphanumeric string; unique enough for opaque tokens.
pub(crate) fn random_token(length: usize) -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(length)
        .collect()
}

fn token_response(tokens: &IssuedTokens) -> Resp {
    json(
        200,
        &json!({
            "jwt": tokens.access_token,
            "refreshToken": tokens.refresh_token,
            "expireInSeconds": tokens.expires_in,
        }),
    )
}

/// Checks the bearer JWT and returns the user id in its `id` claim.
pub(crate) fn authenticate(shared: &Shared, req: &ApiRequest) -> Result<i64, Resp> {
    let token = req.bearer().ok_or_else(unauthenticated)?;
    let claims = jwt::verify(&shared.jwt_secret, token, now()).map_err(|_| unauthenticated())?;
    let id = claims
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(unauthenticated)?;
    // A deactivated user's tokens stop working at once.
    if shared.portal().user(id).is_some_and(|user| !user.active()) {
        return Err(unauthenticated());
    }
    Ok(id)
}

fn require_email(errors: &mut Errors, body: &Value) -> Option<String> {
    match text_field(body, "email") {
        None => {
            errors.add("email", "The email field is required.");
            None
        }
        Some(email) if !looks_like_email(email) => {
            errors.add("email", "The email must be a valid email address.");
            None
        }
        Some(email) => Some(email.to_string()),
    }
}

fn require_text(errors: &mut Errors, body: &Value, field: &str, label: &str) -> Option<String> {
    match text_field(body, field) {
        Some(text) => Some(text.to_string()),
        None => {
            errors.add(field, format!("The {label} field is required."));
            None
        }
    }
}

fn require_password(errors: &mut Errors, body: &Value, field: &str, label: &str) -> Option<String> {
    let password = require_text(errors, body, field, label)?;
    if password.chars().count() < MIN_PASSWORD {
        errors.add(
            field,
            format!("The {label} must be at least {MIN_PASSWORD} characters."),
        );
        return None;
    }
    Some(password)
}

/// `POST /auth/v1/auth/sign_in {email, password, code?}`.
pub(crate) fn sign_in(shared: &Shared, req: &ApiRequest) -> Resp {
    let body = req.body_value();
    let mut errors = Errors::default();
    let email = require_email(&mut errors, &body);
    let password = require_text(&mut errors, &body, "password", "password");
    if !errors.is_empty() {
        return errors.into_response();
    }
    let (email, password) = (email.unwrap_or_default(), password.unwrap_or_default());

    let mut portal = shared.portal();
    let user = match portal.user_by_email(&email) {
        Some(user) if user.registered() && user.password == password => user.clone(),
        _ => return message(401, false, "Invalid email or password."),
    };
    if !user.active() {
        return message(403, false, "The user is deactivated.");
    }
    if let Some(expected) = &user.two_factor_code {
        match text_field(&body, "code") {
            None => {
                let mut errors = Errors::default();
                errors.add("code", "The two-factor authentication code is required.");
                return errors.into_response();
            }
            Some(code) if code != expected => {
                let mut errors = Errors::default();
                errors.add("code", "The two-factor authentication code is invalid.");
                return errors.into_response();
            }
            Some(_) => {}
        }
    }
    let tokens = issue_tokens(shared, &mut portal, user.id, shared.token_lifetime);
    token_response(&tokens)
}

/// `POST /auth/v1/auth/app_sign_in {client_id, client_secret}`; the app acts
/// as the portal owner.
pub(crate) fn app_sign_in(shared: &Shared, req: &ApiRequest) -> Resp {
    let body = req.body_value();
    let mut errors = Errors::default();
    let client_id = require_text(&mut errors, &body, "client_id", "client id");
    let client_secret = require_text(&mut errors, &body, "client_secret", "client secret");
    if !errors.is_empty() {
        return errors.into_response();
    }
    let credentials = &shared.credentials;
    if client_id.as_deref() != Some(credentials.client_id.as_str())
        || client_secret.as_deref() != Some(credentials.client_secret.as_str())
    {
        return message(401, false, "Invalid client credentials.");
    }
    let mut portal = shared.portal();
    let tokens = issue_tokens(shared, &mut portal, 1, shared.token_lifetime);
    token_response(&tokens)
}

/// `POST /auth/v1/auth/refresh_token` with `Authorization: Bearer <refresh token>`.
/// Each refresh token works once, and the response carries a new one.
pub(crate) fn refresh_token(shared: &Shared, req: &ApiRequest) -> Resp {
    // Some third-party clients post `{refreshToken}` instead of the header.
    let body = req.body_value();
    let token = match req.bearer() {
        Some(token) => token.to_string(),
        None => match text_field(&body, "refreshToken") {
            Some(token) => token.to_string(),
            None => return message(401, false, "The refresh token is missing."),
        },
    };
    if token.split('.').count() == 3 {
        return message(
            401,
            false,
            "An access token cannot refresh the session: send the refresh token.",
        );
    }
    let mut portal = shared.portal();
    match portal.refresh_tokens.remove(&token) {
        Some(user_id) => {
            let tokens = issue_tokens(shared, &mut portal, user_id, shared.token_lifetime);
            token_response(&tokens)
        }
        None => message(
            401,
            false,
            "The refresh token is invalid or has already been used.",
        ),
    }
}

/// `POST /auth/v1/auth/confirm_email {email, token}`.
pub(crate) fn confirm_email(shared: &Shared, req: &ApiRequest) -> Resp {
    let body = req.body_value();
    let mut errors = Errors::default();
    let email = require_email(&mut errors, &body);
    require_text(&mut errors, &body, "token", "token");
    if !errors.is_empty() {
        return errors.into_response();
    }
    let mut portal = shared.portal();
    let Some(user_id) = portal
        .user_by_email(&email.unwrap_or_default())
        .map(|u| u.id)
    else {
        return crate::http::invalid("email", "The selected email is invalid.");
    };
    // NOTE: any non-empty token confirms, because the mock sends no e-mail
    // that would carry the real one.
    let tokens = issue_tokens(shared, &mut portal, user_id, shared.token_lifetime);
    token_response(&tokens)
}

/// Validates a new account and stores it. `with_domain` adds the `domain`
/// field that registration by invitation requires.
fn create_account(shared: &Shared, req: &ApiRequest, with_domain: bool) -> Resp {
    let body = req.body_value();
    let mut errors = Errors::default();
    let email = require_email(&mut errors, &body);
    let password = require_password(&mut errors, &body, "password", "password");
    let first_name = require_text(&mut errors, &body, "firstName", "first name");
    let last_name = require_text(&mut errors, &body, "lastName", "last name");
    if with_domain {
        if let Some(domain) = require_text(&mut errors, &body, "domain", "domain") {
            let workspace = shared.domain.split('.').next().unwrap_or_default();
            if domain != shared.domain && domain != workspace {
                errors.add("domain", "The selected domain is invalid.");
            }
        }
    }

    let mut portal = shared.portal();
    // Registration by invitation completes the invited (unregistered) user.
    let mut invited = None;
    if let Some(email) = &email {
        match portal.user_by_email(email) {
            Some(user) if with_domain && !user.registered() => invited = Some(user.id),
            Some(_) => errors.add("email", "The email has already been taken."),
            None => {}
        }
    }
    if !errors.is_empty() {
        return errors.into_response();
    }
    if let Some(id) = invited {
        if let Some(user) = portal.user_mut(id) {
            user.password = password.unwrap_or_default();
            user.first_name = first_name.unwrap_or_default();
            user.last_name = last_name.unwrap_or_default();
            user.profile.insert("registered".into(), Value::Bool(true));
        }
        let tokens = issue_tokens(shared, &mut portal, id, shared.token_lifetime);
        return token_response(&tokens);
    }

    portal.seq.user += 1;
    let id = portal.seq.user;
    portal.users.push(User {
        id,
        email: email.unwrap_or_default(),
        password: password.unwrap_or_default(),
        first_name: first_name.unwrap_or_default(),
        last_name: last_name.unwrap_or_default(),
        roles: vec!["user".to_string()],
        two_factor_code: None,
        profile: Default::default(),
    });
    let tokens = issue_tokens(shared, &mut portal, id, shared.token_lifetime);
    token_response(&tokens)
}

/// `POST /auth/v1/auth/register`: an invited user joins the portal.
pub(crate) fn register(shared: &Shared, req: &ApiRequest) -> Resp {
    create_account(shared, req, true)
}

/// `POST /auth/v1/users`: self sign-up.
pub(crate) fn sign_up(shared: &Shared, req: &ApiRequest) -> Resp {
    create_account(shared, req, false)
}

/// `POST /auth/v1/users/forgot_password {email}`.
pub(crate) fn forgot_password(shared: &Shared, req: &ApiRequest) -> Resp {
    let body = req.body_value();
    let mut errors = Errors::default();
    let email = require_email(&mut errors, &body);
    if let Err(response) = errors.check() {
        return response;
    }
    if shared
        .portal()
        .user_by_email(&email.unwrap_or_default())
        .is_none()
    {
        return crate::http::invalid("email", "We can't find a user with that email address.");
    }
    message(200, true, "We have emailed your password reset link.")
}

/// `POST /auth/v1/users/reset_password {email, password, token}`.
pub(crate) fn reset_password(shared: &Shared, req: &ApiRequest) -> Resp {
    let body = req.body_value();
    let mut errors = Errors::default();
    let email = require_email(&mut errors, &body);
    let password = require_password(&mut errors, &body, "password", "password");
    require_text(&mut errors, &body, "token", "token");
    if let Err(response) = errors.check() {
        return response;
    }
    let mut portal = shared.portal();
    let email = email.unwrap_or_default();
    // NOTE: any non-empty token is accepted; the mock sends no reset e-mail.
    match portal
        .users
        .iter_mut()
        .find(|u| u.email.eq_ignore_ascii_case(&email))
    {
        Some(user) => {
            user.password = password.unwrap_or_default();
            message(200, true, "Your password has been reset.")
        }
        None => crate::http::invalid("email", "We can't find a user with that email address."),
    }
}

/// `GET /auth/v1/users/check_email?email=`: `status` is true when the
/// address is still free.
pub(crate) fn check_email(shared: &Shared, req: &ApiRequest) -> Resp {
    let query = req.query.clone();
    let mut errors = Errors::default();
    let email = require_email(&mut errors, &query);
    if let Err(response) = errors.check() {
        return response;
    }
    if shared
        .portal()
        .user_by_email(&email.unwrap_or_default())
        .is_some()
    {
        message(200, false, "The email has already been taken.")
    } else {
        message(200, true, "The email is available.")
    }
}

/// `PATCH /auth/v1/users/change_password {oldPassword, newPassword}` for the
/// signed-in user.
pub(crate) fn change_own_password(shared: &Shared, req: &ApiRequest) -> Resp {
    let body = req.body_value();
    let mut errors = Errors::default();
    let old = require_text(&mut errors, &body, "oldPassword", "old password");
    let new = require_password(&mut errors, &body, "newPassword", "new password");
    if let Err(response) = errors.check() {
        return response;
    }
    let mut portal = shared.portal();
    let Some(user) = portal.users.iter_mut().find(|u| u.id == req.actor()) else {
        return unauthenticated();
    };
    if Some(&user.password) != old.as_ref() {
        return crate::http::invalid("oldPassword", "The old password is incorrect.");
    }
    user.password = new.unwrap_or_default();
    message(200, true, "The password has been changed.")
}

/// `PATCH /auth/v1/users/{user_id}/change_password {password}`: an owner or
/// admin sets another user's password.
pub(crate) fn change_user_password(shared: &Shared, req: &ApiRequest, user_id: &str) -> Resp {
    let body = req.body_value();
    let mut portal = shared.portal();
    let is_admin = portal
        .user(req.actor())
        .map(|u| u.roles.iter().any(|r| r == "owner" || r == "admin"))
        .unwrap_or(false);
    if !is_admin {
        return message(403, false, "This action is unauthorized.");
    }
    let mut errors = Errors::default();
    let password = require_password(&mut errors, &body, "password", "password");
    if let Err(response) = errors.check() {
        return response;
    }
    let target = user_id.parse::<i64>().ok();
    match portal.users.iter_mut().find(|u| Some(u.id) == target) {
        Some(user) => {
            user.password = password.unwrap_or_default();
            let user = user.clone();
            json(200, &portal.user_json(&user))
        }
        None => message(404, false, format!("User {user_id} not found.")),
    }
}
