#!/usr/bin/env python3
"""Seeds moto's server with an account for the checklist tests, through the AWS API (boto3).

Run by tests/checklist.rs as: python seed_checklist.py PORT passing|failing

* passing: the account the seed guide (../shared/seeds/000_*) describes, every control on.
* failing: every control the checklist evaluates is off or missing.
* empty_group: a model, and model package groups with no approved version (#30).
* serverless: one serverless endpoint and its model (#30).

Root MFA has no API a test could call; it goes through the harness's seeding route
(tests/moto/secdash_moto.py). Everything else is the real API.
"""
import base64
import json
import sys
import time
import urllib.request

import boto3

REGION = "ap-southeast-1"
ACCOUNT = "123456789012"
PORT = int(sys.argv[1])
WORLD = sys.argv[2]
URL = f"http://127.0.0.1:{PORT}"


def client(service):
    return boto3.client(service, endpoint_url=URL, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


ec2, sm, s3, iam, kms = (client(s) for s in ("ec2", "sagemaker", "s3", "iam", "kms"))
ct, cfg, sh, waf = (client(s) for s in ("cloudtrail", "config", "securityhub", "wafv2"))
aa, sns, cw, gd = (client(s) for s in ("accessanalyzer", "sns", "cloudwatch", "guardduty"))
ecr, logs = (client(s) for s in ("ecr", "logs"))

ROLE_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def default_vpc():
    return [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]


def sagemaker_role(name):
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_TRUST)["Role"]["Arn"]


LLM_IMAGE = "763104351884.dkr.ecr.ap-southeast-1.amazonaws.com/llm"


def endpoint(name, role, kms_key, vpc=None, instances=1, bucket="studyai-dev-sagemaker-models",
             image=f"{LLM_IMAGE}:1", answers=None):
    model = {"ModelName": f"{name}-model", "ExecutionRoleArn": role,
             "PrimaryContainer": {"Image": image,
                                  "ModelDataUrl": f"s3://{bucket}/{name}/model.tar.gz"}}
    if vpc:
        # A model in the VPC pulls its image from the team's registry there.
        model["PrimaryContainer"]["ImageConfig"] = {"RepositoryAccessMode": "Vpc"}
    if vpc:
        model["VpcConfig"] = vpc
    sm.create_model(**model)
    config = {"EndpointConfigName": f"{name}-config", "ProductionVariants": [{
        "VariantName": "AllTraffic", "ModelName": f"{name}-model",
        "InitialInstanceCount": instances, "InstanceType": "ml.g4dn.xlarge"}]}
    if kms_key:
        config["KmsKeyId"] = kms_key
    if answers:
        # Asynchronous: answers and failures written to S3.
        config["AsyncInferenceConfig"] = {"OutputConfig": answers}
    sm.create_endpoint_config(**config)
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


