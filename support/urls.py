from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("chat/", views.chat, name="chat"),
    path("conversations/", views.conversation_list, name="conversations"),
    path("conversations/<str:token>/", views.conversation_detail, name="conversation"),
    path(
        "conversations/<str:token>/continue/",
        views.conversation_continue,
        name="conversation_continue",
    ),
]
