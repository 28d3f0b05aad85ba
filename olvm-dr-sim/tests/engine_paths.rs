//! Paths a real Engine serves beyond what the DR flows need: the sub-collections the API model
//! defines (empty where the fake has nothing), the Blank template, affinity group members,
//! and unknown paths (an empty 404, as RESTEasy answers a path no resource matches).

mod support;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, Id};
use olvm_dr_core::fake::WorldBuilder;
use reqwest::{Client, StatusCode};

/// A logged-in XML client of one server.
struct Api {
    http: Client,
    base: String,
    token: String,
}

impl Api {
    async fn login(server: &olvm_dr_sim::SimServer) -> Self {
        let origin = server.origin();
        let http = support::http(server);
        let body = format!(
            "grant_type=password&scope=ovirt-app-api&username={}&password={}",
            form(support::USER),
            form(support::PASSWORD)
        );
        let r = http
            .post(format!("{origin}/ovirt-engine/sso/oauth/token"))
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        Self {
            token: v["access_token"].as_str().unwrap().to_owned(),
            http,
            base: format!("{origin}/ovirt-engine/api"),
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Version", "4")
            .header("Accept", "application/xml")
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

fn form(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_collections_answer_empty_listings_below_existing_owners() {
    let world = WorldBuilder::small(3).build();
    let server = support::serve(&world, Site::Primary).await;
    let api = Api::login(&server).await;
    let engine = support::client(&server);
    let vm = engine.vms(&Default::default()).await.unwrap()[0].id;
    let host = engine.hosts().await.unwrap()[0].id;
    let cluster = engine.clusters().await.unwrap()[0].id;
    let dc = engine.data_centers().await.unwrap()[0].id;
    let sd = engine.storage_domains().await.unwrap()[0].id;
    let cases = [
        (format!("/vms/{vm}/numanodes"), "vm_numa_nodes"),
        (format!("/vms/{vm}/permissions"), "permissions"),
        (format!("/vms/{vm}/tags"), "tags"),
        (format!("/vms/{vm}/mediateddevices"), "vm_mediated_devices"),
        (format!("/templates/{}/nics", Id::NIL), "nics"),
        (format!("/hosts/{host}/numanodes"), "host_numa_nodes"),
        (format!("/hosts/{host}/fenceagents"), "agents"),
        (
            format!("/clusters/{cluster}/enabledfeatures"),
            "cluster_features",
        ),
        (format!("/datacenters/{dc}/qoss"), "qoss"),
        (
            format!("/storagedomains/{sd}/diskprofiles"),
            "disk_profiles",
        ),
    ];
    for (path, tag) in &cases {
        let (status, body) = api.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(
            body.trim_end().ends_with(&format!("<{tag}/>")),
            "{path}: {body}"
        );
    }
    // Below an unknown owner, an unknown sub-collection, a member of an empty one, an
    // unknown top-level collection: empty 404 (no resource matches; RESTEasy's
    // NotFoundException has no mapper in `BackendApplication`).
    let unknown = "0bad0bad-0bad-4bad-8bad-0bad0bad0bad";
    for path in [
        format!("/vms/{unknown}/numanodes"),
        format!("/hosts/{unknown}/nics"),
        format!("/vms/{vm}/frobnicators"),
        format!("/vms/{vm}/numanodes/{unknown}"),
        "/frobnicators".to_owned(),
    ] {
        let (status, body) = api.get(&path).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::NOT_FOUND, ""),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blank_template_is_listed_first_and_answers_by_its_id() {
    let world = WorldBuilder::small(3).build();
    let server = support::serve(&world, Site::Primary).await;
    let api = Api::login(&server).await;
    let (status, body) = api.get(&format!("/templates/{}", Id::NIL)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<name>Blank</name>"), "{body}");
    let (_, listing) = api.get("/templates").await;
    let first = listing.find("<template ").unwrap();
    assert!(listing[first..].starts_with(&format!(
        "<template href=\"/ovirt-engine/api/templates/{0}\" id=\"{0}\"",
        Id::NIL
    )));
    let (_, found) = api.get("/templates?search=name%3Dblank").await;
    assert_eq!(found.matches("<template ").count(), 1, "{found}");
    // The REST client's view leaves Blank out, as it does against a real Engine.
    let engine = support::client(&server);
    assert!(
        engine
            .templates()
            .await
            .unwrap()
            .iter()
            .all(|t| t.id != Id::NIL)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn affinity_group_members_are_its_vms_and_hosts() {
    let world = WorldBuilder::small(3).build();
    let server = support::serve(&world, Site::Primary).await;
    let api = Api::login(&server).await;
    let engine = support::client(&server);
    let mut checked = 0;
    for c in engine.clusters().await.unwrap() {
        for g in engine.affinity_groups(c.id).await.unwrap() {
            let base = format!("/clusters/{}/affinitygroups/{}", c.id, g.id);
            let (status, body) = api.get(&format!("{base}/vms")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body.matches("<vm ").count(), g.vms.len(), "{body}");
            for vm in &g.vms {
                assert!(body.contains(&format!("id=\"{vm}\"")), "{vm}: {body}");
            }
            let (status, body) = api.get(&format!("{base}/hosts")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body.matches("<host ").count(), g.hosts.len(), "{body}");
            checked += usize::from(!g.vms.is_empty());
        }
    }
    assert!(checked > 0, "the small world has affinity groups with VMs");
}