def registered(name, bucket, image, overwritten):
    """The endpoint's package approved after its artifact was written (the caller wrote it);
    with `overwritten`, the artifact written again after the approval (S3 keeps whole
    seconds)."""
    def write():
        s3.put_object(Bucket=bucket, Key=f"{name}/model.tar.gz", Body=b"weights")

    time.sleep(1.1)
    sm.create_model_package_group(ModelPackageGroupName=name)
    sm.create_model_package(
        ModelPackageGroupName=name, ModelApprovalStatus="Approved",
        InferenceSpecification={"Containers": [{
            "Image": image, "ModelDataUrl": f"s3://{bucket}/{name}/model.tar.gz"}],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"]})
    if overwritten:
        time.sleep(1.1)
        write()


def lifecycle(name, on_start):
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name,
        OnStart=[{"Content": base64.b64encode(on_start.encode()).decode()}])


def data_scientist(name, guardrail):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    statements = [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]
    if guardrail:
        # The seed's statement (002), as written there.
        statements.append({
            "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}},
            "Action": ["sagemaker:CreateNotebookInstance", "sagemaker:CreateHyperParameterTuningJob",
                       "sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob",
                       "sagemaker:CreateModel"],
            "Resource": [f"arn:aws:sagemaker:*:{ACCOUNT}:*"], "Effect": "Deny"})
    iam.put_role_policy(RoleName=name, PolicyName="sagemaker-work", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": statements}))


def monitor(name, endpoint_name, role, network):
    job = {
        "MonitoringInputs": [{"EndpointInput": {"EndpointName": endpoint_name,
                                                "LocalPath": "/opt/ml/processing/input"}}],
        "MonitoringOutputConfig": {"MonitoringOutputs": [{"S3Output": {
            "S3Uri": "s3://x/monitoring", "LocalPath": "/opt/ml/processing/output"}}]},
        "MonitoringResources": {"ClusterConfig": {"InstanceCount": 1,
                                                  "InstanceType": "ml.m5.large",
                                                  "VolumeSizeInGB": 10}},
        "MonitoringAppSpecification": {"ImageUri": "model-monitor"},
        "RoleArn": role,
    }
    if network:
        job["NetworkConfig"] = network
    sm.create_monitoring_schedule(MonitoringScheduleName=name, MonitoringScheduleConfig={
        "MonitoringType": "DataQuality", "MonitoringJobDefinition": job,
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}})


def training_job(name, role, kms_key=None, **extra):
    output = {"S3OutputPath": "s3://studyai-dev-sagemaker-models/out"}
    resources = {"InstanceType": "ml.m5.large", "InstanceCount": 2, "VolumeSizeInGB": 10}
    if kms_key:
        output["KmsKeyId"] = kms_key
        resources["VolumeKmsKeyId"] = kms_key
    sm.create_training_job(
        TrainingJobName=name, RoleArn=role,
        AlgorithmSpecification={"TrainingImage": "x", "TrainingInputMode": "File"},
        OutputDataConfig=output, ResourceConfig=resources,
        StoppingCondition={"MaxRuntimeInSeconds": 3600}, **extra)


def ml_surface(role, key):
    """Feature Store, a Studio image, a shadow test, a job definition no schedule runs, and a
    processing, transform and AutoML job: with the team's key and settings (`key`), or with
    the defaults (`key=None`)."""
    safe = key is not None
    keyed = {"KmsKeyId": key} if safe else {}
    features = [{"FeatureName": "learner_id", "FeatureType": "String"},
                {"FeatureName": "event_time", "FeatureType": "String"}]
    sm.create_feature_group(
        FeatureGroupName="studyai-dev-learner-features", RecordIdentifierFeatureName="learner_id",
        EventTimeFeatureName="event_time", FeatureDefinitions=features, RoleArn=role,
        OnlineStoreConfig={"EnableOnlineStore": True, **({"SecurityConfig": keyed} if safe else {})},
        OfflineStoreConfig={"S3StorageConfig": {"S3Uri": "s3://studyai-dev-features/offline",
                                                **keyed}})
    tags = [{"Key": "team", "Value": "ml-platform"}] if safe else []
    sm.create_app_image_config(AppImageConfigName="studyai-dev-jupyter-cuda", Tags=tags,
                               KernelGatewayImageConfig={"KernelSpecs": [{"Name": "python3"}]})
    sm.create_image(ImageName="studyai-dev-jupyter-cuda", RoleArn=role, Tags=tags)
    capture = {"Destination": "s3://studyai-dev-features/shadow", **({"KmsKey": key} if safe else {})}
    sm.create_inference_experiment(
        Name="studyai-dev-llama3-shadow", Type="ShadowMode", RoleArn=role,
        EndpointName="studyai-dev-llama3-8b", DataStorageConfig=capture,
        ModelVariants=[{"ModelName": "studyai-dev-isolated", "VariantName": "shadow",
                        "InfrastructureConfig": {"InfrastructureType": "RealTimeInference",
                                                 "RealTimeInferenceConfig": {
                                                     "InstanceType": "ml.m5.large",
                                                     "InstanceCount": 1}}}],
        ShadowModeConfig={"SourceModelVariantName": "AllTraffic", "ShadowModelVariants": [
            {"ShadowModelVariantName": "shadow", "SamplingPercentage": 10}]},
        **({"KmsKey": key} if safe else {}))
    network = {"EnableNetworkIsolation": safe, "EnableInterContainerTrafficEncryption": safe}
    sm.create_data_quality_job_definition(
        JobDefinitionName="studyai-dev-adhoc-data-quality", RoleArn=role,
        DataQualityAppSpecification={"ImageUri": "model-monitor"},
        DataQualityJobInput={"EndpointInput": {"EndpointName": "studyai-dev-llama3-8b",
                                               "LocalPath": "/opt/ml/processing/input"}},
        DataQualityJobOutputConfig={"MonitoringOutputs": [{"S3Output": {
            "S3Uri": "s3://x/dq", "LocalPath": "/opt/ml/processing/output"}}]},
        JobResources={"ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.large",
                                        "VolumeSizeInGB": 10}},
        NetworkConfig=network)
    cluster = {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10}
    if safe:
        cluster["VolumeKmsKeyId"] = key
    sm.create_processing_job(
        ProcessingJobName="studyai-dev-tokenize", RoleArn=role,
        AppSpecification={"ImageUri": "processing"},
        ProcessingResources={"ClusterConfig": cluster},
        ProcessingOutputConfig={"Outputs": [], **keyed},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    sm.create_transform_job(
        TransformJobName="studyai-dev-batch-scoring", ModelName="studyai-dev-isolated",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                        "S3Uri": "s3://x/batch-in"}}},
        TransformOutput={"S3OutputPath": "s3://x/batch-out", **keyed},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1,
                            **({"VolumeKmsKeyId": key} if safe else {})})
    sm.create_auto_ml_job_v2(
        AutoMLJobName="studyai-dev-churn", RoleArn=role,
        AutoMLJobInputDataConfig=[{"ChannelType": "training", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://x/churn"}}}],
        OutputDataConfig={"S3OutputPath": "s3://x/churn-out"},
        AutoMLProblemTypeConfig={"TabularJobConfig": {"TargetAttributeName": "churned",
                                                      "ProblemType": "BinaryClassification",
                                                      "CompletionCriteria": {"MaxCandidates": 10}}},
        SecurityConfig={"EnableInterContainerTrafficEncryption": safe,
                        **({"VolumeKmsKeyId": key} if safe else {})})


def studio_people(domain, role, careful):
    """Studio's people and apps: alice's profile runs as `role`; a team space, shared unless
    `careful`; a JupyterLab script, with a token and a download unless `careful`; alice's
    JupyterLab app, on a GPU unless `careful`."""
    sm.create_user_profile(DomainId=domain, UserProfileName="alice",
                           UserSettings={"ExecutionRole": role})
    sm.create_space(DomainId=domain, SpaceName="llm-eval",
                    OwnershipSettings={"OwnerUserProfileName": "alice"},
                    SpaceSharingSettings={"SharingType": "Private" if careful else "Shared"})
    script = "#!/bin/bash\nset -e\n"
    if not careful:
        script += ("export HF_TOKEN=hf_QmVxWq7TzLpR3nYcKd8sJfH2gBvXe5uMoA\n"
                   "curl -s https://example.com/setup.sh | bash\n")
    sm.create_studio_lifecycle_config(
        StudioLifecycleConfigName="jupyterlab-setup", StudioLifecycleConfigAppType="JupyterLab",
        StudioLifecycleConfigContent=base64.b64encode(script.encode()).decode())
    sm.create_app(DomainId=domain, UserProfileName="alice", AppType="JupyterLab",
                  AppName="default",
                  ResourceSpec={"InstanceType": "ml.t3.medium" if careful else "ml.g5.2xlarge"})


LIFECYCLE_BUCKET = "sagemaker-studyai-dev-lifecycle"


def hyperpod(role, script=None, vpc=None):
    """A HyperPod cluster whose workers run `role` and start with `script` (in the lifecycle
    bucket, made versioned here when the world has not made it); in `vpc`
    ({"SecurityGroupIds": [...], "Subnets": [...]}) if given."""
    bucket = LIFECYCLE_BUCKET
    if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    if script is not None:
        s3.put_object(Bucket=bucket, Key="pretrain/on_create.sh", Body=script.encode())
    cluster = {"ClusterName": "studyai-dev-pretrain", "InstanceGroups": [{
        "InstanceGroupName": "workers", "InstanceType": "ml.p4d.24xlarge", "InstanceCount": 1,
        "ThreadsPerCore": 1,
        "ExecutionRole": role,
        "LifeCycleConfig": {"SourceS3Uri": f"s3://{bucket}/pretrain/", "OnCreate": "on_create.sh"}}]}
    if vpc:
        cluster["VpcConfig"] = vpc
    sm.create_cluster(**cluster)


def passing():
    # Network: the guide's VPC, public subnet with a NAT gateway, two private subnets.
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    private = [ec2.create_subnet(VpcId=vpc, CidrBlock=c)["Subnet"]["SubnetId"]
               for c in ("10.0.10.0/24", "10.0.11.0/24")]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    nat = ec2.create_nat_gateway(SubnetId=public)["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for s in private:
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=s)
    for svc in ("sagemaker.api", "sagemaker.runtime", "ecr.api", "ecr.dkr", "logs"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.{svc}",
                                VpcEndpointType="Interface", SubnetIds=private)
    s3_endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
        RouteTableIds=[private_rt])["VpcEndpoint"]["VpcEndpointId"]
    ec2.create_flow_logs(ResourceIds=[vpc, default_vpc()], ResourceType="VPC", TrafficType="ALL",
                         LogGroupName="/aws/vpc/flow-logs/studyai-dev",
                         DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/flow-logs")
    ec2.enable_ebs_encryption_by_default()
    sg = ec2.create_security_group(GroupName="studyai-dev-sagemaker-sg", Description="SageMaker",
                                   VpcId=vpc)["GroupId"]
    in_vpc = {"SecurityGroupIds": [sg], "Subnets": private}

    # Data: the customer-managed key with rotation, and the guide's buckets.
    key = kms.create_key(Description="studyai-dev-sagemaker")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/studyai-dev-sagemaker", TargetKeyId=key)
    kms.enable_key_rotation(KeyId=key)
    # The access logs' bucket first (log delivery may write to it), then HyperPod's lifecycle
    # scripts' and the models' buckets, which log their access there; all as the guide sets
    # every bucket.
    for bucket in ["studyai-dev-access-logs", LIFECYCLE_BUCKET, "studyai-dev-sagemaker-models"]:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        # S3's log delivery may write to the logs' bucket (moto reads the first statements'
        # principals as objects, so the deny names {"AWS": "*"}, which means the same as "*").
        statements = [{
            "Sid": "S3ServerAccessLogs", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": ["s3:PutObject"],
            "Resource": f"arn:aws:s3:::{bucket}/*"}] if bucket.endswith("access-logs") else []
        # moto applies aws:SecureTransport to the tests' plain-HTTP connection, which a real
        # call over TLS satisfies: on the lifecycle bucket the deny names the writes, so the
        # test can read the script secdash reads.
        statements.append({
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"},
            "Action": ["s3:PutObject", "s3:DeleteObject"] if bucket == LIFECYCLE_BUCKET else "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        if bucket == LIFECYCLE_BUCKET:
            # The pre-training cluster's start script, written before the bucket is closed.
            s3.put_object(Bucket=bucket, Key="pretrain/on_create.sh",
                          Body=b"#!/bin/bash\nset -e\n./setup_mount_fsx.sh\n")
        if bucket.endswith("models"):
            # The LLM's artifact, trained and written before the bucket is closed.
            s3.put_object(Bucket=bucket, Key="studyai-dev-llama3-8b/model.tar.gz", Body=b"weights")
            # The guide's preventive control: only through the VPC's S3 endpoint.
            statements.append({
                "Sid": "DenyOutsideVpce", "Effect": "Deny", "Principal": {"AWS": "*"},
                "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"StringNotEquals": {"aws:sourceVpce": [s3_endpoint]}}})
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": statements}))
    for logged in [LIFECYCLE_BUCKET, bucket]:
        s3.put_bucket_logging(Bucket=logged, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "studyai-dev-access-logs", "TargetPrefix": f"{logged}/"}})

    # SageMaker: a role with scoped permissions, a private notebook, an encrypted endpoint.
    role = sagemaker_role("studyai-dev-sagemaker-role")
    iam.put_role_policy(RoleName="studyai-dev-sagemaker-role", PolicyName="models-bucket",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                            "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    # Its lifecycle script fetches the Hugging Face token at start, as the guide's 004 does.
    lifecycle("studyai-dev-research-setup",
              "#!/bin/bash\nset -e\n"
              "HF_TOKEN=$(aws secretsmanager get-secret-value --secret-id hf --query SecretString)\n")
    sm.create_notebook_instance(NotebookInstanceName="studyai-dev-research",
                                InstanceType="ml.t3.medium", RoleArn=role, SubnetId=private[0],
                                SecurityGroupIds=[sg], DirectInternetAccess="Disabled",
                                RootAccess="Disabled", KmsKeyId=key,
                                LifecycleConfigName="studyai-dev-research-setup",
                                InstanceMetadataServiceConfiguration={
                                    "MinimumInstanceMetadataServiceVersion": "2"},
                                PlatformIdentifier="notebook-al2023-v1")
    # It serves its approved package's artifact, the image by digest.
    pinned = f"{LLM_IMAGE}@sha256:{'a' * 64}"
    registered("studyai-dev-llama3-8b", bucket, pinned, overwritten=False)
    endpoint("studyai-dev-llama3-8b", role, key, vpc=in_vpc, instances=2, image=pinned,
             answers={"S3OutputPath": f"s3://{bucket}/async/out", "KmsKeyId": key,
                      "S3FailurePath": f"s3://{bucket}/async/failed"})
    sm.create_model(ModelName="studyai-dev-isolated", ExecutionRoleArn=role,
                    PrimaryContainer={"Image": "x", "ImageConfig": {"RepositoryAccessMode": "Vpc"}},
                    EnableNetworkIsolation=True)
    sm.create_model_package_group(ModelPackageGroupName="studyai-dev-llm-finetunes")
    sm.create_model_package(
        ModelPackageGroupName="studyai-dev-llm-finetunes", ModelApprovalStatus="Approved",
        InferenceSpecification={"Containers": [{"Image": pinned}],
                                "SupportedContentTypes": ["application/json"],
                                "SupportedResponseMIMETypes": ["application/json"]})
    training_job("studyai-dev-finetune", role, kms_key=key, VpcConfig=in_vpc,
                 EnableNetworkIsolation=True, EnableInterContainerTrafficEncryption=True)
    ml_surface(role, key)
    # The data scientists' role, with the guide's preventive policy: no workload outside the VPC.
    data_scientist("studyai-dev-data-scientist", guardrail=True)
    # Studio in the guide's dedicated VPC, on Identity Center, with the team's key.
    domain = sm.create_domain(DomainName="studyai-dev-studio", AuthMode="SSO", VpcId=vpc,
                              SubnetIds=private, AppNetworkAccessType="VpcOnly", KmsKeyId=key,
                              DefaultUserSettings={"ExecutionRole": role})["DomainArn"].rsplit("/", 1)[-1]
    studio_people(domain, role, careful=True)
    hyperpod(role, vpc={"SecurityGroupIds": [sg], "Subnets": [private[0]]})
    # The LLM endpoint watched for data quality (inline job) and for bias by Clarify (a job
    # definition), both isolated with their traffic encrypted.
    safe = {"EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True}
    monitor("studyai-dev-llama3-8b-data-quality", "studyai-dev-llama3-8b", role, safe)
    sm.create_model_bias_job_definition(
        JobDefinitionName="studyai-dev-llama3-8b-bias", RoleArn=role,
        ModelBiasAppSpecification={"ImageUri": "clarify", "ConfigUri": "s3://x/analysis.json"},
        ModelBiasJobInput={"EndpointInput": {"EndpointName": "studyai-dev-llama3-8b",
                                             "LocalPath": "/opt/ml/processing/input"},
                           "GroundTruthS3Input": {"S3Uri": "s3://x/truth"}},
        ModelBiasJobOutputConfig={"MonitoringOutputs": [{"S3Output": {
            "S3Uri": "s3://x/out", "LocalPath": "/opt/ml/processing/output"}}]},
        JobResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large",
                                        "VolumeSizeInGB": 10}},
        NetworkConfig=safe)
    sm.create_monitoring_schedule(
        MonitoringScheduleName="studyai-dev-llama3-8b-bias",
        MonitoringScheduleConfig={"MonitoringType": "ModelBias",
                                  "MonitoringJobDefinitionName": "studyai-dev-llama3-8b-bias",
                                  "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}})

    # Monitoring: the guide's alarms to a topic with a subscriber, and a logging trail.
    topic = sns.create_topic(Name="studyai-dev-security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    dims = [{"Name": "EndpointName", "Value": "studyai-dev-llama3-8b"},
            {"Name": "VariantName", "Value": "AllTraffic"}]
    cw.put_metric_alarm(AlarmName="studyai-dev-llama3-8b-5xx", Namespace="AWS/SageMaker",
                        MetricName="Invocation5XXErrors", Dimensions=dims, Statistic="Sum",
                        Period=300, EvaluationPeriods=1, Threshold=5,
                        ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])
    cw.put_metric_alarm(AlarmName="studyai-dev-llama3-8b-latency", Namespace="AWS/SageMaker",
                        MetricName="ModelLatency", Dimensions=dims, Statistic="Average",
                        Period=300, EvaluationPeriods=2, Threshold=10_000_000,
                        ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])
    # The trail delivers to CloudWatch Logs too, where the CIS filters count unauthorized calls
    # and root use, each with an alarm to the topic.
    logs.create_log_group(logGroupName="studyai-dev-cloudtrail")
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:studyai-dev-cloudtrail:*"
    ct.create_trail(Name="studyai-dev-sagemaker-trail", S3BucketName=bucket,
                    IsMultiRegionTrail=True, EnableLogFileValidation=True,
                    CloudWatchLogsLogGroupArn=group_arn,
                    CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs")
    ct.start_logging(Name="studyai-dev-sagemaker-trail")
    for name, pattern, metric in [
        ("unauthorized-api-calls",
         '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
         "UnauthorizedAPICalls"),
        ("root-account-usage",
         '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
         '&& $.eventType != "AwsServiceEvent" }',
         "RootAccountUsage"),
    ]:
        logs.put_metric_filter(logGroupName="studyai-dev-cloudtrail", filterName=name,
                               filterPattern=pattern, metricTransformations=[{
                                   "metricName": metric, "metricNamespace": "CISBenchmark",
                                   "metricValue": "1"}])
        cw.put_metric_alarm(AlarmName=f"studyai-dev-{name}", Namespace="CISBenchmark",
                            MetricName=metric, Statistic="Sum", Period=300, EvaluationPeriods=1,
                            Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                            AlarmActions=[topic])
    # The serving image's repository scans on push.
    ecr.create_repository(repositoryName="studyai-dev/llm-serving",
                          imageScanningConfiguration={"scanOnPush": True})

    # Threat detection: S3 Protection on, and a Malware Protection plan scanning what lands in
    # the models' bucket.
    gd.create_detector(Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                                              {"Name": "AI_PROTECTION", "Status": "ENABLED"}])
    gd.create_malware_protection_plan(
        Role=role, ProtectedResource={"S3Bucket": {"BucketName": "studyai-dev-sagemaker-models"}})
    sh.enable_security_hub(EnableDefaultStandards=False)
    sh.batch_enable_standards(StandardsSubscriptionRequests=[
        {"StandardsArn": "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"},
        {"StandardsArn": f"arn:aws:securityhub:{REGION}::standards/pci-dss/v/3.2.1"}])
    visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True}
    waf.create_web_acl(
        Name="studyai-dev-sagemaker-waf", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={**visibility, "MetricName": "waf"},
        Rules=[{"Name": "rate-limit", "Priority": 1, "Action": {"Block": {}},
                "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}},
                "VisibilityConfig": {**visibility, "MetricName": "rate"}}] + [
               {"Name": group, "Priority": i + 2, "OverrideAction": {"None": {}},
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
                "VisibilityConfig": {**visibility, "MetricName": group}}
               for i, group in enumerate(["AWSManagedRulesCommonRuleSet",
                                          "AWSManagedRulesSQLiRuleSet"])])
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True}})
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    cfg.put_config_rule(ConfigRule={"ConfigRuleName": "s3-bucket-server-side-encryption-enabled",
                                    "Source": {"Owner": "AWS", "SourceIdentifier":
                                               "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"}})

    # Access control.
    iam.update_account_password_policy(
        MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
        MaxPasswordAge=90, PasswordReusePrevention=24)
    urllib.request.urlopen(urllib.request.Request(
        f"{URL}/_secdash/iam/root-mfa?account={ACCOUNT}&enabled=1", method="POST"))
    aa.create_analyzer(analyzerName="studyai-dev-sagemaker-analyzer", type="ACCOUNT")
    # A console user with MFA, and a CI user with a fresh key that is used.
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="correct-horse-Battery-9")
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=mfa["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_user(UserName="ci-deployer")
    iam.create_access_key(UserName="ci-deployer")


def failing():
    # Only a custom VPC whose every subnet is public, and the default VPC.
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    sg = ec2.create_security_group(GroupName="debug-ssh", Description="temporary",
                                   VpcId=default_vpc())["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])

    kms.create_key(Description="no rotation")
    s3.create_bucket(Bucket="studyai-dev-uploads",
                     CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_tagging(Bucket="studyai-dev-uploads",
                          Tagging={"TagSet": [{"Key": "purpose", "Value": "scratch"}]})

    # A console user without MFA, whose key was last rotated 120 days ago and never used.
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="correct-horse-Battery-9")
    iam.create_access_key(UserName="bob")
    urllib.request.urlopen(urllib.request.Request(
        f"{URL}/_secdash/iam/age-key?account={ACCOUNT}&user=bob&days=120", method="POST"))

    role = sagemaker_role("studyai-dev-sagemaker-role")
    # A customer-managed policy granting everything (moto's server does not load AWS managed
    # policies such as AdministratorAccess).
    admin = iam.create_policy(PolicyName="sagemaker-everything", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                                "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="studyai-dev-sagemaker-role", PolicyArn=admin)
    # A key pasted into the start script (AWS's documentation example key).
    lifecycle("scratch-setup",
              "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n")
    sm.create_notebook_instance(NotebookInstanceName="scratch", InstanceType="ml.t3.medium",
                                RoleArn=role, DirectInternetAccess="Enabled",
                                RootAccess="Enabled", LifecycleConfigName="scratch-setup")
    # Its model is read from the uploads bucket, which answers from anywhere.
    # Served from the team's own repository by a moving tag, an image whose scan found a
    # critical vulnerability.
    ecr.create_repository(repositoryName="studyai-dev/serving")
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"digest": "sha256:" + "1" * 64, "size": 1},
        "layers": [{"digest": "sha256:" + "2" * 64, "size": 1}]})
    digest = ecr.put_image(repositoryName="studyai-dev/serving", imageManifest=manifest,
                           imageTag="latest")["image"]["imageId"]["imageDigest"]
    urllib.request.urlopen(urllib.request.Request(
        f"{URL}/_secdash/ecr/scan?account={ACCOUNT}&region={REGION}"
        f"&repository=studyai-dev/serving&digest={digest}",
        data=json.dumps({"CRITICAL": 1, "HIGH": 3}).encode(), method="POST"))
    endpoint("studyai-dev-phi3-mini", role, None, bucket="studyai-dev-uploads",
             image=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/studyai-dev/serving:latest",
             answers={"S3OutputPath": "s3://partner-scratch-bucket/phi3-answers"})
    training_job("studyai-dev-finetune", role)
    # The data scientists' role without the guide's deny.
    data_scientist("studyai-dev-data-scientist", guardrail=False)
    # Studio with the console's quick-setup defaults.
    default_subnets = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [default_vpc()]}])["Subnets"]
    domain = sm.create_domain(DomainName="studyai-dev-studio", AuthMode="IAM",
                              VpcId=default_vpc(), SubnetIds=[default_subnets[0]["SubnetId"]],
                              DefaultUserSettings={"ExecutionRole": role})["DomainArn"].rsplit("/", 1)[-1]
    studio_people(domain, role, careful=False)
    # A pre-training cluster outside any VPC, its script holding a key, and an intern's role
    # that may rewrite that script.
    hyperpod(role, "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIA4EXAMPLEHYPERPOD\n")
    iam.create_role(RoleName="studyai-dev-intern", AssumeRolePolicyDocument=ROLE_TRUST)
    iam.put_role_policy(RoleName="studyai-dev-intern", PolicyName="lifecycle-scripts",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow", "Action": "s3:PutObject",
                            "Resource": "arn:aws:s3:::sagemaker-studyai-dev-lifecycle/*"}]}))
    # A data-quality monitor without network settings, stopped and forgotten.
    monitor("studyai-dev-phi3-mini-data-quality", "studyai-dev-phi3-mini", role, None)
    sm.stop_monitoring_schedule(MonitoringScheduleName="studyai-dev-phi3-mini-data-quality")

    ml_surface(role, None)

    # A training image repository made with the defaults: no scan on push.
    ecr.create_repository(repositoryName="studyai-dev/training")

    # An alarm on something else, notifying nobody.
    cw.put_metric_alarm(AlarmName="billing", Namespace="AWS/Billing", MetricName="EstimatedCharges",
                        Statistic="Maximum", Period=21600, EvaluationPeriods=1, Threshold=100,
                        ComparisonOperator="GreaterThanThreshold")


