//! Auth flows over HTTP: sign-in, 2FA, app sign-in, refresh rotation, token
//! expiry, webhook URLs and the password and registration routes.

mod common;

use common::{call, client, jwt_claims, sign_in, start_small};
use reqwest::Method;
use serde_json::{json, Value};
use uspacy_mock::{MockConfig, MockServer};

async fn post_json(http: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let response = http.post(url).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn sign_in_returns_token_triple() {
    let server = start_small().await;
    let http = client();
    let c = server.credentials();
    let (status, body) = post_json(
        &http,
        format!("{}/auth/v1/auth/sign_in/", server.base_url()),
        json!({"email": c.email, "password": c.password}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["expireInSeconds"], 3600);
    assert!(body["refreshToken"].as_str().is_some_and(|t| !t.is_empty()));

    let claims = jwt_claims(body["jwt"].as_str().unwrap());
    assert_eq!(claims["domain"], "demo.uspacy.ua");
    assert_eq!(claims["id"], 1);
    assert_eq!(claims["authUserId"], 1);
    assert_eq!(claims["email"], c.email.as_str());
    for key in [
        "firstName",
        "lastName",
        "workspaceId",
        "roles",
        "iat",
        "jti",
    ] {
        assert!(!claims[key].is_null(), "claim {key} is missing");
    }
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 3600);
}

#[tokio::test]
async fn tokens_have_unique_jti() {
    let server = start_small().await;
    let a = jwt_claims(&server.issue_tokens(60).access_token);
    let b = jwt_claims(&server.issue_tokens(60).access_token);
    assert_ne!(a["jti"], b["jti"]);
}

#[tokio::test]
async fn sign_in_rejects_bad_password() {
    let server = start_small().await;
    let (status, body) = post_json(
        &client(),
        format!("{}/auth/v1/auth/sign_in", server.base_url()),
        json!({"email": server.credentials().email, "password": "wrong"}),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["status"], false);
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn sign_in_requires_email() {
    let server = start_small().await;
    let (status, body) = post_json(
        &client(),
        format!("{}/auth/v1/auth/sign_in", server.base_url()),
        json!({"password": "x"}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"status": false, "errors": {"email": ["The email field is required."]}})
    );
}

#[tokio::test]
async fn two_factor_user_needs_code() {
    let server = start_small().await;
    let http = client();
    let c = server.credentials();
    let url = format!("{}/auth/v1/auth/sign_in", server.base_url());

    let (status, body) = post_json(
        &http,
        url.clone(),
        json!({"email": c.two_factor_email, "password": c.two_factor_password}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["code"].is_array());

    let (status, _) = post_json(
        &http,
        url.clone(),
        json!({"email": c.two_factor_email, "password": c.two_factor_password, "code": "000000"}),
    )
    .await;
    assert_eq!(status, 422);

    let (status, body) = post_json(
        &http,
        url,
        json!({"email": c.two_factor_email, "password": c.two_factor_password, "code": c.two_factor_code}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(jwt_claims(body["jwt"].as_str().unwrap())["id"], 2);
}

#[tokio::test]
async fn app_sign_in_checks_secret() {
    let server = start_small().await;
    let http = client();
    let c = server.credentials();
    let url = format!("{}/auth/v1/auth/app_sign_in", server.base_url());
    let (status, body) = post_json(
        &http,
        url.clone(),
        json!({"client_id": c.client_id, "client_secret": c.client_secret}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["jwt"].is_string());
    assert!(body["refreshToken"].is_string());

    let (status, _) = post_json(
        &http,
        url.clone(),
        json!({"client_id": c.client_id, "client_secret": "nope"}),
    )
    .await;
    assert_eq!(status, 401);

    let (status, body) = post_json(&http, url, json!({})).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["client_id"].is_array());
}

#[tokio::test]
async fn refresh_rotates_tokens() {
    let server = start_small().await;
    let http = client();
    let url = format!("{}/auth/v1/auth/refresh_token", server.base_url());
    let first = server.issue_tokens(60);

    let response = http
        .post(&url)
        .bearer_auth(&first.refresh_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    let second_refresh = second["refreshToken"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, first.refresh_token);
    assert_ne!(second["jwt"].as_str().unwrap(), first.access_token);

    // The used refresh token is rejected; the new one works once.
    let reused = http
        .post(&url)
        .bearer_auth(&first.refresh_token)
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), 401);
    let reused: Value = reused.json().await.unwrap();
    assert!(reused["message"]
        .as_str()
        .unwrap()
        .contains("already been used"));

    let third = http
        .post(&url)
        .bearer_auth(&second_refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 200);
}

#[tokio::test]
async fn refresh_rejects_access_token_and_unknown() {
    let server = start_small().await;
    let http = client();
    let url = format!("{}/auth/v1/auth/refresh_token", server.base_url());
    let tokens = server.issue_tokens(60);
    let response = http
        .post(&url)
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = http
        .post(&url)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = http.post(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn expired_jwt_rejected() {
    let server = start_small().await;
    let http = client();
    let expired = server.issue_tokens(-5);
    assert_eq!(expired.expires_in, -5);
    let (status, body) = call(
        &http,
        &expired.access_token,
        Method::GET,
        &format!("{}/crm/v1/entities/deals", server.base_url()),
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({"message": "Unauthenticated."}));

    // The refresh token of an expired pair still renews the session.
    let refreshed = http
        .post(format!("{}/auth/v1/auth/refresh_token", server.base_url()))
        .bearer_auth(&expired.refresh_token)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
}

#[tokio::test]
async fn missing_or_forged_bearer_rejected() {
    let server = start_small().await;
    let http = client();
    let url = format!("{}/crm/v1/entities/deals", server.base_url());
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);

    let token = server.issue_tokens(60).access_token;
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    parts[2] = "AAAA".to_string();
    let (status, _) = call(&http, &parts.join("."), Method::GET, &url, None).await;
    assert_eq!(status, 401);

    // A token signed by another mock instance has the wrong key.
    let other = start_small().await;
    let foreign = other.issue_tokens(60).access_token;
    let (status, _) = call(&http, &foreign, Method::GET, &url, None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn configured_lifetime_used() {
    let server = MockServer::start(MockConfig {
        deals: 10,
        token_lifetime_secs: 90,
        domain: "acme.uspacy.ua".into(),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let http = client();
    let c = server.credentials();
    assert_eq!(c.email, "admin@acme.uspacy.ua");
    let (status, body) = post_json(
        &http,
        format!("{}/auth/v1/auth/sign_in", server.base_url()),
        json!({"email": c.email, "password": c.password}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["expireInSeconds"], 90);
    assert_eq!(
        jwt_claims(body["jwt"].as_str().unwrap())["domain"],
        "acme.uspacy.ua"
    );
}

#[tokio::test]
async fn webhook_url_acts_without_bearer() {
    let server = start_small().await;
    let http = client();
    let c = server.credentials();
    assert_eq!(
        c.webhook_url,
        format!(
            "{}/company/v1/incoming_webhooks/run/{}",
            server.base_url(),
            c.webhook_key
        )
    );

    let response = http
        .get(format!("{}/crm/v1/entities/deals/3", c.webhook_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let deal: Value = response.json().await.unwrap();
    assert_eq!(deal["id"], 3);

    let created = http
        .post(format!("{}/crm/v1/entities/leads", c.webhook_url))
        .json(&json!({"title": "З вебхука"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let path = format!(
        "/company/v1/incoming_webhooks/run/{}/crm/v1/entities/deals/3",
        c.webhook_key
    );
    assert_eq!(server.count("GET", &path), 1);

    let wrong = http
        .get(format!(
            "{}/company/v1/incoming_webhooks/run/wrong-key/crm/v1/entities/deals/3",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
}

#[tokio::test]
async fn sign_up_then_sign_in() {
    let server = start_small().await;
    let http = client();
    let base = server.base_url();
    let account = json!({"email": "new.user@example.com", "password": "long-enough-1", "firstName": "Ірина", "lastName": "Мельник"});

    let (status, body) = post_json(&http, format!("{base}/auth/v1/users"), account.clone()).await;
    assert_eq!(status, 200);
    assert!(body["jwt"].is_string());

    let (status, body) = post_json(&http, format!("{base}/auth/v1/users"), account).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"]["email"][0],
        "The email has already been taken."
    );

    let (status, _) = post_json(
        &http,
        format!("{base}/auth/v1/auth/sign_in"),
        json!({"email": "new.user@example.com", "password": "long-enough-1"}),
    )
    .await;
    assert_eq!(status, 200);

    let (status, body) = post_json(
        &http,
        format!("{base}/auth/v1/users"),
        json!({"email": "bad", "password": "short"}),
    )
    .await;
    assert_eq!(status, 422);
    for field in ["email", "password", "firstName", "lastName"] {
        assert!(body["errors"][field].is_array(), "no error for {field}");
    }
}

#[tokio::test]
async fn register_checks_domain() {
    let server = start_small().await;
    let http = client();
    let url = format!("{}/auth/v1/auth/register", server.base_url());
    let mut account = json!({"email": "invited@example.com", "password": "long-enough-1", "firstName": "Тарас", "lastName": "Бондар", "domain": "other.uspacy.ua"});
    let (status, body) = post_json(&http, url.clone(), account.clone()).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["domain"].is_array());
    account["domain"] = json!("demo.uspacy.ua");
    let (status, body) = post_json(&http, url, account).await;
    assert_eq!(status, 200);
    assert!(body["refreshToken"].is_string());
}

#[tokio::test]
async fn confirm_email_returns_tokens() {
    let server = start_small().await;
    let http = client();
    let url = format!("{}/auth/v1/auth/confirm_email", server.base_url());
    let (status, body) = post_json(
        &http,
        url.clone(),
        json!({"email": server.credentials().email, "token": "abc"}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["jwt"].is_string());
    let (status, _) = post_json(
        &http,
        url.clone(),
        json!({"email": "nobody@example.com", "token": "abc"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = post_json(&http, url, json!({"email": server.credentials().email})).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn password_reset_flow() {
    let server = start_small().await;
    let http = client();
    let base = server.base_url();
    let email = server.credentials().email;

    let (status, body) = post_json(
        &http,
        format!("{base}/auth/v1/users/forgot_password"),
        json!({"email": email}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], true);
    let (status, _) = post_json(
        &http,
        format!("{base}/auth/v1/users/forgot_password"),
        json!({"email": "nobody@example.com"}),
    )
    .await;
    assert_eq!(status, 422);

    let (status, _) = post_json(
        &http,
        format!("{base}/auth/v1/users/reset_password"),
        json!({"email": email, "password": "brand-new-pass", "token": "t"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post_json(
        &http,
        format!("{base}/auth/v1/auth/sign_in"),
        json!({"email": email, "password": "brand-new-pass"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = post_json(
        &http,
        format!("{base}/auth/v1/users/reset_password"),
        json!({"email": email, "password": "x"}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["token"].is_array());
    assert!(body["errors"]["password"].is_array());
}

#[tokio::test]
async fn check_email_reports_taken() {
    let server = start_small().await;
    let http = client();
    let base = server.base_url();
    let taken_email: Value = http
        .get(format!("{base}/auth/v1/users/check_email"))
        .query(&[("email", server.credentials().email)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(taken_email["status"], false);
    let free: Value = http
        .get(format!(
            "{base}/auth/v1/users/check_email?email=free@example.com"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(free["status"], true);
    let missing = http
        .get(format!("{base}/auth/v1/users/check_email"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
}

#[tokio::test]
async fn change_own_password_needs_old() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let url = format!("{}/auth/v1/users/change_password", server.base_url());

    let response = http
        .patch(&url)
        .json(&json!({"oldPassword": "x", "newPassword": "new-password-9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "session auth is required");

    let (status, body) = call(
        &http,
        &token,
        Method::PATCH,
        &url,
        Some(json!({"oldPassword": "wrong", "newPassword": "new-password-9"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["oldPassword"].is_array());

    let (status, _) = call(
        &http,
        &token,
        Method::PATCH,
        &url,
        Some(
            json!({"oldPassword": server.credentials().password, "newPassword": "new-password-9"}),
        ),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post_json(
        &http,
        format!("{}/auth/v1/auth/sign_in", server.base_url()),
        json!({"email": server.credentials().email, "password": "new-password-9"}),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn admin_changes_user_password() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let base = server.base_url();
    let (status, body) = call(
        &http,
        &token,
        Method::PATCH,
        &format!("{base}/auth/v1/users/5/change_password"),
        Some(json!({"password": "set-by-admin-1"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], 5);

    let (status, _) = call(
        &http,
        &token,
        Method::PATCH,
        &format!("{base}/auth/v1/users/999/change_password"),
        Some(json!({"password": "set-by-admin-1"})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &http,
        &token,
        Method::PATCH,
        &format!("{base}/auth/v1/users/5/change_password"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 422);
}
