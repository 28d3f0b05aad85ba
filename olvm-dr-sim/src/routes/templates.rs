//! `/templates`: listing with search (`name`, `status`, `cluster`, `datacenter`, `version`),
//! one template, its NICs and disk attachments (`follow` inlines them), and its other
//! sub-collections. The Blank template, which every Engine has and
//! every VM without a template references, is listed first and answers by its all-zero id.

use axum::http::Method;
use olvm_dr_core::engine::{Engine, HighAvailability, Id, Template, TemplateStatus, VmSettings};
use olvm_dr_core::xml::Scope;

use super::lookup::{Names, Need};
use super::{id, limit, query, scope, search, subcollections};
use crate::respond::{ApiError, Reply, list, one};
use crate::search::Value;
use crate::server::{ApiRequest, SiteServer};

pub(super) async fn route(st: &SiteServer, req: &ApiRequest, rest: &[&str]) -> Reply {
    let sc = scope("templates", &req.params);
    match (&req.method, rest) {
        (&Method::GET, []) => {
            let mut templates = vec![blank()];
            templates.extend(st.engine.templates().await?);
            let q = query(&req.params)?;
            let uses = |f: &str| q.as_ref().is_some_and(|q| q.uses(f));
            let need = Need {
                data_centers: uses("datacenter"),
                clusters: uses("datacenter") || uses("cluster"),
                ..Need::default()
            };
            let names = Names::load(st, need).await?;
            let templates = search(templates, &req.params, |t, field| match field {
                "name" => Some(Value::Text(t.name.clone())),
                "status" => Some(Value::Enum(t.status.as_str().to_owned())),
                "cluster" => Some(names.cluster(t.cluster)),
                "datacenter" => Some(names.dc(names.cluster_dc(t.cluster))),
                "version" => Some(Value::Num(i64::from(t.version_number))),
                _ => None,
            })?;
            Ok(list(&templates, &sc))
        }
        (&Method::GET, [t]) => Ok(one(&template(st, id(t)?).await?, &sc)),
        (&Method::GET, [t, "nics"]) => {
            let t = template(st, id(t)?).await?;
            let sc = Scope::new(format!("templates/{}/nics", t.id));
            Ok(list(&limit(t.nics, &req.params), &sc))
        }
        (&Method::GET, [t, "diskattachments"]) => {
            let t = template(st, id(t)?).await?;
            let sc = Scope::new(format!("templates/{}/diskattachments", t.id));
            Ok(list(&limit(t.disk_attachments, &req.params), &sc))
        }
        (&Method::GET, [t, sub]) => {
            let tag =
                subcollections::tag(subcollections::TEMPLATE, sub).ok_or(ApiError::NotFound)?;
            template(st, id(t)?).await?;
            Ok(subcollections::empty_listing(tag))
        }
        (_, [] | [_]) => super::not_allowed(),
        _ => Err(ApiError::NotFound),
    }
}

/// A template by id: Blank, or one the fake holds.
async fn template(st: &SiteServer, t: Id) -> Result<Template, ApiError> {
    if t == Id::NIL {
        return Ok(blank());
    }
    Ok(st.engine.template(t).await?)
}

/// The Blank template: created with the Engine's database (the all-zero `vm_static` row of
/// `packaging/dbscripts/data/01100_insert_vm_static.sql`, name `Blank`,
/// `template_status` 0 = OK, `vmt_guid` itself), in no cluster, the base of its own
/// version chain; 1024 MiB (`mem_size_mb`, `min_allocated_mem`), one CPU, OS `other`
/// (`os` 0), no time zone, described as `Blank template`; a server with one I/O thread since
/// the upgrades `04_04_0560_change_template_to_server.sql` and
/// `04_03_0240_iothreads_enabled_by_default.sql`.
fn blank() -> Template {
    let memory = 1024 << 20;
    Template {
        id: Id::NIL,
        name: "Blank".to_owned(),
        status: TemplateStatus::Ok,
        cluster: None,
        version_number: 1,
        base_template: Some(Id::NIL),
        memory,
        high_availability: HighAvailability::default(),
        settings: VmSettings {
            description: "Blank template".to_owned(),
            time_zone: None,
            ..VmSettings::for_memory(memory, 1)
        },
        nics: Vec::new(),
        disk_attachments: Vec::new(),
    }
}
