//! GuardDuty: the detector, a finding, archiving.

use super::AwsActions;
use crate::action::cloud::FindingBrief;
use crate::aws::calls::call;
use crate::model::SourceError;

impl AwsActions {
    /// The detector of this region (GuardDuty has at most one per account and region).
    pub async fn detector(&self) -> Result<Option<String>, SourceError> {
        let out = call(
            &self.calls,
            "guardduty:ListDetectors",
            &self.region,
            self.p(),
            self.guardduty.list_detectors().send(),
        )
        .await?;
        Ok(out.detector_ids().first().cloned())
    }

    /// The finding as GuardDuty has it now; `None` when it does not know it.
    pub async fn finding(
        &self,
        detector_id: &str,
        finding_id: &str,
    ) -> Result<Option<FindingBrief>, SourceError> {
        let out = call(
            &self.calls,
            "guardduty:GetFindings",
            &self.region,
            self.p(),
            self.guardduty
                .get_findings()
                .detector_id(detector_id)
                .finding_ids(finding_id)
                .send(),
        )
        .await?;
        Ok(out.findings().first().map(|f| FindingBrief {
            archived: f.service().and_then(|s| s.archived()).unwrap_or(false),
            finding_type: f.r#type().unwrap_or_default().to_string(),
            title: f.title().unwrap_or_default().to_string(),
        }))
    }

    pub async fn set_archived(
        &self,
        detector_id: &str,
        finding_ids: &[String],
        archived: bool,
    ) -> Result<(), SourceError> {
        if archived {
            call(
                &self.calls,
                "guardduty:ArchiveFindings",
                &self.region,
                self.p(),
                self.guardduty
                    .archive_findings()
                    .detector_id(detector_id)
                    .set_finding_ids(Some(finding_ids.to_vec()))
                    .send(),
            )
            .await
            .map(|_| ())
        } else {
            call(
                &self.calls,
                "guardduty:UnarchiveFindings",
                &self.region,
                self.p(),
                self.guardduty
                    .unarchive_findings()
                    .detector_id(detector_id)
                    .set_finding_ids(Some(finding_ids.to_vec()))
                    .send(),
            )
            .await
            .map(|_| ())
        }
    }
}
