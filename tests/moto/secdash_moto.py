#!/usr/bin/env python3
"""moto's server with the operations secdash needs that moto 5.2.5 lacks.

Run by the Rust tests (tests/support/moto.rs) as: python secdash_moto.py PORT

moto stays the emulator; this module only adds to it, the way Prowler's tests patch moto:

* CloudWatch GetMetricData: percentile statistics (`p99`, `p99.9`). moto returns no value for
  them, which breaks the response (HTTP 500). Percentiles are computed by nearest rank over
  the raw datapoints, which is what CloudWatch reports for small samples of exact values.
* CloudWatch GetMetricData with a query's `AccountId`: that account's metrics, as a monitoring
  account of cross-account observability reads its source accounts' (moto ignores AccountId;
  it has no OAM, so every account counts as linked).
* GuardDuty: ListFindings, GetFindings, GetFindingsStatistics, ArchiveFindings and
  UnarchiveFindings (HTTP 404 in moto), with the request and response shapes of the GuardDuty
  API reference (REST-JSON, camelCase members; FindingCriteria with eq/neq/equals/notEquals/
  gt/gte/lt/lte; SortCriteria; MaxResults up to 50; NextToken; GroupBy SEVERITY).
* GuardDuty CreateMembers and ListMembers (HTTP 404 in moto), so an account's detector can be
  a delegated administrator's: members are stored per detector, `Enabled` once created (as
  when the organization's administrator adds them), and listed 50 at a time.
* A seeding route, `POST /_secdash/guardduty/findings?account=..&region=..&detector=..`, whose
  body is a JSON list of findings in the GetFindings shape. GuardDuty has no API to create a
  finding with chosen values (CreateSampleFindings makes canned ones), so tests seed this way.
* GuardDuty Malware Protection for S3: CreateMalwareProtectionPlan, ListMalwareProtectionPlans
  and GetMalwareProtectionPlan (HTTP 404 in moto), in the API reference's shapes (a plan
  protects one bucket; it is ACTIVE at once; the list pages with nextToken, 50 at a time).
* SageMaker CreateModel: moto drops `EnableNetworkIsolation`; it is kept here.
* Security Hub GetEnabledStandards and BatchEnableStandards (HTTP 404 in moto), and
  EnableSecurityHub's default standards (CIS 1.2.0 and AWS Foundational Security Best
  Practices), per account and region.
* IAM Access Analyzer CreateAnalyzer and ListAnalyzers (moto has no such service: HTTP 500).
* SageMaker's platform actions: UpdateEndpoint, UpdateNotebookInstance, StopTrainingJob,
  StopTransformJob and Get/Put/DeleteModelPackageGroupPolicy (moto has none of them), in the
  API reference's shapes (a missing group policy is a ValidationException). moto switches a
  state at once; SageMaker takes minutes. So a change goes through its state as SageMaker's
  does, for one read: a stopped notebook reads `Stopping` once, then `Stopped` (a start:
  `Pending`, then `InService`; an update: `Updating`, then `Stopped`); an updated endpoint
  reads `Updating` with the new config in `PendingDeploymentSummary` once, then runs it; a
  stopped job reads `Stopping` once. Stop refuses a notebook not InService and a job not
  InProgress; UpdateNotebookInstance refuses a notebook not Stopped, as SageMaker does. The
  notebook's `InstanceMetadataServiceConfiguration` is kept (moto drops it). moto creates jobs
  Completed: `POST /_secdash/sagemaker/job-status?account=..&region=..&kind=..&name=..&status=..`
  sets one's status.
* SageMaker CreateInferenceComponent, ListInferenceComponents (EndpointNameEquals,
  VariantNameEquals, NextToken paging) and DescribeInferenceComponent (moto has none), in the
  API reference's shapes; a component is InService at once. An endpoint config's variant may
  name no model, as one that hosts components does.
* SageMaker DescribeEndpoint's `ProductionVariants[].DeployedImages` (moto has none): the image
  the variant's model names, and as `ResolvedImage` that image by digest (its own digest, or
  one made from the tag's text, as a registry resolves a tag to what it points at).
  When the image is a tag of a repository moto's ECR holds, the digest is the one the tag
  names there, as SageMaker resolves it.
* ECR image scan summaries (moto's DescribeImages has none): `POST /_secdash/ecr/scan?account=..
  &region=..&repository=..&digest=..` with a JSON body of severity counts
  (`{"CRITICAL": 1, "HIGH": 2}`) gives that image `imageScanStatus` COMPLETE and an
  `imageScanFindingsSummary` with those counts.
* SageMaker's wider surface, in the API reference's shapes, for the checklist's items of it:
  CreateAppImageConfig/ListAppImageConfigs, CreateImage/ListImages, CreateInferenceExperiment/
  ListInferenceExperiments/DescribeInferenceExperiment, ListFeatureGroups, Studio's
  Create/List/DescribeUserProfile, Create/List/DescribeSpace, CreateApp/ListApps and
  Create/List/DescribeStudioLifecycleConfig (moto has none of them; lists page with NextToken;
  an app is InService at once), ListTags and AddTags on those resources; and what moto
  drops on the way: a notebook's `PlatformIdentifier` (SageMaker's default when none is given,
  notebook-al2-v2), a feature group's `OnlineStoreConfig`, a processing job's
  `ProcessingResources`.
* Security Hub GetFindings with filters and paging (moto 5.2.5 ignores both): the filters on
  `ComplianceSecurityControlId`, `AwsAccountId`, `RecordState`, `ComplianceStatus` and
  `WorkflowStatus` (StringFilter EQUALS values OR'd, NOT_EQUALS values AND'd, filters AND'd; any
  other filter is refused, never ignored), MaxResults 1-100 (default 100) and NextToken, over the
  findings BatchImportFindings stored in the caller's account and Region (an administrator's
  copy of its members' control findings, as Security Hub's cross-account aggregation holds them).
* AWS Config SelectAggregateResourceConfig (moto has none), in the API reference's shape
  (Results as JSON strings, QueryInfo, Limit up to 100, NextToken), answering the SQL subset
  secdash sends: `SELECT fields WHERE resourceType = 'TYPE' [AND awsRegion IN ('r', ...)]` for
  AWS::EC2::SecurityGroup, AWS::EC2::NetworkInterface, AWS::EC2::VPC and
  AWS::SageMaker::NotebookInstance, from moto's own records of each source account of the
  aggregator (its AccountAggregationSources' accounts and Regions), in Config's configuration
  item shapes; `configurationItemCaptureTime` is the time of the query. Any other query is
  refused with InvalidExpressionException.
* S3 GetBucketVersioning: moto names the XML root `GetBucketVersioningResponse`; S3 (and the
  Rust SDK's parser) use `VersioningConfiguration`.
* CloudTrail LookupEvents (moto has none), in the shape of the API reference: one lookup
  attribute per request (InvalidLookupAttributesException otherwise), StartTime/EndTime,
  MaxResults up to 50 (the default), NextToken paging, newest first, and a ThrottlingException
  above 2 requests per second per account and region, as CloudTrail enforces. Events are seeded
  with `POST /_secdash/cloudtrail/events?account=..&region=..` (a JSON list in the
  LookupEvents `Events` shape, `EventTime` in epoch seconds); `GET /_secdash/cloudtrail/stats`
  says how many requests were answered and how many throttled.
* SageMaker CreateMonitoringSchedule, StopMonitoringSchedule, ListMonitoringSchedules and
  DescribeMonitoringSchedule
  (moto has the job definitions but no schedules), in the API reference's shapes: the schedule
  keeps its MonitoringScheduleConfig (inline job or a job definition's name and type) and its
  endpoint, and is `Scheduled`; ListMonitoringSchedules pages with NextToken.
* IAM SimulatePrincipalPolicy (moto has none): a role's or user's inline and attached policies
  (a user's groups' are not emulated) and a role's permission boundary evaluated for each action and resource, with the request's context
  entries: an explicit Deny wins, an Allow is needed, a boundary must allow too. Statements
  match Action/NotAction and Resource with wildcards; conditions support Null, the String and
  Arn operators (with IfExists) and Bool, and a statement with any other operator is treated as
  not applying. Organizations SCPs are not emulated (moto's role has none), nor is the
  request's ResourcePolicy (a bucket policy's denial is not seen).
* STS AssumeRole refuses a role that does not exist in its account (AccessDenied, as AWS does
  when no role trusts the caller; moto lets any ARN be assumed), except
  OrganizationAccountAccessRole, which AWS Organizations creates in every member account and
  the seeding scripts enter member accounts through.
* IAM access keys' age: `POST /_secdash/iam/age-key?account=..&user=..&days=..` moves a user's
  keys' creation back, as the credential report's `last_rotated` (no API can).
* IAM's root MFA flag: a seeding route, `POST /_secdash/iam/root-mfa?account=..&enabled=1`.
  Root MFA is enabled in the console, with no API a test could call, and moto always says 0.
* Faults, to test what secdash says when AWS says no: `POST /_secdash/faults?operation=OP&fault=
  deny|throttle|hang[&count=N][&after=K]` makes the next N calls (default: every call) of the
  operation OP, once K more calls of it have been answered (default 0),
  (a query protocol's `Action`, a JSON protocol's `X-Amz-Target` operation, or a REST protocol's
  operation found from its method and path in botocore's model) fail as AWS would:
  `deny` answers AccessDenied (UnauthorizedOperation for EC2), `throttle` a throttling error
  (RequestLimitExceeded for EC2), `hang` never answers (the connection stays open, silent).
  `DELETE /_secdash/faults` clears them; `GET /_secdash/faults` says how many calls each fault
  met. Not an emulation of AWS but of its failures: no test double stands in for moto.
"""
import json
import math
import re
import sys
import threading
from urllib.parse import parse_qs

from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

