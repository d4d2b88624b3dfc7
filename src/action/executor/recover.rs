//! After a containment step failed: no interface may stay on the all-open group.

use super::Executor;
use super::check::contain_groups;
use crate::action::plan::{Before, GroupRole, Plan};
use std::collections::HashMap;

impl Executor {
    /// After a containment step failed: no interface may stay on the all-open group. Each
    /// one there moves on to the isolation group, else back to its own groups; then the
    /// temporary group goes. Says what was done, in words.
    pub(super) async fn recover(
        &self,
        plan: &Plan,
        groups: &HashMap<String, String>,
        _incident: &str,
    ) -> String {
        let Before::Interfaces { interfaces } = &plan.before else {
            return String::new();
        };
        let temporary = contain_groups(plan, GroupRole::Temporary);
        let isolation = contain_groups(plan, GroupRole::Isolation);
        let mut said = Vec::new();
        for i in interfaces {
            let Some((temp_name, _)) = temporary.iter().find(|(_, v)| *v == i.vpc_id) else {
                continue;
            };
            let Some(temp_id) = groups.get(temp_name) else {
                continue;
            };
            let on_temp = match self.cloud.read_interfaces(&i.interface_id).await {
                Ok(now) => now.iter().any(|n| n.groups.contains(temp_id)),
                // Cannot tell: act as if it were, moving it somewhere safe is harmless.
                Err(_) => true,
            };
            if !on_temp {
                continue;
            }
            let iso = match isolation.iter().find(|(_, v)| *v == i.vpc_id) {
                Some((name, vpc)) => match groups.get(name) {
                    Some(id) => Some(id.clone()),
                    None => self.cloud.find_group(vpc, name).await.ok().flatten(),
                },
                None => None,
            };
            let forward = match &iso {
                Some(iso) => self
                    .cloud
                    .set_interface_groups(&i.interface_id, std::slice::from_ref(iso), false)
                    .await
                    .is_ok(),
                None => false,
            };
            if forward {
                said.push(format!(
                    "rolled forward: {} is on the isolation group {}",
                    i.interface_id,
                    iso.unwrap_or_default()
                ));
            } else if self
                .cloud
                .set_interface_groups(&i.interface_id, &i.groups, false)
                .await
                .is_ok()
            {
                said.push(format!(
                    "rolled back: {} is on its own groups again ({})",
                    i.interface_id,
                    i.groups.join(", ")
                ));
            } else {
                said.push(format!(
                    "{} is STILL on the all-open temporary group {temp_id}: restore it now",
                    i.interface_id
                ));
            }
        }
        for (name, _) in &temporary {
            if let Some(id) = groups.get(name)
                && self.cloud.delete_group(id).await.is_ok()
            {
                said.push(format!("the temporary all-open group {id} was deleted"));
            }
        }
        said.join("; ")
    }
}
