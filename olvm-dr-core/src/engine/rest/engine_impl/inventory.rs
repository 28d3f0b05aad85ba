//! The API root, hosts' LUNs, affinity and jobs.

use super::super::RestEngine;
use super::super::errors::Call;
use super::super::search::encode_query;
use crate::engine::{AffinityGroup, AffinityLabel, ApiInfo, EngineResult, HostLun, Id, Job};
use crate::xml::read_api;

impl RestEngine {
    pub(super) async fn get_api_info(&self) -> EngineResult<ApiInfo> {
        let call = Call::new("api_info");
        let body = self.transport.get(&call, "", "").await?;
        read_api(&body).map_err(|e| call.protocol(200, &e))
    }

    /// All LUNs the host sees, with their status (the Engine's default `report_status=true`:
    /// the DR flows need to know which LUNs carry a domain).
    pub(super) async fn get_host_luns(&self, host: Id) -> EngineResult<Vec<HostLun>> {
        let call = Call::new("host_luns").on(format!("host {host}"));
        self.list(&call, &format!("hosts/{host}/storage"), "").await
    }

    pub(super) async fn get_affinity_groups(
        &self,
        cluster: Id,
    ) -> EngineResult<Vec<AffinityGroup>> {
        let call = Call::new("affinity_groups").on(format!("cluster {cluster}"));
        self.list(&call, &format!("clusters/{cluster}/affinitygroups"), "")
            .await
    }

    /// Labels with their members inlined: the Engine only links a label's VMs and hosts
    /// unless asked to follow them.
    pub(super) async fn get_affinity_labels(&self) -> EngineResult<Vec<AffinityLabel>> {
        let call = Call::new("affinity_labels");
        let query = encode_query(&[("follow", "hosts,vms")]);
        self.list(&call, "affinitylabels", &query).await
    }

    pub(super) async fn get_job(&self, id: Id) -> EngineResult<Job> {
        let call = Call::new("job").on(format!("job {id}"));
        self.one(&call, &format!("jobs/{id}"), "").await
    }
}
