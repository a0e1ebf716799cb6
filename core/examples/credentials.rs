// core/examples/credentials.rs: builds one client per kind of credentials.
// Building sends nothing, so this runs without a portal.
use uspacy::{Client, Credentials, TokenPair};

fn main() -> uspacy::Result<()> {
    // A user's e-mail and password (Credentials::password_with_code adds a 2FA code).
    let by_password = Client::builder()
        .domain("acme")
        .credentials(Credentials::password("owner@acme.ua", "secret"))
        .build()?;

    // A marketplace app's client id and secret.
    let by_app = Client::builder()
        .domain("acme")
        .credentials(Credentials::app("client-id", "client-secret"))
        .build()?;

    // A stored token pair. The hook receives every new pair, after sign-in
    // and after each refresh, so the next start can use the newest one.
    let by_tokens = Client::builder()
        .domain("acme")
        .credentials(Credentials::tokens(
            "access-token",
            Some("refresh-token".to_owned()),
        ))
        .on_tokens(save_tokens)
        .build()?;

    // An incoming-webhook URL from the portal's settings: no sign-in, no tokens.
    let by_webhook = Client::builder()
        .credentials(Credentials::webhook(
            "https://acme.uspacy.ua/company/v1/incoming_webhooks/run/KEY",
        ))
        .build()?;

    for client in [by_password, by_app, by_tokens, by_webhook] {
        println!("{client:?}");
    }
    Ok(())
}

fn save_tokens(pair: &TokenPair) {
    // Write the pair to a file, a database row or a secret store;
    // `pair.access_token.expose()` returns the token's text.
    println!(
        "new token pair, access token expires at {:?}",
        pair.expires_at
    );
}
