//! Runs an export: preflight, the printed plan and spend guard, then every query with pacing,
//! back-off on throttling and `NextPageToken` to the last page. After each query its CSV is
//! written, then the manifest that calls it complete (both atomically; the manifest is also
//! saved after every answered page, so its request count stays true), so an interruption
//! loses at most the query in flight and a rerun sends no request for completed ones. The
//! summary and the self-check are rebuilt from the files on disk at the end, so a resumed run
//! and an uninterrupted one give the same bytes.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

use tokio::time::{Instant, sleep};

use super::api::{
    CostAllocationTag, CostExplorerApi, CostRequest, GroupKey, OrgStatus, UtilizationPage, UtilizationRequest,
};
use super::output::{self, CostRow, Manifest, ManifestFile, ManifestWindow};
use super::plan::{self, Plan, Query, QueryKind};
use super::{CostsError, ExportReport, ExportSettings, Pacing};
use crate::error::{ApiError, ErrorKind};
use crate::fsutil::{write_atomic, write_json_atomic};
use crate::model::FailedQuery;
use crate::progress::Progress;

pub const MANIFEST_FILE: &str = "manifest.json";
pub const SUMMARY_FILE: &str = "summary.json";
pub const TAGS_FILE: &str = "cost-allocation-tags.csv";
pub const TAGS_QUERY: &str = "cost-allocation-tags";
/// A query stops after this many pages of one window (a safety net against a looping token).
const MAX_PAGES: u64 = 100_000;

/// Sends requests no faster than the pacing allows, backs off on throttling, counts answers.
struct Caller<'a> {
    pacing: &'a Pacing,
    progress: &'a Progress,
    last: Option<Instant>,
    sent: u64,
}

impl Caller<'_> {
    async fn call<T, F, Fut>(&mut self, what: &str, mut send: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut throttled = 0u32;
        loop {
            if let Some(last) = self.last {
                let next = last + self.pacing.min_interval;
                if next > Instant::now() {
                    sleep(next - Instant::now()).await;
                }
            }
            self.last = Some(Instant::now());
            let answer = send().await;
            self.sent += 1;
            match answer {
                Err(err) if err.kind == ErrorKind::Throttled && throttled < self.pacing.max_throttled => {
                    let factor = 2u32.saturating_pow(throttled.min(16));
                    let wait = self
                        .pacing
                        .backoff_base
                        .saturating_mul(factor)
                        .min(self.pacing.backoff_max);
                    throttled += 1;
                    self.progress.notice(&format!(
                        "costs: {what} throttled ({}); waiting {:.1} s before retry {throttled}",
                        err.code,
                        wait.as_secs_f64()
                    ));
                    sleep(wait).await;
                }
                other => return other,
            }
        }
    }
}

fn window_of(settings: &ExportSettings) -> ManifestWindow {
    let w = &settings.window;
    ManifestWindow {
        monthly_start: w.monthly.start.clone(),
        monthly_end: w.monthly.end.clone(),
        daily_start: w.daily.as_ref().map(|d| d.start.clone()).unwrap_or_default(),
        daily_end: w.daily.as_ref().map(|d| d.end.clone()).unwrap_or_default(),
    }
}

fn describe_window(w: &ManifestWindow) -> String {
    if w.daily_start.is_empty() {
        format!("monthly {}..{}", w.monthly_start, w.monthly_end)
    } else {
        format!(
            "monthly {}..{}, daily {}..{}",
            w.monthly_start, w.monthly_end, w.daily_start, w.daily_end
        )
    }
}

/// Refuses a folder that cannot be written, without leaving anything in it.
fn check_out_dir(dir: &Path) -> Result<(), CostsError> {
    let bad = |detail: String| CostsError::OutDir {
        path: dir.to_path_buf(),
        detail,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(bad("it exists and is not a folder".into()));
    }
    // The folder itself is created with the first file; until then only check that the
    // nearest existing folder on the way takes a (temporary, removed) file.
    let mut existing = dir;
    while !existing.exists() {
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
    }
    if !existing.is_dir() {
        return Err(bad(format!("cannot create it: {} is not a folder", existing.display())));
    }
    tempfile::tempfile_in(existing).map_err(|e| bad(format!("cannot write in {}: {e}", existing.display())))?;
    Ok(())
}

/// Reads an existing manifest, refusing one from another account or window.
fn load_manifest(dir: &Path, account: &str, window: &ManifestWindow) -> Result<Option<Manifest>, CostsError> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(CostsError::Read { path, source }),
    };
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| CostsError::BadManifest {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    if manifest.schema_version != output::MANIFEST_SCHEMA_VERSION {
        return Err(CostsError::BadManifest {
            path,
            detail: format!("schema_version {}", manifest.schema_version),
        });
    }
    if manifest.account_id != account || &manifest.window != window {
        return Err(CostsError::ForeignManifest {
            path,
            found_account: manifest.account_id.clone(),
            found_window: describe_window(&manifest.window),
            account: account.to_owned(),
            window: describe_window(window),
        });
    }
    Ok(Some(manifest))
}

/// The entries of a manifest whose file is still there with the recorded hash.
fn still_complete(dir: &Path, manifest: &Manifest) -> BTreeMap<String, ManifestFile> {
    manifest
        .files
        .iter()
        .filter(|f| {
            std::fs::read(dir.join(&f.file))
                .map(|bytes| output::sha256_hex(&bytes) == f.sha256)
                .unwrap_or(false)
        })
        .map(|f| (f.query.clone(), f.clone()))
        .collect()
}

fn org_notice(status: &OrgStatus) -> Option<String> {
    match status {
        OrgStatus::Standalone => None,
        OrgStatus::Management { organization_id } => Some(format!(
            "costs: note: this account is the management account of organization {organization_id}; the export shows what Cost Explorer reports for it now"
        )),
        OrgStatus::Member {
            organization_id,
            management_account,
        } => Some(format!(
            "costs: warning: this account is already a member of organization {organization_id} (management account {management_account}); its standalone history may already be out of reach, and the export shows only what it can still see"
        )),
        OrgStatus::Unknown { reason } => Some(format!(
            "costs: note: cannot read the organization status ({reason}); going on"
        )),
    }
}

