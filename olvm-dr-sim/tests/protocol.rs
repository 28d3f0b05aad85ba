//! The wire protocol as an Engine speaks it: SSO answers in both error shapes, empty 401 and
//! 404, content types, 201 with Location, delete answers, `async`, the version header,
//! correlation ids, search errors, and faults injected through the control endpoint.

mod support;

use olvm_dr_core::Site;
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::xml::fault::read_fault;
use olvm_dr_sim::ControlClient;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Api {
    http: Client,
    origin: String,
    token: String,
}

impl Api {
    async fn login(server: &olvm_dr_sim::SimServer) -> Self {
        let origin = server.origin();
        let http = support::http(server);
        let r = http
            .post(format!("{origin}/ovirt-engine/sso/oauth/token"))
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("grant_type", "password"),
                ("scope", "ovirt-app-api"),
                ("username", support::USER),
                ("password", support::PASSWORD),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/json");
        let v: Value = r.json_value().await;
        assert_eq!(v["token_type"], "bearer");
        Self {
            token: v["access_token"].as_str().unwrap().to_owned(),
            http,
            origin: origin.to_owned(),
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/ovirt-engine/api{path}", self.origin))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Version", "4")
            .header("Accept", "application/xml")
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.req(reqwest::Method::GET, path).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sso_answers_in_the_engines_shapes() {
    let world = WorldBuilder::small(3).build();
    let server = support::serve(&world, Site::Primary).await;
    let http = support::http(&server);
    let token = |accept: &'static str, pairs: Vec<(&'static str, &'static str)>| {
        http.post(format!("{}/ovirt-engine/sso/oauth/token", server.origin()))
            .header("Accept", accept)
            .body(form(&pairs))
            .send()
    };
    let api = vec![
        ("grant_type", "password"),
        ("scope", "ovirt-app-api"),
        ("username", support::USER),
        ("password", "wrong"),
    ];
    let r = token("application/json", api.clone()).await.unwrap();
    assert_eq!(r.status(), 400);
    let v = r.json_value().await;
    assert_eq!(v["error_code"], "access_denied");
    assert!(!v.to_string().contains("wrong"));
    let r = token("application/xml", api).await.unwrap();
    assert_eq!(
        r.json_value().await["error"],
        "Missing parameter: 'Accept Header'"
    );
    let portal = vec![("grant_type", "password"), ("scope", "ovirt-app-portal")];
    let v = token("application/json", portal)
        .await
        .unwrap()
        .json_value()
        .await;
    assert_eq!(v["error"], "invalid_scope", "{v}");
    assert!(
        v["error_description"]
            .as_str()
            .unwrap()
            .contains("ovirt-app-portal")
    );
    // Logout of an unknown token is not an error.
    let r = http
        .post(format!(
            "{}/ovirt-engine/services/sso-logout",
            server.origin()
        ))
        .body(form(&[("scope", "ovirt-app-api"), ("token", "nope")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json_value().await, json!({}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_bodies_and_headers() {
    let world = WorldBuilder::small(3).build();
    let server = support::serve(&world, Site::Primary).await;
    let api = Api::login(&server).await;
    let dc = world.facts().primary.data_centers[0].clone();

    // No token: empty 401 with a challenge.
    let r = support::http(&server)
        .get(server.api_url())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    assert!(r.text().await.unwrap().is_empty());

    // Unknown ids, malformed ids and unknown paths: empty 404.
    for path in [
        "/vms/0bad0bad-0bad-4bad-8bad-0bad0bad0bad",
        "/vms/nope",
        "/frobnicators",
    ] {
        let (status, body) = api.get(path).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::NOT_FOUND, ""),
            "{path}"
        );
    }
    // An unsupported version is a bare 400.
    let r = support::http(&server)
        .get(format!("{}/datacenters", server.api_url()))
        .header("Authorization", format!("Bearer {}", api.token))
        .header("Version", "3")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // XML with the Engine's content type and absolute hrefs; the version in the path.
    let r = api
        .req(reqwest::Method::GET, &format!("/v4/datacenters/{}", dc.id))
        .header("Correlation-Id", "abc-123!!")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    assert_eq!(r.headers()["correlation-id"], "abc-123");
    let body = r.text().await.unwrap();
    assert!(body.contains(&format!("href=\"/ovirt-engine/api/datacenters/{}\"", dc.id)));

    // `+` is a space; a quoted name; parameters in any order.
    let q = format!("max=5&search=name%3D%22{}%22+and+status%3Dup", dc.name);
    let (status, body) = api.get(&format!("/datacenters?{q}")).await;
    assert_eq!(status, 200);
    assert_eq!(body.matches("<data_center ").count(), 1, "{body}");

    // A search the Engine cannot parse: 400 with the syntax error's name.
    let (status, body) = api.get("/vms?search=name%3Da+and").await;
    assert_eq!(status, 400);
    assert_eq!(
        read_fault(&body).unwrap().detail,
        "[INVALID_POST_OR_AND_PHRASE]"
    );

    // A path the Engine has and the fake does not model: 501 with a fault saying so.
    let sd = world.facts().domains[0].id;
    let (status, body) = api.get(&format!("/storagedomains/{sd}/templates")).await;
    assert_eq!(status, 501);
    assert!(read_fault(&body).unwrap().detail.contains("olvm-dr-sim"));

    // DELETE: a refusal is a plain fault; a removal answers a complete action, or with
    // `async=true` 202 and no body while it runs in the background.
    let facts = world.facts();
    let running = facts.vms.iter().find(|v| v.running).unwrap().id;
    let r = api
        .req(reqwest::Method::DELETE, &format!("/vms/{running}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let fault = read_fault(&r.text().await.unwrap()).unwrap();
    assert_eq!(fault.detail, "[Cannot remove VM. VM is running.]");
    let mut down = facts.vms.iter().filter(|v| !v.running).map(|v| v.id);
    let (first, second) = (down.next().unwrap(), down.next().unwrap());
    let r = api
        .req(reqwest::Method::DELETE, &format!("/vms/{first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("<status>complete</status>")
    );
    let r = api
        .req(
            reqwest::Method::DELETE,
            &format!("/vms/{second}?async=true"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert!(r.text().await.unwrap().is_empty());
    let mut gone = false;
    for _ in 0..100 {
        if api.get(&format!("/vms/{second}")).await.0 == 404 {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(gone, "the background removal finished");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_faults_and_latency_through_the_control_endpoint() {
    let world = WorldBuilder::small(3).build();
    let server = support::serve(&world, Site::Secondary).await;
    let api = Api::login(&server).await;
    let control = ControlClient::new(server.control_url());
    control
        .inject(
            Site::Secondary,
            json!({"fail_next": {"operation": "data_centers", "calls": 1, "status": 409,
                   "detail": "[Cannot do it. Related operation is currently in progress. Please try again later.]"}}),
        )
        .await
        .unwrap();
    let (status, body) = api.get("/datacenters").await;
    assert_eq!(status, 409);
    assert!(
        read_fault(&body)
            .unwrap()
            .detail
            .starts_with("[Cannot do it.")
    );
    assert_eq!(
        api.get("/datacenters").await.0,
        200,
        "only the next call fails"
    );

    // A failed action is an <action> holding the fault.
    let vm = world.facts().vms[0].id;
    control
        .inject(
            Site::Secondary,
            json!({"fail_next": {"operation": "start_vm", "status": 409, "detail": "[x]"}}),
        )
        .await
        .unwrap();
    let r = api
        .req(reqwest::Method::POST, &format!("/vms/{vm}/start"))
        .header("Content-Type", "application/xml")
        .body("<action/>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("<action>") && body.contains("<status>failed</status>"),
        "{body}"
    );

    let e = control
        .inject(
            Site::Secondary,
            json!({"fail_next": {"operation": "nope", "status": 409}}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not an Engine operation"), "{e}");
    control
        .set_latency(Site::Secondary, "realistic")
        .await
        .unwrap();
    let t = std::time::Instant::now();
    assert_eq!(api.get("/datacenters").await.0, 200);
    assert!(
        t.elapsed() >= std::time::Duration::from_millis(50),
        "realistic reads take 50 ms"
    );
    control
        .set_latency(Site::Secondary, "instant")
        .await
        .unwrap();
    assert!(
        control
            .set_latency(Site::Secondary, "ludicrous")
            .await
            .is_err()
    );

    // The site goes dark: nothing listens on its port any more (the control endpoint, on a
    // port of its own, still answers).
    control
        .site_action(Site::Secondary, "disaster")
        .await
        .unwrap();
    let dark = api
        .req(reqwest::Method::GET, "/datacenters")
        .send()
        .await
        .unwrap_err();
    assert!(dark.is_connect(), "{dark:?}");
    control
        .site_action(Site::Secondary, "recover")
        .await
        .unwrap();
    assert_eq!(api.get("/datacenters").await.0, 200);
}
