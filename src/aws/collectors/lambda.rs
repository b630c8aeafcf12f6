//! The Lambda collector (per region, two parts): functions (`ListFunctions`) with their runtime,
//! role, VPC subnets and security groups, key, layers and the *names* of their environment
//! variables, and event source mappings (`ListEventSourceMappings`), each a resource that
//! `invokes` its function and `reads-from` its queue, stream or table. `ListFunctions` answers
//! with the environment variables' values: the conversion keeps only the names, so no value
//! reaches the inventory. Tags come from the Tagging API, which covers functions. Function URLs
//! are not read (one `GetFunctionUrlConfig` call per function).

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{EventSourceMappingConfiguration, FunctionConfiguration};
use futures::future::BoxFuture;

use super::common::{self, Ident, network_relations};
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_lambda, "lambda");

pub struct Lambda;

const PARTS: &[&str] = &["functions", "event-source-mappings"];

const ACTIONS: &[Action] = &[
    action("Lambda", "ListEventSourceMappings", "lambda:ListEventSourceMappings"),
    action("Lambda", "ListFunctions", "lambda:ListFunctions"),
];

impl Collector<AwsScanSource> for Lambda {
    fn name(&self) -> &'static str {
        "lambda"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn parts(&self) -> &'static [&'static str] {
        PARTS
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS Lambda"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let client: Client = source.aws().client(task.region);
            list(&client, task.region, task.account, task.part).await
        })
    }
}

/// Runs one part's list operation over every page.
async fn list(client: &Client, region: &str, account: &str, part: &str) -> UnitResult {
    let mut out = Vec::new();
    let (requests, error) = match part {
        "functions" => paginate!(client.list_functions().max_items(50), "ListFunctions", region, |page| {
            out.extend(page.functions().iter().filter_map(|f| function(region, account, f)));
        }),
        "event-source-mappings" => paginate!(
            client.list_event_source_mappings().max_items(100),
            "ListEventSourceMappings",
            region,
            |page| {
                out.extend(
                    page.event_source_mappings()
                        .iter()
                        .filter_map(|m| event_source_mapping(region, account, m)),
                );
            }
        ),
        other => unreachable!("the scan runs only the parts the collector lists, not {other}"),
    };
    UnitResult {
        service: "lambda",
        region: region.to_owned(),
        resources: out,
        requests,
        error,
    }
}

fn lambda_arn(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:lambda:{region}:{account}:{kind}:{id}",
        arn::partition_of(region)
    )
}

