//! `auth.*`: sign-in and account operations that need no session.

use serde_json::{json, Value};

use crate::auth::parse_token_response;
use crate::client::Client;
use crate::config::TokenPair;
use crate::decode;
use crate::error::Result;
use crate::models::auth::StatusMessage;
use crate::request::Body;
use crate::secret::Secret;

/// The auth service.
#[derive(Clone, Debug)]
pub struct Auth {
    client: Client,
}

impl Client {
    /// The auth service (`auth.*`).
    pub fn auth(&self) -> Auth {
        Auth {
            client: self.clone(),
        }
    }
}

impl Auth {
    async fn tokens(&self, op_id: &'static str, body: Value) -> Result<TokenPair> {
        let (op, response) = self
            .client
            .send_op(op_id, Value::Null, Value::Null, Body::Json(body))
            .await?;
        parse_token_response(op, &response, None)
    }

    /// `auth.sign_in`: exchanges e-mail and password (and a 2FA code) for a
    /// token pair. The client's own session is not changed; build a client
    /// with [`crate::Credentials::password`] to sign in for its calls.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &Secret,
        code: Option<&str>,
    ) -> Result<TokenPair> {
        let mut body = json!({"email": email, "password": password.expose()});
        if let Some(code) = code {
            body["code"] = Value::from(code);
        }
        self.tokens("auth.sign_in", body).await
    }

    /// `auth.app_sign_in`: exchanges an app's client id and secret for a token pair.
    pub async fn app_sign_in(&self, client_id: &str, client_secret: &Secret) -> Result<TokenPair> {
        let body = json!({"client_id": client_id, "client_secret": client_secret.expose()});
        self.tokens("auth.app_sign_in", body).await
    }

    /// `auth.refresh_token`: renews the client's tokens now (the shared
    /// refresh, so concurrent calls are not disturbed).
    pub async fn refresh_token(&self) -> Result<TokenPair> {
        self.client.refresh().await
    }

    /// `auth.confirm_email`: confirms an address with the token from the
    /// confirmation e-mail; returns a token pair.
    pub async fn confirm_email(&self, email: &str, token: &Secret) -> Result<TokenPair> {
        self.tokens(
            "auth.confirm_email",
            json!({"email": email, "token": token.expose()}),
        )
        .await
    }

    /// `auth.register`: registers a user invited to portal `domain`.
    pub async fn register(
        &self,
        email: &str,
        password: &Secret,
        first_name: &str,
        last_name: &str,
        domain: &str,
    ) -> Result<TokenPair> {
        let body = json!({
            "email": email,
            "password": password.expose(),
            "firstName": first_name,
            "lastName": last_name,
            "domain": domain,
        });
        self.tokens("auth.register", body).await
    }

    /// `auth.sign_up`: creates an account.
    pub async fn sign_up(
        &self,
        email: &str,
        password: &Secret,
        first_name: &str,
        last_name: &str,
    ) -> Result<TokenPair> {
        let body = json!({
            "email": email,
            "password": password.expose(),
            "firstName": first_name,
            "lastName": last_name,
        });
        self.tokens("auth.sign_up", body).await
    }

    /// `auth.forgot_password`: sends a password-recovery e-mail.
    pub async fn forgot_password(&self, email: &str) -> Result<Value> {
        let (op, response) = self
            .client
            .send_op(
                "auth.forgot_password",
                Value::Null,
                Value::Null,
                Body::Json(json!({"email": email})),
            )
            .await?;
        decode::body(op, &response)
    }

    /// `auth.reset_password`: sets a new password with the recovery token.
    pub async fn reset_password(
        &self,
        email: &str,
        password: &Secret,
        token: &Secret,
    ) -> Result<Value> {
        let body = json!({"email": email, "password": password.expose(), "token": token.expose()});
        let (op, response) = self
            .client
            .send_op(
                "auth.reset_password",
                Value::Null,
                Value::Null,
                Body::Json(body),
            )
            .await?;
        decode::body(op, &response)
    }

    /// `auth.change_user_password`: an administrator sets another user's password.
    pub async fn change_user_password(&self, user_id: i64, password: &Secret) -> Result<Value> {
        let (op, response) = self
            .client
            .send_op(
                "auth.change_user_password",
                json!({"user_id": user_id}),
                Value::Null,
                Body::Json(json!({"password": password.expose()})),
            )
            .await?;
        decode::body(op, &response)
    }

    /// `auth.change_password`: changes the signed-in user's own password.
    pub async fn change_password(
        &self,
        old_password: &Secret,
        new_password: &Secret,
    ) -> Result<Value> {
        let body =
            json!({"oldPassword": old_password.expose(), "newPassword": new_password.expose()});
        let (op, response) = self
            .client
            .send_op(
                "auth.change_password",
                Value::Null,
                Value::Null,
                Body::Json(body),
            )
            .await?;
        decode::body(op, &response)
    }

    /// `auth.check_email`: whether an account with `email` exists.
    pub async fn check_email(&self, email: &str) -> Result<StatusMessage> {
        let (op, response) = self
            .client
            .send_op(
                "auth.check_email",
                Value::Null,
                json!({"email": email}),
                Body::None,
            )
            .await?;
        decode::body(op, &response)
    }
}
