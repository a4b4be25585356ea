"""The whole product on AWS: Chalice's app (REST API, WebSocket API, Lambda functions, SQS
consumers) plus what Chalice does not make: tables, bucket, queues, the signing secret,
a least-privilege role, and alarms. Tables and queues come from the same definitions the
app and the local stack use (PynamoDB models, chalicelib/resources.py)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from media_layer import media_layer

ROOT = Path(__file__).resolve().parent.parent
# The SQS consumers in app.py, by Chalice's logical id, and the queue each reads.
CONSUMERS = {"ProcessEvents": "events", "AnalyseMessages": "analysis", "ProcessMedia": "media",
             "DeliverWebhooks": "webhooks", "PurgeAssistantConversations": "assistant-purge",
             "SendAutomationMessages": "automation"}
WEBSOCKET_FUNCTIONS = ("WebsocketConnect", "WebsocketMessage", "WebsocketDisconnect")
API_FUNCTION = "APIHandler"
MEDIA_FUNCTION = "ProcessMedia"  # the thumbnail worker: the only function with the media layer (Pillow)
OUTBOX_FUNCTION = "ProcessOutbox"  # the chats table's stream consumer (the transactional outbox)
REST_API_NAME = "parley"  # Chalice names the REST API after the app


def table_from_model(scope: Construct, construct_id: str, model: Any, name: str, prod: bool) -> dynamodb.Table:
    """A DynamoDB table exactly as the PynamoDB model describes it (keys, GSIs, TTL)."""
    from chalicelib.store.tables import table_schema

    schema = table_schema(model)
    types = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}

    def attribute(name_: str) -> dynamodb.Attribute:
        return dynamodb.Attribute(name=name_, type=dynamodb.AttributeType(
            {"S": "STRING", "N": "NUMBER", "B": "BINARY"}[types[name_]]))

    keys = {k["KeyType"]: k["AttributeName"] for k in schema["key_schema"]}
    table = dynamodb.Table(
        scope, construct_id, table_name=name,
        partition_key=attribute(keys["HASH"]),
        sort_key=attribute(keys["RANGE"]) if "RANGE" in keys else None,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True),
        time_to_live_attribute=schema["ttl_attribute"],
        stream=dynamodb.StreamViewType[schema["stream_view_type"]] if schema.get("stream_view_type") else None,
        deletion_protection=prod,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        removal_policy=RemovalPolicy.RETAIN if prod else RemovalPolicy.DESTROY,
    )
    for gsi in schema["global_secondary_indexes"]:
        index_keys = {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}
        table.add_global_secondary_index(
            index_name=gsi["IndexName"], partition_key=attribute(index_keys["HASH"]),
            sort_key=attribute(index_keys["RANGE"]) if "RANGE" in index_keys else None,
            projection_type=dynamodb.ProjectionType(gsi["Projection"]["ProjectionType"]),
        )
    return table


class ParleyStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, bedrock_model_id: str | None = None,
                 cors_origins: tuple[str, ...] = ("*",), **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        from bytecode import PrecompiledChalice

        from chalicelib.resources import FILES_BUCKET, OUTBOX_STREAM, QUEUES
        from chalicelib.store.models import ChatItem, ConnectionItem

        prod = stage == "prod"
        prefix = f"parley-{stage}-"
        keep = RemovalPolicy.RETAIN if prod else RemovalPolicy.DESTROY

        self.tables = {
            "chats": table_from_model(self, "ChatsTable", ChatItem, f"{prefix}chats", prod),
            "connections": table_from_model(self, "ConnectionsTable", ConnectionItem, f"{prefix}connections", prod),
        }
        self.bucket = s3.Bucket(
            self, "FilesBucket", block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True, versioned=False,
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.PUT, s3.HttpMethods.GET],
                              allowed_origins=list(cors_origins), allowed_headers=["*"], max_age=3000)],
            lifecycle_rules=[s3.LifecycleRule(id="unconfirmed-uploads", prefix=FILES_BUCKET.unconfirmed_prefix,
                                              expiration=Duration.days(FILES_BUCKET.unconfirmed_expiry_days)),
                             s3.LifecycleRule(id="abort-multipart", abort_incomplete_multipart_upload_after=
                                              Duration.days(1))],
            removal_policy=keep, auto_delete_objects=not prod,
        )
        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        for spec in QUEUES:
            dlq = sqs.Queue(self, f"{spec.name.title()}Dlq", queue_name=f"{prefix}{spec.name}-dlq",
                            retention_period=Duration.seconds(spec.dlq_retention_seconds),
                            encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True)
            self.dead_letter_queues[spec.name] = dlq
            self.queues[spec.name] = sqs.Queue(
                self, f"{spec.name.title()}Queue", queue_name=f"{prefix}{spec.name}",
                visibility_timeout=Duration.seconds(spec.visibility_timeout),
                retention_period=Duration.seconds(spec.retention_seconds),
                encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
                dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=spec.max_receive_count, queue=dlq),
            )
        # The outbox stream's on-failure destination: where a batch whose retries ran out is on the stream.
        self.outbox_failures = sqs.Queue(
            self, "OutboxFailuresQueue", queue_name=f"{prefix}{OUTBOX_STREAM.failure_queue}",
            retention_period=Duration.seconds(OUTBOX_STREAM.failure_retention_seconds),
            encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True)
        self.signing_secret = secretsmanager.Secret(
            self, "SigningSecret", description="Parley's master secret: token signing and webhook secret keys",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64,
                                                                         exclude_punctuation=True),
            removal_policy=keep,
        )
        self.role = iam.Role(
            self, "FunctionsRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AWSLambdaBasicExecutionRole")],
        )
        environment = {
            "PARLEY_STAGE": stage,
            "PARLEY_CHATS_TABLE": self.tables["chats"].table_name,
            "PARLEY_CHATS_STREAM_ARN": self.tables["chats"].table_stream_arn,
            "PARLEY_CONNECTIONS_TABLE": self.tables["connections"].table_name,
            "PARLEY_FILES_BUCKET": self.bucket.bucket_name,
            "PARLEY_QUEUE_PREFIX": prefix,
            "PARLEY_JWT_SECRET_ARN": self.signing_secret.secret_arn,
            "PARLEY_ANALYSIS_PROVIDER": "bedrock" if bedrock_model_id else "local",
            "POWERTOOLS_SERVICE_NAME": "parley",
            "POWERTOOLS_LOG_LEVEL": "WARNING" if prod else "INFO",
        }
        if bedrock_model_id:
            environment["PARLEY_BEDROCK_MODEL_ID"] = bedrock_model_id
        consumer_timeouts = {spec.name: spec.consumer_timeout for spec in QUEUES}
        self.media_layer = media_layer(self)
        # Chalice's construct, plus .pyc files in the package: /var/task is read-only, so without them every
        # cold start compiles each module it imports (bytecode.py).
        self.chalice = PrecompiledChalice(self, "App", source_dir=str(ROOT), stage_config={
            "api_gateway_stage": stage,
            "manage_iam_role": False,
            "iam_role_arn": self.role.role_arn,
            "environment_variables": environment,
            "lambda_memory_size": 512,
            "lambda_timeout": 29,  # API Gateway's own limit for REST integrations
        })
        # Chalice does not set ReportBatchItemFailures: without it a returned batchItemFailures list is
        # ignored and a whole batch is retried for one bad record.
        # The stage config given here is passed as Chalice's top-precedence parameters, so per-function
        # timeouts are set on the generated functions: each consumer gets its QueueSpec's timeout, which
        # its queue's visibility timeout is at least six times.
        for logical, queue in CONSUMERS.items():
            function = self.chalice.get_resource(logical)
            function.add_property_override(f"Events.{logical}SqsEventSource.Properties.FunctionResponseTypes",
                                           ["ReportBatchItemFailures"])
            function.add_property_override("Timeout", consumer_timeouts[queue])
        # Pillow is the thumbnail worker's alone (requirements.txt leaves it out of the shared package). Not
        # Chalice's per-function `layers`: the construct passes stage_config as flat parameters (no
        # `lambda_functions`), and the layer's ARN exists only here, so it is set on the generated function.
        self.chalice.get_resource(MEDIA_FUNCTION).add_property_override("Layers", [self.media_layer.layer_version_arn])
        self._map_outbox_stream()
        self._grant(bedrock_model_id)
        self._alarms()

    def _map_outbox_stream(self) -> None:
        """Chalice generates the stream's event source from app.py with the ARN `chalice package` saw (no
        table then): the table's stream is set here, with what Chalice does not set: partial batch failures,
        bisect on error, bounded retries, the on-failure queue, and a filter so that only new outbox items
        invoke the function (every other write of the table is on the stream too)."""
        from chalicelib.resources import OUTBOX_STREAM
        from chalicelib.store.models import OUTBOX_KIND

        function = self.chalice.get_resource(OUTBOX_FUNCTION)
        source = f"Events.{OUTBOX_FUNCTION}DynamodbEventSource.Properties"
        only_new_outbox_items = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": [OUTBOX_KIND]}}}}
        for name, value in {
            "Stream": self.tables["chats"].table_stream_arn,
            "StartingPosition": "TRIM_HORIZON",
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": OUTBOX_STREAM.max_retries,
            "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": self.outbox_failures.queue_arn}},
            "FilterCriteria": {"Filters": [{"Pattern": json.dumps(only_new_outbox_items)}]},
        }.items():
            function.add_property_override(f"{source}.{name}", value)
        function.add_property_override("Timeout", OUTBOX_STREAM.consumer_timeout)

    def _grant(self, bedrock_model_id: str | None) -> None:
        """Only the actions the code calls, only on this stack's resources."""
        table_arns = [arn for t in self.tables.values() for arn in (t.table_arn, f"{t.table_arn}/index/*")]
        self.role.add_to_policy(iam.PolicyStatement(sid="Tables", actions=[
            "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
            "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable"], resources=table_arns))
        self.role.add_to_policy(iam.PolicyStatement(sid="FilesObjects", actions=[
            "s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources=[self.bucket.arn_for_objects("*")]))
        # HeadObject on a missing key answers 404 only with ListBucket (403 otherwise): confirm needs the 404.
        self.role.add_to_policy(iam.PolicyStatement(sid="FilesList", actions=["s3:ListBucket"],
                                                    resources=[self.bucket.bucket_arn]))
        every_queue = [q.queue_arn for q in (*self.queues.values(), *self.dead_letter_queues.values(),
                                             self.outbox_failures)]
        # Lambda's poller reads the outbox stream with the function's role.
        self.role.add_to_policy(iam.PolicyStatement(sid="OutboxStream", actions=[
            "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            resources=[f"{self.tables['chats'].table_arn}/stream/*"]))
        self.role.add_to_policy(iam.PolicyStatement(sid="QueuesSend", actions=[
            "sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"], resources=every_queue))
        self.role.add_to_policy(iam.PolicyStatement(sid="QueuesConsume", actions=[
            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
            resources=[self.queues[name].queue_arn for name in CONSUMERS.values()]))
        websocket_api = self.chalice.get_resource("WebsocketAPI")
        self.role.add_to_policy(iam.PolicyStatement(sid="WebSocketPosts", actions=["execute-api:ManageConnections"],
                                                    resources=[self.format_arn(
                                                        service="execute-api", resource=websocket_api.ref,
                                                        resource_name="*/*/@connections/*")]))
        self.role.add_to_policy(iam.PolicyStatement(sid="SigningSecret", actions=["secretsmanager:GetSecretValue"],
                                                    resources=[self.signing_secret.secret_arn]))
        if bedrock_model_id:
            self.role.add_to_policy(iam.PolicyStatement(sid="Bedrock", actions=["bedrock:InvokeModel"], resources=[
                f"arn:{self.partition}:bedrock:{self.region}::foundation-model/{bedrock_model_id}"]))

    def _alarm(self, construct_id: str, description: str, metric: cloudwatch.IMetric, threshold: float = 0) -> None:
        cloudwatch.Alarm(self, construct_id, alarm_description=description, metric=metric, threshold=threshold,
                         comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                         evaluation_periods=1, treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING)

    def _alarms(self) -> None:
        """Page-worthy signals: work stuck in a DLQ, failing or throttled functions, throttled tables,
        and API 5xx. (Wire the alarms to an SNS topic of your on-call tool.)"""
        five_minutes = Duration.minutes(5)

        def metric(namespace: str, name: str, dimensions: dict[str, str]) -> cloudwatch.Metric:
            return cloudwatch.Metric(namespace=namespace, metric_name=name, statistic="Sum", period=five_minutes,
                                     dimensions_map=dimensions)

        for name, dlq in self.dead_letter_queues.items():
            self._alarm(f"{name.title()}DlqNotEmpty", f"messages in the {name} DLQ",
                        dlq.metric_approximate_number_of_messages_visible(period=five_minutes))
        self._alarm("OutboxFailuresNotEmpty", "outbox stream batches whose retries ran out",
                    self.outbox_failures.metric_approximate_number_of_messages_visible(period=five_minutes))
        for logical in (API_FUNCTION, *WEBSOCKET_FUNCTIONS, *CONSUMERS, OUTBOX_FUNCTION):
            function_name = self.chalice.get_resource(logical).ref
            for metric_name in ("Errors", "Throttles"):
                self._alarm(f"{logical}{metric_name}", f"{logical} {metric_name.lower()}",
                            metric("AWS/Lambda", metric_name, {"FunctionName": function_name}))
        for name, table in self.tables.items():
            self._alarm(f"{name.title()}Throttles", f"{name} table throttled",
                        metric("AWS/DynamoDB", "ThrottledRequests", {"TableName": table.table_name}))
        self._alarm("Api5xx", "REST API 5xx answers", metric("AWS/ApiGateway", "5XXError", {"ApiName": REST_API_NAME}),
                    threshold=5)


def stage_from_environment() -> str:
    stage = os.environ.get("PARLEY_DEPLOY_STAGE", "dev")
    if stage not in ("dev", "prod"):
        raise SystemExit("PARLEY_DEPLOY_STAGE must be dev or prod")
    return stage
