//! The five workloads, run the same way for every Rust contender.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::measure;
use crate::spec::{Report, Spec};

/// A client under test. Each method does one logical operation and checks
/// what came back, returning a message on any failure.
pub trait Contender: Clone + Send + Sync + Sized + 'static {
    /// Builds a client for `base_url` that starts with the given tokens.
    fn connect(base_url: &str, access_token: &str, refresh_token: &str) -> Result<Self, String>;

    /// Reads deal `id` into native values.
    fn get_deal(&self, id: i64) -> impl Future<Output = Result<(), String>> + Send;

    /// Reads the first `total` deals through pages of `page_size` items,
    /// holding one page at a time, and returns how many it read.
    fn export(
        &self,
        total: usize,
        page_size: u64,
    ) -> impl Future<Output = Result<usize, String>> + Send;

    /// Fetches page 1 of deals with `page_size` items and decodes it into
    /// native values; returns the item count.
    fn decode_page(&self, page_size: u64) -> impl Future<Output = Result<usize, String>> + Send;

    /// Creates one deal titled `title`.
    fn create_deal(&self, title: String) -> impl Future<Output = Result<(), String>> + Send;
}

/// Failures of one timed section: how many, and the first message.
#[derive(Default)]
struct Failures {
    count: usize,
    first: Option<String>,
}

impl Failures {
    fn record(&mut self, error: String) {
        self.count += 1;
        self.first.get_or_insert(error);
    }
}

/// Runs `count` calls of `operation` with `concurrency` of them in flight,
/// each task taking the next index until all are taken.
async fn run_concurrent<F, Fut>(count: usize, concurrency: usize, operation: F) -> Failures
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Failures::default()));
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let next = next.clone();
        let failures = failures.clone();
        let operation = operation.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= count {
                    break;
                }
                if let Err(error) = operation(index).await {
                    failures
                        .lock()
                        .expect("no panics while locked")
                        .record(error);
                }
            }
        }));
    }
    for task in tasks {
        if let Err(error) = task.await {
            failures
                .lock()
                .expect("no panics while locked")
                .record(format!("task failed: {error}"));
        }
    }
    Arc::try_unwrap(failures)
        .ok()
        .expect("every task has finished")
        .into_inner()
        .expect("no panics while locked")
}

/// Measures one timed section: wall time, CPU time and RSS around `body`.
struct Section {
    started: Instant,
    cpu: measure::CpuTime,
    rss_before_kb: u64,
    /// Peak RSS of the process before the section.
    setup_peak_kb: u64,
}

impl Section {
    fn start() -> Section {
        let setup_peak_kb = measure::peak_rss_kb();
        // Without the reset the section's peak would include the setup's.
        measure::reset_peak_rss();
        let rss_before_kb = measure::current_rss_kb();
        Section {
            cpu: measure::cpu_time(),
            started: Instant::now(),
            rss_before_kb,
            setup_peak_kb,
        }
    }

    fn finish(self, report: &mut Report) {
        report.wall_s = self.started.elapsed().as_secs_f64();
        let cpu = measure::cpu_time();
        report.cpu_user_s = (cpu.user - self.cpu.user).as_secs_f64();
        report.cpu_sys_s = (cpu.system - self.cpu.system).as_secs_f64();
        report.rss_before_kb = self.rss_before_kb;
        report.rss_peak_kb = measure::peak_rss_kb();
        report.process_peak_kb = report.rss_peak_kb.max(self.setup_peak_kb);
    }
}

/// Runs the workload of `spec` with contender `C` and fills `report`.
pub async fn run<C: Contender>(spec: &Spec, report: &mut Report) -> Result<(), String> {
    report.workload = spec.workload.clone();
    report.concurrency = spec.concurrency;
    let failures = match spec.workload.as_str() {
        "get" => get::<C>(spec, report).await?,
        "export" => export::<C>(spec, report).await?,
        "decode" => decode::<C>(spec, report).await?,
        "create" => create::<C>(spec, report).await?,
        "refresh" => refresh::<C>(spec, report).await?,
        other => return Err(format!("unknown workload `{other}`")),
    };
    report.errors = failures.count;
    report.first_error = failures.first;
    Ok(())
}

fn connect<C: Contender>(spec: &Spec) -> Result<C, String> {
    C::connect(&spec.base_url, &spec.access_token, &spec.refresh_token)
}