import moto.cloudwatch.models as cloudwatch_models
import moto.guardduty.urls as guardduty_urls
from moto.guardduty.models import guardduty_backends
from moto.guardduty.responses import GuardDutyResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.iam.models import iam_backends
import moto.securityhub.urls as securityhub_urls
from moto.securityhub.responses import SecurityHubResponse
from moto.config.responses import ConfigResponse
from moto.s3.responses import S3Response
from moto.sagemaker.models import sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

# ---------------------------------------------------------------------------------------------
# CloudWatch percentiles

_original_statistic = cloudwatch_models.Statistics.get_statistics_for_type


def _statistic(self, stat):
    match = re.fullmatch(r"p(\d+(?:\.\d+)?)", stat)
    if not match:
        return _original_statistic(self, stat)
    values = sorted(self.metric_single_values_list)
    if not values:
        return None
    rank = max(1, math.ceil(float(match.group(1)) / 100.0 * len(values)))
    return values[rank - 1]


cloudwatch_models.Statistics.get_statistics_for_type = _statistic

from moto.cloudwatch.responses import CloudWatchResponse  # noqa: E402

_original_get_metric_data = CloudWatchResponse.get_metric_data


def _get_metric_data(self):
    params = self._get_params()
    queries = params.get("MetricDataQueries", [])
    if not any(q.get("AccountId") for q in queries):
        return _original_get_metric_data(self)
    from moto.core.responses import ActionResult
    groups = {}
    for q in queries:
        groups.setdefault(q.get("AccountId") or self.current_account, []).append(q)
    results = []
    for account, mine in groups.items():
        backend = cloudwatch_models.cloudwatch_backends[account][self.region]
        results.extend(backend.get_metric_data(
            start_time=params["StartTime"], end_time=params["EndTime"], queries=mine,
            scan_by=params.get("ScanBy") or "TimestampDescending"))
    return ActionResult({"MetricDataResults": results})


CloudWatchResponse.get_metric_data = _get_metric_data

# ---------------------------------------------------------------------------------------------
# GuardDuty findings

_LOCK = threading.Lock()
# (account, region, detector id) -> {finding id: finding}
_FINDINGS = {}


def _store(account, region, detector_id):
    return _FINDINGS.setdefault((account, region, detector_id), {})


def _bad_request(message):
    return 400, {"status": 400}, json.dumps({"__type": "BadRequestException", "message": message, "Message": message})


def _field(finding, path):
    value = finding
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _matches(finding, criteria):
    for path, cond in (criteria or {}).get("criterion", {}).items():
        value = _field(finding, path)
        as_text = str(value).lower() if isinstance(value, bool) else str(value)
        for op, expected in cond.items():
            if op in ("eq", "equals"):
                if as_text not in [str(e).lower() if isinstance(value, bool) else str(e) for e in expected]:
                    return False
            elif op in ("neq", "notEquals"):
                if as_text in [str(e).lower() if isinstance(value, bool) else str(e) for e in expected]:
                    return False
            elif op in ("gt", "greaterThan") and not (value is not None and float(value) > float(expected)):
                return False
            elif op in ("gte", "greaterThanOrEqual") and not (value is not None and float(value) >= float(expected)):
                return False
            elif op in ("lt", "lessThan") and not (value is not None and float(value) < float(expected)):
                return False
            elif op in ("lte", "lessThanOrEqual") and not (value is not None and float(value) <= float(expected)):
                return False
    return True


def _sorted(findings, sort):
    if not sort:
        return findings
    key = sort.get("attributeName", "severity")
    reverse = sort.get("orderBy", "ASC") == "DESC"
    return sorted(findings, key=lambda f: (_field(f, key) is None, _field(f, key)), reverse=reverse)


def _detector_or_error(self, detector_id):
    try:
        self.guardduty_backend.get_detector(detector_id)
    except Exception:
        return _bad_request(f"The request is rejected because the input detectorId is not owned by the current account.")
    return None


def list_findings(self):
    detector_id = self.path.split("/")[-2]
    err = _detector_or_error(self, detector_id)
    if err:
        return err
    body = json.loads(self.body or "{}")
    max_results = int(body.get("maxResults", 50))
    if not 1 <= max_results <= 50:
        return _bad_request("maxResults must be between 1 and 50")
    with _LOCK:
        found = [f for f in _store(self.current_account, self.region, detector_id).values()
                 if _matches(f, body.get("findingCriteria"))]
    found = _sorted(found, body.get("sortCriteria"))
    start = int(body.get("nextToken") or 0)
    page = found[start:start + max_results]
    out = {"findingIds": [f["id"] for f in page]}
    if start + max_results < len(found):
        out["nextToken"] = str(start + max_results)
    return json.dumps(out)


def get_findings(self):
    detector_id = self.path.split("/")[-3]
    err = _detector_or_error(self, detector_id)
    if err:
        return err
    body = json.loads(self.body or "{}")
    ids = body.get("findingIds", [])
    if len(ids) > 50:
        return _bad_request("findingIds has more than 50 members")
    with _LOCK:
        store = _store(self.current_account, self.region, detector_id)
        found = [store[i] for i in ids if i in store]
    return json.dumps({"findings": _sorted(found, body.get("sortCriteria"))})


def get_findings_statistics(self):
    detector_id = self.path.split("/")[-3]
    err = _detector_or_error(self, detector_id)
    if err:
        return err
    body = json.loads(self.body or "{}")
    with _LOCK:
        found = [f for f in _store(self.current_account, self.region, detector_id).values()
                 if _matches(f, body.get("findingCriteria"))]
    # The current API groups with GroupBy=SEVERITY; the older FindingStatisticTypes
    # COUNT_BY_SEVERITY (deprecated) is answered too.
    stats = {}
    if body.get("groupBy") == "SEVERITY":
        groups = {}
        for f in found:
            g = groups.setdefault(float(f["severity"]), {"severity": float(f["severity"]), "totalFindings": 0, "lastGeneratedAt": 0})
            g["totalFindings"] += 1
        stats["groupedBySeverity"] = sorted(groups.values(), key=lambda g: -g["severity"])
    if "COUNT_BY_SEVERITY" in body.get("findingStatisticTypes", []):
        counts = {}
        for f in found:
            key = str(float(f["severity"]))
            counts[key] = counts.get(key, 0) + 1
        stats["countBySeverity"] = counts
    return json.dumps({"findingStatistics": stats})


def _set_archived(self, archived):
    detector_id = self.path.split("/")[-3]
    err = _detector_or_error(self, detector_id)
    if err:
        return err
    body = json.loads(self.body or "{}")
    with _LOCK:
        store = _store(self.current_account, self.region, detector_id)
        for i in body.get("findingIds", []):
            if i in store:
                store[i].setdefault("service", {})["archived"] = archived
    return json.dumps({})


# (account, region, detector id) -> {member account id: member}
_MEMBERS = {}


def _members(self):
    detector_id = self.path.split("/")[-2]
    err = _detector_or_error(self, detector_id)
    if err:
        return err
    key = (self.current_account, self.region, detector_id)
    if self.method == "POST":
        body = json.loads(self.body or "{}")
        with _LOCK:
            store = _MEMBERS.setdefault(key, {})
            for a in body.get("accountDetails", []):
                store[a["accountId"]] = {
                    "accountId": a["accountId"], "detectorId": detector_id,
                    "administratorId": self.current_account, "masterId": self.current_account,
                    "email": a.get("email", ""), "relationshipStatus": "Enabled",
                    "invitedAt": "2026-11-01T00:00:00.000Z",
                    "updatedAt": "2026-11-01T00:00:00.000Z"}
        return json.dumps({"unprocessedAccounts": []})
    max_results = int((self.querystring.get("maxResults") or ["50"])[0])
    start = int((self.querystring.get("nextToken") or ["0"])[0])
    with _LOCK:
        members = sorted(_MEMBERS.get(key, {}).values(), key=lambda m: m["accountId"])
    page = members[start:start + max_results]
    out = {"members": page}
    if start + max_results < len(members):
        out["nextToken"] = str(start + max_results)
    return json.dumps(out)


# (account, region) -> {plan id: plan}
_MALWARE_PLANS = {}


def _malware_plans(self):
    import time as _time
    import uuid
    key = (self.current_account, self.region)
    parts = self.path.rstrip("/").split("/")
    if self.method == "POST":
        body = json.loads(self.body or "{}")
        plan_id = uuid.uuid4().hex[:20]
        with _LOCK:
            _MALWARE_PLANS.setdefault(key, {})[plan_id] = {
                "arn": f"arn:aws:guardduty:{self.region}:{self.current_account}:malware-protection-plan/{plan_id}",
                "role": body.get("role", ""),
                "protectedResource": body.get("protectedResource", {}),
                "actions": body.get("actions", {}),
                "createdAt": int(_time.time()),
                "status": "ACTIVE", "tags": body.get("tags", {})}
        return json.dumps({"malwareProtectionPlanId": plan_id})
    with _LOCK:
        plans = dict(_MALWARE_PLANS.get(key, {}))
    if parts[-1] != "malware-protection-plan":
        plan = plans.get(parts[-1])
        if plan is None:
            return 400, {"status": 400}, json.dumps({
                "__type": "ResourceNotFoundException",
                "message": f"The malware protection plan {parts[-1]} was not found."})
        return json.dumps(plan)
    start = int((self.querystring.get("nextToken") or ["0"])[0])
    ids = sorted(plans)
    page = ids[start:start + 50]
    out = {"malwareProtectionPlans": [{"malwareProtectionPlanId": i} for i in page]}
    if start + 50 < len(ids):
        out["nextToken"] = str(start + 50)
    return json.dumps(out)


