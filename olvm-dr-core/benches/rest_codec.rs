//! REST client costs: reading and writing a 10 000-VM listing (with the content
//! `follow=disk_attachments.disk,nics,snapshots` inlines), and simple GETs through the whole
//! client (SSO token, headers, request limit, XML reading) against an in-process server on
//! loopback.

#[path = "../tests/rest_support/mod.rs"]
mod rest_support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use olvm_dr_core::engine::{Engine, HighAvailability, Id, Nic, Vm, VmSettings, VmStatus};
use olvm_dr_core::xml::{Follow, Scope, read_list, write_list};
use rest_support::Reply;

const VMS: usize = 10_000;

fn listing() -> Vec<Vm> {
    (0..VMS as u128)
        .map(|n| Vm {
            id: Id::from_u128(0x1000_0000 + n),
            name: format!("vm-{n:05}"),
            status: if n % 3 == 0 {
                VmStatus::Down
            } else {
                VmStatus::Up
            },
            cluster: Some(Id::from_u128(1 + n % 4)),
            host: Some(Id::from_u128(100 + n % 32)),
            template: Some(Id::NIL),
            high_availability: HighAvailability {
                enabled: n % 5 == 0,
                priority: 1,
            },
            delete_protected: false,
            snapshot_in_preview: n % 97 == 0,
            memory: 4 << 30,
            vcpus: 4,
            origin: "ovirt".into(),
            nics: (0..2)
                .map(|i| Nic {
                    id: Id::from_u128(0x2000_0000 + n * 2 + i),
                    name: format!("nic{}", i + 1),
                    mac: Some(format!(
                        "56:6f:1a:{:02x}:{:02x}:{i:02x}",
                        (n >> 8) & 0xff,
                        n & 0xff
                    )),
                    vnic_profile: Some(Id::from_u128(0x300 + i)),
                    plugged: true,
                })
                .collect(),
            storage_domains: vec![Id::from_u128(0xa0 + n % 8)],
            luns: if n % 50 == 0 {
                vec![format!("36001405{n:024x}")]
            } else {
                vec![]
            },
            settings: VmSettings::for_memory(4 << 30, 4),
            disk_attachments: Vec::new(),
        })
        .collect()
}

fn codec(c: &mut Criterion) {
    let vms = listing();
    let scope =
        Scope::new("vms").with_follow(Follow::parse("disk_attachments.disk,nics,snapshots"));
    let text = write_list(&vms, &scope);
    println!(
        "10 000-VM listing: {:.1} MiB of XML",
        text.len() as f64 / (1 << 20) as f64
    );
    let mut group = c.benchmark_group("codec");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("read 10000 vms", |b| {
        b.iter(|| read_list::<Vm>(black_box(&text)).unwrap())
    });
    group.bench_function("write 10000 vms", |b| {
        b.iter(|| write_list(black_box(&vms), &scope))
    });
    group.finish();
}

fn client(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (server, engine) = rt.block_on(async {
        let server = rest_support::start().await;
        let body = r#"<api><product_info><name>oVirt Engine</name><vendor>ovirt.org</vendor>
            <version><build>6</build><full_version>4.5.6-1.el9</full_version><major>4</major><minor>5</minor><revision>0</revision></version>
            </product_info></api>"#;
        server.engine.respond(move |_| Reply::ok(body));
        let engine = server.client();
        engine.api_info().await.unwrap();
        (server, engine)
    });
    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sequential GET", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(engine.api_info().await.unwrap());
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("concurrent GETs (16 in flight)", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                let mut tasks = tokio::task::JoinSet::new();
                for _ in 0..iters {
                    let engine = engine.clone();
                    tasks.spawn(async move { engine.api_info().await.unwrap() });
                }
                while let Some(r) = tasks.join_next().await {
                    black_box(r.unwrap());
                }
                start.elapsed()
            })
        })
    });
    group.finish();
    // The recorded requests are not needed; keep the server alive until the end.
    server.engine.seen.lock().unwrap().clear();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = codec, client
}
criterion_main!(benches);
