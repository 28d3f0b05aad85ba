//! `olvm-dr generate` and `olvm-dr validate` (online) end to end, in process, against a fake
//! two-site world reached through `run_with` (the command's seam for how Engines are reached).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use olvm_dr_core::fake::{DiskSpec, VmSpec, World, WorldBuilder};
use olvm_dr_core::generate::complete_for_world;
use olvm_dr_core::mapping::Mapping;
use olvm_dr_core::{Engine, Site, SiteConnection};

const PRIMARY_URL: &str = "https://engine.primary.example/ovirt-engine/api";
const SECONDARY_URL: &str = "https://engine.secondary.example/ovirt-engine/api";
const PASSWORD: &str = "fake-site-password-never-written";

/// A scratch directory with a CA file and the password files.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        // A real certificate: offline validation parses the CA file (the fake never uses it).
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../olvm-dr-core/tests/fixtures/mapping/ca.pem"
            ),
            dir.path().join("ca.pem"),
        )
        .unwrap();
        std::fs::write(dir.path().join("password"), format!("{PASSWORD}\n")).unwrap();
        std::fs::write(
            dir.path().join("passwords.yml"),
            format!(
                "dr_sites_primary_password: {PASSWORD}\ndr_sites_secondary_password: {PASSWORD}\n"
            ),
        )
        .unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

/// Runs the command with the world's Engines; records what each connection asked for.
fn run(world: &World, seen: &Mutex<Vec<SiteConnection>>, args: &[String]) -> ExitCode {
    let world = world.clone();
    let connect = move |site: Site, c: &SiteConnection| -> Result<Arc<dyn Engine>, String> {
        seen.lock().unwrap().push(c.clone());
        let expected = match site {
            Site::Primary => PRIMARY_URL,
            Site::Secondary => SECONDARY_URL,
        };
        if c.url != expected {
            return Err(format!("unexpected URL {}", c.url));
        }
        Ok(world.dyn_engine(site))
    };
    let mut all = vec!["olvm-dr".to_owned()];
    all.extend(args.iter().cloned());
    olvm_dr_cli::run_with(all, &connect)
}

fn generate_args(s: &Scratch, out: &Path, secondary: bool) -> Vec<String> {
    let mut a: Vec<String> = [
        "generate",
        "--site",
        PRIMARY_URL,
        "--username",
        "admin@internal",
        "--ca-file",
        &s.s("ca.pem"),
        "--password-file",
        &s.s("password"),
        "--output-file",
        &out.display().to_string(),
        // The sites' hosts are recorded here, not in the user's data directory.
        "--state-dir",
        &s.s("state"),
    ]
    .map(String::from)
    .to_vec();
    if secondary {
        a.extend(
            [
                "--secondary",
                SECONDARY_URL,
                "--secondary-ca-file",
                &s.s("ca.pem"),
                "--secondary-password-file",
                &s.s("password"),
            ]
            .map(String::from),
        );
    }
    a
}

#[test]
fn generate_writes_a_file_that_loads_back_and_never_holds_the_password() {
    let world = WorldBuilder::small(7).build();
    let s = Scratch::new();
    let out = s.path("out/vars.yml");
    let seen = Mutex::new(Vec::new());
    assert_eq!(
        run(&world, &seen, &generate_args(&s, &out, false)),
        ExitCode::from(0)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains(PASSWORD));
    assert!(text.contains(&format!("dr_sites_primary_ca_file: {}", s.s("ca.pem"))));
    let loaded = Mapping::from_str(&text, None);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].password.expose(),
        PASSWORD,
        "the password file was used"
    );
    assert!(!format!("{:?}", seen[0]).contains(PASSWORD));
    // Not again without --force.
    let seen = Mutex::new(Vec::new());
    assert_eq!(
        run(&world, &seen, &generate_args(&s, &out, false)),
        ExitCode::from(2)
    );
    assert!(seen.lock().unwrap().is_empty(), "refused before connecting");
    let mut forced = generate_args(&s, &out, false);
    forced.push("--force".into());
    assert_eq!(run(&world, &seen, &forced), ExitCode::from(0));
}

