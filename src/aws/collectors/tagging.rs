//! The breadth collector: the Resource Groups Tagging API lists every tagged (or once tagged)
//! resource of every service in a region, 100 a page. Resources seen only here get their
//! service, type, region and id from the ARN.

use aws_sdk_resourcegroupstagging::Client;
use futures::future::BoxFuture;

use crate::aws::config::service_client;
use crate::aws::paginate::paginate;
use crate::aws::scanner::AwsScanSource;
use crate::model::{Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_resourcegroupstagging, "tagging");

pub struct Tagging;

const ACTIONS: &[Action] = &[action(
    "Resource Groups Tagging API",
    "GetResources",
    "tag:GetResources",
)];

impl Collector<AwsScanSource> for Tagging {
    fn name(&self) -> &'static str {
        "tagging"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// The Tagging API is free, and its resources are billed under their own services.
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { get_resources(&source.aws().client(task.region), task.region).await })
    }
}

/// The most resources GetResources returns in one page.
pub const PAGE_SIZE: i32 = 100;

pub async fn get_resources(client: &Client, region: &str) -> UnitResult {
    let mut out = Vec::new();
    let request = client.get_resources().resources_per_page(PAGE_SIZE);
    let (requests, error) = paginate!(request, "GetResources", region, |page| {
        for mapping in page.resource_tag_mapping_list() {
            let Some(resource_arn) = mapping.resource_arn() else {
                continue;
            };
            let tags: crate::model::SortedMap<String> = mapping
                .tags()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect();
            let parts = arn::parse(resource_arn);
            let (service, resource_type, resource_region, id) = match parts {
                Some(p) => (p.service, p.resource_type, p.region, p.id),
                None => (
                    "unknown".to_owned(),
                    "unknown:resource".to_owned(),
                    None,
                    resource_arn.to_owned(),
                ),
            };
            let name = tags
                .get("Name")
                .cloned()
                .or_else(|| (service == "s3").then(|| id.clone()));
            out.push(Resource {
                arn: resource_arn.to_owned(),
                service,
                resource_type,
                region: resource_region,
                id,
                name,
                tags,
                sources: vec![Source::Tagging],
                relations: vec![],
                attributes: Default::default(),
            });
        }
    });
    UnitResult {
        service: "tagging",
        region: region.to_owned(),
        resources: out,
        requests,
        error,
    }
}
