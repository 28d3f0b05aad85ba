//! A lab: two sites on loopback, files that validate, the control endpoint acting on the
//! shared world.

use olvm_dr_core::Site;
use olvm_dr_core::config::{DrConf, Passwords};
use olvm_dr_core::engine::Engine;
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::validate::{OfflineOptions, validate_offline_file};
use olvm_dr_sim::{ControlClient, Lab, LabOptions, LabState, WorldSize};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lab_writes_files_that_validate_and_answers_on_both_sites() {
    let dir = tempfile::tempdir().unwrap();
    let options = LabOptions {
        size: WorldSize::Medium,
        vms: Some(40),
        ..LabOptions::new(dir.path())
    };
    let lab = Lab::start(options).await.unwrap();
    let files = lab.files().clone();

    // The mapping validates offline with nothing to say: HTTPS URLs, and the lab's CA file
    // (which exists) for both sites.
    let findings = validate_offline_file(&files.mapping, &OfflineOptions::default()).unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    let text = std::fs::read_to_string(&files.mapping).unwrap();
    assert!(text.contains(&lab.api_url(Site::Secondary)));
    for d in &lab.world().facts().domains {
        assert!(
            text.contains(&d.name),
            "{} missing from the mapping",
            d.name
        );
    }

    // dr.conf points at the mapping and the passwords file, which holds both passwords.
    let (conf, diags) = DrConf::load(&files.dr_conf).unwrap();
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    assert_eq!(conf.failover.var_file.unwrap().value, files.mapping);
    let vault = conf.failover.vault.unwrap().value;
    assert_eq!(vault, files.passwords);
    let passwords = Passwords::load(&vault, None).unwrap();
    assert!(passwords.get(Site::Primary).is_some() && passwords.get(Site::Secondary).is_some());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files.passwords)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the passwords file is private");
    }

    // The state file tells where the lab runs.
    let state = LabState::load(dir.path()).unwrap();
    assert_eq!(state.api_urls.primary, lab.api_url(Site::Primary));
    assert_eq!(state.vms, 40);

    // Both Engines answer over HTTPS with the lab's credentials and CA.
    for site in Site::BOTH {
        let engine = RestEngine::connect(&lab.site_connection(site)).unwrap();
        let info = engine.api_info().await.unwrap();
        assert_eq!(info.version.major, 4);
        assert!(!engine.data_centers().await.unwrap().is_empty());
        engine.close().await.unwrap();
    }

    // Either control endpoint acts on the shared world.
    let control = ControlClient::new(lab.control_url(Site::Secondary));
    control
        .site_action(Site::Primary, "disaster")
        .await
        .unwrap();
    assert!(!lab.world().is_up(Site::Primary));
    let status = control.status().await.unwrap();
    assert_eq!(status["sites"]["primary"]["up"], false);
    assert_eq!(status["sites"]["secondary"]["up"], true);
    let primary = RestEngine::connect(&lab.site_connection(Site::Primary)).unwrap();
    // Dark: the connection is refused, which the client tells apart from any answer.
    assert_eq!(
        primary.api_info().await.unwrap_err().kind,
        olvm_dr_core::ErrorKind::Unreachable
    );
    control.site_action(Site::Primary, "recover").await.unwrap();
    assert!(lab.world().is_up(Site::Primary));
    let after = control.replication("stop", "all").await.unwrap();
    let pairs = after["replication"].as_array().unwrap();
    assert!(!pairs.is_empty() && pairs.iter().all(|p| p["running"] == false));
    let e = control.replication("explode", "all").await.unwrap_err();
    assert!(e.to_string().contains("unknown replication action"), "{e}");

    let connection = lab.site_connection(Site::Secondary);
    let host = lab
        .world()
        .dyn_engine(Site::Secondary)
        .hosts()
        .await
        .unwrap()
        .remove(0);
    lab.shutdown().await;
    assert!(
        !files.state.exists(),
        "the state file is removed on shutdown"
    );
    assert!(files.mapping.exists(), "the other files stay");
    // Stopped, nothing listens any more: neither the Engine's port nor the hosts' (even when
    // the world comes back to life).
    let engine = RestEngine::connect(&connection).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        engine.api_info().await.unwrap_err().kind,
        olvm_dr_core::ErrorKind::Unreachable
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(
        std::net::TcpStream::connect((host.address.as_str(), 54321)).is_err(),
        "{} still listens",
        host.address
    );
}

#[tokio::test]
async fn lab_hosts_listen_on_loopback_while_their_site_runs() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path())).await.unwrap();
    let hosts = lab.world().dyn_engine(Site::Primary).hosts().await.unwrap();
    assert!(!hosts.is_empty());
    let listens = |address: &str| std::net::TcpStream::connect((address, 54321)).is_ok();
    for h in &hosts {
        let ip: std::net::IpAddr = h.address.parse().unwrap();
        assert!(ip.is_loopback(), "{}", h.address);
        assert!(listens(&h.address), "{} listens while up", h.address);
    }
    lab.world().engine_outage(Site::Primary);
    assert!(
        hosts.iter().all(|h| listens(&h.address)),
        "an Engine outage leaves the hosts"
    );
    lab.world().disaster(Site::Primary);
    assert!(
        hosts.iter().all(|h| !listens(&h.address)),
        "a disaster stops them"
    );
    lab.world().recover(Site::Primary);
    assert!(
        hosts.iter().all(|h| listens(&h.address)),
        "back with the site"
    );
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_endpoint_ages_one_domain_s_ovf_store_on_one_site() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::start(LabOptions::new(dir.path())).await.unwrap();
    let world = lab.world().clone();
    let domain = world.facts().domains[0].clone();
    let before = world.ovf_store(Site::Primary, domain.id).unwrap();
    // Either site's endpoint: the site in the path decides whose store ages.
    let control = ControlClient::new(lab.control_url(Site::Secondary));
    let answer = control
        .age_ovf_store(Site::Primary, &domain.name, 90.0)
        .await
        .unwrap();
    let after = world.ovf_store(Site::Primary, domain.id).unwrap();
    assert_eq!(answer["domain"], domain.name.as_str());
    assert_eq!(
        answer["last_updated"],
        after.last_updated.as_deref().unwrap()
    );
    assert_ne!(before.last_updated, after.last_updated);
    assert_eq!((before.vms, before.templates), (after.vms, after.templates));
    // By id too.
    control
        .age_ovf_store(Site::Primary, &domain.id.to_string(), 1.0)
        .await
        .unwrap();

    let refused = |r: Result<serde_json::Value, olvm_dr_sim::ControlError>| match r {
        Err(olvm_dr_sim::ControlError::Refused {
            status, message, ..
        }) => (status, message),
        other => panic!("{other:?}"),
    };
    let (status, message) = refused(
        control
            .age_ovf_store(Site::Secondary, &domain.name, 5.0)
            .await,
    );
    assert_eq!(status, 409, "{message}");
    let (status, _) = refused(control.age_ovf_store(Site::Primary, "nope", 5.0).await);
    assert_eq!(status, 404);
    let (status, message) = refused(
        control
            .age_ovf_store(Site::Primary, &domain.name, -1.0)
            .await,
    );
    assert_eq!(status, 400, "{message}");
    lab.shutdown().await;
}
