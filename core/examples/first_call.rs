// core/examples/first_call.rs: replace the portal name and the credentials
// with yours before running it.
use futures::TryStreamExt;
use serde_json::json;
use uspacy::models::crm::{Item, ListQuery};
use uspacy::{Client, Credentials};

#[tokio::main]
async fn main() -> uspacy::Result<()> {
    let client = Client::builder()
        .domain("acme") // https://acme.uspacy.ua
        .credentials(Credentials::password("owner@acme.ua", "secret"))
        .build()?;

    let deal = Item::titled("Постачання обладнання")
        .with("amount", json!({"currency": "UAH", "value": "12500.00"}));
    let deal = client.crm().items().create("deals", &deal).await?;
    println!("created deal {:?}", deal.id);

    // Every deal, fetched 100 per request as the stream is read.
    let deals: Vec<Item> = client
        .crm()
        .items()
        .iter("deals", &ListQuery::page(1, 100))?
        .try_collect()
        .await?;
    println!("{} deals", deals.len());
    Ok(())
}