#[test]
fn generate_with_secondary_then_validate_online_is_clean_and_fails_when_a_site_is_down() {
    let world = WorldBuilder::small(7).build();
    let s = Scratch::new();
    let out = s.path("vars.yml");
    let seen = Mutex::new(Vec::new());
    assert_eq!(
        run(&world, &seen, &generate_args(&s, &out, true)),
        ExitCode::from(0)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("# Pre-filled from the secondary site"));
    // generate recorded both sites' hosts for the split-brain guard of a later failover.
    let known = std::fs::read_to_string(s.path("state").join("known-hosts.json")).unwrap();
    let known: serde_json::Value = serde_json::from_str(&known).unwrap();
    assert!(
        known["primary"].as_array().is_some_and(|h| !h.is_empty())
            && known["secondary"].as_array().is_some_and(|h| !h.is_empty()),
        "{known}"
    );
    // ... and the primary's VMs, for a failover that finds the primary dark.
    let record =
        std::fs::read_to_string(s.path("state").join("source-record-primary.json")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(
        record["vms"].as_object().map(serde_json::Map::len),
        Some(world.facts().vms.len()),
        "{record}"
    );
    assert!(text.contains(&format!("dr_sites_secondary_url: {SECONDARY_URL}")));
    // The administrator fills in the true differences.
    let mut m = Mapping::from_str(&text, None).mapping.unwrap();
    let rt = tokio_rt();
    rt.block_on(complete_for_world(&mut m, &world)).unwrap();
    std::fs::write(&out, m.to_yaml()).unwrap();
    let validate = |extra: &[&str]| {
        let mut a: Vec<String> = [
            "validate",
            "--passwords",
            &s.s("passwords.yml"),
            "--state-dir",
            &s.s("state"),
        ]
        .map(String::from)
        .to_vec();
        a.extend(extra.iter().map(|x| (*x).to_owned()));
        a.push(out.display().to_string());
        a
    };
    let seen = Mutex::new(Vec::new());
    assert_eq!(run(&world, &seen, &validate(&[])), ExitCode::from(0));
    assert_eq!(seen.lock().unwrap().len(), 2, "both sites were reached");
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|c| c.password.expose() == PASSWORD)
    );
    // Offline needs no Engine.
    let seen = Mutex::new(Vec::new());
    assert_eq!(
        run(&world, &seen, &validate(&["--offline"])),
        ExitCode::from(0)
    );
    assert!(seen.lock().unwrap().is_empty());
    // The primary goes dark: invalid, unless the source may be down.
    world.disaster(Site::Primary);
    assert_eq!(run(&world, &seen, &validate(&[])), ExitCode::from(1));
    assert_eq!(
        run(&world, &seen, &validate(&["--source-may-be-down"])),
        ExitCode::from(0)
    );
    // Failing back to the dead primary: the target cannot be read.
    assert_eq!(
        run(&world, &seen, &validate(&["--target", "primary"])),
        ExitCode::from(1)
    );
}

#[test]
fn vm_disks_on_the_hosted_engine_domain_stop_generate_unless_skipped() {
    let world = WorldBuilder::small(7).build();
    let (he, _) = world.facts().hosted_engine.clone().unwrap();
    let cluster = world.facts().primary.clusters[0].id;
    world.setup(|s| {
        let mut spec = VmSpec::new("misplaced", cluster);
        spec.disks = vec![DiskSpec {
            alias: "misplaced-disk1".into(),
            domains: vec![he.id],
        }];
        s.add_vm(Site::Primary, spec);
    });
    let s = Scratch::new();
    let out = s.path("vars.yml");
    let seen = Mutex::new(Vec::new());
    assert_eq!(
        run(&world, &seen, &generate_args(&s, &out, false)),
        ExitCode::from(1)
    );
    assert!(!out.exists(), "no file written");
    let mut skip = generate_args(&s, &out, false);
    skip.push("--skip-hosted-engine-disks".into());
    assert_eq!(run(&world, &seen, &skip), ExitCode::from(0));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("#   VM 'misplaced': disk 'misplaced-disk1' on 'hosted_storage'"));
}

#[test]
fn an_unreadable_primary_is_a_failure_and_writes_nothing() {
    let world = WorldBuilder::small(7).build();
    world.disaster(Site::Primary);
    let s = Scratch::new();
    let out = s.path("vars.yml");
    let seen = Mutex::new(Vec::new());
    assert_eq!(
        run(&world, &seen, &generate_args(&s, &out, false)),
        ExitCode::from(1)
    );
    assert!(!out.exists());
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