GuardDutyResponse.create_malware_protection_plan = _malware_plans
GuardDutyResponse.list_malware_protection_plans = _malware_plans
GuardDutyResponse.get_malware_protection_plan = _malware_plans
GuardDutyResponse.create_members = _members
GuardDutyResponse.list_members = _members
GuardDutyResponse.list_findings = list_findings
GuardDutyResponse.get_findings = get_findings
GuardDutyResponse.get_findings_statistics = get_findings_statistics
GuardDutyResponse.archive_findings = lambda self: _set_archived(self, True)
GuardDutyResponse.unarchive_findings = lambda self: _set_archived(self, False)

guardduty_urls.url_paths.update({
    "{0}/malware-protection-plan$": GuardDutyResponse.dispatch,
    "{0}/malware-protection-plan/(?P<plan_id>[^/]+)$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/member$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings/get$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings/statistics$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings/archive$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings/unarchive$": GuardDutyResponse.dispatch,
})


# ---------------------------------------------------------------------------------------------
# SageMaker: keep EnableNetworkIsolation on CreateModel

_original_create_model = SageMakerResponse.create_model


def _create_model(self):
    result = _original_create_model(self)
    model = sagemaker_backends[self.current_account][self.region]._models[self._get_param("ModelName")]
    model.enable_network_isolation = bool(self._get_param("EnableNetworkIsolation", False))
    return result


SageMakerResponse.create_model = _create_model

# ---------------------------------------------------------------------------------------------
# SageMaker Model Monitor schedules

# (account, region) -> {name: schedule}
_SCHEDULES = {}


def create_monitoring_schedule(self):
    import time as _time
    params = json.loads(self.body or "{}")
    name = params["MonitoringScheduleName"]
    config = params.get("MonitoringScheduleConfig", {})
    arn = f"arn:aws:sagemaker:{self.region}:{self.current_account}:monitoring-schedule/{name}"
    kind = config.get("MonitoringType", "DataQuality")
    job = config.get("MonitoringJobDefinition")
    if job:
        inputs = job.get("MonitoringInputs") or [{}]
    else:
        # The endpoint is in the named job definition's input, as SageMaker reads it.
        backend = sagemaker_backends[self.current_account][self.region]
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", kind).lower()
        definition = getattr(backend, f"describe_{snake}_job_definition")(
            config["MonitoringJobDefinitionName"])
        inputs = [definition.get(f"{kind}JobInput", {})]
    endpoint = inputs[0].get("EndpointInput", {}).get("EndpointName")
    with _LOCK:
        store = _SCHEDULES.setdefault((self.current_account, self.region), {})
        if name in store:
            return 400, {"status": 400}, json.dumps({"__type": "ResourceInUse",
                                        "message": f"Monitoring schedule {name} already exists"})
        store[name] = {
            "MonitoringScheduleArn": arn, "MonitoringScheduleName": name,
            "MonitoringScheduleStatus": "Scheduled",
            "MonitoringType": kind,
            "CreationTime": _time.time(), "LastModifiedTime": _time.time(),
            "MonitoringScheduleConfig": config, "EndpointName": endpoint,
        }
    return json.dumps({"MonitoringScheduleArn": arn})


def list_monitoring_schedules(self):
    params = json.loads(self.body or "{}")
    limit = int(params.get("MaxResults", 10))
    start = int(params.get("NextToken") or 0)
    with _LOCK:
        found = sorted(_SCHEDULES.get((self.current_account, self.region), {}).values(),
                       key=lambda s: s["MonitoringScheduleName"])
    if params.get("EndpointName"):
        found = [s for s in found if s["EndpointName"] == params["EndpointName"]]
    page = found[start:start + limit]
    out = {"MonitoringScheduleSummaries": [{
        k: s[k] for k in ("MonitoringScheduleName", "MonitoringScheduleArn", "CreationTime",
                          "LastModifiedTime", "MonitoringScheduleStatus", "EndpointName",
                          "MonitoringType")} | {
        "MonitoringJobDefinitionName": s["MonitoringScheduleConfig"].get(
            "MonitoringJobDefinitionName")} for s in page]}
    if start + limit < len(found):
        out["NextToken"] = str(start + limit)
    return json.dumps(out)


def describe_monitoring_schedule(self):
    name = json.loads(self.body or "{}").get("MonitoringScheduleName")
    with _LOCK:
        found = _SCHEDULES.get((self.current_account, self.region), {}).get(name)
    if found is None:
        return 400, {"status": 400}, json.dumps({"__type": "ResourceNotFound",
                                    "message": f"Monitoring schedule {name} does not exist"})
    return json.dumps(found)


def stop_monitoring_schedule(self):
    name = json.loads(self.body or "{}").get("MonitoringScheduleName")
    with _LOCK:
        found = _SCHEDULES.get((self.current_account, self.region), {}).get(name)
        if found is not None:
            found["MonitoringScheduleStatus"] = "Stopped"
    if found is None:
        return 400, {"status": 400}, json.dumps({"__type": "ResourceNotFound",
                                    "message": f"Monitoring schedule {name} does not exist"})
    return json.dumps({})


# ---------------------------------------------------------------------------------------------
# SageMaker inference components (moto has none)

# (account, region) -> {name: component}
_COMPONENTS = {}


def create_inference_component(self):
    import time as _time
    params = json.loads(self.body or "{}")
    name = params["InferenceComponentName"]
    arn = f"arn:aws:sagemaker:{self.region}:{self.current_account}:inference-component/{name}"
    endpoint = params["EndpointName"]
    copies = (params.get("RuntimeConfig") or {}).get("CopyCount", 1)
    with _LOCK:
        store = _COMPONENTS.setdefault((self.current_account, self.region), {})
        if name in store:
            return 400, {"status": 400}, json.dumps({
                "__type": "ValidationException",
                "message": f"Inference component {name} already exists"})
        store[name] = {
            "InferenceComponentName": name, "InferenceComponentArn": arn,
            "EndpointName": endpoint,
            "EndpointArn": f"arn:aws:sagemaker:{self.region}:{self.current_account}:endpoint/{endpoint}",
            "VariantName": params.get("VariantName"),
            "InferenceComponentStatus": "InService",
            "CreationTime": _time.time(), "LastModifiedTime": _time.time(),
            "Specification": {"ModelName": (params.get("Specification") or {}).get("ModelName")},
            "RuntimeConfig": {"DesiredCopyCount": copies, "CurrentCopyCount": copies},
        }
    return json.dumps({"InferenceComponentArn": arn})


def list_inference_components(self):
    params = json.loads(self.body or "{}")
    limit = int(params.get("MaxResults", 10))
    start = int(params.get("NextToken") or 0)
    with _LOCK:
        found = sorted(_COMPONENTS.get((self.current_account, self.region), {}).values(),
                       key=lambda c: c["InferenceComponentName"])
    if params.get("EndpointNameEquals"):
        found = [c for c in found if c["EndpointName"] == params["EndpointNameEquals"]]
    if params.get("VariantNameEquals"):
        found = [c for c in found if c["VariantName"] == params["VariantNameEquals"]]
    page = found[start:start + limit]
    keys = ("InferenceComponentName", "InferenceComponentArn", "EndpointName", "EndpointArn",
            "VariantName", "InferenceComponentStatus", "CreationTime", "LastModifiedTime")
    out = {"InferenceComponents": [{k: c[k] for k in keys} for c in page]}
    if start + limit < len(found):
        out["NextToken"] = str(start + limit)
    return json.dumps(out)


def describe_inference_component(self):
    name = json.loads(self.body or "{}").get("InferenceComponentName")
    with _LOCK:
        found = _COMPONENTS.get((self.current_account, self.region), {}).get(name)
    if found is None:
        return 400, {"status": 400}, json.dumps({
            "__type": "ValidationException",
            "message": f"Could not find inference component \"{name}\"."})
    return json.dumps(found)


import moto.sagemaker.models as _sagemaker_models  # noqa: E402

_original_validate_variants = _sagemaker_models.SageMakerModelBackend.validate_production_variants


def _validate_variants(self, production_variants):
    """A variant that hosts inference components names no model (moto requires one)."""
    _original_validate_variants(self, [v for v in production_variants if "ModelName" in v])


_sagemaker_models.SageMakerModelBackend.validate_production_variants = _validate_variants
SageMakerResponse.create_inference_component = create_inference_component
SageMakerResponse.list_inference_components = list_inference_components
SageMakerResponse.describe_inference_component = describe_inference_component

SageMakerResponse.create_monitoring_schedule = create_monitoring_schedule
SageMakerResponse.stop_monitoring_schedule = stop_monitoring_schedule
SageMakerResponse.list_monitoring_schedules = list_monitoring_schedules
SageMakerResponse.describe_monitoring_schedule = describe_monitoring_schedule

# ---------------------------------------------------------------------------------------------
# SageMaker: the platform actions' calls moto lacks, and the minutes changes take

import moto.sagemaker.models as sagemaker_models


def _sm_error(code, message):
    return 400, {"status": 400}, json.dumps({"__type": code, "message": message})


def _notebook_start(self):
    # At creation moto starts the notebook at once; a start of a stopped one goes through
    # Pending, as SageMaker's does.
    if getattr(self, "status", None) == "Stopped":
        self.status, self._settles_to = "Pending", "InService"
    else:
        self.status = "InService"


def _notebook_stop(self):
    if self.status != "InService":
        raise sagemaker_models.ValidationError(
            message=f"Status ({self.status}) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance ({self.arn})")
    self.status, self._settles_to = "Stopping", "Stopped"


_original_notebook_to_dict = sagemaker_models.FakeSagemakerNotebookInstance.to_dict


def _notebook_to_dict(self):
    out = _original_notebook_to_dict(self)
    out["InstanceMetadataServiceConfiguration"] = {
        "MinimumInstanceMetadataServiceVersion": getattr(self, "_imds", "1")}
    settles = getattr(self, "_settles_to", None)
    if settles:
        # One read shows the change under way; the next, its end.
        self.status, self._settles_to = settles, None
    return out


