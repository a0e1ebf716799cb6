//! `uspacy-mock`: a local emulator of a Uspacy portal's REST API for tests.
//!
//! It serves every operation of the core's table (`uspacy::OPERATIONS`)
//! over real HTTP with in-memory, seed-deterministic demo data. The main
//! resources of each service are stateful, and the other operations return
//! generated data of the documented shape. It records every request and injects faults
//! (latency, error statuses, rate limits, dropped connections, broken
//! bodies, missing CORS) on demand.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use uspacy_mock::{Fault, MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig::default()).await?;
//! let credentials = server.credentials();
//! server.inject(Fault::on("GET /crm/v1/entities/deals").times(1).status(503));
//! println!("{} {}", server.base_url(), credentials.email);
//! # Ok(()) }
//! ```

// Handlers return `Result<Response, Response>`: the error side is a ready
// HTTP response built once per request, so boxing it would buy nothing.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

mod activities;
mod adapters;
mod apps;
mod auth;
mod catalog;
mod company;
mod control;
mod crm_items;
mod crm_more;
mod crm_schema;
mod data;
mod email;
mod faults;
mod files;
mod filter;
mod handlers;
mod http;
mod jwt;
mod messenger;
mod multipart;
mod query;
mod record;
mod requisites;
mod router;
mod search;
mod server;
mod shapes;
mod social;
mod state;
mod store;
mod tasks;
mod words;

use std::net::{IpAddr, Ipv4Addr};

use serde_json::{json, Value};

pub use faults::{Fault, FaultKind};
pub use record::RecordedRequest;
pub use server::MockServer;

/// Fixed names of the demo portal, for assertions in tests.
pub mod demo {
    /// Password of the main demo user.
    pub const PASSWORD: &str = "Demo-Password-1";
    /// Password of the demo user with two-factor sign-in.
    pub const TWO_FACTOR_PASSWORD: &str = "Demo-Password-2";
    /// The code that user must send as `code`.
    pub const TWO_FACTOR_CODE: &str = "123456";
    /// `client_id` accepted by app sign-in.
    pub const CLIENT_ID: &str = "demo-app";
    /// `client_secret` accepted by app sign-in.
    pub const CLIENT_SECRET: &str = "demo-app-secret";
    /// `table_name` of the generated custom entity.
    pub const CUSTOM_ENTITY: &str = "smart_projects";
    /// Number in the first generated custom field code.
    pub(crate) const FIRST_FIELD_CODE_NUMBER: i64 = 1_716_200_001;
    /// Multi-select list field of contacts (interests), values like `solar`.
    pub const CONTACT_INTERESTS_FIELD: &str = "uf_crm_1716200001";
    /// List field of deals (sales channel); value codes such as `cold_call`
    /// differ from titles such as `Холодний дзвінок`.
    pub const DEAL_CHANNEL_FIELD: &str = "uf_crm_1716200002";
    /// String field of companies holding the 8-digit EDRPOU code.
    pub const COMPANY_EDRPOU_FIELD: &str = "uf_crm_1716200003";
    /// The public messenger chat every employee is in (the owner created it).
    pub const GENERAL_CHAT_ID: &str = "6650c0de0000000000000001";
    /// The sales department's group chat (user 3 owns it, user 1 is a member).
    pub const SALES_CHAT_ID: &str = "6650c0de0000000000000002";
    /// The first message of the general chat, written by the portal owner.
    pub const FIRST_MESSAGE_ID: &str = "6650d00d0000000000000001";
    /// The Telegram external line of the messenger.
    pub const EXTERNAL_LINE_ID: &str = "6650e11e0000000000000001";
    /// A user invited by e-mail who has not registered yet.
    pub const INVITED_USER_ID: i64 = 13;
    /// The funnel of the custom entity without records, so it and its
    /// stages can be deleted.
    pub const EMPTY_FUNNEL_ID: i64 = 5;

    /// Returns the main demo user's e-mail on `domain`.
    pub fn email(domain: &str) -> String {
        format!("admin@{domain}")
    }

    /// Returns the two-factor demo user's e-mail on `domain`.
    pub fn two_factor_email(domain: &str) -> String {
        format!("secure@{domain}")
    }
}

/// Settings of a mock portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockConfig {
    /// The `domain` claim of issued JWTs.
    pub domain: String,
    /// Lifetime of issued access tokens, in seconds.
    pub token_lifetime_secs: i64,
    /// Seed of the generated demo data.
    pub seed: u64,
    /// Number of generated deals.
    pub deals: usize,
    /// Address to bind.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            domain: "demo.uspacy.ua".to_string(),
            token_lifetime_secs: 3600,
            seed: 1,
            deals: 5000,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
        }
    }
}

/// Demo accounts and secrets of a running mock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoCredentials {
    /// E-mail of the main demo user (portal owner).
    pub email: String,
    /// Password of the main demo user.
    pub password: String,
    /// `client_id` for app sign-in.
    pub client_id: String,
    /// `client_secret` for app sign-in.
    pub client_secret: String,
    /// Secret key of the incoming webhook.
    pub webhook_key: String,
    /// Full incoming-webhook base URL; append any API path to it.
    pub webhook_url: String,
    /// E-mail of the user who must send a two-factor code.
    pub two_factor_email: String,
    /// Password of that user.
    pub two_factor_password: String,
    /// The two-factor code that user must send.
    pub two_factor_code: String,
}

impl DemoCredentials {
    pub(crate) fn new(config: &MockConfig, base_url: &str) -> DemoCredentials {
        // The key depends on the seed only, so scripts can rely on it.
        let mut rng = data::Rng::new(config.seed ^ 0x0077_6562_686F_6F6B);
        let webhook_key = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
        DemoCredentials {
            email: demo::email(&config.domain),
            password: demo::PASSWORD.to_string(),
            client_id: demo::CLIENT_ID.to_string(),
            client_secret: demo::CLIENT_SECRET.to_string(),
            webhook_url: format!("{base_url}/company/v1/incoming_webhooks/run/{webhook_key}"),
            webhook_key,
            two_factor_email: demo::two_factor_email(&config.domain),
            two_factor_password: demo::TWO_FACTOR_PASSWORD.to_string(),
            two_factor_code: demo::TWO_FACTOR_CODE.to_string(),
        }
    }

    /// Returns the JSON form printed by `--json` and served by
    /// `GET /__mock/credentials` (without `base_url`).
    pub(crate) fn to_json(&self, domain: &str) -> Value {
        json!({
            "email": self.email,
            "password": self.password,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "webhook_key": self.webhook_key,
            "webhook_url": self.webhook_url,
            "two_factor_email": self.two_factor_email,
            "two_factor_password": self.two_factor_password,
            "two_factor_code": self.two_factor_code,
            "domain": domain,
            "custom_entity": demo::CUSTOM_ENTITY,
            "custom_fields": {
                "contact_interests": demo::CONTACT_INTERESTS_FIELD,
                "deal_channel": demo::DEAL_CHANNEL_FIELD,
                "company_edrpou": demo::COMPANY_EDRPOU_FIELD,
            },
        })
    }
}

/// An access token with its refresh token, as sign-in returns them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedTokens {
    /// Signed HS256 JWT.
    pub access_token: String,
    /// Opaque refresh token, valid for one refresh.
    pub refresh_token: String,
    /// Lifetime of the access token in seconds, as requested.
    pub expires_in: i64,
}

/// Returns the `--json` line content: `base_url` plus the credentials.
pub fn startup_json(server: &MockServer) -> Value {
    let mut value = server.credentials().to_json(&server.domain());
    value["base_url"] = Value::String(server.base_url());
    value
}
