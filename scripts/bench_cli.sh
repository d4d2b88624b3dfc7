#!/usr/bin/env bash
# What an operator would run without secdash to gather the same data with the AWS CLI:
# list, then describe and query metrics endpoint by endpoint, then groups, rules, interfaces,
# and GuardDuty findings page by page. Prints the number of AWS CLI calls made.
set -euo pipefail
R=ap-southeast-1
calls=0
aws() { calls=$((calls + 1)); command aws --region "$R" --output json "$@"; }
end=$(date -u +%Y-%m-%dT%H:%M:00Z)
start=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:00Z)
for ep in $(aws sagemaker list-endpoints --max-results 100 --query 'Endpoints[].EndpointName' --output text); do
    cfg=$(aws sagemaker describe-endpoint --endpoint-name "$ep" --query EndpointConfigName --output text)
    aws sagemaker describe-endpoint-config --endpoint-config-name "$cfg" >/dev/null
    q=""
    for m in Invocations:Sum Invocation4XXErrors:Sum Invocation5XXErrors:Sum ModelLatency:Average ModelLatency:p99 OverheadLatency:Average; do
        name=${m%%:*}; stat=${m##*:}; id=$(echo "q_${name}_${stat}" | tr 'A-Z.' 'a-z_')
        q="$q{\"Id\":\"$id\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/SageMaker\",\"MetricName\":\"$name\",\"Dimensions\":[{\"Name\":\"EndpointName\",\"Value\":\"$ep\"},{\"Name\":\"VariantName\",\"Value\":\"AllTraffic\"}]},\"Period\":60,\"Stat\":\"$stat\"}},"
    done
    aws cloudwatch get-metric-data --start-time "$start" --end-time "$end" --metric-data-queries "[${q%,}]" >/dev/null
done
aws ec2 describe-security-groups >/dev/null
aws ec2 describe-security-group-rules >/dev/null
aws ec2 describe-network-interfaces >/dev/null
for d in $(aws guardduty list-detectors --query 'DetectorIds[]' --output text); do
    ids=$(aws guardduty list-findings --detector-id "$d" --finding-criteria '{"Criterion":{"service.archived":{"Equals":["false"]}}}' --query 'FindingIds[]' --output text)
    set -- $ids
    while [ $# -gt 0 ]; do
        batch=("${@:1:50}")
        shift $(( $# < 50 ? $# : 50 ))
        aws guardduty get-findings --detector-id "$d" --finding-ids "${batch[@]}" >/dev/null
    done
done
echo "$calls"
