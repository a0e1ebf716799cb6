//! The contender built on the `uspacy` core crate's typed API.

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use uspacy::models::crm::ListQuery;
use uspacy::{Body, Client, Credentials};

use crate::workloads::Contender;

#[derive(Clone)]
pub struct Core {
    client: Client,
}

impl Contender for Core {
    fn connect(base_url: &str, access_token: &str, refresh_token: &str) -> Result<Self, String> {
        let client = Client::builder()
            .base_url(base_url)
            .credentials(Credentials::tokens(
                access_token,
                Some(refresh_token.to_owned()),
            ))
            .build()
            .map_err(|error| error.to_string())?;
        Ok(Core { client })
    }

    async fn get_deal(&self, id: i64) -> Result<(), String> {
        let item = self
            .client
            .crm()
            .items()
            .get("deals", id)
            .await
            .map_err(|error| error.to_string())?;
        if item.id != Some(id) {
            return Err(format!("requested deal {id}, got {:?}", item.id));
        }
        Ok(())
    }

    async fn export(&self, total: usize, page_size: u64) -> Result<usize, String> {
        let stream = self
            .client
            .crm()
            .items()
            .iter("deals", &ListQuery::page(1, page_size))
            .map_err(|error| error.to_string())?;
        let mut stream = std::pin::pin!(stream.take(total));
        let mut count = 0;
        while let Some(item) = stream.try_next().await.map_err(|error| error.to_string())? {
            if item.id.is_none() {
                return Err(format!("deal number {count} has no id"));
            }
            count += 1;
        }
        Ok(count)
    }

    async fn decode_page(&self, page_size: u64) -> Result<usize, String> {
        let page = self
            .client
            .crm()
            .items()
            .list("deals", &ListQuery::page(1, page_size))
            .await
            .map_err(|error| error.to_string())?;
        Ok(page.items.len())
    }

    async fn create_deal(&self, title: String) -> Result<(), String> {
        let item = self
            .client
            .crm()
            .items()
            .create("deals", &json!({ "title": title }))
            .await
            .map_err(|error| error.to_string())?;
        match item.id {
            Some(_) => Ok(()),
            None => Err("the created deal has no id".to_owned()),
        }
    }
}

/// The core's transport without decoding: `decode_page` returns the bytes
/// of the page as `Client::call_raw` does. It is the transfer time that
/// the bindings pay before they decode, so a binding's decode time can be
/// estimated as its page time minus this one. Only `decode` is supported.
#[derive(Clone)]
pub struct CoreRaw {
    core: Core,
}

impl Contender for CoreRaw {
    fn connect(base_url: &str, access_token: &str, refresh_token: &str) -> Result<Self, String> {
        Ok(CoreRaw {
            core: Core::connect(base_url, access_token, refresh_token)?,
        })
    }

    async fn get_deal(&self, id: i64) -> Result<(), String> {
        self.core.get_deal(id).await
    }

    async fn export(&self, _total: usize, _page_size: u64) -> Result<usize, String> {
        Err("core-raw runs only the decode workload".to_owned())
    }

    async fn decode_page(&self, page_size: u64) -> Result<usize, String> {
        let op = uspacy::operation::find("crm.items.list").ok_or("crm.items.list is missing")?;
        let response = self
            .core
            .client
            .call_raw(
                op,
                &json!({ "entity_code": "deals" }),
                &json!({ "page": 1, "list": page_size }),
                Body::None,
            )
            .await
            .map_err(|error| error.to_string())?;
        // The body is not decoded, so the item count is taken on trust once
        // the page has the size of a full page of deals (about 390 bytes each).
        if response.body.len() < page_size as usize * 100 {
            return Err(format!(
                "the page has only {} bytes for {page_size} deals",
                response.body.len()
            ));
        }
        Ok(page_size as usize)
    }

    async fn create_deal(&self, _title: String) -> Result<(), String> {
        Err("core-raw runs only the decode workload".to_owned())
    }
}
