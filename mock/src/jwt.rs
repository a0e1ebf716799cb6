//! HS256 JSON Web Tokens, signed and checked with HMAC-SHA256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Reasons a bearer token is rejected.
#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    Malformed,
    BadSignature,
    UnsupportedAlgorithm,
    Expired,
}

fn mac(secret: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length")
}

/// Signs `claims` as a compact HS256 JWT.
pub fn sign(secret: &[u8], claims: &Value) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let header_part = URL_SAFE_NO_PAD.encode(header.to_string());
    let claims_part = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header_part}.{claims_part}");
    let mut hmac = mac(secret);
    hmac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(hmac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Checks the signature, algorithm and `exp` (unix seconds, compared with
/// `now`) and returns the claims.
pub fn verify(secret: &[u8], token: &str, now: i64) -> Result<Value, JwtError> {
    let mut parts = token.split('.');
    let (Some(header_part), Some(claims_part), Some(signature_part), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };

    let header: Value = decode_json(header_part)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(JwtError::UnsupportedAlgorithm);
    }

    let signature = URL_SAFE_NO_PAD
        .decode(signature_part)
        .map_err(|_| JwtError::Malformed)?;
    let mut hmac = mac(secret);
    hmac.update(header_part.as_bytes());
    hmac.update(b".");
    hmac.update(claims_part.as_bytes());
    hmac.verify_slice(&signature)
        .map_err(|_| JwtError::BadSignature)?;

    let claims: Value = decode_json(claims_part)?;
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(JwtError::Malformed)?;
    if exp <= now {
        return Err(JwtError::Expired);
    }
    Ok(claims)
}

fn decode_json(part: &str) -> Result<Value, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test-secret";

    #[test]
    fn round_trip() {
        let token = sign(SECRET, &json!({"id": 1, "exp": 2000}));
        let claims = verify(SECRET, &token, 1000).unwrap();
        assert_eq!(claims["id"], 1);
    }

    #[test]
    fn expired_rejected() {
        let token = sign(SECRET, &json!({"id": 1, "exp": 1000}));
        assert_eq!(verify(SECRET, &token, 1000), Err(JwtError::Expired));
    }

    #[test]
    fn tampered_claims_rejected() {
        let token = sign(SECRET, &json!({"id": 1, "exp": 2000}));
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(json!({"id": 2, "exp": 2000}).to_string());
        parts[1] = &forged;
        assert_eq!(
            verify(SECRET, &parts.join("."), 1000),
            Err(JwtError::BadSignature)
        );
    }

    #[test]
    fn wrong_secret_rejected() {
        let token = sign(SECRET, &json!({"id": 1, "exp": 2000}));
        assert_eq!(verify(b"other", &token, 1000), Err(JwtError::BadSignature));
    }

    #[test]
    fn garbage_rejected() {
        assert_eq!(verify(SECRET, "abc", 0), Err(JwtError::Malformed));
        assert_eq!(verify(SECRET, "a.b.c", 0), Err(JwtError::Malformed));
    }
}