sagemaker_models.FakeSagemakerNotebookInstance.start = _notebook_start
sagemaker_models.FakeSagemakerNotebookInstance.stop = _notebook_stop
sagemaker_models.FakeSagemakerNotebookInstance.to_dict = _notebook_to_dict

_original_create_notebook = SageMakerResponse.create_notebook_instance


def _create_notebook(self):
    result = _original_create_notebook(self)
    imds = (self._get_param("InstanceMetadataServiceConfiguration") or {}).get(
        "MinimumInstanceMetadataServiceVersion")
    if imds:
        backend = sagemaker_backends[self.current_account][self.region]
        backend.notebook_instances[self._get_param("NotebookInstanceName")]._imds = imds
    return result


def update_notebook_instance(self):
    params = json.loads(self.body or "{}")
    backend = sagemaker_backends[self.current_account][self.region]
    nb = backend.notebook_instances.get(params.get("NotebookInstanceName"))
    if nb is None:
        return _sm_error("ValidationException", "RecordNotFound")
    if nb.status != "Stopped":
        return _sm_error("ValidationException",
                         f"Status ({nb.status}) not in ([Stopped]). Unable to transition to (Updating) for Notebook Instance ({nb.arn})")
    if "RootAccess" in params:
        nb.root_access = params["RootAccess"]
    imds = (params.get("InstanceMetadataServiceConfiguration") or {}).get(
        "MinimumInstanceMetadataServiceVersion")
    if imds:
        nb._imds = imds
    if params.get("DisassociateLifecycleConfig"):
        nb.lifecycle_config_name = None
    elif params.get("LifecycleConfigName"):
        nb.lifecycle_config_name = params["LifecycleConfigName"]
    nb.status, nb._settles_to = "Updating", "Stopped"
    return json.dumps({})


SageMakerResponse.create_notebook_instance = _create_notebook
SageMakerResponse.update_notebook_instance = update_notebook_instance


# ---------------------------------------------------------------------------------------------
# SageMaker's wider surface: Studio images, inference experiments, feature group listing (moto
# has none), and the settings moto drops from notebooks, feature groups and processing jobs.

# (account, region, kind) -> {name: resource}; kind is "app-image-config", "image" or
# "inference-experiment".
_SURFACE = {}
# arn -> tags, for the resources above (moto's ListTags knows only its own).
_SURFACE_TAGS = {}
# (account, region, name) -> what moto drops: the feature group's OnlineStoreConfig, the
# processing job's ProcessingResources.
_DROPPED = {}


def _surface_store(self, kind):
    return _SURFACE.setdefault((self.current_account, self.region, kind), {})


def _surface_create(kind, name_key, arn_key, keep):
    def create(self):
        import time as _time
        params = json.loads(self.body or "{}")
        name = params[name_key]
        arn = f"arn:aws:sagemaker:{self.region}:{self.current_account}:{kind}/{name.lower()}"
        with _LOCK:
            store = _surface_store(self, kind)
            if name in store:
                return _sm_error("ResourceInUse", f"{name} already exists")
            item = {name_key: name, arn_key: arn, "CreationTime": _time.time(),
                    "LastModifiedTime": _time.time()}
            item.update({k: params[k] for k in keep if k in params})
            store[name] = item
            _SURFACE_TAGS[arn] = list(params.get("Tags") or [])
        return json.dumps({arn_key: arn})
    return create


def _surface_list(kind, out_key, summary_keys):
    def list_(self):
        params = json.loads(self.body or "{}")
        limit = int(params.get("MaxResults", 10))
        start = int(params.get("NextToken") or 0)
        with _LOCK:
            found = sorted(_surface_store(self, kind).values(), key=lambda r: r["CreationTime"])
        page = found[start:start + limit]
        out = {out_key: [{k: r[k] for k in summary_keys if k in r} for r in page]}
        if start + limit < len(found):
            out["NextToken"] = str(start + limit)
        return json.dumps(out)
    return list_


def describe_inference_experiment(self):
    name = json.loads(self.body or "{}").get("Name")
    with _LOCK:
        found = _surface_store(self, "inference-experiment").get(name)
    if found is None:
        return _sm_error("ResourceNotFound", f"Inference experiment {name} does not exist")
    return json.dumps(found)


SageMakerResponse.create_app_image_config = _surface_create(
    "app-image-config", "AppImageConfigName", "AppImageConfigArn",
    ["KernelGatewayImageConfig", "JupyterLabAppImageConfig", "CodeEditorAppImageConfig"])
SageMakerResponse.list_app_image_configs = _surface_list(
    "app-image-config", "AppImageConfigs",
    ["AppImageConfigName", "AppImageConfigArn", "CreationTime", "LastModifiedTime"])
SageMakerResponse.create_image = _surface_create(
    "image", "ImageName", "ImageArn", ["RoleArn", "DisplayName", "Description"])
SageMakerResponse.list_images = _surface_list(
    "image", "Images",
    ["ImageName", "ImageArn", "CreationTime", "LastModifiedTime", "DisplayName"])
SageMakerResponse.create_inference_experiment = _surface_create(
    "inference-experiment", "Name", "InferenceExperimentArn",
    ["Type", "EndpointName", "ModelVariants", "DataStorageConfig", "ShadowModeConfig",
     "KmsKey", "RoleArn", "Schedule", "Description"])
SageMakerResponse.list_inference_experiments = _surface_list(
    "inference-experiment", "InferenceExperiments",
    ["Name", "Type", "CreationTime", "LastModifiedTime", "RoleArn"])
SageMakerResponse.describe_inference_experiment = describe_inference_experiment


def _surface_describe(kind, name_key, what):
    def describe(self):
        name = json.loads(self.body or "{}").get(name_key)
        with _LOCK:
            found = _surface_store(self, kind).get(name)
        if found is None:
            return _sm_error("ResourceNotFound", f"{what} {name} does not exist")
        return json.dumps(found)
    return describe


SageMakerResponse.create_user_profile = _surface_create(
    "user-profile", "UserProfileName", "UserProfileArn", ["DomainId", "UserSettings"])
SageMakerResponse.list_user_profiles = _surface_list(
    "user-profile", "UserProfiles",
    ["DomainId", "UserProfileName", "CreationTime", "LastModifiedTime"])
SageMakerResponse.describe_user_profile = _surface_describe(
    "user-profile", "UserProfileName", "User profile")
SageMakerResponse.create_space = _surface_create(
    "space", "SpaceName", "SpaceArn",
    ["DomainId", "SpaceSettings", "OwnershipSettings", "SpaceSharingSettings", "SpaceDisplayName"])
SageMakerResponse.list_spaces = _surface_list(
    "space", "Spaces", ["DomainId", "SpaceName", "CreationTime", "LastModifiedTime"])
SageMakerResponse.describe_space = _surface_describe("space", "SpaceName", "Space")
SageMakerResponse.create_studio_lifecycle_config = _surface_create(
    "studio-lifecycle-config", "StudioLifecycleConfigName", "StudioLifecycleConfigArn",
    ["StudioLifecycleConfigContent", "StudioLifecycleConfigAppType"])
SageMakerResponse.list_studio_lifecycle_configs = _surface_list(
    "studio-lifecycle-config", "StudioLifecycleConfigs",
    ["StudioLifecycleConfigName", "StudioLifecycleConfigArn", "CreationTime",
     "LastModifiedTime", "StudioLifecycleConfigAppType"])
SageMakerResponse.describe_studio_lifecycle_config = _surface_describe(
    "studio-lifecycle-config", "StudioLifecycleConfigName", "Studio lifecycle config")
_create_app_record = _surface_create(
    "app", "AppName", "AppArn",
    ["DomainId", "UserProfileName", "SpaceName", "AppType", "ResourceSpec"])


def create_app(self):
    out = _create_app_record(self)
    name = json.loads(self.body or "{}").get("AppName")
    with _LOCK:
        app = _surface_store(self, "app").get(name)
        if app is not None:
            app["Status"] = "InService"
    return out


SageMakerResponse.create_app = create_app
SageMakerResponse.list_apps = _surface_list(
    "app", "Apps",
    ["DomainId", "UserProfileName", "SpaceName", "AppType", "AppName", "Status",
     "CreationTime", "ResourceSpec"])

_original_list_tags = SageMakerResponse.list_tags
_original_add_tags = SageMakerResponse.add_tags


def _list_tags(self):
    arn = json.loads(self.body or "{}").get("ResourceArn")
    with _LOCK:
        tags = _SURFACE_TAGS.get(arn)
    if tags is None:
        return _original_list_tags(self)
    return json.dumps({"Tags": tags})


def _add_tags(self):
    params = json.loads(self.body or "{}")
    with _LOCK:
        if params.get("ResourceArn") in _SURFACE_TAGS:
            _SURFACE_TAGS[params["ResourceArn"]].extend(params.get("Tags") or [])
            return json.dumps({"Tags": _SURFACE_TAGS[params["ResourceArn"]]})
    return _original_add_tags(self)


SageMakerResponse.list_tags = _list_tags
SageMakerResponse.add_tags = _add_tags


def list_feature_groups(self):
    params = json.loads(self.body or "{}")
    limit = int(params.get("MaxResults", 10))
    start = int(params.get("NextToken") or 0)
    backend = sagemaker_backends[self.current_account][self.region]
    found = sorted(backend.feature_groups.values(), key=lambda g: g.feature_group_name)
    page = found[start:start + limit]
    out = {"FeatureGroupSummaries": [{
        "FeatureGroupName": g.feature_group_name, "FeatureGroupArn": g.arn,
        "CreationTime": g.creation_time.timestamp() if hasattr(g.creation_time, "timestamp")
        else g.creation_time,
        "FeatureGroupStatus": "Created"} for g in page]}
    if start + limit < len(found):
        out["NextToken"] = str(start + limit)
    return json.dumps(out)


