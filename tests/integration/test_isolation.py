"""Every test module starts from the seeded world (tests/isolation.py): not only the tables, but the
staff accounts in Cognito and the stored attachments too."""

from __future__ import annotations

import pytest


@pytest.fixture
def world(seeded_world, tables):
    """The seeded snapshot; after the test the module's world is put back as seeded."""
    from tests import isolation

    _, snapshot = seeded_world
    yield snapshot
    isolation.restore(snapshot)


def test_restoring_the_world_removes_accounts_and_objects_made_since(world):
    from chalicelib.adapters import aws, cognito
    from chalicelib.config import get_settings
    from tests import isolation

    pool, bucket = get_settings().user_pool_id, get_settings().attachments_bucket
    client, s3 = aws.client("cognito-idp"), aws.client("s3")
    # Given an account made and an object stored by a test module
    cognito.create_user("isolasi@bandung.go.id", "Isolasi", "pemkot-bandung", temporary_password="Sementara-12345!")
    s3.put_object(Bucket=bucket, Key="uploads/upl_isolation0001", Body=b"x")
    assert client.admin_get_user(UserPoolId=pool, Username="isolasi@bandung.go.id")["Username"]
    # When the next module starts (the world restored from the snapshot)
    isolation.restore(world)
    # Then neither is there any more, and the seeded pool still is
    with pytest.raises(client.exceptions.UserNotFoundException):
        client.admin_get_user(UserPoolId=pool, Username="isolasi@bandung.go.id")
    assert s3.list_objects_v2(Bucket=bucket, Prefix="uploads/upl_isolation").get("KeyCount") == 0
    assert client.describe_user_pool(UserPoolId=pool)["UserPool"]["Id"] == pool
