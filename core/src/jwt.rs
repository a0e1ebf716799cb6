//! Reads the claims of a Uspacy JWT without checking its signature: the
//! client only needs the expiry and the portal domain, and the server checks
//! the signature on every call.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// The claims the client uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Claims {
    /// `exp`, seconds since the Unix epoch.
    pub(crate) exp: Option<u64>,
    /// `iat`, seconds since the Unix epoch.
    pub(crate) iat: Option<u64>,
    /// `domain`, the portal's host name (`acme.uspacy.ua`).
    pub(crate) domain: Option<String>,
}

/// Decodes the payload of `token`; `None` when it is not a JWT.
pub(crate) fn claims(token: &str) -> Option<Claims> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let json: Value = serde_json::from_slice(&bytes).ok()?;

    let seconds = |key: &str| match json.get(key) {
        Some(Value::Number(number)) => number
            .as_u64()
            .or_else(|| number.as_f64().map(|f| f as u64)),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    };
    let exp = seconds("exp");
    let iat = seconds("iat");
    let domain = json
        .get("domain")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(Claims { exp, iat, domain })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn reads_exp_and_domain() {
        let claims = claims(&token(r#"{"exp":1700000000,"domain":"acme.uspacy.ua"}"#)).unwrap();
        assert_eq!(claims.exp, Some(1_700_000_000));
        assert_eq!(claims.domain.as_deref(), Some("acme.uspacy.ua"));
    }

    #[test]
    fn reads_exp_as_string() {
        let claims = claims(&token(r#"{"exp":"1700000000"}"#)).unwrap();
        assert_eq!(claims.exp, Some(1_700_000_000));
    }

    #[test]
    fn rejects_non_jwt() {
        assert_eq!(claims("opaque-refresh-token"), None);
        assert_eq!(claims("a.%%%.c"), None);
    }
}