SageMakerResponse.list_feature_groups = list_feature_groups


def _keeping(original, name_key, field):
    """Wraps a Create to keep `field` moto drops, and its Describe to give it back."""
    def create(self):
        result = original(self)
        value = self._get_param(field)
        if value is not None:
            with _LOCK:
                _DROPPED[(self.current_account, self.region, self._get_param(name_key), field)] = value
        return result
    return create


def _giving_back(original, name_key, fields):
    def describe(self):
        result = original(self)
        name = self._get_param(name_key)
        with _LOCK:
            for field in fields:
                value = _DROPPED.get((self.current_account, self.region, name, field))
                if value is not None and hasattr(result, "_result"):
                    result._result[field] = value
        return result
    return describe


SageMakerResponse.create_feature_group = _keeping(
    SageMakerResponse.create_feature_group, "FeatureGroupName", "OnlineStoreConfig")
SageMakerResponse.describe_feature_group = _giving_back(
    SageMakerResponse.describe_feature_group, "FeatureGroupName", ["OnlineStoreConfig"])
SageMakerResponse.create_processing_job = _keeping(
    SageMakerResponse.create_processing_job, "ProcessingJobName", "ProcessingResources")
SageMakerResponse.describe_processing_job = _giving_back(
    SageMakerResponse.describe_processing_job, "ProcessingJobName", ["ProcessingResources"])
_notebook_platform_create = SageMakerResponse.create_notebook_instance
SageMakerResponse.create_notebook_instance = _keeping(
    _notebook_platform_create, "NotebookInstanceName", "PlatformIdentifier")


def _describe_notebook_with_platform(original):
    def describe(self):
        result = original(self)
        name = self._get_param("NotebookInstanceName")
        with _LOCK:
            platform = _DROPPED.get((self.current_account, self.region, name, "PlatformIdentifier"))
        if hasattr(result, "_result"):
            result._result["PlatformIdentifier"] = platform or "notebook-al2-v2"
        return result
    return describe


SageMakerResponse.describe_notebook_instance = _describe_notebook_with_platform(
    SageMakerResponse.describe_notebook_instance)

_original_endpoint_response = sagemaker_models.FakeEndpoint.response_object.fget


def _deployed_images(endpoint, out):
    """DescribeEndpoint's ProductionVariants[].DeployedImages (moto has none): the image the
    variant's model names, resolved to a digest made from its name (a tag moves; a digest
    does not)."""
    import hashlib
    account, region = endpoint.arn.split(":")[4], endpoint.arn.split(":")[3]
    backend = sagemaker_backends[account][region]
    config = backend.endpoint_configs.get(endpoint.endpoint_config_name)
    if config is None:
        return
    models = {v.get("VariantName"): v.get("ModelName") for v in config.production_variants}
    for v in out.get("ProductionVariants", []):
        model = backend._models.get(models.get(v.get("VariantName")))
        image = ((model.primary_container or {}) if model else {}).get("Image")
        if not image:
            continue
        repo = image.split("@")[0].rsplit(":", 1)[0] if "@" not in image else image.split("@")[0]
        digest = image.split("@")[1] if "@" in image else \
            (_ecr_tag_digest(image) or "sha256:" + hashlib.sha256(image.encode()).hexdigest())
        v["DeployedImages"] = [{"SpecifiedImage": image, "ResolvedImage": f"{repo}@{digest}"}]


def _ecr_tag_digest(image):
    """The digest a tag names in moto's ECR, when the image is a tag of a repository it holds."""
    from moto.ecr.models import ecr_backends
    try:
        host, path = image.split("/", 1)
        account, rest = host.split(".dkr.ecr.", 1)
        region = rest.split(".amazonaws.com")[0]
        name, tag = path.rsplit(":", 1)
        repo = ecr_backends[account][region].repositories.get(name)
        if repo is None:
            return None
        for i in repo.images:
            if tag in i.image_tags:
                return i.image_digest
    except (ValueError, KeyError):
        return None
    return None


def ecr_scan(q, counts):
    """`POST /_secdash/ecr/scan?account=..&region=..&repository=..&digest=..`: the image's scan
    summary, as ECR's DescribeImages gives it after a scan."""
    from moto.ecr.models import ecr_backends
    account = q.get("account", [_ACCOUNT])[0]
    region = q.get("region", ["us-east-1"])[0]
    repo = ecr_backends[account][region].repositories[q["repository"][0]]
    image = repo._get_image(None, q["digest"][0])
    image.image_scan_status = {"status": "COMPLETE",
                               "description": "The scan was completed successfully."}
    image.image_scan_findings_summary = {"findingSeverityCounts": counts}
    return {"scanned": image.image_digest}


def _endpoint_response(self):
    out = _original_endpoint_response(self)
    _deployed_images(self, out)
    pending = getattr(self, "_pending_config", None)
    if pending:
        import time as _time
        out["EndpointStatus"] = "Updating"
        out["PendingDeploymentSummary"] = {"EndpointConfigName": pending,
                                           "StartTime": _time.time()}
        # The next read finds the update done.
        self.endpoint_config_name, self._pending_config = pending, None
        self.endpoint_status = "InService"
        config = self._backend.endpoint_configs[pending]
        self.production_variants = self._process_production_variants(
            config.production_variants)
    return out


sagemaker_models.FakeEndpoint.response_object = property(_endpoint_response)


def update_endpoint(self):
    params = json.loads(self.body or "{}")
    backend = sagemaker_backends[self.current_account][self.region]
    name, config = params.get("EndpointName"), params.get("EndpointConfigName")
    ep = backend.endpoints.get(name)
    if ep is None:
        return _sm_error("ValidationException", f"Could not find endpoint \"{name}\".")
    if config not in backend.endpoint_configs:
        return _sm_error("ValidationException",
                         f"Could not find endpoint configuration \"{config}\".")
    if ep.endpoint_status != "InService":
        return _sm_error("ValidationException",
                         f"Cannot update in-progress endpoint \"{ep.arn}\".")
    ep._backend, ep._pending_config, ep.endpoint_status = backend, config, "Updating"
    return json.dumps({"EndpointArn": ep.arn})


SageMakerResponse.update_endpoint = update_endpoint


def _job_store(backend, kind):
    return {"training": backend.training_jobs, "transform": backend.transform_jobs,
            "processing": backend.processing_jobs}[kind]


def _status_attr(kind):
    return f"{kind}_job_status"


def _stop_job(kind):
    def stop(self):
        params = json.loads(self.body or "{}")
        backend = sagemaker_backends[self.current_account][self.region]
        name = params.get(f"{kind.capitalize()}JobName")
        job = _job_store(backend, kind).get(name)
        if job is None:
            return _sm_error("ValidationException", f"Requested resource not found: {name}")
        if getattr(job, _status_attr(kind)) != "InProgress":
            return _sm_error("ValidationException",
                             f"The job {name} is not in progress: it cannot be stopped")
        setattr(job, _status_attr(kind), "Stopping")
        job._settles_to = "Stopped"
        return json.dumps({})
    return stop


def _settling_job(cls, kind):
    original = cls.response_object.fget

    def response(self):
        out = original(self)
        settles = getattr(self, "_settles_to", None)
        if settles:
            setattr(self, _status_attr(kind), settles)
            self._settles_to = None
        return out
    cls.response_object = property(response)


_settling_job(sagemaker_models.FakeTrainingJob, "training")
_settling_job(sagemaker_models.FakeTransformJob, "transform")
_settling_job(sagemaker_models.FakeProcessingJob, "processing")
SageMakerResponse.stop_training_job = _stop_job("training")
SageMakerResponse.stop_transform_job = _stop_job("transform")
SageMakerResponse.stop_processing_job = _stop_job("processing")

# (account, region) -> {group name: policy text}
_GROUP_POLICIES = {}


def _group_or_error(self, params):
    backend = sagemaker_backends[self.current_account][self.region]
    name = params.get("ModelPackageGroupName")
    if name not in backend.model_package_groups:
        return name, _sm_error("ValidationException",
                               f"Model Package Group {name} does not exist.")
    return name, None


def get_model_package_group_policy(self):
    params = json.loads(self.body or "{}")
    name, error = _group_or_error(self, params)
    if error:
        return error
    with _LOCK:
        policy = _GROUP_POLICIES.get((self.current_account, self.region), {}).get(name)
    if policy is None:
        return _sm_error("ValidationException",
                         f"Cannot find resource policy for Model Package Group {name}: it was not found")
    return json.dumps({"ResourcePolicy": policy})


def put_model_package_group_policy(self):
    params = json.loads(self.body or "{}")
    name, error = _group_or_error(self, params)
    if error:
        return error
    with _LOCK:
        _GROUP_POLICIES.setdefault((self.current_account, self.region), {})[name] = params["ResourcePolicy"]
    backend = sagemaker_backends[self.current_account][self.region]
    return json.dumps({"ModelPackageGroupArn": backend.model_package_groups[name].arn})


def delete_model_package_group_policy(self):
    params = json.loads(self.body or "{}")
    name, error = _group_or_error(self, params)
    if error:
        return error
    with _LOCK:
        _GROUP_POLICIES.get((self.current_account, self.region), {}).pop(name, None)
    return json.dumps({})


SageMakerResponse.get_model_package_group_policy = get_model_package_group_policy
SageMakerResponse.put_model_package_group_policy = put_model_package_group_policy
SageMakerResponse.delete_model_package_group_policy = delete_model_package_group_policy


def set_job_status(q):
    """`POST /_secdash/sagemaker/job-status?account=..&region=..&kind=training&name=..&status=..`:
    moto's jobs are Completed at once; a test makes one InProgress to stop it."""
    backend = sagemaker_backends[q.get("account", [_ACCOUNT])[0]][q.get("region", ["us-east-1"])[0]]
    kind = q["kind"][0]
    job = _job_store(backend, kind)[q["name"][0]]
    setattr(job, _status_attr(kind), q["status"][0])
    return {"status": q["status"][0]}


