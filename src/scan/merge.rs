//! Merges what several APIs saw into one resource per ARN: the Tagging API reports the same
//! S3 bucket from every region, and EC2 resources are seen by both the Tagging API and the
//! describe calls. Tags, sources, relations and attributes are unioned; the describe calls'
//! facts win where both have a value, because they are the more detailed source.

use std::collections::HashMap;

use crate::model::{Resource, Source};

/// Merges resources by ARN; the result is sorted by ARN.
pub fn merge(resources: impl IntoIterator<Item = Resource>) -> Vec<Resource> {
    let mut by_arn: HashMap<String, Resource> = HashMap::new();
    for resource in resources {
        match by_arn.get_mut(&resource.arn) {
            Some(existing) => absorb(existing, resource),
            None => {
                by_arn.insert(resource.arn.clone(), resource);
            }
        }
    }
    let mut merged: Vec<Resource> = by_arn.into_values().collect();
    for resource in &mut merged {
        resource.normalize();
    }
    merged.sort_by(|a, b| a.arn.cmp(&b.arn));
    merged
}

fn is_depth(resource: &Resource) -> bool {
    resource.sources.iter().any(|s| *s != Source::Tagging)
}

fn absorb(into: &mut Resource, other: Resource) {
    let other_is_depth = is_depth(&other);
    for (key, value) in other.tags {
        if other_is_depth || !into.tags.contains_key(&key) {
            into.tags.insert(key, value);
        }
    }
    for (key, value) in other.attributes {
        if other_is_depth || !into.attributes.contains_key(&key) {
            into.attributes.insert(key, value);
        }
    }
    if other_is_depth {
        into.region = other.region.or(into.region.take());
        into.resource_type = other.resource_type;
        into.id = other.id;
        into.name = other.name.or(into.name.take());
    } else if into.name.is_none() {
        into.name = other.name;
    }
    into.sources.extend(other.sources);
    into.relations.extend(other.relations);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Relation;
    use crate::testkit::build::{ResExt, res};

    fn resource(arn: &str, source: Source, tags: &[(&str, &str)]) -> Resource {
        tags.iter()
            .fold(res(arn, "s3:bucket").global().seen_by(source), |r, (k, v)| r.tag(k, v))
    }

    #[test]
    fn one_resource_per_arn_with_every_source() {
        let arn = "arn:aws:s3:::logs";
        let mut depth = resource(arn, Source::S3, &[("env", "prod")]);
        depth.attributes.insert("location".into(), "eu-west-1".into());
        depth.name = Some("logs".into());
        let merged = merge(vec![
            resource(arn, Source::Tagging, &[("env", "prod")]),
            resource(arn, Source::Tagging, &[("env", "prod")]),
            depth,
            resource("arn:aws:s3:::other", Source::Tagging, &[]),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].arn, arn);
        assert_eq!(merged[0].sources, vec![Source::Tagging, Source::S3]);
        assert_eq!(merged[0].attributes["location"], "eu-west-1");
        assert_eq!(merged[0].name.as_deref(), Some("logs"));
    }

    #[test]
    fn depth_facts_win_and_relations_are_unioned_once() {
        let arn = "arn:aws:ec2:us-east-1:1:volume/vol-1";
        let mut tagged = resource(arn, Source::Tagging, &[("Name", "old")]);
        tagged.relations.push(Relation::new("attached-to", "i-1"));
        let mut depth = resource(arn, Source::Ec2, &[("Name", "data")]);
        depth.relations.push(Relation::new("attached-to", "i-1"));
        depth.relations.push(Relation::new("from-snapshot", "snap-1"));
        let merged = merge(vec![tagged, depth]);
        assert_eq!(merged[0].tags["Name"], "data");
        assert_eq!(merged[0].relations.len(), 2);
    }

    #[test]
    fn merge_is_independent_of_input_order() {
        let arn = "arn:aws:ec2:us-east-1:1:vpc/vpc-1";
        let a = resource(arn, Source::Tagging, &[("Env", "dev")]);
        let b = resource(arn, Source::Ec2, &[("Env", "dev"), ("Name", "core")]);
        let one = merge(vec![a.clone(), b.clone()]);
        let two = merge(vec![b, a]);
        assert_eq!(one, two);
    }
}