fn failed(query: &str, err: &ApiError) -> FailedQuery {
    FailedQuery {
        query: query.to_owned(),
        code: err.code.clone(),
        detail: err.to_string(),
    }
}

/// Advice for the errors that mean Cost Explorer cannot be used at all.
fn unavailable(err: &ApiError) -> Option<CostsError> {
    let advice = if err.code == "DataUnavailableException" {
        "Cost Explorer has no data for this account yet: open Billing and Cost Management > Cost Explorer in the console once to enable it, wait up to 24 hours for the data to be prepared, then rerun."
    } else if err.kind == ErrorKind::Denied {
        "The credentials may not read Cost Explorer, or it was never enabled: attach the policy from `acctsplit iam-policy` (ce:GetCostAndUsage and friends), make sure IAM access to billing is activated for the account, enable Cost Explorer in the console, then rerun."
    } else {
        return None;
    };
    Some(CostsError::CostExplorerUnavailable {
        code: err.code.clone(),
        detail: err.message.clone(),
        advice: advice.to_owned(),
    })
}

/// Reads every page of ListCostAllocationTags.
async fn list_tags<A: CostExplorerApi>(
    api: &A,
    caller: &mut Caller<'_>,
) -> Result<(Vec<CostAllocationTag>, u64), ApiError> {
    let mut tags = Vec::new();
    let mut token: Option<String> = None;
    let mut requests = 0;
    loop {
        let t = token.clone();
        let page = caller
            .call("ListCostAllocationTags", || api.list_cost_allocation_tags(t.clone()))
            .await?;
        requests += 1;
        tags.extend(page.tags);
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(next) if Some(&next) != token.as_ref() && requests < MAX_PAGES => token = Some(next),
            _ => break,
        }
    }
    tags.sort();
    Ok((tags, requests))
}

fn loop_error(operation: &'static str) -> ApiError {
    ApiError {
        operation,
        region: super::api::COST_EXPLORER_REGION.to_owned(),
        kind: ErrorKind::Failed,
        code: "RepeatedPageToken".to_owned(),
        message: "Cost Explorer returned the same NextPageToken twice".to_owned(),
    }
}

/// Why a query stopped: Cost Explorer refused it, or a file could not be written.
enum QueryError {
    Api(ApiError),
    Write(CostsError),
}

impl From<ApiError> for QueryError {
    fn from(err: ApiError) -> Self {
        QueryError::Api(err)
    }
}

impl From<CostsError> for QueryError {
    fn from(err: CostsError) -> Self {
        QueryError::Write(err)
    }
}

/// Records each answered page in the manifest, so that `requests_sent` stays true even when a
/// run is cut off inside a query.
struct Checkpoint<'a> {
    state: &'a mut Progressive,
    dir: &'a Path,
    /// `cost-allocation-tags.csv`, written with the first answered page.
    unwritten_tags: Option<Vec<u8>>,
    /// Requests of earlier runs.
    base: u64,
}

impl Checkpoint<'_> {
    fn save(&mut self, sent: u64) -> Result<(), CostsError> {
        if let Some(bytes) = self.unwritten_tags.take() {
            write_atomic(&self.dir.join(TAGS_FILE), &bytes)?;
        }
        self.state.manifest.requests_sent = self.base + sent;
        self.state.save(self.dir)
    }
}

