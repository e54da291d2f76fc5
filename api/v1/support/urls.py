"""Support conversations: support/conversations/ (list, start or get), one conversation, its
messages (poll with ?after=, send)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "support/conversations/",
        views.ConversationCollectionApi.as_view(),
        name="support-conversations",
    ),
    path(
        "support/conversations/<str:token>/",
        views.ConversationDetailApi.as_view(),
        name="support-conversation",
    ),
    path(
        "support/conversations/<str:token>/messages/",
        views.MessageCollectionApi.as_view(),
        name="support-messages",
    ),
]