# ---------------------------------------------------------------------------------------------
# S3 GetBucketVersioning with the root element S3 uses


def _get_bucket_versioning(self):
    status = self.backend.get_bucket_versioning(self.bucket_name)
    inner = f"<Status>{status}</Status>" if status else ""
    body = ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{inner}'
            "</VersioningConfiguration>")
    return 200, {"Content-Type": "application/xml"}, body


S3Response.get_bucket_versioning = _get_bucket_versioning

# ---------------------------------------------------------------------------------------------
# Security Hub standards

# (account, region) -> {standards arn: subscription}
_STANDARDS = {}
_DEFAULT_STANDARDS = [
    "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
    "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
]


def _subscribe(account, region, standards_arn):
    name = standards_arn.split("/", 1)[1] if "/" in standards_arn else standards_arn
    sub = {
        "StandardsSubscriptionArn": f"arn:aws:securityhub:{region}:{account}:subscription/{name}",
        "StandardsArn": standards_arn,
        "StandardsInput": {},
        "StandardsStatus": "READY",
    }
    with _LOCK:
        _STANDARDS.setdefault((account, region), {})[standards_arn] = sub
    return sub


_original_enable_hub = SecurityHubResponse.enable_security_hub


def _enable_security_hub(self):
    result = _original_enable_hub(self)
    params = json.loads(self.body) if self.body else {}
    if params.get("EnableDefaultStandards", True):
        for arn in _DEFAULT_STANDARDS:
            _subscribe(self.current_account, self.region, arn.format(region=self.region))
    return result


def get_enabled_standards(self):
    self.securityhub_backend.describe_hub()  # InvalidAccessException when not enabled
    with _LOCK:
        subs = list(_STANDARDS.get((self.current_account, self.region), {}).values())
    return json.dumps({"StandardsSubscriptions": subs})


def batch_enable_standards(self):
    self.securityhub_backend.describe_hub()
    params = json.loads(self.body) if self.body else {}
    subs = [_subscribe(self.current_account, self.region, r["StandardsArn"])
            for r in params.get("StandardsSubscriptionRequests", [])]
    return json.dumps({"StandardsSubscriptions": subs})


SecurityHubResponse.enable_security_hub = _enable_security_hub
SecurityHubResponse.get_enabled_standards = get_enabled_standards
SecurityHubResponse.batch_enable_standards = batch_enable_standards
securityhub_urls.url_paths.update({
    "{0}/standards/get$": SecurityHubResponse.dispatch,
    "{0}/standards/register$": SecurityHubResponse.dispatch,
})

# ---------------------------------------------------------------------------------------------
# Security Hub GetFindings with filters and paging

_SH_FIELDS = {
    "ComplianceSecurityControlId": lambda f: (f.get("Compliance") or {}).get("SecurityControlId"),
    "AwsAccountId": lambda f: f.get("AwsAccountId"),
    "RecordState": lambda f: f.get("RecordState", "ACTIVE"),
    "ComplianceStatus": lambda f: (f.get("Compliance") or {}).get("Status"),
    "WorkflowStatus": lambda f: (f.get("Workflow") or {}).get("Status", "NEW"),
}


def _sh_error(code, message):
    return json.dumps({"__type": code, "message": message}), 400


def _sh_matches(finding, filters):
    for key, conditions in filters.items():
        value = _SH_FIELDS[key](finding)
        equals = [c["Value"] for c in conditions if c.get("Comparison", "EQUALS") == "EQUALS"]
        not_equals = [c["Value"] for c in conditions if c.get("Comparison") == "NOT_EQUALS"]
        if equals and value not in equals:
            return False
        if value in not_equals:
            return False
    return True


def _sh_get_findings(self):
    params = json.loads(self.body) if self.body else {}
    filters = params.get("Filters") or {}
    unknown = sorted(set(filters) - set(_SH_FIELDS))
    if unknown:
        return _sh_error("InvalidInputException",
                         f"secdash_moto does not emulate the filters {', '.join(unknown)}")
    for key, conditions in filters.items():
        if len(conditions) > 20:
            return _sh_error("InvalidInputException", f"{key}: at most 20 values")
        for c in conditions:
            if c.get("Comparison", "EQUALS") not in ("EQUALS", "NOT_EQUALS"):
                return _sh_error("InvalidInputException",
                                 f"secdash_moto does not emulate the comparison {c.get('Comparison')}")
    limit = int(params.get("MaxResults") or 100)
    if not 1 <= limit <= 100:
        return _sh_error("InvalidInputException", "MaxResults must be a number between 1 and 100")
    found = [f.as_dict() for f in self.securityhub_backend.findings]
    found = [f for f in found if _sh_matches(f, filters)]
    start = int(params.get("NextToken") or 0)
    out = {"Findings": found[start:start + limit]}
    if start + limit < len(found):
        out["NextToken"] = str(start + limit)
    return json.dumps(out)


SecurityHubResponse.get_findings = _sh_get_findings

# ---------------------------------------------------------------------------------------------
# AWS Config SelectAggregateResourceConfig

_SELECT = re.compile(
    r"SELECT\s+(?P<fields>.+?)\s+WHERE\s+resourceType\s*=\s*'(?P<type>[^']+)'"
    r"(?:\s+AND\s+awsRegion\s+IN\s*\((?P<regions>[^)]*)\))?\s*$", re.S)


def _rule_permission(rule):
    p = {"ipProtocol": rule.ip_protocol or "-1", "ipv4Ranges": [], "ipRanges": [], "ipv6Ranges": [],
         "prefixListIds": [], "userIdGroupPairs": []}
    if rule.from_port is not None:
        p["fromPort"], p["toPort"] = rule.from_port, rule.to_port
    r = rule.ip_range or {}
    if r.get("CidrIp"):
        p["ipv4Ranges"].append({"cidrIp": r["CidrIp"], "description": r.get("Description")})
        p["ipRanges"].append(r["CidrIp"])
    if r.get("CidrIpv6"):
        p["ipv6Ranges"].append({"cidrIpv6": r["CidrIpv6"], "description": r.get("Description")})
    if rule.prefix_list_id:
        p["prefixListIds"].append({"prefixListId": rule.prefix_list_id})
    g = rule.source_group or {}
    if g.get("GroupId"):
        p["userIdGroupPairs"].append({"groupId": g["GroupId"], "userId": g.get("UserId")})
    return p


def _config_items(resource_type, account, region):
    """(resourceId, resourceName, configuration) of what moto holds in one account and Region."""
    from moto.ec2.models import ec2_backends
    if resource_type == "AWS::EC2::SecurityGroup":
        ec2 = ec2_backends[account][region]
        for by_id in list(ec2.groups.values()):
            for g in list(by_id.values()):
                yield g.id, g.name, {
                    "groupId": g.id, "groupName": g.name, "description": g.description,
                    "vpcId": g.vpc_id, "ownerId": account,
                    "ipPermissions": [_rule_permission(r) for r in g.ingress_rules],
                    "ipPermissionsEgress": [_rule_permission(r) for r in g.egress_rules],
                    "tags": [{"key": t["Key"], "value": t["Value"]} for t in g.get_tags()],
                }
    elif resource_type == "AWS::EC2::NetworkInterface":
        ec2 = ec2_backends[account][region]
        for eni in list(ec2.enis.values()):
            instance = getattr(eni, "instance", None)
            yield eni.id, None, {
                "networkInterfaceId": eni.id, "description": eni.description,
                "interfaceType": getattr(eni, "interface_type", "interface"),
                "requesterId": getattr(eni, "requester_id", None),
                "privateIpAddress": getattr(eni, "private_ip_address", None),
                "attachment": {"instanceId": instance.id} if instance is not None else None,
                "groups": [{"groupId": g.id, "groupName": g.name} for g in eni.group_set],
            }
    elif resource_type == "AWS::EC2::VPC":
        ec2 = ec2_backends[account][region]
        for vpc in list(ec2.vpcs.values()):
            yield vpc.id, None, {
                "vpcId": vpc.id, "cidrBlock": vpc.cidr_block,
                "cidrBlockAssociationSet": [{"cidrBlock": c["cidr_block"]}
                                            for c in vpc.get_cidr_block_association_set()],
                "ipv6CidrBlockAssociationSet": [{"ipv6CidrBlock": c["cidr_block"]}
                                                for c in vpc.get_cidr_block_association_set(ipv6=True)],
            }
    elif resource_type == "AWS::SageMaker::NotebookInstance":
        for nb in list(sagemaker_backends[account][region].notebook_instances.values()):
            yield nb.notebook_instance_name, nb.notebook_instance_name, {
                "NotebookInstanceName": nb.notebook_instance_name, "InstanceType": nb.instance_type,
                "RoleArn": nb.role_arn, "SubnetId": nb.subnet_id,
                "DirectInternetAccess": nb.direct_internet_access, "RootAccess": nb.root_access,
                "PlatformIdentifier": _DROPPED.get(
                    (account, region, nb.notebook_instance_name, "PlatformIdentifier"),
                    "notebook-al2-v2"),
            }
    else:
        raise ValueError(resource_type)


