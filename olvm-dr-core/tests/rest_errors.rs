//! Engine answers → error kinds: both fault shapes, empty bodies, proxies' HTML, bodies that
//! do not have the expected shape.
#![cfg(feature = "rest")]

mod rest_support;

use olvm_dr_core::engine::{Engine, ErrorKind, RemoveStorageDomain};
use rest_support::{Reply, assert_no_password, id, start};

#[tokio::test]
async fn faults_map_to_kinds_with_status_target_and_text() {
    let server = start().await;
    let engine = server.client();
    let cases: Vec<(Reply, ErrorKind)> = vec![
        (
            Reply::fault(
                409,
                "[Cannot detach Storage. The relevant Storage Domain's status is Active.]",
            ),
            ErrorKind::InvalidState,
        ),
        (
            Reply::fault(
                409,
                "[Cannot deactivate Storage. Related operation is currently in progress. Please try again later.]",
            ),
            ErrorKind::Locked,
        ),
        (
            Reply::fault(
                409,
                "[Cannot add Storage. The Storage Domain already exists.]",
            ),
            ErrorKind::Conflict,
        ),
        (
            Reply::fault(400, "[Cannot acquire host id]"),
            ErrorKind::LeaseHeld,
        ),
        (
            Reply::fault(
                400,
                "[Cannot import VM. The relevant Template doesn't exist.]",
            ),
            ErrorKind::BadRequest,
        ),
        (
            Reply::fault(403, "[User is not authorized to perform this action.]"),
            ErrorKind::Forbidden,
        ),
        (
            Reply::fault(500, "[Internal Engine Error]"),
            ErrorKind::Internal,
        ),
        (Reply::empty(404), ErrorKind::NotFound),
        (Reply::html(503), ErrorKind::Unavailable),
        (Reply::html(502), ErrorKind::Unavailable),
    ];
    for (reply, kind) in cases {
        let detail = reply.body.clone();
        server.engine.respond(move |_| reply.clone());
        let e = engine
            .detach_storage_domain(id(0xd1), id(0xa1))
            .await
            .unwrap_err();
        assert_eq!(e.kind, kind, "{detail}");
        assert_eq!(e.operation, "detach_storage_domain");
        let target = e.target.as_deref().unwrap();
        assert!(
            target.contains("00000000-0000-0000-0000-0000000000a1"),
            "{target}"
        );
        assert!(e.http_status.is_some());
        if detail.starts_with("<fault>") {
            let fault = e.fault.as_ref().unwrap();
            assert_eq!(fault.reason, "Operation Failed");
            assert!(detail.contains(&fault.detail), "{detail}");
        } else {
            assert!(e.fault.is_none());
        }
    }
}

#[tokio::test]
async fn a_failed_action_is_an_error_in_both_statuses() {
    let server = start().await;
    let engine = server.client();
    let failed = "<action><fault><reason>Operation Failed</reason><detail>[Import VM failed - VM Name already exists in the Data Center. Please rename the VM in the Data Center first]</detail></fault><status>failed</status></action>";
    server.engine.respond(move |_| Reply::xml(409, failed));
    let e = engine
        .register_vm(id(0xa1), id(0xc1), &Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(e.detail().starts_with("[Import VM failed"));

    // Some failures come back as 200 with a failed action: still an error.
    server.engine.respond(move |_| Reply::ok(failed));
    let e = engine
        .register_vm(id(0xa1), id(0xc1), &Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert_eq!(e.http_status, Some(200));

    let lease = "<action><fault><reason>Operation Failed</reason><detail>[Cannot acquire host id]</detail></fault><status>failed</status></action>";
    server.engine.respond(move |_| Reply::xml(400, lease));
    let e = engine
        .activate_storage_domain(id(0xd1), id(0xa1))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::LeaseHeld);
    assert!(e.is_retryable());
}

#[tokio::test]
async fn success_statuses_and_bodies() {
    let server = start().await;
    let engine = server.client();
    // DELETE: 200 with an action body, or 204.
    server.engine.respond(|_| Reply::complete());
    engine.remove_vm(id(1)).await.unwrap();
    server.engine.respond(|_| Reply::empty(204));
    engine.remove_disk(id(2)).await.unwrap();
    // An action accepted for background work (202) is done once its job finishes, and fails
    // with the job's text when the job fails.
    let accepted = |status: &'static str| {
        move |seen: &rest_support::Seen| {
            if seen.method == "GET" {
                Reply::xml(
                    200,
                    format!(
                        r#"<job href="/ovirt-engine/api/jobs/00000000-0000-0000-0000-000000000707" id="00000000-0000-0000-0000-000000000707"><description>Updating OVFs for Storage Domain sd1 in Data Center dc1</description><status>{status}</status></job>"#
                    ),
                )
            } else {
                Reply::xml(
                    202,
                    r#"<action><async>true</async><job id="00000000-0000-0000-0000-000000000707"/><status>in_progress</status></action>"#,
                )
            }
        }
    };
    server.engine.respond(accepted("finished"));
    assert_eq!(
        engine.update_ovf_store(id(3)).await.unwrap(),
        Some(id(0x707))
    );
    server.engine.respond(accepted("failed"));
    let e = engine.update_ovf_store(id(3)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert!(
        e.to_string()
            .contains("'Updating OVFs for Storage Domain sd1 in Data Center dc1') ended failed"),
        "{e}"
    );
    server.engine.respond(|_| Reply::complete());
    assert_eq!(engine.update_ovf_store(id(3)).await.unwrap(), None);
    engine
        .remove_storage_domain(id(3), RemoveStorageDomain::Destroy)
        .await
        .unwrap();
}

#[tokio::test]
async fn unexpected_bodies_are_protocol_errors_naming_the_element() {
    let server = start().await;
    let engine = server.client();
    server.engine.respond(|_| {
        Reply::ok(
            r#"<vms><vm id="00000000-0000-0000-0000-0000000000c1"><status>up</status></vm></vms>"#,
        )
    });
    let e = engine.vms(&Default::default()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.to_string().contains("vms/vm[0]/name"), "{e}");

    server
        .engine
        .respond(|_| Reply::ok("<fault><reason>x</reason></fault>"));
    let e = engine.data_centers().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(
        e.to_string().contains("expected a <data_centers> document"),
        "{e}"
    );

    server.engine.respond(|_| Reply::html(200));
    let e = engine.data_centers().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.to_string().contains("'text/html' is not XML"), "{e}");

    server.engine.respond(|_| Reply::empty(200));
    let e = engine.data_centers().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);

    server
        .engine
        .respond(|_| Reply::ok("<data_centers><data_center>"));
    let e = engine.data_centers().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);

    server.engine.respond(|_| Reply::empty(302));
    let e = engine.data_centers().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.to_string().contains("redirects"), "{e}");
    assert_no_password(&format!("{e:?}"));
}

#[tokio::test]
async fn a_named_reference_not_found_is_not_found() {
    let server = start().await;
    let engine = server.client();
    server.engine.respond(|_| {
        Reply::xml(404, "<fault><detail>Entity not found: Cluster: name=nope</detail><reason>Operation Failed</reason></fault>")
    });
    let e = engine
        .register_vm(id(0xa1), id(0xc1), &Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.detail(), "Entity not found: Cluster: name=nope");
}