async fn get<C: Contender>(spec: &Spec, report: &mut Report) -> Result<Failures, String> {
    let client: C = connect(spec)?;
    let id = spec.deal_id;
    let call = move |_| {
        let client = client.clone();
        async move { client.get_deal(id).await }
    };
    let warmup = run_concurrent(spec.warmup, spec.concurrency, call.clone()).await;
    if let Some(error) = warmup.first {
        return Err(format!("warmup failed: {error}"));
    }
    let section = Section::start();
    let failures = run_concurrent(spec.count, spec.concurrency, call).await;
    section.finish(report);
    report.operations = spec.count;
    Ok(failures)
}

async fn export<C: Contender>(spec: &Spec, report: &mut Report) -> Result<Failures, String> {
    let client: C = connect(spec)?;
    // One short export opens the connection and touches every code path.
    client
        .export(spec.page_size as usize, spec.page_size)
        .await?;
    let mut failures = Failures::default();
    let section = Section::start();
    match client.export(spec.export_total, spec.page_size).await {
        Ok(items) => report.items = items,
        Err(error) => failures.record(error),
    }
    section.finish(report);
    if report.items != spec.export_total {
        failures.record(format!(
            "exported {} items, expected {}",
            report.items, spec.export_total
        ));
    }
    report.operations = spec.export_total.div_ceil(spec.page_size as usize);
    Ok(failures)
}

async fn decode<C: Contender>(spec: &Spec, report: &mut Report) -> Result<Failures, String> {
    let client: C = connect(spec)?;
    let expected = spec.decode_page_size as usize;
    for _ in 0..spec.warmup {
        client.decode_page(spec.decode_page_size).await?;
    }
    let mut failures = Failures::default();
    let section = Section::start();
    for _ in 0..spec.count {
        match client.decode_page(spec.decode_page_size).await {
            Ok(items) if items == expected => report.items += items,
            Ok(items) => failures.record(format!("page had {items} items, expected {expected}")),
            Err(error) => failures.record(error),
        }
    }
    section.finish(report);
    report.operations = spec.count;
    Ok(failures)
}

async fn create<C: Contender>(spec: &Spec, report: &mut Report) -> Result<Failures, String> {
    let client: C = connect(spec)?;
    for index in 0..spec.warmup {
        client
            .create_deal(format!("Benchmark warmup deal {index}"))
            .await?;
    }
    let mut failures = Failures::default();
    let section = Section::start();
    for index in 0..spec.count {
        if let Err(error) = client.create_deal(format!("Benchmark deal {index}")).await {
            failures.record(error);
        }
    }
    section.finish(report);
    report.operations = spec.count;
    Ok(failures)
}

/// Runs one round: a new client whose access token has expired sends
/// `refresh_calls` reads at once. The client must renew the token once
/// and complete every read.
async fn refresh_round<C: Contender>(
    spec: &Spec,
    round: usize,
    failures: &mut Failures,
) -> Result<(), String> {
    let pair = spec.expired_pairs.get(round).ok_or_else(|| {
        format!(
            "expired_pairs has {} pairs, round {round} needs one more",
            spec.expired_pairs.len()
        )
    })?;
    let client = C::connect(&spec.base_url, &pair.access_token, &pair.refresh_token)?;
    let id = spec.deal_id;
    let round_failures = run_concurrent(spec.refresh_calls, spec.refresh_calls, move |_| {
        let client = client.clone();
        async move { client.get_deal(id).await }
    })
    .await;
    failures.count += round_failures.count;
    if failures.first.is_none() {
        failures.first = round_failures.first;
    }
    Ok(())
}

async fn refresh<C: Contender>(spec: &Spec, report: &mut Report) -> Result<Failures, String> {
    let mut warmup = Failures::default();
    for round in 0..spec.warmup {
        refresh_round::<C>(spec, round, &mut warmup).await?;
    }
    if let Some(error) = warmup.first {
        return Err(format!("warmup failed: {error}"));
    }
    let mut failures = Failures::default();
    let section = Section::start();
    for round in spec.warmup..spec.warmup + spec.count {
        refresh_round::<C>(spec, round, &mut failures).await?;
    }
    section.finish(report);
    report.concurrency = spec.refresh_calls;
    report.operations = spec.count * spec.refresh_calls;
    Ok(failures)
}
