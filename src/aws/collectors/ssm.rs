//! The SSM Parameter Store collector (per region): every parameter from `DescribeParameters`
//! (every page): name, type, tier, key, version, last change. `DescribeParameters` returns
//! metadata only; no `GetParameter*` call is made, so no value (SecureString or plain) is ever
//! read. Tags come from the Tagging API, which returns parameters.

use aws_sdk_ssm::Client;
use aws_sdk_ssm::types::ParameterMetadata;
use futures::future::BoxFuture;

use super::iam::date;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_ssm, "ssm");

pub struct Ssm;

const ACTIONS: &[Action] = &[action("SSM", "DescribeParameters", "ssm:DescribeParameters")];

impl Collector<AwsScanSource> for Ssm {
    fn name(&self) -> &'static str {
        "ssm"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// Advanced parameters and higher-throughput calls are billed; standard ones are free.
    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS Systems Manager"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every parameter's metadata in one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut out = Vec::new();
    let (requests, error) = paginate!(
        client.describe_parameters().max_results(50),
        "DescribeParameters",
        region,
        |page| {
            out.extend(page.parameters().iter().filter_map(|p| parameter(region, account, p)));
        }
    );
    UnitResult {
        service: "ssm",
        region: region.to_owned(),
        resources: out,
        requests,
        error,
    }
}

/// `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`, the leading `/` of a hierarchical name dropped,
/// as AWS spells it.
pub fn parameter_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:ssm:{region}:{account}:parameter/{}",
        arn::partition_of(region),
        name.strip_prefix('/').unwrap_or(name)
    )
}

/// A parameter from its metadata; there is no value in it.
pub fn parameter(region: &str, account: &str, p: &ParameterMetadata) -> Option<Resource> {
    let name = p.name()?;
    let parameter_arn = p
        .arn()
        .map(str::to_owned)
        .unwrap_or_else(|| parameter_arn(region, account, name));
    let key = p.key_id().filter(|k| !k.is_empty());
    let relations: Vec<Relation> = key
        .and_then(|k| arn::kms_key(region, account, k))
        .map(|k| Relation::new("uses-key", k))
        .into_iter()
        .collect();
    let attrs = Attrs::default()
        .opt("type", p.r#type().map(|t| t.as_str()))
        .opt("tier", p.tier().map(|t| t.as_str()))
        .opt("data_type", p.data_type())
        .opt("kms_key_id", key)
        .set("version", p.version())
        .opt("last_modified", date(p.last_modified_date()))
        .set("has_policies", !p.policies().is_empty());
    Some(Resource {
        arn: parameter_arn,
        service: "ssm".to_owned(),
        resource_type: "ssm:parameter".to_owned(),
        region: Some(region.to_owned()),
        id: name.to_owned(),
        name: Some(name.to_owned()),
        tags: Default::default(),
        sources: vec![Source::Ssm],
        relations,
        attributes: attrs.into_map(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ssm::types::{ParameterTier, ParameterType};

    const ACCOUNT: &str = "111122223333";

    #[test]
    fn secure_string_parameter_with_a_customer_key_and_the_arn_aws_spells() {
        let p = ParameterMetadata::builder()
            .name("/prod/db/password")
            .r#type(ParameterType::SecureString)
            .tier(ParameterTier::Advanced)
            .key_id("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .version(3)
            .build();
        let res = parameter("eu-west-1", ACCOUNT, &p).unwrap();
        assert_eq!(res.arn, "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/db/password");
        assert_eq!(res.resource_type, "ssm:parameter");
        assert_eq!(res.id, "/prod/db/password");
        assert_eq!(res.sources, vec![Source::Ssm]);
        assert_eq!(res.relations[0].kind, "uses-key");
        assert_eq!(res.attributes["type"], "SecureString");
        assert_eq!(res.attributes["tier"], "Advanced");
        assert_eq!(res.attributes["version"], 3);
        assert_eq!(
            parameter_arn("eu-west-1", ACCOUNT, "plain"),
            "arn:aws:ssm:eu-west-1:111122223333:parameter/plain"
        );
    }

    #[test]
    fn the_default_ssm_key_alias_is_no_key_relation() {
        let p = ParameterMetadata::builder()
            .name("token")
            .r#type(ParameterType::SecureString)
            .key_id("alias/aws/ssm")
            .build();
        let res = parameter("eu-west-1", ACCOUNT, &p).unwrap();
        assert!(res.relations.is_empty());
        assert_eq!(res.attributes["kms_key_id"], "alias/aws/ssm");
    }

    mod fake {
        use super::super::*;
        use crate::aws::collectors::fake_pages::{FakeHttp, block_on, fake_client};

        #[test]
        fn describe_parameters_reads_the_second_page_and_nothing_else() {
            let http = FakeHttp::new(|seen| {
                let (n, token) = if seen.body.contains("page2") {
                    (2, "")
                } else {
                    (1, r#","NextToken":"page2""#)
                };
                (
                    200,
                    format!(r#"{{"Parameters":[{{"Name":"p{n}","Type":"String"}}]{token}}}"#),
                )
            });
            let client = fake_client!(aws_sdk_ssm, "us-east-1", http);
            let result = block_on(collect(&client, "us-east-1", "111122223333"));
            assert!(result.error.is_none(), "{:?}", result.error);
            assert_eq!(result.requests, 2);
            let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids, ["p1", "p2"]);
            assert!(
                http.requests().iter().all(|s| s.target.ends_with("DescribeParameters")),
                "only DescribeParameters is sent"
            );
        }
    }
}