def select_aggregate_resource_config(self):
    import datetime
    from moto.config.models import config_backends
    params = json.loads(self.body) if self.body else {}
    name = params.get("ConfigurationAggregatorName", "")
    aggregator = config_backends[self.current_account][self.region].config_aggregators.get(name)
    if aggregator is None:
        return _sh_error("NoSuchConfigurationAggregatorException",
                         f"The configuration aggregator does not exist: {name}")
    match = _SELECT.match(params.get("Expression", "").strip())
    supported = ("AWS::EC2::SecurityGroup", "AWS::EC2::NetworkInterface", "AWS::EC2::VPC",
                 "AWS::SageMaker::NotebookInstance")
    if not match or match.group("type") not in supported:
        return _sh_error("InvalidExpressionException",
                         "secdash_moto answers SELECT ... WHERE resourceType = 'TYPE' "
                         "[AND awsRegion IN (...)] for " + ", ".join(supported))
    fields = [f.strip() for f in match.group("fields").split(",")]
    asked = re.findall(r"'([^']+)'", match.group("regions") or "")
    limit = int(params.get("Limit") or 100)
    if not 0 < limit <= 100:
        return _sh_error("InvalidLimitException", "Limit must be between 1 and 100")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    rows = []
    for source in aggregator.account_aggregation_sources or []:
        regions = source.aws_regions or asked or [self.region]
        for account in source.account_ids:
            for region in regions:
                if asked and region not in asked:
                    continue
                for rid, rname, conf in _config_items(match.group("type"), account, region):
                    row = {"accountId": account, "awsRegion": region, "resourceId": rid,
                           "resourceName": rname, "resourceType": match.group("type"),
                           "configuration": conf, "configurationItemCaptureTime": now}
                    rows.append(json.dumps({f: row.get(f) for f in fields}))
    start = int(params.get("NextToken") or 0)
    out = {"Results": rows[start:start + limit],
           "QueryInfo": {"SelectFields": [{"Name": f} for f in fields]}}
    if start + limit < len(rows):
        out["NextToken"] = str(start + limit)
    return json.dumps(out)


ConfigResponse.select_aggregate_resource_config = select_aggregate_resource_config

# ---------------------------------------------------------------------------------------------
# IAM Access Analyzer (REST-JSON), served before moto's dispatcher, which has no backend for it

# (account, region) -> [analyzer]
_ANALYZERS = {}
_ACCOUNT = "123456789012"


def _signing_scope(environ):
    """(region, service) from the SigV4 Authorization header's credential scope."""
    match = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request",
                      environ.get("HTTP_AUTHORIZATION", ""))
    return (match.group(1), match.group(2)) if match else (None, None)


def access_analyzer(request, region):
    key = (_ACCOUNT, region)
    if request.path == "/analyzer" and request.method == "PUT":
        body = json.loads(request.get_data() or b"{}")
        name = body.get("analyzerName", "")
        kind = body.get("type", "ACCOUNT")
        arn = f"arn:aws:access-analyzer:{region}:{_ACCOUNT}:analyzer/{name}"
        with _LOCK:
            analyzers = _ANALYZERS.setdefault(key, [])
            if any(a["name"] == name for a in analyzers):
                return 409, {"message": f"Analyzer {name} already exists"}, "ConflictException"
            analyzers.append({"arn": arn, "name": name, "type": kind, "status": "ACTIVE",
                              "createdAt": "2026-01-01T00:00:00Z", "tags": {}})
        return 200, {"arn": arn}, None
    if request.path == "/analyzer" and request.method == "GET":
        kind = request.args.get("type")
        with _LOCK:
            found = [a for a in _ANALYZERS.get(key, []) if not kind or a["type"] == kind]
        return 200, {"analyzers": found}, None
    return 404, {"message": f"{request.method} {request.path} is not emulated"}, "ResourceNotFoundException"


# ---------------------------------------------------------------------------------------------
# CloudTrail LookupEvents

# (account, region) -> [event], and the times of the requests answered in the last second
_TRAIL_EVENTS = {}
_TRAIL_REQUESTS = {}
_TRAIL_STATS = {"answered": 0, "throttled": 0}
_LOOKUP_KEYS = {
    "EventId": lambda e: [e.get("EventId")],
    "EventName": lambda e: [e.get("EventName")],
    "ReadOnly": lambda e: [e.get("ReadOnly")],
    "Username": lambda e: [e.get("Username")],
    "ResourceType": lambda e: [r.get("ResourceType") for r in e.get("Resources", [])],
    "ResourceName": lambda e: [r.get("ResourceName") for r in e.get("Resources", [])],
    "EventSource": lambda e: [e.get("EventSource")],
    "AccessKeyId": lambda e: [e.get("AccessKeyId")],
}


def lookup_events(body, region):
    import base64
    import time as _time
    key = (_ACCOUNT, region)
    now = _time.monotonic()
    with _LOCK:
        recent = [t for t in _TRAIL_REQUESTS.get(key, []) if now - t < 1.0]
        if len(recent) >= 2:
            _TRAIL_STATS["throttled"] += 1
            return 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
        recent.append(now)
        _TRAIL_REQUESTS[key] = recent
        _TRAIL_STATS["answered"] += 1
        events = list(_TRAIL_EVENTS.get(key, []))
    attributes = body.get("LookupAttributes") or []
    if len(attributes) > 1:
        return 400, {"__type": "InvalidLookupAttributesException",
                     "message": "You cannot specify more than one lookup attribute."}
    for a in attributes:
        get = _LOOKUP_KEYS.get(a.get("AttributeKey"))
        if get is None:
            return 400, {"__type": "InvalidLookupAttributesException",
                         "message": f"Unknown AttributeKey {a.get('AttributeKey')}"}
        events = [e for e in events if a.get("AttributeValue") in get(e)]
    end = body.get("EndTime", _time.time())
    start = body.get("StartTime", end - 90 * 86400)
    if start > end:
        return 400, {"__type": "InvalidTimeRangeException", "message": "StartTime is after EndTime"}
    events = [e for e in events if start <= e["EventTime"] <= end]
    events.sort(key=lambda e: e["EventTime"], reverse=True)
    limit = body.get("MaxResults", 50)
    if not 1 <= limit <= 50:
        return 400, {"__type": "InvalidMaxResultsException", "message": "MaxResults must be 1 to 50"}
    offset = 0
    if body.get("NextToken"):
        try:
            offset = int(base64.b64decode(body["NextToken"]).decode())
        except Exception:
            return 400, {"__type": "InvalidNextTokenException", "message": "Invalid NextToken"}
    page = events[offset:offset + limit]
    out = {"Events": page}
    if offset + limit < len(events):
        out["NextToken"] = base64.b64encode(str(offset + limit).encode()).decode()
    return 200, out


# ---------------------------------------------------------------------------------------------
# IAM SimulatePrincipalPolicy

def _as_list(v):
    return v if isinstance(v, list) else ([] if v is None else [v])


def _document(doc):
    from urllib.parse import unquote
    if isinstance(doc, dict):
        return doc
    doc = doc if doc.lstrip().startswith("{") else unquote(doc)
    return json.loads(doc)


def _condition_holds(condition, context):
    import fnmatch
    for operator, keys in (condition or {}).items():
        base = operator.replace("IfExists", "")
        for key, expected in keys.items():
            expected = [str(e) for e in _as_list(expected)]
            values = context.get(key.lower())
            if base == "Null":
                if (values is None) != (expected[0].lower() == "true"):
                    return False
            elif values is None:
                if operator.endswith("IfExists") or "Not" in base:
                    continue
                return False
            elif base in ("StringEquals", "StringLike", "ArnEquals", "ArnLike"):
                if not any(fnmatch.fnmatchcase(v, e) for v in values for e in expected):
                    return False
            elif base in ("StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"):
                if any(fnmatch.fnmatchcase(v, e) for v in values for e in expected):
                    return False
            elif base == "Bool":
                if values[0].lower() != expected[0].lower():
                    return False
            else:
                return False
    return True


def _decide(documents, action, resource, context):
    import fnmatch
    allowed = False
    for doc in documents:
        statements = _as_list(doc.get("Statement"))
        for st in statements:
            if "NotAction" in st:
                hit = not any(fnmatch.fnmatchcase(action.lower(), a.lower())
                              for a in _as_list(st["NotAction"]))
            else:
                hit = any(fnmatch.fnmatchcase(action.lower(), a.lower())
                          for a in _as_list(st.get("Action")))
            if not hit or not any(fnmatch.fnmatchcase(resource, r)
                                  for r in _as_list(st.get("Resource", "*"))):
                continue
            if not _condition_holds(st.get("Condition"), context):
                continue
            if st.get("Effect") == "Deny":
                return "explicitDeny"
            allowed = True
    return "allowed" if allowed else "implicitDeny"


def _indexed(form, prefix):
    items, i = [], 1
    while f"{prefix}.member.{i}" in form:
        items.append(form[f"{prefix}.member.{i}"])
        i += 1
    return items


def simulate_principal_policy(form):
    import uuid
    arn = form.get("PolicySourceArn", "")
    account = arn.split(":")[4] if arn.count(":") >= 5 else _ACCOUNT
    backend = iam_backends[account]["global"]
    try:
        if ":user/" in arn:
            principal = backend.get_user(arn.rsplit("/", 1)[-1])
        else:
            principal = backend.get_role_by_arn(arn)
    except Exception:
        return 404, "NoSuchEntity", f"The principal with ARN {arn} cannot be found."
    identity = [_document(d) for d in principal.policies.values()]
    for p in principal.managed_policies.values():
        identity.extend(_document(v.document) for v in p.versions if v.is_default)
    boundary = None
    if getattr(principal, "permissions_boundary_arn", None):
        p = backend.get_policy(principal.permissions_boundary_arn)
        boundary = [_document(v.document) for v in p.versions if v.is_default]
    context, i = {}, 1
    while f"ContextEntries.member.{i}.ContextKeyName" in form:
        context[form[f"ContextEntries.member.{i}.ContextKeyName"].lower()] = \
            _indexed(form, f"ContextEntries.member.{i}.ContextKeyValues")
        i += 1
    members = []
    for action in _indexed(form, "ActionNames"):
        for resource in _indexed(form, "ResourceArns") or ["*"]:
            decision = _decide(identity, action, resource, context)
            if boundary is not None and decision == "allowed":
                bound = _decide(boundary, action, resource, context)
                decision = "explicitDeny" if bound == "explicitDeny" else \
                    ("allowed" if bound == "allowed" else "implicitDeny")
            members.append(f"<member><EvalActionName>{action}</EvalActionName>"
                           f"<EvalResourceName>{resource}</EvalResourceName>"
                           f"<EvalDecision>{decision}</EvalDecision>"
                           "<MatchedStatements/><MissingContextValues/></member>")
    body = ('<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
            f"<EvaluationResults>{''.join(members)}</EvaluationResults>"
            "</SimulatePrincipalPolicyResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            "</SimulatePrincipalPolicyResponse>")
    return 200, None, body


# ---------------------------------------------------------------------------------------------
# Faults: an operation denied, throttled or never answered, on demand.

# operation -> {"fault": ..., "left": calls left (None: every call), "met": calls it answered}
_FAULTS = {}


def _operation(environ, service):
    """The operation a request calls: its query `Action`, or its JSON `X-Amz-Target`'s."""
    import io
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return target.rsplit(".", 1)[-1]
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(raw)
    form = parse_qs(raw.decode(errors="replace"))
    action = form.get("Action") or parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if action:
        return action[0]
    return _rest_operation(service, environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))