/// A function. Its environment variables' values are dropped here: only their names are kept.
pub fn function(region: &str, account: &str, f: &FunctionConfiguration) -> Option<Resource> {
    let name = f.function_name()?;
    let function_arn = f
        .function_arn()
        .map_or_else(|| lambda_arn(region, account, "function", name), str::to_owned);
    let mut relations: Vec<Relation> = Vec::new();
    relations.extend(
        f.role()
            .filter(|r| !r.is_empty())
            .map(|r| Relation::new("uses-role", r)),
    );
    if let Some(vpc) = f.vpc_config() {
        relations.extend(network_relations(
            region,
            account,
            vpc.subnet_ids().iter().map(String::as_str),
            vpc.security_group_ids().iter().map(String::as_str),
        ));
        relations.extend(
            vpc.vpc_id()
                .filter(|v| !v.is_empty())
                .map(|v| Relation::new("in-vpc", arn::ec2(region, account, "vpc", v))),
        );
    }
    relations.extend(
        f.kms_key_arn()
            .and_then(|k| arn::kms_key(region, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    let mut layers: Vec<&str> = f.layers().iter().filter_map(|l| l.arn()).collect();
    layers.sort_unstable();
    relations.extend(layers.iter().map(|l| Relation::new("uses-layer", *l)));
    // The names only: the values may be secrets.
    let mut env_names: Vec<&str> = f
        .environment()
        .and_then(|e| e.variables())
        .map(|vars| vars.keys().map(String::as_str).collect())
        .unwrap_or_default();
    env_names.sort_unstable();
    let mut architectures: Vec<&str> = f.architectures().iter().map(|a| a.as_str()).collect();
    architectures.sort_unstable();
    let attrs = Attrs::default()
        .opt("runtime", f.runtime().map(|r| r.as_str()))
        .opt("package_type", f.package_type().map(|p| p.as_str()))
        .opt("role", f.role())
        .opt("memory_mb", f.memory_size())
        .opt("timeout_seconds", f.timeout())
        .opt("state", f.state().map(|s| s.as_str()))
        .opt("kms_key_arn", f.kms_key_arn())
        .opt(
            "vpc_id",
            f.vpc_config().and_then(|v| v.vpc_id()).filter(|v| !v.is_empty()),
        )
        .opt(
            "dead_letter_target",
            f.dead_letter_config().and_then(|d| d.target_arn()),
        )
        .set("architectures", architectures)
        .set("layers", layers)
        .set("environment_variable_names", env_names);
    let ident = Ident {
        arn: &function_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Lambda,
        attrs,
        relations,
    ))
}

/// An event source mapping: it invokes its function with what it reads from its source.
pub fn event_source_mapping(region: &str, account: &str, m: &EventSourceMappingConfiguration) -> Option<Resource> {
    let uuid = m.uuid()?;
    let mapping_arn = m.event_source_mapping_arn().map_or_else(
        || lambda_arn(region, account, "event-source-mapping", uuid),
        str::to_owned,
    );
    // The mapping may name a version or alias ARN; the function is the ARN's first 7 fields.
    let function = m
        .function_arn()
        .map(|f| f.splitn(8, ':').take(7).collect::<Vec<_>>().join(":"));
    let mut relations: Vec<Relation> = Vec::new();
    relations.extend(function.as_deref().map(|f| Relation::new("invokes", f)));
    relations.extend(m.event_source_arn().map(|s| Relation::new("reads-from", s)));
    let attrs = Attrs::default()
        .opt("state", m.state())
        .opt("batch_size", m.batch_size())
        .opt("event_source_arn", m.event_source_arn())
        .opt("function_arn", function.as_deref());
    let ident = Ident {
        arn: &mapping_arn,
        region,
        id: uuid,
        name: Some(uuid),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Lambda,
        attrs,
        relations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::{EnvironmentResponse, Layer, Runtime, VpcConfigResponse};

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";

    fn has(r: &Resource, kind: &str, target: &str) -> bool {
        r.relations.iter().any(|rel| rel.kind == kind && rel.arn == target)
    }

    #[test]
    fn function_keeps_env_names_never_values_and_relates_role_network_key_and_layers() {
        let role = format!("arn:aws:iam::{ACCOUNT}:role/resize");
        let key = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k1");
        let layer = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:layer:pillow:3");
        let f = FunctionConfiguration::builder()
            .function_name("resize-dev")
            .function_arn(format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:resize-dev"))
            .runtime(Runtime::Python312)
            .role(&role)
            .memory_size(256)
            .timeout(30)
            .kms_key_arn(&key)
            .layers(Layer::builder().arn(&layer).build())
            .vpc_config(
                VpcConfigResponse::builder()
                    .subnet_ids("subnet-a")
                    .security_group_ids("sg-1")
                    .vpc_id("vpc-1")
                    .build(),
            )
            .environment(
                EnvironmentResponse::builder()
                    .variables("DB_PASSWORD", "hunter2-secret")
                    .variables("API_URL", "https://internal.example")
                    .build(),
            )
            .build();
        let r = function(REGION, ACCOUNT, &f).unwrap();
        assert_eq!(r.resource_type, "lambda:function");
        assert_eq!(r.service, "lambda");
        assert_eq!(r.id, "resize-dev");
        assert_eq!(r.arn, format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:resize-dev"));
        assert_eq!(r.sources, vec![Source::Lambda]);
        assert!(has(&r, "uses-role", &role));
        assert!(has(&r, "uses-key", &key));
        assert!(has(&r, "uses-layer", &layer));
        assert!(has(&r, "in-subnet", &arn::ec2(REGION, ACCOUNT, "subnet", "subnet-a")));
        assert!(has(
            &r,
            "has-security-group",
            &arn::ec2(REGION, ACCOUNT, "security-group", "sg-1")
        ));
        assert!(has(&r, "in-vpc", &arn::ec2(REGION, ACCOUNT, "vpc", "vpc-1")));
        let a = &r.attributes;
        assert_eq!(a["runtime"], "python3.12");
        assert_eq!(a["memory_mb"], 256);
        assert_eq!(a["timeout_seconds"], 30);
        assert_eq!(a["vpc_id"], "vpc-1");
        assert_eq!(a["layers"], serde_json::json!([layer]));
        assert_eq!(
            a["environment_variable_names"],
            serde_json::json!(["API_URL", "DB_PASSWORD"])
        );
        let text = serde_json::to_string(&r).unwrap();
        assert!(
            !text.contains("hunter2-secret") && !text.contains("internal.example"),
            "no environment value is kept: {text}"
        );
    }

    #[test]
    fn function_outside_a_vpc_has_only_its_role() {
        let f = FunctionConfiguration::builder()
            .function_name("cron")
            .role(format!("arn:aws:iam::{ACCOUNT}:role/cron"))
            .build();
        let r = function(REGION, ACCOUNT, &f).unwrap();
        assert_eq!(r.arn, format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:cron"));
        assert_eq!(r.relations.len(), 1);
        assert!(!r.attributes.contains_key("vpc_id"));
        assert_eq!(r.attributes["environment_variable_names"], serde_json::json!([]));
    }

    #[test]
    fn mapping_invokes_the_function_not_its_alias_and_reads_from_its_source() {
        let queue = format!("arn:aws:sqs:{REGION}:{ACCOUNT}:jobs");
        let m = EventSourceMappingConfiguration::builder()
            .uuid("u-1")
            .function_arn(format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker:live"))
            .event_source_arn(&queue)
            .state("Enabled")
            .batch_size(10)
            .build();
        let r = event_source_mapping(REGION, ACCOUNT, &m).unwrap();
        assert_eq!(r.resource_type, "lambda:event-source-mapping");
        assert_eq!(
            r.arn,
            format!("arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:u-1")
        );
        let function = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:worker");
        assert!(has(&r, "invokes", &function));
        assert!(has(&r, "reads-from", &queue));
        assert_eq!(r.attributes["batch_size"], 10);
        assert_eq!(r.attributes["function_arn"], function.as_str());
        // AWS's own ARN wins over the one built from the UUID.
        let own = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:own");
        let m = EventSourceMappingConfiguration::builder()
            .uuid("u-1")
            .event_source_mapping_arn(&own)
            .build();
        assert_eq!(event_source_mapping(REGION, ACCOUNT, &m).unwrap().arn, own);
    }
}

/// moto answers both list calls in one page, so their second pages are read from the fake:
/// each answers two pages of one item, the first with a `NextMarker`.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";

    fn answer(call: &Call) -> (u16, String) {
        // Lambda is a REST protocol: the operation is the method and path, the marker a query field.
        let op = call.operation.as_str();
        let second = op.contains("Marker=page2");
        let n = if second { 2 } else { 1 };
        let marker = if second { "" } else { r#","NextMarker":"page2""# };
        let body = if op.contains("/functions") {
            format!(
                r#"{{"Functions":[{{"FunctionName":"f-{n}","FunctionArn":"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f-{n}","Environment":{{"Variables":{{"TOKEN":"value-{n}"}}}}}}]{marker}}}"#
            )
        } else if op.contains("/event-source-mappings") {
            format!(r#"{{"EventSourceMappings":[{{"UUID":"m-{n}"}}]{marker}}}"#)
        } else {
            panic!("unexpected {op}")
        };
        (200, body)
    }

    #[test]
    fn both_parts_read_the_second_page() {
        let client = fake_client!(aws_sdk_lambda, answer);
        for part in PARTS {
            let result = fake::block_on(list(&client, REGION, ACCOUNT, part));
            assert!(result.error.is_none(), "{part}: {:?}", result.error);
            assert_eq!(result.requests, 2, "{part}");
            let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids.len(), 2, "{part}");
            assert!(ids[0].ends_with("-1") && ids[1].ends_with("-2"), "{part}: {ids:?}");
        }
    }

    #[test]
    fn a_denied_list_is_the_units_error_with_what_was_read() {
        let client = fake_client!(aws_sdk_lambda, |call: &Call| {
            if call.operation.contains("Marker=page2") {
                (
                    403,
                    r#"{"__type":"AccessDeniedException","Message":"denied"}"#.to_owned(),
                )
            } else {
                answer(call)
            }
        });
        let result = fake::block_on(list(&client, REGION, ACCOUNT, "functions"));
        let error = result.error.expect("the denied page is the unit's error");
        assert!(error.is_denied(), "{error:?}");
        assert_eq!(result.resources.len(), 1, "the first page is kept");
        assert_eq!(result.requests, 2);
    }
}
