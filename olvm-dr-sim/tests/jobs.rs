//! Jobs and correlation ids over HTTP: a monitored command's action answer links its job, the
//! job carries the request's correlation id (the REST client's step id), and `/jobs` finds it
//! by that id, with its two steps.

mod support;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, correlation};
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::xml::actions::ActionResult;
use reqwest::Method;

async fn token(server: &olvm_dr_sim::SimServer) -> String {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "password"),
            ("scope", "ovirt-app-api"),
            ("username", support::USER),
            ("password", support::PASSWORD),
        ])
        .finish();
    let r = support::http(server)
        .post(format!("{}/ovirt-engine/sso/oauth/token", server.origin()))
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    v["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_step_finds_its_jobs_by_its_correlation_id() {
    let world = WorldBuilder::small(3).build();
    let server = support::serve(&world, Site::Primary).await;
    let engine = support::client(&server);
    let facts = world.facts();
    let vm = facts.vms.iter().find(|v| !v.running).unwrap();

    // The REST client sends the step's correlation id with the command.
    let step = correlation::for_step("failover-primary-20260101T000000Z-abcdef", "start/vm");
    correlation::scope(&step, engine.start_vm(vm.id))
        .await
        .unwrap();

    let auth = format!("Bearer {}", token(&server).await);
    let http = support::http(&server);
    let get = |path: String| {
        http.request(Method::GET, format!("{}{path}", server.api_url()))
            .header("Authorization", &auth)
    };
    let body = get(format!("/jobs?search=correlation_id%3D{step}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body.matches("<job ").count(), 1, "{body}");
    assert!(
        body.contains(&format!(
            "<description>Launching VM {}</description>",
            vm.name
        )),
        "{body}"
    );
    assert!(body.contains("<status>finished</status>"), "{body}");

    // An action answer links its job; the job has its two steps.
    let r = http
        .post(format!("{}/vms/{}/stop", server.api_url(), vm.id))
        .header("Authorization", &auth)
        .header("Content-Type", "application/xml")
        .header("Correlation-Id", "stop-1")
        .body("<action/>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["correlation-id"], "stop-1");
    let answer = ActionResult::read(&r.text().await.unwrap()).unwrap();
    let job = answer.job.expect("the stop's job");
    assert_eq!(
        engine.job(job).await.unwrap().description,
        format!("Stopping VM {}", vm.name)
    );
    let steps = get(format!("/jobs/{job}/steps"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(steps.matches("<step ").count(), 2, "{steps}");
    assert!(steps.contains("<type>validating</type>") && steps.contains("<type>executing</type>"));

    // A refused command leaves no job.
    let r = http
        .post(format!("{}/vms/{}/stop", server.api_url(), vm.id))
        .header("Authorization", &auth)
        .header("Correlation-Id", "stop-2")
        .body("<action/>")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    let body = get("/jobs?search=correlation_id%3Dstop-2".to_owned())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.ends_with("<jobs/>"), "{body}");
}