def empty_group():
    """#30: a model and a model package group that holds no version, and another group whose
    only version is waiting for approval."""
    role = sagemaker_role("studyai-dev-sagemaker-role")
    sm.create_model(ModelName="studyai-dev-draft", ExecutionRoleArn=role,
                    PrimaryContainer={"Image": f"{LLM_IMAGE}:1"})
    sm.create_model_package_group(ModelPackageGroupName="studyai-dev-empty")
    sm.create_model_package_group(ModelPackageGroupName="studyai-dev-pending")
    sm.create_model_package(
        ModelPackageGroupName="studyai-dev-pending", ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={"Containers": [{"Image": f"{LLM_IMAGE}:1"}],
                                "SupportedContentTypes": ["application/json"],
                                "SupportedResponseMIMETypes": ["application/json"]})


def serverless():
    """#30: one serverless endpoint, which AWS excludes from Model Monitor, VPCs, network
    isolation and private registries."""
    role = sagemaker_role("studyai-dev-sagemaker-role")
    sm.create_model(ModelName="studyai-dev-faq-model", ExecutionRoleArn=role,
                    PrimaryContainer={"Image": f"{LLM_IMAGE}:1",
                                      "ModelDataUrl": "s3://studyai-dev-sagemaker-models/faq/model.tar.gz"})
    sm.create_endpoint_config(EndpointConfigName="studyai-dev-faq-config", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "studyai-dev-faq-model",
        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}])
    sm.create_endpoint(EndpointName="studyai-dev-faq", EndpointConfigName="studyai-dev-faq-config")


{"passing": passing, "failing": failing, "empty_group": empty_group,
 "serverless": serverless}[WORLD]()
print(f"seeded the {WORLD} account")