/// Runs one query over its windows and pages; returns its rows and the requests it took.
async fn run_query<A: CostExplorerApi>(
    api: &A,
    caller: &mut Caller<'_>,
    checkpoint: &mut Checkpoint<'_>,
    query: &Query,
) -> Result<(Vec<CostRow>, u64), QueryError> {
    let mut rows = Vec::new();
    let mut requests = 0u64;
    for window in &query.windows {
        let mut token: Option<String> = None;
        let mut pages = 0u64;
        loop {
            let next = match &query.kind {
                QueryKind::CostAndUsage { granularity, group_by } => {
                    let request = CostRequest {
                        period: window.clone(),
                        granularity: *granularity,
                        metrics: plan::METRICS.iter().map(|m| (*m).to_owned()).collect(),
                        group_by: group_by.clone(),
                        page_token: token.clone(),
                    };
                    let page = caller.call(&query.id, || api.get_cost_and_usage(&request)).await?;
                    cost_rows(&page.periods, granularity.as_str(), group_by, &mut rows);
                    page.next_page_token
                }
                QueryKind::ReservationUtilization | QueryKind::SavingsPlansUtilization => {
                    let request = UtilizationRequest {
                        period: window.clone(),
                        granularity: query.granularity(),
                        page_token: token.clone(),
                    };
                    let is_ri = matches!(query.kind, QueryKind::ReservationUtilization);
                    let answer = caller
                        .call(&query.id, || async {
                            if is_ri {
                                api.get_reservation_utilization(&request).await
                            } else {
                                api.get_savings_plans_utilization(&request).await
                            }
                        })
                        .await;
                    let page = match answer {
                        Ok(page) => page,
                        // No reservations or savings plans in the window: nothing to export.
                        Err(err) if err.code == "DataUnavailableException" => UtilizationPage::default(),
                        Err(err) => return Err(err.into()),
                    };
                    utilization_rows(&page, &mut rows);
                    page.next_page_token
                }
            };
            requests += 1;
            pages += 1;
            checkpoint.save(caller.sent)?;
            match next.filter(|t| !t.is_empty()) {
                Some(t) if Some(&t) == token.as_ref() || pages >= MAX_PAGES => {
                    return Err(QueryError::Api(loop_error(match query.kind {
                        QueryKind::CostAndUsage { .. } => "GetCostAndUsage",
                        QueryKind::ReservationUtilization => "GetReservationUtilization",
                        QueryKind::SavingsPlansUtilization => "GetSavingsPlansUtilization",
                    })));
                }
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    Ok((rows, requests))
}

fn cost_rows(periods: &[super::api::PeriodResult], granularity: &str, group_by: &[GroupKey], rows: &mut Vec<CostRow>) {
    for p in periods {
        let base = |metric: &str, amount: &super::api::Amount| CostRow {
            granularity: granularity.to_owned(),
            period_start: p.period.start.clone(),
            period_end: p.period.end.clone(),
            group1_key: String::new(),
            group1_value: String::new(),
            group2_key: String::new(),
            group2_value: String::new(),
            metric: metric.to_owned(),
            amount: amount.amount.clone(),
            unit: amount.unit.clone(),
            estimated: p.estimated,
        };
        if group_by.is_empty() {
            for (metric, amount) in &p.total {
                rows.push(base(metric, amount));
            }
            continue;
        }
        for g in &p.groups {
            for (metric, amount) in &g.metrics {
                let mut row = base(metric, amount);
                if let Some(key) = group_by.first() {
                    row.group1_key = key.label();
                    row.group1_value = key.value_of(g.keys.first().map(String::as_str).unwrap_or_default());
                }
                if let Some(key) = group_by.get(1) {
                    row.group2_key = key.label();
                    row.group2_value = key.value_of(g.keys.get(1).map(String::as_str).unwrap_or_default());
                }
                rows.push(row);
            }
        }
    }
}

fn utilization_rows(page: &UtilizationPage, rows: &mut Vec<CostRow>) {
    for p in &page.periods {
        for (metric, amount) in &p.metrics {
            rows.push(CostRow {
                granularity: "MONTHLY".to_owned(),
                period_start: p.period.start.clone(),
                period_end: p.period.end.clone(),
                group1_key: String::new(),
                group1_value: String::new(),
                group2_key: String::new(),
                group2_value: String::new(),
                metric: metric.clone(),
                amount: amount.amount.clone(),
                unit: amount.unit.clone(),
                estimated: false,
            });
        }
    }
}

fn operation_of(query: &Query) -> &'static str {
    match query.kind {
        QueryKind::CostAndUsage { .. } => "GetCostAndUsage",
        QueryKind::ReservationUtilization => "GetReservationUtilization",
        QueryKind::SavingsPlansUtilization => "GetSavingsPlansUtilization",
    }
}

fn manifest_entry(query: &Query, rows: u64, requests: u64, bytes: &[u8]) -> ManifestFile {
    let period = query.period();
    ManifestFile {
        file: query.file_name(),
        query: query.id.clone(),
        operation: operation_of(query).to_owned(),
        granularity: query.granularity().as_str().to_owned(),
        group_by: query.group_by().iter().map(GroupKey::label).collect(),
        period_start: period.start,
        period_end: period.end,
        rows,
        requests,
        sha256: output::sha256_hex(bytes),
    }
}

/// The state written to `manifest.json` as the run goes.
struct Progressive {
    manifest: Manifest,
    files: BTreeMap<String, ManifestFile>,
}

impl Progressive {
    fn save(&mut self, dir: &Path) -> Result<(), CostsError> {
        self.manifest.files = self.files.values().cloned().collect();
        self.manifest.files.sort_by(|a, b| a.file.cmp(&b.file));
        write_json_atomic(&dir.join(MANIFEST_FILE), &self.manifest)?;
        Ok(())
    }
}

fn read_rows(dir: &Path, file: &str) -> Result<Vec<CostRow>, CostsError> {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|source| CostsError::Read { path, source })?;
    Ok(output::csv_to_rows(file, &bytes)?)
}

/// Runs a whole export against any [`CostExplorerApi`].
pub async fn run_export<A: CostExplorerApi>(
    api: &A,
    settings: &ExportSettings,
    progress: &Progress,
) -> Result<ExportReport, CostsError> {
    if settings.dry_run {
        let plan = plan::build(&settings.window, &settings.tag_keys);
        progress.notice(plan::render(&plan, &[], 0).trim_end());
        progress.notice(&format!(
            "Dry run: no Cost Explorer request sent. A real run first reads the active cost allocation tags (ListCostAllocationTags, 1 request); each active tag key adds {} request{}.",
            if settings.window.daily.is_some() { 2 } else { 1 },
            if settings.window.daily.is_some() { "s" } else { "" }
        ));
        return Ok(ExportReport {
            requests_sent: 0,
            planned_requests: plan.estimated_requests(),
            complete: true,
            requests_sent_total: 0,
            queries_run: 0,
            queries_skipped: 0,
            failed: Vec::new(),
            mismatches: 0,
            dry_run: true,
            summary: None,
        });
    }

    let dir = settings.out_dir.as_path();
    check_out_dir(dir)?;
    let account = api.account_id().await.map_err(CostsError::Identity)?;
    let window = window_of(settings);
    let previous = load_manifest(dir, &account, &window)?;
    let mut done = previous.as_ref().map(|m| still_complete(dir, m)).unwrap_or_default();
    if let Some(note) = org_notice(&api.organization_status(&account).await) {
        progress.notice(&note);
    }

    let mut caller = Caller {
        pacing: &settings.pacing,
        progress,
        last: None,
        sent: 0,
    };
    let mut failures: Vec<FailedQuery> = Vec::new();

    // Preflight: the active cost allocation tags, unless a previous run already read them.
    let mut tags_csv: Option<(Vec<u8>, u64, u64)> = None;
    let listed: Vec<CostAllocationTag> = match done.get(TAGS_QUERY) {
        Some(entry) => {
            let path = dir.join(&entry.file);
            let bytes = std::fs::read(&path).map_err(|source| CostsError::Read { path, source })?;
            output::csv_to_tags(&entry.file, &bytes)?
        }
        None => match list_tags(api, &mut caller).await {
            Ok((tags, requests)) => {
                let bytes = output::tags_to_csv(&tags, &settings.tag_keys);
                let rows = bytes.iter().filter(|b| **b == b'\n').count() as u64 - 1;
                tags_csv = Some((bytes, rows, requests));
                tags
            }
            Err(err) => {
                let hint = if settings.tag_keys.is_empty() {
                    "; name the tag keys with --tag-keys K1,K2 to export them anyway"
                } else {
                    ""
                };
                progress.notice(&format!("costs: cannot list cost allocation tags ({}){hint}", err.code));
                failures.push(failed(TAGS_QUERY, &err));
                Vec::new()
            }
        },
    };
    let preflight = caller.sent;
    let mut keys: Vec<String> = listed
        .iter()
        .filter(|t| t.status.eq_ignore_ascii_case("active"))
        .map(|t| t.key.clone())
        .collect();
    keys.extend(settings.tag_keys.iter().cloned());
    let plan: Plan = plan::build(&settings.window, &keys);
    let skipped: Vec<String> = plan
        .queries
        .iter()
        .filter(|q| done.contains_key(&q.id))
        .map(|q| q.id.clone())
        .collect();
    let pending: Vec<&Query> = plan.queries.iter().filter(|q| !skipped.contains(&q.id)).collect();
    let planned: u64 = pending.iter().map(|q| q.windows.len() as u64).sum();
    progress.notice(plan::render(&plan, &skipped, preflight).trim_end());
    if planned > settings.max_requests && !settings.yes {
        return Err(CostsError::OverBudget {
            planned,
            max: settings.max_requests,
        });
    }

    // From here on the folder is ours to write.
    done.retain(|query, _| query == TAGS_QUERY || plan.queries.iter().any(|q| &q.id == query));
    let mut state = Progressive {
        manifest: Manifest {
            schema_version: output::MANIFEST_SCHEMA_VERSION,
            tool_version: crate::TOOL_VERSION.to_owned(),
            account_id: account.clone(),
            window: window.clone(),
            generated_at: settings.generated_at.clone(),
            requests_sent: previous.as_ref().map(|m| m.requests_sent).unwrap_or(0),
            complete: false,
            files: Vec::new(),
            failed: Vec::new(),
            mismatches: Vec::new(),
        },
        files: done,
    };
    let tags_bytes = match tags_csv {
        Some((bytes, rows, requests)) => {
            state.files.insert(
                TAGS_QUERY.to_owned(),
                ManifestFile {
                    file: TAGS_FILE.to_owned(),
                    query: TAGS_QUERY.to_owned(),
                    operation: "ListCostAllocationTags".to_owned(),
                    granularity: String::new(),
                    group_by: Vec::new(),
                    period_start: String::new(),
                    period_end: String::new(),
                    rows,
                    requests,
                    sha256: output::sha256_hex(&bytes),
                },
            );
            Some(bytes)
        }
        None if !state.files.contains_key(TAGS_QUERY) => Some(output::tags_to_csv(&[], &settings.tag_keys)),
        None => None,
    };
    // Written with the first answered page or query outcome, so that a Cost Explorer that
    // cannot be used at all leaves the folder as it was.
    let base = previous.as_ref().map(|m| m.requests_sent).unwrap_or(0);
    let mut checkpoint = Checkpoint {
        state: &mut state,
        dir,
        unwritten_tags: tags_bytes,
        base,
    };

    let bar = progress.bar(pending.len() as u64, "Cost Explorer queries");
    let mut cost_ok = checkpoint
        .state
        .files
        .keys()
        .any(|q| q.starts_with("monthly-") || q.starts_with("daily-"));
    let mut hinted = false;
    for query in &pending {
        bar.set_message(query.id.clone());
        match run_query(api, &mut caller, &mut checkpoint, query).await {
            Ok((mut rows, requests)) => {
                let bytes = output::rows_to_csv(&mut rows);
                write_atomic(&dir.join(query.file_name()), &bytes)?;
                checkpoint.state.files.insert(
                    query.id.clone(),
                    manifest_entry(query, rows.len() as u64, requests, &bytes),
                );
                if matches!(query.kind, QueryKind::CostAndUsage { .. }) {
                    cost_ok = true;
                }
            }
            Err(QueryError::Write(err)) => return Err(err),
            Err(QueryError::Api(err)) => {
                if !cost_ok
                    && matches!(query.kind, QueryKind::CostAndUsage { .. })
                    && let Some(stop) = unavailable(&err)
                {
                    bar.finish_and_clear();
                    return Err(stop);
                }
                progress.notice(&format!("costs: {} failed: {err}", query.id));
                if err.code == "ValidationException" && settings.months > plan::DEFAULT_MONTHS && !hinted {
                    hinted = true;
                    progress.notice(&format!(
                        "costs: more than {} months needs multi-year data enabled in Cost Explorer preferences; enable it (it takes up to 48 hours) or rerun with --months {} in a new folder",
                        plan::DEFAULT_MONTHS,
                        plan::DEFAULT_MONTHS
                    ));
                }
                failures.push(failed(&query.id, &err));
            }
        }
        checkpoint.save(caller.sent)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    checkpoint.save(caller.sent)?;

    // Self-check and summary, from the files as written.
    let mut rows_of: BTreeMap<String, Vec<CostRow>> = BTreeMap::new();
    for q in &plan.queries {
        if let (QueryKind::CostAndUsage { .. }, Some(entry)) = (&q.kind, state.files.get(&q.id)) {
            rows_of.insert(q.id.clone(), read_rows(dir, &entry.file)?);
        }
    }
    let mut mismatches = Vec::new();
    for q in &plan.queries {
        if q.is_total() || !matches!(q.kind, QueryKind::CostAndUsage { .. }) {
            continue;
        }
        let total_id = format!("{}-total", q.id.split('-').next().unwrap_or_default());
        if let (Some(total), Some(grouped)) = (rows_of.get(&total_id), rows_of.get(&q.id)) {
            mismatches.extend(output::self_check(&q.id, total, grouped));
        }
    }
    failures.sort_by(|a, b| a.query.cmp(&b.query));
    let complete = failures
        .iter()
        .all(|f| f.query == TAGS_QUERY && !settings.tag_keys.is_empty());
    let tag_rows: Vec<(String, &[CostRow])> = plan
        .queries
        .iter()
        .filter(|q| q.granularity() == super::api::Granularity::Monthly)
        .filter_map(|q| match q.group_by() {
            [GroupKey::Tag(key)] => rows_of.get(&q.id).map(|rows| (key.clone(), rows.as_slice())),
            _ => None,
        })
        .collect();
    let summary = output::summary(output::SummaryInput {
        account_id: &account,
        window_start: &window.monthly_start,
        window_end: &window.monthly_end,
        generated_at: &settings.generated_at,
        requests_sent: state.manifest.requests_sent,
        complete,
        monthly_total: rows_of.get("monthly-total").map(Vec::as_slice),
        monthly_service: rows_of.get("monthly-service").map(Vec::as_slice),
        monthly_tags: tag_rows,
        mismatches: mismatches.clone(),
        failed: failures.clone(),
    });
    state.manifest.complete = complete;
    state.manifest.failed = failures.clone();
    state.manifest.mismatches = mismatches.clone();
    write_json_atomic(&dir.join(SUMMARY_FILE), &summary)?;
    state.save(dir)?;

    let report = ExportReport {
        requests_sent: caller.sent,
        planned_requests: planned,
        complete,
        requests_sent_total: state.manifest.requests_sent,
        queries_run: pending.len(),
        queries_skipped: skipped.len(),
        failed: failures,
        mismatches: mismatches.len(),
        dry_run: false,
        summary: Some(summary),
    };
    progress.notice(&format!(
        "costs: {} queries run, {} already complete; {} requests sent (USD {:.2}; {} over all runs); {} failed; {} self-check mismatch{}; files in {}",
        report.queries_run,
        report.queries_skipped,
        report.requests_sent,
        plan::usd(report.requests_sent),
        report.requests_sent_total,
        report.failed.len(),
        report.mismatches,
        if report.mismatches == 1 { "" } else { "es" },
        dir.display()
    ));
    for m in &mismatches {
        progress.notice(&format!(
            "costs: mismatch: {} {}: grouped UnblendedCost {} vs total {}",
            m.query, m.period_start, m.grouped, m.total
        ));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use time::macros::date;

    use super::*;
    use crate::costs::api::{CostPage, TagPage};
    use crate::testkit::cost_explorer::{SyntheticConfig, SyntheticCostExplorer};

    /// What the scripted wrapper does with the n-th Cost Explorer call (0-based).
    #[derive(Clone, Copy)]
    enum Act {
        Throttle(&'static str),
        Fail(&'static str),
        /// Never answers: the run is interrupted there.
        Hang,
    }

    /// Wraps the synthetic Cost Explorer and misbehaves on chosen calls.
    struct Scripted<'a> {
        inner: &'a SyntheticCostExplorer,
        n: AtomicUsize,
        script: BTreeMap<usize, Act>,
    }

    impl<'a> Scripted<'a> {
        fn new(inner: &'a SyntheticCostExplorer, script: &[(usize, Act)]) -> Self {
            Scripted {
                inner,
                n: AtomicUsize::new(0),
                script: script.iter().copied().collect(),
            }
        }

        async fn gate(&self, operation: &'static str) -> Result<(), ApiError> {
            let i = self.n.fetch_add(1, Ordering::SeqCst);
            let err = |code: &str, kind| ApiError {
                operation,
                region: "us-east-1".into(),
                kind,
                code: code.into(),
                message: "scripted".into(),
            };
            match self.script.get(&i) {
                None => Ok(()),
                Some(Act::Throttle(code)) => Err(err(code, crate::error::kind_of_code(code))),
                Some(Act::Fail(code)) => Err(err(code, crate::error::kind_of_code(code))),
                Some(Act::Hang) => std::future::pending().await,
            }
        }
    }

    impl CostExplorerApi for Scripted<'_> {
        async fn account_id(&self) -> Result<String, ApiError> {
            self.inner.account_id().await
        }
        async fn organization_status(&self, account_id: &str) -> OrgStatus {
            self.inner.organization_status(account_id).await
        }
        async fn list_cost_allocation_tags(&self, next_token: Option<String>) -> Result<TagPage, ApiError> {
            self.gate("ListCostAllocationTags").await?;
            self.inner.list_cost_allocation_tags(next_token).await
        }
        async fn get_cost_and_usage(&self, request: &CostRequest) -> Result<CostPage, ApiError> {
            self.gate("GetCostAndUsage").await?;
            self.inner.get_cost_and_usage(request).await
        }
        async fn get_reservation_utilization(&self, r: &UtilizationRequest) -> Result<UtilizationPage, ApiError> {
            self.gate("GetReservationUtilization").await?;
            self.inner.get_reservation_utilization(r).await
        }
        async fn get_savings_plans_utilization(&self, r: &UtilizationRequest) -> Result<UtilizationPage, ApiError> {
            self.gate("GetSavingsPlansUtilization").await?;
            self.inner.get_savings_plans_utilization(r).await
        }
    }

    fn synthetic(page_size: usize) -> SyntheticCostExplorer {
        let mut config = SyntheticConfig::sample(date!(2026 - 11 - 22), date!(2026 - 09 - 01));
        config.page_size = page_size;
        SyntheticCostExplorer::new(config)
    }

    fn settings(dir: &Path, tag_keys: &[&str]) -> ExportSettings {
        let opts = crate::costs::ExportOptions {
            months: 3,
            daily_months: Some(1),
            dry_run: false,
            max_requests: 200,
            yes: false,
            tag_keys: tag_keys.iter().map(|k| (*k).to_owned()).collect(),
        };
        let mut s = ExportSettings::new(&opts, dir, date!(2026 - 11 - 22), "2026-11-22T06:00:00Z".into()).unwrap();
        s.pacing = Pacing {
            min_interval: std::time::Duration::ZERO,
            backoff_base: std::time::Duration::from_millis(1),
            backoff_max: std::time::Duration::from_millis(4),
            max_throttled: 5,
        };
        s
    }

    fn quiet() -> Progress {
        Progress::new(true)
    }

    /// Every file of a folder with its bytes.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    fn manifest(dir: &Path) -> Manifest {
        serde_json::from_slice(&std::fs::read(dir.join(MANIFEST_FILE)).unwrap()).unwrap()
    }

    #[tokio::test]
    async fn full_run_sends_exactly_the_planned_requests_and_checks_out() {
        let dir = tempfile::tempdir().unwrap();
        let ce = synthetic(100_000);
        let report = run_export(&ce, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        // Tags Environment and Project are active: 8 sets x (monthly + daily), SERVICE + REGION
        // monthly, RI and SP.
        assert_eq!(report.planned_requests, 19);
        assert_eq!(report.requests_sent, 19 + 1, "plan plus the tag listing");
        assert_eq!(ce.calls().len() as u64, report.requests_sent);
        assert!(report.complete);
        assert_eq!(report.mismatches, 0);
        let m = manifest(dir.path());
        assert_eq!(m.account_id, "123456789012");
        assert_eq!(m.window.monthly_start, "2026-09-01");
        assert_eq!(m.window.monthly_end, "2026-12-01");
        assert_eq!(m.files.len(), 19 + 1);
        assert!(m.mismatches.is_empty() && m.failed.is_empty() && m.complete);
        for f in &m.files {
            let bytes = std::fs::read(dir.path().join(&f.file)).unwrap();
            assert_eq!(output::sha256_hex(&bytes), f.sha256, "{}", f.file);
        }
        let sp = m.files.iter().find(|f| f.query == "savings-plans-utilization").unwrap();
        assert_eq!(
            sp.rows, 0,
            "no savings plans: DataUnavailable means an empty export, not a failure"
        );
        let ri = m.files.iter().find(|f| f.query == "reservation-utilization").unwrap();
        assert!(ri.rows > 0);
        let summary: crate::model::CostSummary =
            serde_json::from_slice(&std::fs::read(dir.path().join(SUMMARY_FILE)).unwrap()).unwrap();
        assert_eq!(summary.requests_sent, 20);
        assert_eq!(summary.monthly_totals.len(), 3);
        assert!(summary.monthly_totals[2].estimated && !summary.monthly_totals[0].estimated);
        assert_eq!(summary.top_services[0].name, "Amazon Elastic Compute Cloud - Compute");
        assert!(
            summary
                .tag_monthly
                .iter()
                .any(|t| t.key == "Environment" && t.value == "PROD")
        );
        assert!(
            summary
                .tag_monthly
                .iter()
                .any(|t| t.key == "Project" && t.value.is_empty())
        );
        let total_csv = String::from_utf8(std::fs::read(dir.path().join("monthly-total.csv")).unwrap()).unwrap();
        assert_eq!(total_csv.lines().count(), 1 + 3 * 7, "{total_csv}");
        assert!(total_csv.contains("MONTHLY,2026-11-01,2026-12-01,,,,,UnblendedCost,"));
        let tags_csv = String::from_utf8(std::fs::read(dir.path().join(TAGS_FILE)).unwrap()).unwrap();
        assert!(tags_csv.contains("Environment,UserDefined,Active"), "{tags_csv}");
    }

    #[tokio::test]
    async fn fourteen_months_with_three_active_tag_keys_send_exactly_the_plan() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = SyntheticConfig::sample(date!(2026 - 11 - 22), date!(2025 - 10 - 01));
        config.page_size = 1_000_000;
        for tag in &mut config.tags {
            if tag.key == "Owner" {
                tag.status = "Active".into();
            }
        }
        let ce = SyntheticCostExplorer::new(config);
        let opts = crate::costs::ExportOptions {
            months: 14,
            daily_months: None,
            dry_run: false,
            max_requests: 200,
            yes: false,
            tag_keys: Vec::new(),
        };
        let mut s = ExportSettings::new(&opts, dir.path(), date!(2026 - 11 - 22), "t".into()).unwrap();
        s.pacing.min_interval = std::time::Duration::ZERO;
        let report = run_export(&ce, &s, &quiet()).await.unwrap();
        // (6 dimension sets + 3 tag keys) x (monthly + daily), SERVICE + REGION monthly, RI and
        // SP utilization.
        assert_eq!(report.planned_requests, 21);
        assert_eq!(
            report.requests_sent,
            21 + 1,
            "the plan plus the one ListCostAllocationTags"
        );
        assert_eq!(report.mismatches, 0);
        assert!(report.complete);
    }

    #[tokio::test]
    async fn multi_page_answers_are_followed_to_the_last_page_and_give_the_same_files() {
        let one = tempfile::tempdir().unwrap();
        let many = tempfile::tempdir().unwrap();
        let big = synthetic(100_000);
        let small = synthetic(40);
        let a = run_export(&big, &settings(one.path(), &[]), &quiet()).await.unwrap();
        let b = run_export(&small, &settings(many.path(), &[]), &quiet()).await.unwrap();
        assert!(
            b.requests_sent > a.requests_sent + 10,
            "{} vs {}",
            b.requests_sent,
            a.requests_sent
        );
        assert!(small.calls().iter().any(|c| c.ends_with("token=page-3")));
        let (sa, sb) = (snapshot(one.path()), snapshot(many.path()));
        assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
        for (name, bytes) in &sa {
            if name.ends_with(".csv") {
                assert!(bytes == &sb[name], "{name} differs between one page and many");
            }
        }
        let per_file = manifest(many.path());
        let daily = per_file
            .files
            .iter()
            .find(|f| f.query == "daily-service-usage-type")
            .unwrap();
        assert!(daily.requests > 1, "{daily:?}");
    }

    #[tokio::test]
    async fn throttling_backs_off_and_never_aborts() {
        let plain_dir = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        run_export(&synthetic(100_000), &settings(plain_dir.path(), &[]), &quiet())
            .await
            .unwrap();
        let ce = synthetic(100_000);
        let api = Scripted::new(
            &ce,
            &[
                (0, Act::Throttle("ThrottlingException")),
                (2, Act::Throttle("LimitExceededException")),
                (3, Act::Throttle("LimitExceededException")),
                (4, Act::Throttle("ThrottlingException")),
                (9, Act::Throttle("LimitExceededException")),
            ],
        );
        let report = run_export(&api, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert!(report.complete, "{report:?}");
        assert_eq!(report.requests_sent, 20 + 5, "throttled answers are counted too");
        let (plain, throttled) = (snapshot(plain_dir.path()), snapshot(dir.path()));
        for (name, bytes) in &plain {
            if name.ends_with(".csv") {
                assert!(bytes == &throttled[name], "{name} differs after throttling");
            }
        }
    }

    #[tokio::test]
    async fn endless_throttling_fails_the_query_but_finishes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let ce = synthetic(100_000);
        // Call 1 is monthly-total; settings allow 5 throttled answers in a row.
        let script: Vec<(usize, Act)> = (2..8).map(|i| (i, Act::Throttle("ThrottlingException"))).collect();
        let api = Scripted::new(&ce, &script);
        let report = run_export(&api, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert!(!report.complete);
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].query, "monthly-service");
        assert_eq!(report.failed[0].code, "ThrottlingException");
        assert_eq!(manifest(dir.path()).files.len(), 20 - 1);
    }

    #[tokio::test]
    async fn interrupted_run_resumes_without_repeating_completed_queries_and_gives_identical_files() {
        let reference = tempfile::tempdir().unwrap();
        let full = synthetic(100_000);
        run_export(&full, &settings(reference.path(), &[]), &quiet())
            .await
            .unwrap();
        let all_calls = full.calls();

        let dir = tempfile::tempdir().unwrap();
        let first = synthetic(100_000);
        // Call 6 is the first page of monthly-tag-Environment: it never answers.
        let api = Scripted::new(&first, &[(6, Act::Hang)]);
        let interrupted = tokio::time::timeout(
            std::time::Duration::from_millis(500),
            run_export(&api, &settings(dir.path(), &[]), &quiet()),
        )
        .await;
        assert!(interrupted.is_err(), "the first run must have been cut off");
        let partial = manifest(dir.path());
        assert_eq!(partial.files.len(), 1 + 5, "tags + five monthly queries");
        assert!(!partial.complete);
        assert!(!dir.path().join(SUMMARY_FILE).exists());
        let done_calls = first.calls();
        assert_eq!(done_calls.len(), 6);

        let second = synthetic(100_000);
        let report = run_export(&second, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert!(report.complete);
        assert_eq!(report.queries_skipped, 5);
        assert_eq!(report.requests_sent, 20 - 6);
        let resumed_calls = second.calls();
        for call in &resumed_calls {
            assert!(!done_calls.contains(call), "repeated a completed query: {call}");
        }
        let mut union = done_calls.clone();
        union.extend(resumed_calls);
        assert_eq!(union, all_calls);

        let (a, b) = (snapshot(reference.path()), snapshot(dir.path()));
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (name, bytes) in &a {
            assert!(
                bytes == &b[name],
                "{name} differs between resumed and uninterrupted runs"
            );
        }
    }

    #[tokio::test]
    async fn interruption_inside_a_multi_page_query_redoes_only_that_query() {
        let dir = tempfile::tempdir().unwrap();
        let first = synthetic(10);
        let api = Scripted::new(&first, &[(3, Act::Hang)]);
        let cut = tokio::time::timeout(
            std::time::Duration::from_millis(500),
            run_export(&api, &settings(dir.path(), &[]), &quiet()),
        )
        .await;
        assert!(cut.is_err());
        // Calls 0..3: tags, monthly-total, then monthly-service page 1; page 2 never answers.
        let done = manifest(dir.path());
        assert_eq!(done.files.len(), 2);
        assert_eq!(
            done.requests_sent, 3,
            "the answered first page of the cut-off query counts"
        );
        assert_eq!(first.calls().len(), 3);
        assert!(first.calls()[2].contains("[SERVICE] token=-"), "{:?}", first.calls());
        let second = synthetic(10);
        let report = run_export(&second, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert!(report.complete);
        assert!(second.calls().iter().all(|c| !c.starts_with("ListCostAllocationTags")));
        assert!(
            !second
                .calls()
                .iter()
                .any(|c| c.contains("[] token=-") && c.contains("MONTHLY"))
        );
        assert!(
            second.calls()[0].contains("[SERVICE] token=-"),
            "{:?}",
            second.calls()[0]
        );
        let total = manifest(dir.path()).requests_sent;
        assert_eq!(total, (first.calls().len() + second.calls().len()) as u64);
        assert_eq!(report.requests_sent_total, total);
    }

    #[tokio::test]
    async fn failed_query_is_recorded_and_a_rerun_fetches_only_it() {
        let dir = tempfile::tempdir().unwrap();
        let ce = synthetic(100_000);
        // Call 10 is reservation-utilization (call 9 is monthly-service-region).
        let api = Scripted::new(&ce, &[(10, Act::Fail("InternalFailure"))]);
        let report = run_export(&api, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert!(!report.complete);
        let m = manifest(dir.path());
        assert_eq!(m.failed.len(), 1);
        assert_eq!(m.failed[0].query, "reservation-utilization");
        let summary: crate::model::CostSummary =
            serde_json::from_slice(&std::fs::read(dir.path().join(SUMMARY_FILE)).unwrap()).unwrap();
        assert!(!summary.complete);
        assert_eq!(summary.failed[0].code, "InternalFailure");

        let again = synthetic(100_000);
        let report = run_export(&again, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert!(report.complete);
        assert_eq!(
            again.calls(),
            vec!["GetReservationUtilization 2026-09-01..2026-12-01".to_owned()]
        );
        assert!(manifest(dir.path()).failed.is_empty());
    }

    #[tokio::test]
    async fn tag_listing_failure_is_incomplete_unless_tag_keys_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let ce = synthetic(100_000);
        let api = Scripted::new(&ce, &[(0, Act::Fail("InternalFailure"))]);
        let report = run_export(&api, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert!(!report.complete);
        assert_eq!(
            report.planned_requests,
            6 * 2 + 1 + 2,
            "no tag queries without tag keys"
        );
        assert_eq!(report.failed[0].query, TAGS_QUERY);

        let dir = tempfile::tempdir().unwrap();
        let ce = synthetic(100_000);
        let api = Scripted::new(&ce, &[(0, Act::Fail("InternalFailure"))]);
        let report = run_export(&api, &settings(dir.path(), &["Environment"]), &quiet())
            .await
            .unwrap();
        assert!(report.complete, "{report:?}");
        assert_eq!(report.planned_requests, 7 * 2 + 1 + 2);
        assert_eq!(manifest(dir.path()).failed.len(), 1, "the failure is still recorded");
        assert!(dir.path().join("monthly-tag-Environment.csv").exists());
        let tags = std::fs::read_to_string(dir.path().join(TAGS_FILE)).unwrap();
        assert!(tags.contains("Environment,,Active,,,'--tag-keys"), "{tags}");
    }

    #[tokio::test]
    async fn cost_explorer_not_enabled_stops_with_advice_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ce = synthetic(100_000);
        let api = Scripted::new(&ce, &[(1, Act::Fail("DataUnavailableException"))]);
        let err = run_export(&api, &settings(dir.path(), &[]), &quiet())
            .await
            .unwrap_err();
        assert!(matches!(err, CostsError::CostExplorerUnavailable { .. }), "{err}");
        assert!(err.to_string().contains("enable"), "{err}");
        assert!(snapshot(dir.path()).is_empty());
        let ce = synthetic(100_000);
        let api = Scripted::new(&ce, &[(1, Act::Fail("AccessDeniedException"))]);
        let err = run_export(&api, &settings(dir.path(), &[]), &quiet())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("iam-policy"), "{err}");
        assert!(snapshot(dir.path()).is_empty());
    }

    #[tokio::test]
    async fn spend_guard_stops_before_any_cost_query_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ce = synthetic(100_000);
        let mut s = settings(dir.path(), &[]);
        s.max_requests = 10;
        let err = run_export(&ce, &s, &quiet()).await.unwrap_err();
        assert!(matches!(err, CostsError::OverBudget { planned: 19, max: 10 }), "{err}");
        assert!(err.to_string().contains("--yes"));
        assert!(ce.calls().iter().all(|c| c.starts_with("ListCostAllocationTags")));
        assert!(snapshot(dir.path()).is_empty());
        s.yes = true;
        assert!(run_export(&ce, &s, &quiet()).await.unwrap().complete);
    }

    #[tokio::test]
    async fn dry_run_sends_nothing_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let ce = synthetic(100_000);
        let mut s = settings(&out, &["Environment", "Project", "Team"]);
        s.dry_run = true;
        let report = run_export(&ce, &s, &quiet()).await.unwrap();
        assert!(report.dry_run);
        assert_eq!(report.planned_requests, 9 * 2 + 1 + 2);
        assert!(ce.calls().is_empty());
        assert!(!out.exists());
    }

    #[tokio::test]
    async fn a_manifest_from_another_account_or_window_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        run_export(&synthetic(100_000), &settings(dir.path(), &[]), &quiet())
            .await
            .unwrap();
        let before = snapshot(dir.path());
        let mut other = SyntheticConfig::sample(date!(2026 - 11 - 22), date!(2026 - 09 - 01));
        other.account_id = "210987654321".into();
        let other = SyntheticCostExplorer::new(other);
        let err = run_export(&other, &settings(dir.path(), &[]), &quiet())
            .await
            .unwrap_err();
        assert!(matches!(err, CostsError::ForeignManifest { .. }), "{err}");
        assert!(err.to_string().contains("210987654321"), "{err}");
        assert!(other.calls().is_empty());
        let mut longer = settings(dir.path(), &[]);
        longer.window = plan::window(date!(2026 - 11 - 22), 4, 1).unwrap();
        let err = run_export(&synthetic(100_000), &longer, &quiet()).await.unwrap_err();
        assert!(matches!(err, CostsError::ForeignManifest { .. }), "{err}");
        assert_eq!(snapshot(dir.path()), before);
    }

    #[tokio::test]
    async fn a_completed_file_changed_on_disk_is_fetched_again() {
        let dir = tempfile::tempdir().unwrap();
        run_export(&synthetic(100_000), &settings(dir.path(), &[]), &quiet())
            .await
            .unwrap();
        let before = snapshot(dir.path());
        std::fs::write(dir.path().join("monthly-region.csv"), b"tampered").unwrap();
        let ce = synthetic(100_000);
        let report = run_export(&ce, &settings(dir.path(), &[]), &quiet()).await.unwrap();
        assert_eq!(report.requests_sent, 1);
        assert!(ce.calls()[0].contains("[REGION]"));
        let after = snapshot(dir.path());
        assert_eq!(after["monthly-region.csv"], before["monthly-region.csv"]);
    }

    #[test]
    fn membership_warns_that_standalone_history_may_be_out_of_reach() {
        let member = OrgStatus::Member {
            organization_id: "o-abc".into(),
            management_account: "111122223333".into(),
        };
        let text = org_notice(&member).unwrap();
        assert!(text.contains("already a member of organization o-abc"), "{text}");
        assert!(text.contains("out of reach"), "{text}");
        assert!(org_notice(&OrgStatus::Standalone).is_none());
    }

    #[test]
    fn unwritable_output_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let err = check_out_dir(&file).unwrap_err();
        assert!(err.to_string().contains("not a folder"), "{err}");
        let err = check_out_dir(&file.join("below")).unwrap_err();
        assert!(err.to_string().contains("cannot create"), "{err}");
        let fresh = dir.path().join("a/b");
        check_out_dir(&fresh).unwrap();
        assert!(
            !fresh.exists() && !dir.path().join("a").exists(),
            "checking creates nothing"
        );
    }
}
