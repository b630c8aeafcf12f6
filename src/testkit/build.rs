//! Builders: a resource in one line, an inventory around a list of them. The only ones: unit
//! tests, integration tests and the benchmarks all build their resources here.

use crate::model::{Account, Inventory, Organization, Relation, Resource, SortedMap, Source};

pub const ACCOUNT_ID: &str = "111122223333";

/// A resource of `resource_type` with the last ARN segment as its id, in us-east-1.
pub fn res(arn: &str, resource_type: &str) -> Resource {
    let id = arn.rsplit(['/', ':']).next().unwrap_or(arn).to_owned();
    Resource {
        arn: arn.to_owned(),
        service: resource_type.split(':').next().unwrap_or("").to_owned(),
        resource_type: resource_type.to_owned(),
        region: Some("us-east-1".to_owned()),
        id,
        name: None,
        tags: SortedMap::new(),
        sources: vec![Source::Ec2],
        relations: Vec::new(),
        attributes: SortedMap::new(),
    }
}

pub trait ResExt: Sized {
    fn rel(self, kind: &str, arn: &str) -> Self;
    fn tag(self, key: &str, value: &str) -> Self;
    /// Sets the name and the `Name` tag.
    fn named(self, name: &str) -> Self;
    fn attr(self, key: &str, value: impl Into<serde_json::Value>) -> Self;
    fn global(self) -> Self;
    /// Moves the resource to `region` (its ARN is left as given).
    fn in_region(self, region: &str) -> Self;
    /// The one API that saw it.
    fn seen_by(self, source: Source) -> Self;
}

impl ResExt for Resource {
    fn rel(mut self, kind: &str, arn: &str) -> Self {
        self.relations.push(Relation::new(kind, arn));
        self.relations.sort();
        self
    }

    fn tag(mut self, key: &str, value: &str) -> Self {
        self.tags.insert(key.to_owned(), value.to_owned());
        self
    }

    fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self.tags.insert("Name".to_owned(), name.to_owned());
        self
    }

    fn attr(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.attributes.insert(key.to_owned(), value.into());
        self
    }

    fn global(mut self) -> Self {
        self.region = None;
        self
    }

    fn in_region(mut self, region: &str) -> Self {
        self.region = Some(region.to_owned());
        self
    }

    fn seen_by(mut self, source: Source) -> Self {
        self.sources = vec![source];
        self
    }
}

/// A bucket, named and global like the scanner writes it.
pub fn bucket(name: &str) -> Resource {
    let mut r = res(&format!("arn:aws:s3:::{name}"), "s3:bucket").global();
    r.name = Some(name.to_owned());
    r.sources = vec![Source::S3];
    r
}

pub fn inventory(mut resources: Vec<Resource>) -> Inventory {
    resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    Inventory {
        schema_version: crate::model::INVENTORY_SCHEMA_VERSION,
        tool_version: "test".to_owned(),
        scanned_at: "2026-01-01T00:00:00Z".to_owned(),
        account: Account {
            id: ACCOUNT_ID.to_owned(),
            alias: None,
            organization: Organization::standalone(),
            alternate_contacts: None,
        },
        regions: vec!["us-east-1".to_owned()],
        coverage: Vec::new(),
        resources,
    }
}
