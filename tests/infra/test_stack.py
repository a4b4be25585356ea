"""The synthesized CloudFormation template, checked offline: tables equal the PynamoDB models,
queues have DLQs, consumers report batch item failures, the WebSocket routes exist, IAM is
scoped to this stack's resources, alarms exist, and cfn-lint passes."""
import json
import zipfile
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.resources import FILES_BUCKET, OUTBOX_STREAM, QUEUES
from chalicelib.store.models import ChatItem, ConnectionItem
from chalicelib.store.tables import table_schema

DATA_ACTION_PREFIXES = ("dynamodb:", "s3:", "sqs:", "secretsmanager:", "execute-api:", "bedrock:")


def of_type(template, kind):
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def table(template, suffix):
    [found] = [r["Properties"] for r in of_type(template, "AWS::DynamoDB::Table").values()
               if r["Properties"]["TableName"].endswith(suffix)]
    return found


@pytest.mark.parametrize("model, suffix", [(ChatItem, "-chats"), (ConnectionItem, "-connections")])
def test_tables_are_the_pynamodb_models(dev, model, suffix):
    template, _ = dev
    props, schema = table(template, suffix), table_schema(model)
    assert props["KeySchema"] == schema["key_schema"]
    assert sorted(props["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == \
        sorted(schema["attribute_definitions"], key=lambda d: d["AttributeName"])
    got = {g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in props.get("GlobalSecondaryIndexes", [])}
    want = {g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in schema["global_secondary_indexes"]}
    assert got == want
    assert props["TimeToLiveSpecification"] == {"AttributeName": schema["ttl_attribute"], "Enabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props.get("DeletionProtectionEnabled") is False


def test_prod_tables_are_protected_and_kept(prod):
    template, _ = prod
    for name, resource in of_type(template, "AWS::DynamoDB::Table").items():
        assert resource["Properties"]["DeletionProtectionEnabled"] is True, name
        assert resource["DeletionPolicy"] == "Retain", name
    assert {r["Properties"]["TableName"] for r in of_type(template, "AWS::DynamoDB::Table").values()} == {
        "parley-prod-chats", "parley-prod-connections"}


def test_every_queue_has_its_dlq_and_redrive(dev):
    template, _ = dev
    queues = {r["Properties"]["QueueName"]: (name, r["Properties"]) for name, r in
              of_type(template, "AWS::SQS::Queue").items()}
    for spec in QUEUES:
        logical, props = queues[f"parley-dev-{spec.name}"]
        dlq_logical, _ = queues[f"parley-dev-{spec.name}-dlq"]
        assert props["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_logical, "Arn"]},
                                          "maxReceiveCount": spec.max_receive_count}
        assert props["VisibilityTimeout"] == spec.visibility_timeout
        assert props["SqsManagedSseEnabled"] is True


def test_consumers_report_batch_item_failures_and_read_their_queue(dev):
    template, _ = dev
    functions = of_type(template, "AWS::Serverless::Function")
    for logical, queue in {"ProcessEvents": "events", "AnalyseMessages": "analysis", "ProcessMedia": "media",
                           "DeliverWebhooks": "webhooks", "PurgeAssistantConversations": "assistant-purge"}.items():
        event = functions[logical]["Properties"]["Events"][f"{logical}SqsEventSource"]["Properties"]
        assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert json.dumps(event["Queue"]).endswith(f':parley-dev-{queue}"}}')
        timeout = functions[logical]["Properties"]["Timeout"]
        spec = next(s for s in QUEUES if s.name == queue)
        assert timeout == spec.consumer_timeout and spec.visibility_timeout >= 6 * timeout


def test_the_outbox_stream_reaches_its_consumer_with_partial_failures_retries_and_a_failure_queue(dev):
    template, _ = dev
    [chats] = [name for name, r in of_type(template, "AWS::DynamoDB::Table").items()
               if r["Properties"]["TableName"].endswith("-chats")]
    assert table(template, "-chats")["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert "StreamSpecification" not in table(template, "-connections")
    function = of_type(template, "AWS::Serverless::Function")["ProcessOutbox"]["Properties"]
    event = function["Events"]["ProcessOutboxDynamodbEventSource"]
    assert event["Type"] == "DynamoDB"
    props = event["Properties"]
    assert props["Stream"] == {"Fn::GetAtt": [chats, "StreamArn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True and props["MaximumRetryAttempts"] == OUTBOX_STREAM.max_retries
    assert props["StartingPosition"] == "TRIM_HORIZON" and props["BatchSize"] == OUTBOX_STREAM.batch_size
    queues = {r["Properties"]["QueueName"]: name for name, r in of_type(template, "AWS::SQS::Queue").items()}
    failures = queues[f"parley-dev-{OUTBOX_STREAM.failure_queue}"]
    assert props["DestinationConfig"] == {"OnFailure": {"Type": "SQS", "Destination": {
        "Fn::GetAtt": [failures, "Arn"]}}}
    [pattern] = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["outbox"]}}}}
    assert function["Timeout"] == OUTBOX_STREAM.consumer_timeout
    assert function["Environment"]["Variables"]["PARLEY_CHATS_STREAM_ARN"] == {"Fn::GetAtt": [chats, "StreamArn"]}
    reads = [s for s in _statements(template) if "dynamodb:GetRecords" in json.dumps(s["Action"])]
    assert reads and all("/stream/*" in json.dumps(s["Resource"]) for s in reads)


def test_the_websocket_api_has_the_three_routes(dev):
    template, _ = dev
    routes = {r["Properties"]["RouteKey"] for r in of_type(template, "AWS::ApiGatewayV2::Route").values()}
    assert routes == {"$connect", "$default", "$disconnect"}
    [api] = of_type(template, "AWS::ApiGatewayV2::Api").values()
    assert api["Properties"]["ProtocolType"] == "WEBSOCKET"


def test_functions_get_their_resources_names_from_the_environment(dev):
    template, _ = dev
    for name, function in of_type(template, "AWS::Serverless::Function").items():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["PARLEY_STAGE"] == "dev" and env["PARLEY_QUEUE_PREFIX"] == "parley-dev-", name
        assert {"PARLEY_CHATS_TABLE", "PARLEY_CONNECTIONS_TABLE", "PARLEY_FILES_BUCKET",
                "PARLEY_JWT_SECRET_ARN"} <= set(env), name
        assert "PARLEY_JWT_SECRET" not in env and "PARLEY_TEST_HANDLERS" not in env, name
        assert env["PARLEY_ANALYSIS_PROVIDER"] == "bedrock"
        assert function["Properties"]["Role"] != {"Fn::GetAtt": ["DefaultRole", "Arn"]}  # ours, not Chalice's


def test_the_files_bucket_is_private_encrypted_and_cleans_unconfirmed_uploads(dev):
    template, _ = dev
    [bucket] = of_type(template, "AWS::S3::Bucket").values()
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                       "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"}
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["unconfirmed-uploads"]["Prefix"] == FILES_BUCKET.unconfirmed_prefix
    assert rules["unconfirmed-uploads"]["ExpirationInDays"] == FILES_BUCKET.unconfirmed_expiry_days
    assert {"PUT", "GET"} <= set(props["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"])


def _statements(template):
    for policy in of_type(template, "AWS::IAM::Policy").values():
        yield from policy["Properties"]["PolicyDocument"]["Statement"]


def test_iam_is_scoped_to_this_stacks_resources(dev):
    template, _ = dev
    granted = {}
    for statement in _statements(template):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in actions:
            if action.startswith(DATA_ACTION_PREFIXES):
                assert "*" not in resources, (action, resources)
                assert all(not (isinstance(r, str) and r.endswith(":*")) for r in resources), (action, resources)
                granted.setdefault(action, []).extend(resources)
    assert {"dynamodb:Query", "dynamodb:UpdateItem", "s3:PutObject", "sqs:SendMessage", "sqs:ReceiveMessage",
            "execute-api:ManageConnections", "secretsmanager:GetSecretValue", "bedrock:InvokeModel"} <= set(granted)
    assert not any(action.endswith(":*") for action in granted)
    assert "dynamodb:Scan" not in granted and "dynamodb:DeleteTable" not in granted
    [model] = granted["bedrock:InvokeModel"]
    assert ":foundation-model/anthropic.claude-3-haiku-20240307-v1:0" in json.dumps(model)


def test_bedrock_is_granted_only_when_enabled(prod):
    template, _ = prod
    assert not any("bedrock:InvokeModel" in json.dumps(s["Action"]) for s in _statements(template))


def test_alarms_watch_dlqs_functions_tables_and_the_api(dev):
    template, _ = dev
    alarms = [r["Properties"] for r in of_type(template, "AWS::CloudWatch::Alarm").values()]
    by_metric = {}
    for alarm in alarms:
        by_metric.setdefault((alarm["Namespace"], alarm["MetricName"]), []).append(alarm)
    assert len(by_metric[("AWS/SQS", "ApproximateNumberOfMessagesVisible")]) == len(QUEUES) + 1  # + outbox failures
    # the API, the three WebSocket handlers, the six SQS consumers and the outbox stream's
    assert len(by_metric[("AWS/Lambda", "Errors")]) == len(by_metric[("AWS/Lambda", "Throttles")]) == 11
    assert len(by_metric[("AWS/DynamoDB", "ThrottledRequests")]) == 2
    assert len(by_metric[("AWS/ApiGateway", "5XXError")]) == 1


# CDK's own auto-delete custom resource (dev buckets) declares a DependsOn its GetAtt already implies.
KNOWN_WARNINGS = {("W3005", "CustomS3AutoDeleteObjectsCustomResourceProvider")}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cfn_lint_passes(stage, request):
    _, path = request.getfixturevalue(stage)
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), "--format", "parseable", str(path)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode & 3 == 0, result.stdout[-4000:] + result.stderr[-2000:]  # 1: crashed, 2: errors
    findings = [line.split(":") for line in result.stdout.splitlines() if line.strip()]
    unexpected = [f for f in findings if not any(rule == f[5] and where in ":".join(f[6:])
                                                 for rule, where in KNOWN_WARNINGS)]
    assert not unexpected, result.stdout
    print(f"\ncfn-lint ({stage}): exit {result.returncode}, {len(findings)} known warning(s), no errors")


