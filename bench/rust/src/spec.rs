//! The run specification read from stdin and the result line printed on
//! stdout. Every contender of every language reads and writes the same
//! fields; `bench/driver.py` is the other side of both.

use serde::{Deserialize, Serialize};

/// One token pair issued by the mock.
#[derive(Clone, Debug, Deserialize)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
}

/// What to run, as one JSON object on stdin.
#[derive(Clone, Debug, Deserialize)]
pub struct Spec {
    /// `get`, `export`, `decode`, `create` or `refresh`.
    pub workload: String,
    pub base_url: String,
    /// A valid access token and its refresh token.
    pub access_token: String,
    pub refresh_token: String,
    /// The deal that `get` and `refresh` read.
    pub deal_id: i64,
    /// Operations of the timed section (`get`: requests, `create`: creates,
    /// `decode`: page fetches, `refresh`: rounds).
    pub count: usize,
    /// Requests in flight at once (`get` only; `refresh` uses `refresh_calls`).
    pub concurrency: usize,
    /// Untimed operations before the timed section.
    pub warmup: usize,
    /// `list=` of the export pages.
    pub page_size: u64,
    /// Items the export reads before it stops.
    pub export_total: usize,
    /// `list=` of the page that `decode` fetches.
    pub decode_page_size: u64,
    /// Concurrent calls of one `refresh` round.
    pub refresh_calls: usize,
    /// Expired access tokens with valid refresh tokens, one per `refresh`
    /// round: the warmup rounds first, then `count` timed rounds.
    #[serde(default)]
    pub expired_pairs: Vec<TokenPair>,
}

/// The result line of one contender process.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub contender: String,
    pub language: String,
    pub workload: String,
    pub concurrency: usize,
    /// Operations completed in the timed section.
    pub operations: usize,
    /// Items decoded (`export`, `decode`).
    pub items: usize,
    pub wall_s: f64,
    /// CPU time of the whole process (all threads) during the timed section.
    pub cpu_user_s: f64,
    pub cpu_sys_s: f64,
    /// Resident set size right before the timed section.
    pub rss_before_kb: u64,
    /// Peak resident set size during the timed section.
    pub rss_peak_kb: u64,
    /// Peak resident set size of the process from its start to the end of
    /// the timed section.
    pub process_peak_kb: u64,
    pub errors: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// Library and version of the contender's HTTP stack.
    pub library: String,
}
