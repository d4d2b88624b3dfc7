//! The MITRE ATT&CK technique a failing item leaves open, for OCSF's `finding_info.attacks`:
//! what an attacker does with the gap, so a SIEM can group secdash's findings with its own.

/// A technique (with its sub-technique, if any) and the tactic it serves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attack {
    pub tactic: (&'static str, &'static str),
    pub technique: (&'static str, &'static str),
    pub sub_technique: Option<(&'static str, &'static str)>,
}

/// ATT&CK's version the ids are of.
pub const VERSION: &str = "v16";

const INITIAL: (&str, &str) = ("TA0001", "Initial Access");
const PERSISTENCE: (&str, &str) = ("TA0003", "Persistence");
const ESCALATION: (&str, &str) = ("TA0004", "Privilege Escalation");
const EVASION: (&str, &str) = ("TA0005", "Defense Evasion");
const CREDENTIALS: (&str, &str) = ("TA0006", "Credential Access");
const COLLECTION: (&str, &str) = ("TA0009", "Collection");
const EXFILTRATION: (&str, &str) = ("TA0010", "Exfiltration");
const IMPACT: (&str, &str) = ("TA0040", "Impact");

const fn attack(
    tactic: (&'static str, &'static str),
    technique: (&'static str, &'static str),
) -> Attack {
    Attack {
        tactic,
        technique,
        sub_technique: None,
    }
}

const fn sub(
    tactic: (&'static str, &'static str),
    technique: (&'static str, &'static str),
    sub_technique: (&'static str, &'static str),
) -> Attack {
    Attack {
        tactic,
        technique,
        sub_technique: Some(sub_technique),
    }
}

const PUBLIC_APP: (&str, &str) = ("T1190", "Exploit Public-Facing Application");
const EXFIL_ALT: (&str, &str) = ("T1048", "Exfiltration Over Alternative Protocol");
const CLOUD_STORAGE: (&str, &str) = ("T1530", "Data from Cloud Storage");
const VALID_ACCOUNTS: (&str, &str) = ("T1078", "Valid Accounts");
const CLOUD_ACCOUNTS: (&str, &str) = ("T1078.004", "Cloud Accounts");
const IMPAIR: (&str, &str) = ("T1562", "Impair Defenses");
const CLOUD_LOGS: (&str, &str) = ("T1562.008", "Disable or Modify Cloud Logs");
const TOOLS: (&str, &str) = ("T1562.001", "Disable or Modify Tools");
const SUPPLY_CHAIN: (&str, &str) = ("T1195", "Supply Chain Compromise");
const SOFTWARE_CHAIN: (&str, &str) = ("T1195.002", "Compromise Software Supply Chain");
const UNSECURED: (&str, &str) = ("T1552", "Unsecured Credentials");

/// The technique a failure of item `id` leaves open; `None` where none fits.
pub fn of(id: &str) -> Option<Attack> {
    Some(match id {
        "network.security_groups" | "network.notebook_internet" | "threat.waf" => {
            attack(INITIAL, PUBLIC_APP)
        }
        "network.custom_vpc"
        | "network.vpc_endpoints"
        | "network.nat_gateway"
        | "network.notebook_vpc"
        | "network.model_isolation"
        | "network.training_isolation"
        | "network.monitoring_isolation"
        | "network.monitoring_job_definitions"
        | "network.s3_vpce_only" => attack(EXFILTRATION, EXFIL_ALT),
        "network.training_encryption" | "network.automl_encryption" => {
            attack(CREDENTIALS, ("T1040", "Network Sniffing"))
        }
        "network.notebook_root" | "access.notebook_platform" => attack(
            ESCALATION,
            ("T1068", "Exploitation for Privilege Escalation"),
        ),
        "network.endpoint_instances" => attack(IMPACT, ("T1499", "Endpoint Denial of Service")),
        "data.kms"
        | "data.s3_encryption"
        | "data.s3_public_access"
        | "data.tls"
        | "data.ebs_encryption"
        | "data.training_volume_encryption"
        | "data.job_volume_kms"
        | "data.async_endpoint_outputs"
        | "data.feature_store_kms"
        | "data.inference_experiment_kms" => attack(COLLECTION, CLOUD_STORAGE),
        "data.s3_versioning" => attack(IMPACT, ("T1485", "Data Destruction")),
        "data.model_registry"
        | "data.serving_provenance"
        | "threat.artifact_malware_protection" => sub(INITIAL, SUPPLY_CHAIN, SOFTWARE_CHAIN),
        "data.ecr_scanning" | "network.model_private_registry" | "data.sagemaker_image_tags" => {
            attack(PERSISTENCE, ("T1525", "Implant Internal Image"))
        }
        "data.notebook_secrets" => sub(
            CREDENTIALS,
            UNSECURED,
            ("T1552.001", "Credentials In Files"),
        ),
        "access.notebook_imdsv2" => sub(
            CREDENTIALS,
            UNSECURED,
            ("T1552.005", "Cloud Instance Metadata API"),
        ),
        "data.least_privilege"
        | "access.preventive_vpc"
        | "access.studio_profiles"
        | "access.hyperpod_clusters" => sub(ESCALATION, VALID_ACCOUNTS, CLOUD_ACCOUNTS),
        "access.mfa" | "access.user_mfa" | "access.key_rotation" | "access.studio_domains" => {
            sub(INITIAL, VALID_ACCOUNTS, CLOUD_ACCOUNTS)
        }
        "access.password_policy" => attack(CREDENTIALS, ("T1110", "Brute Force")),
        "access.access_analyzer" => {
            attack(EXFILTRATION, ("T1537", "Transfer Data to Cloud Account"))
        }
        "monitoring.alarms"
        | "monitoring.cloudtrail"
        | "monitoring.flow_logs"
        | "monitoring.s3_access_logging"
        | "monitoring.security_alerts"
        | "monitoring.metric_filters" => sub(EVASION, IMPAIR, CLOUD_LOGS),
        "threat.guardduty" | "threat.security_hub" | "threat.config" => sub(EVASION, IMPAIR, TOOLS),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_automatic_item_but_a_few_names_a_technique_and_each_is_well_formed() {
        // Items whose failure opens no attack of its own: judged as hygiene.
        let none = [
            "data.kms_rotation",
            "monitoring.model_monitoring",
            "access.reviews",
        ];
        for def in super::super::ITEMS.iter() {
            match of(def.id) {
                None => assert!(none.contains(&def.id), "{} has no technique", def.id),
                Some(a) => {
                    assert!(a.tactic.0.starts_with("TA"), "{}", def.id);
                    assert!(a.technique.0.starts_with('T') && !a.technique.0.contains('.'));
                    if let Some((uid, _)) = a.sub_technique {
                        assert!(uid.starts_with(a.technique.0), "{}: {uid}", def.id);
                    }
                }
            }
        }
    }
}
