import pytest

from chalicelib.settings import SettingsError, load_settings


def test_defaults_are_the_local_stage_with_card_table_names():
    settings = load_settings({})
    assert settings.stage == "local"
    assert settings.is_local
    assert (settings.chats_table, settings.connections_table) == ("chats", "connections")
    assert settings.queue_name("analysis") == "parley-local-analysis"
    assert settings.aws_endpoint_url is None
    assert settings.test_handlers is False


def test_stage_specific_names_come_from_the_environment():
    settings = load_settings(
        {"PARLEY_STAGE": "prod", "PARLEY_CHATS_TABLE": "parley-prod-chats", "AWS_REGION": "eu-west-1"}
    )
    assert settings.stage == "prod" and not settings.is_local
    assert settings.chats_table == "parley-prod-chats"
    assert settings.region == "eu-west-1"
    assert settings.queue_name("webhooks") == "parley-prod-webhooks"


def test_standard_aws_endpoint_variable_is_reported():
    assert load_settings({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}).aws_endpoint_url == "http://127.0.0.1:5000"


def test_unknown_stage_is_refused():
    with pytest.raises(SettingsError):
        load_settings({"PARLEY_STAGE": "staging"})


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_test_handlers_cannot_be_enabled_outside_local(stage):
    with pytest.raises(SettingsError):
        load_settings({"PARLEY_STAGE": stage, "PARLEY_TEST_HANDLERS": "1"})


def test_test_handlers_flag_on_local():
    assert load_settings({"PARLEY_TEST_HANDLERS": "true"}).test_handlers is True
