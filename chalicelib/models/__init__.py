"""PynamoDB models: the storage shape and its indexes, nothing else.

Table names come from the settings (``TABLE_PREFIX``); ``Meta.host`` stays unset so that
``AWS_ENDPOINT_URL_DYNAMODB`` can point everything at a local endpoint. No connection is made
until the first call.
"""

from chalicelib.models.address import AddressModel
from chalicelib.models.agency import AgencyModel, RoutingRuleModel
from chalicelib.models.apikey import ApiKeyModel
from chalicelib.models.complaint import ComplaintModel, EventModel
from chalicelib.models.limit import LimitModel
from chalicelib.models.notification import NotificationModel
from chalicelib.models.participation import ParticipationModel
from chalicelib.models.sealed_token import SealedTokenModel
from chalicelib.models.session import SessionModel
from chalicelib.models.stats import StatModel
from chalicelib.models.upload import UploadModel
from chalicelib.models.user import UserModel

ALL_MODELS = (ComplaintModel, EventModel, AgencyModel, RoutingRuleModel, ApiKeyModel, StatModel,
              NotificationModel, SessionModel, UserModel, LimitModel, ParticipationModel,
              UploadModel, AddressModel, SealedTokenModel)

__all__ = ["ALL_MODELS", "AddressModel", "AgencyModel", "ApiKeyModel", "ComplaintModel", "EventModel", "LimitModel",
           "NotificationModel", "ParticipationModel", "RoutingRuleModel", "SealedTokenModel", "SessionModel",
           "StatModel", "UploadModel", "UserModel"]