_REST_ROUTES = {}


def _rest_operation(service, method, path):
    """A REST protocol's operation, from the method and path its botocore model gives it."""
    if service not in _REST_ROUTES:
        import botocore.session
        routes = []
        try:
            model = botocore.session.get_session().get_service_model(service)
            for name in model.operation_names:
                http = model.operation_model(name).http
                uri = http.get("requestUri", "").split("?")[0]
                pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(uri)) + "/?$"
                routes.append((http.get("method", ""), re.compile(pattern), name))
        except Exception:
            routes = []
        _REST_ROUTES[service] = routes
    for m, pattern, name in _REST_ROUTES[service]:
        if m == method and pattern.match(path):
            return name
    return None


def _fault_response(environ, service, operation, fault):
    if fault == "hang":
        import time
        time.sleep(3600)
    denied = fault == "deny"
    if environ.get("HTTP_X_AMZ_TARGET"):
        code = "AccessDeniedException" if denied else "ThrottlingException"
        body = json.dumps({"__type": code, "message": f"{operation}: {code} (secdash test fault)"})
        return Response(body, status=400, headers={"x-amzn-ErrorType": code},
                        mimetype="application/x-amz-json-1.1")
    if service in ("guardduty",):
        # REST-JSON: the error type in a header and the body (GuardDuty's AccessDeniedException).
        code = "AccessDeniedException" if denied else "TooManyRequestsException"
        body = json.dumps({"__type": code, "message": f"{operation}: {code} (secdash test fault)"})
        return Response(body, status=403 if denied else 429, headers={"x-amzn-ErrorType": code},
                        mimetype="application/json")
    if service == "ec2":
        code = "UnauthorizedOperation" if denied else "RequestLimitExceeded"
        message = (f"You are not authorized to perform this operation. User is not authorized "
                   f"to perform: ec2:{operation}") if denied else "Request limit exceeded."
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
                "</Errors><RequestID>secdash-fault</RequestID></Response>")
        return Response(body, status=403 if denied else 503, mimetype="text/xml")
    code = "AccessDenied" if denied else "Throttling"
    message = (f"User is not authorized to perform: {service}:{operation}" if denied
               else "Rate exceeded")
    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}"
            "</Message></Error><RequestId>secdash-fault</RequestId></ErrorResponse>")
    return Response(body, status=403 if denied else 400, mimetype="text/xml")


def _faulted(environ, service):
    """The response of a fault set on this request's operation, or None."""
    if not _FAULTS or environ.get("PATH_INFO", "").startswith("/_secdash/"):
        return None
    operation = _operation(environ, service)
    with _LOCK:
        rule = _FAULTS.get(operation)
        if rule is None or rule["left"] == 0:
            return None
        if rule["after"] > 0:
            rule["after"] -= 1
            return None
        if rule["left"] is not None:
            rule["left"] -= 1
        rule["met"] += 1
        fault = rule["fault"]
    return _fault_response(environ, service, operation, fault)


def faults_route(request):
    if request.method == "POST":
        q = parse_qs(request.environ.get("QUERY_STRING", ""))
        count = q.get("count", [None])[0]
        with _LOCK:
            _FAULTS[q["operation"][0]] = {"fault": q["fault"][0], "met": 0,
                                          "after": int(q.get("after", ["0"])[0]),
                                          "left": int(count) if count is not None else None}
    elif request.method == "DELETE":
        with _LOCK:
            _FAULTS.clear()
    with _LOCK:
        met = {op: rule["met"] for op, rule in _FAULTS.items()}
    return Response(json.dumps(met), mimetype="application/json")


# ---------------------------------------------------------------------------------------------
# The server: moto's own dispatcher, with the seeding route in front of it.


def seeding(app):
    def wsgi(environ, start_response):
        region, service = _signing_scope(environ)
        faulted = _faulted(environ, service)
        if faulted is not None:
            return faulted(environ, start_response)
        if service == "access-analyzer":
            status, body, error = access_analyzer(Request(environ), region)
            headers = {"x-amzn-ErrorType": error} if error else {}
            return Response(json.dumps(body), status=status, headers=headers,
                            mimetype="application/json")(environ, start_response)
        if service == "sts":
            import io
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            arn = form.get("RoleArn", "")
            if form.get("Action") == "AssumeRole" and arn.count(":") >= 5:
                account, name = arn.split(":")[4], arn.rsplit("/", 1)[-1]
                roles = iam_backends[account]["global"].roles.values()
                if name != "OrganizationAccountAccessRole" and not any(r.name == name for r in roles):
                    body = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                            f"<Message>User is not authorized to perform: sts:AssumeRole on "
                            f"resource: {arn}</Message></Error></ErrorResponse>")
                    return Response(body, status=403, mimetype="text/xml")(environ, start_response)
        if service == "iam":
            import io
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            if form.get("Action") == "SimulatePrincipalPolicy":
                status, code, body = simulate_principal_policy(form)
                if status != 200:
                    body = (f'<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>'
                            f"<Message>{body}</Message></Error></ErrorResponse>")
                return Response(body, status=status, mimetype="text/xml")(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if service == "cloudtrail" and target.endswith(".LookupEvents"):
            body = json.loads(Request(environ).get_data() or b"{}")
            status, out = lookup_events(body, region)
            headers = {"x-amzn-ErrorType": out["__type"]} if status != 200 else {}
            return Response(json.dumps(out), status=status, headers=headers,
                            mimetype="application/x-amz-json-1.1")(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/_secdash/"):
            return app(environ, start_response)
        request = Request(environ)
        if request.path == "/_secdash/faults":
            return faults_route(request)(environ, start_response)
        if request.path == "/_secdash/iam/age-key" and request.method == "POST":
            # IAM has no API to backdate a key; the credential report's last_rotated is its
            # creation date.
            import datetime
            q = parse_qs(environ.get("QUERY_STRING", ""))
            account = q.get("account", [_ACCOUNT])[0]
            user = iam_backends[account]["global"].users[q["user"][0]]
            days = int(q.get("days", ["120"])[0])
            for key in user.access_keys:
                key.create_date = key.create_date - datetime.timedelta(days=days)
            return Response(json.dumps({"aged": len(user.access_keys)}), mimetype="application/json")(environ, start_response)
        if request.path == "/_secdash/iam/root-mfa" and request.method == "POST":
            q = parse_qs(environ.get("QUERY_STRING", ""))
            account = q.get("account", [_ACCOUNT])[0]
            enabled = q.get("enabled", ["1"])[0] == "1"
            iam_backends[account]["global"].account_summary._account_mfa_enabled = int(enabled)
            return Response(json.dumps({"AccountMFAEnabled": int(enabled)}), mimetype="application/json")(environ, start_response)
        if request.path == "/_secdash/guardduty/findings" and request.method == "POST":
            q = parse_qs(environ.get("QUERY_STRING", ""))
            account = q.get("account", ["123456789012"])[0]
            region = q.get("region", ["us-east-1"])[0]
            detector = q["detector"][0]
            findings = json.loads(request.get_data() or b"[]")
            with _LOCK:
                store = _store(account, region, detector)
                for f in findings:
                    store[f["id"]] = f
            return Response(json.dumps({"stored": len(findings)}), mimetype="application/json")(environ, start_response)
        if request.path == "/_secdash/cloudtrail/events" and request.method == "POST":
            q = parse_qs(environ.get("QUERY_STRING", ""))
            key = (q.get("account", [_ACCOUNT])[0], q.get("region", ["us-east-1"])[0])
            events = json.loads(request.get_data() or b"[]")
            with _LOCK:
                _TRAIL_EVENTS.setdefault(key, []).extend(events)
            return Response(json.dumps({"stored": len(events)}), mimetype="application/json")(environ, start_response)
        if request.path == "/_secdash/sagemaker/job-status" and request.method == "POST":
            out = set_job_status(parse_qs(environ.get("QUERY_STRING", "")))
            return Response(json.dumps(out), mimetype="application/json")(environ, start_response)
        if request.path == "/_secdash/ecr/scan" and request.method == "POST":
            q = parse_qs(environ.get("QUERY_STRING", ""))
            out = ecr_scan(q, json.loads(request.get_data() or b"{}"))
            return Response(json.dumps(out), mimetype="application/json")(environ, start_response)
        if request.path == "/_secdash/cloudtrail/stats" and request.method == "GET":
            with _LOCK:
                stats = dict(_TRAIL_STATS)
            return Response(json.dumps(stats), mimetype="application/json")(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    return wsgi


def main():
    port = int(sys.argv[1])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple("127.0.0.1", port, seeding(app), threaded=True, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
    main()
