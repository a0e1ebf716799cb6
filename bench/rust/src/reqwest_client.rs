//! The baseline: the requests a small hand-written client on `reqwest`
//! sends, with a bearer token that is renewed once on a 401 however many
//! calls see it.

use std::sync::{Arc, RwLock};

use reqwest::header::{ACCEPT, AUTHORIZATION};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::workloads::Contender;

struct Tokens {
    access: String,
    refresh: String,
    /// Incremented on every renewal, so a call that saw a 401 with an old
    /// token retries with the new one instead of renewing again.
    generation: u64,
}

#[derive(Clone)]
pub struct Handwritten {
    http: reqwest::Client,
    base_url: Arc<str>,
    tokens: Arc<RwLock<Tokens>>,
    renewal: Arc<tokio::sync::Mutex<()>>,
}

impl Handwritten {
    fn current(&self) -> (String, u64) {
        let tokens = self.tokens.read().expect("no panics while locked");
        (tokens.access.clone(), tokens.generation)
    }

    /// Renews the access token unless a newer one than `seen` exists.
    async fn renew(&self, seen: u64) -> Result<(), String> {
        let _gate = self.renewal.lock().await;

        let refresh = {
            let tokens = self.tokens.read().expect("no panics while locked");
            if tokens.generation != seen {
                return Ok(());
            }
            tokens.refresh.clone()
        };

        let response = self
            .http
            .post(format!("{}/auth/v1/auth/refresh_token", self.base_url))
            .header(AUTHORIZATION, format!("Bearer {refresh}"))
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|error| error.to_string())?;
        if !response.status().is_success() {
            return Err(format!("refresh failed with status {}", response.status()));
        }
        let body: Value = response.json().await.map_err(|error| error.to_string())?;
        let text = |key: &str| {
            body.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("the refresh response has no `{key}`"))
        };
        let (access, refresh) = (text("jwt")?, text("refreshToken")?);

        let mut tokens = self.tokens.write().expect("no panics while locked");
        tokens.access = access;
        tokens.refresh = refresh;
        tokens.generation += 1;
        Ok(())
    }

    /// Sends a request built by `build` with the bearer token, renewing the
    /// token and sending once more after a 401, and returns the JSON body.
    async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Value, String> {
        let mut renewed = false;
        loop {
            let (token, generation) = self.current();
            let response = build(&self.http)
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .header(ACCEPT, "application/json")
                .send()
                .await
                .map_err(|error| error.to_string())?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !renewed {
                renewed = true;
                self.renew(generation).await?;
                continue;
            }
            if !status.is_success() {
                return Err(format!("status {status}"));
            }
            return response.json().await.map_err(|error| error.to_string());
        }
    }
}

impl Contender for Handwritten {
    fn connect(base_url: &str, access_token: &str, refresh_token: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .build()
            .map_err(|error| error.to_string())?;
        Ok(Handwritten {
            http,
            base_url: base_url.trim_end_matches('/').into(),
            tokens: Arc::new(RwLock::new(Tokens {
                access: access_token.to_owned(),
                refresh: refresh_token.to_owned(),
                generation: 0,
            })),
            renewal: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    async fn get_deal(&self, id: i64) -> Result<(), String> {
        let url = format!("{}/crm/v1/entities/deals/{id}", self.base_url);
        let deal = self.send(|http| http.get(&url)).await?;
        match deal.get("id").and_then(Value::as_i64) {
            Some(got) if got == id => Ok(()),
            got => Err(format!("requested deal {id}, got {got:?}")),
        }
    }

    async fn export(&self, total: usize, page_size: u64) -> Result<usize, String> {
        let url = format!("{}/crm/v1/entities/deals", self.base_url);
        let mut count = 0;
        let mut page = 1u64;
        while count < total {
            let body = self
                .send(|http| http.get(&url).query(&[("page", page), ("list", page_size)]))
                .await?;
            let items = body
                .get("data")
                .and_then(Value::as_array)
                .ok_or("the page has no `data` array")?;
            for item in items.iter().take(total - count) {
                if item.get("id").is_none() {
                    return Err(format!("deal number {count} has no id"));
                }
                count += 1;
            }
            let meta = &body["meta"];
            let last = meta["last_page"].as_u64().unwrap_or(page);
            if items.is_empty() || page >= last {
                break;
            }
            page += 1;
        }
        Ok(count)
    }

    async fn decode_page(&self, page_size: u64) -> Result<usize, String> {
        let url = format!("{}/crm/v1/entities/deals", self.base_url);
        let body = self
            .send(|http| http.get(&url).query(&[("page", 1), ("list", page_size)]))
            .await?;
        body.get("data")
            .and_then(Value::as_array)
            .map(Vec::len)
            .ok_or_else(|| "the page has no `data` array".to_owned())
    }

    async fn create_deal(&self, title: String) -> Result<(), String> {
        let url = format!("{}/crm/v1/entities/deals", self.base_url);
        let body = json!({ "title": title });
        let deal = self.send(|http| http.post(&url).json(&body)).await?;
        match deal.get("id") {
            Some(id) if !id.is_null() => Ok(()),
            _ => Err("the created deal has no id".to_owned()),
        }
    }
}