def test_pillow_is_the_media_workers_layer_only(dev):
    """Issue 21: the thumbnail worker carries Pillow as a layer; the app package every function shares
    (and so the API's) holds none."""
    template, path = dev
    functions = of_type(template, "AWS::Serverless::Function")
    [layer_logical] = of_type(template, "AWS::Lambda::LayerVersion")
    with_layers = {name: f["Properties"]["Layers"] for name, f in functions.items() if f["Properties"].get("Layers")}
    assert with_layers == {"ProcessMedia": [{"Ref": layer_logical}]}
    outdir = path.parent
    layer_dirs = [d for d in outdir.glob("asset.*") if (d / "python" / "PIL" / "Image.py").is_file()]
    assert layer_dirs, "the media layer was not built with Pillow under python/"
    app_zips = []
    for candidate in outdir.rglob("*.zip"):
        with zipfile.ZipFile(candidate) as archive:
            names = archive.namelist()
        if "app.py" in names:
            app_zips.append(candidate)
            assert not any(name.startswith("PIL/") for name in names), candidate
            assert any(name.startswith("jwt/") for name in names)  # the requirements are in it, only not Pillow
    assert app_zips, "no Chalice deployment package found in the cloud assembly"


def test_packages_carry_bytecode_so_a_cold_start_compiles_nothing(dev):
    """Issue 21: /var/task is read-only, so a module without its .pyc is compiled on every cold start.
    Every source in the app package and the media layer has an unchecked-hash .pyc for the runtime's Python."""
    template, path = dev
    [runtime] = {f["Properties"]["Runtime"] for f in of_type(template, "AWS::Serverless::Function").values()}
    tag = "cpython-" + runtime.removeprefix("python").replace(".", "")
    outdir = path.parent
    [app_zip] = [z for z in outdir.rglob("*.zip") if "app.py" in zipfile.ZipFile(z).namelist()]
    with zipfile.ZipFile(app_zip) as archive:
        names = set(archive.namelist())
        for module in ("app", "chalicelib/settings", "chalicelib/store/models", "jwt/api_jwt", "botocore/client"):
            folder, _, stem = module.rpartition("/")
            pyc = f"{folder + '/' if folder else ''}__pycache__/{stem}.{tag}.pyc"
            assert pyc in names, pyc
            assert int.from_bytes(archive.read(pyc)[4:8], "little") == 0b01, pyc  # hash-based, unchecked
    [layer] = [d for d in outdir.glob("asset.*") if (d / "python" / "PIL" / "Image.py").is_file()]
    assert (layer / "python" / "PIL" / "__pycache__" / f"Image.{tag}.pyc").is_file()
