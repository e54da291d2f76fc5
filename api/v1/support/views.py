"""Support conversations for apps: the same assistant as the storefront's chat widget
(support.services.message_post runs the dialogue, which may act on the shopper's orders and
hands over to staff exactly as in the chat), the same reads (support.selectors). A conversation
is named by its token, as in the widget; a shopper only ever sees their own: anyone else's
token is a 404."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.lockout import client_ip
from api.openapi import BAD_INPUT, SIGN_IN, page_example
from support import selectors, services
from support.errors import ChatError
from support.limits import chat_rate_take
from support.models import Conversation, MessageSender

NOT_FOUND = OpenApiResponse(description="No such conversation of yours.")


class ConversationOutput(serializers.Serializer):
    token = serializers.CharField(help_text="The conversation's id in the URLs.")
    status = serializers.CharField(
        help_text="bot: the assistant answers; waiting: handed over, waiting for our team; "
        "staff: our team answers; closed: the next message goes to the assistant again."
    )
    status_label = serializers.CharField(source="get_status_display")
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)


class ConversationSummaryOutput(ConversationOutput):
    first_text = serializers.CharField(allow_null=True, help_text="Your first message.")
    last_text = serializers.CharField(allow_null=True)
    last_sender = serializers.CharField(allow_null=True)
    message_count = serializers.IntegerField()


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="Increasing: poll with ?after=<the last id seen>.")
    sender = serializers.ChoiceField(choices=MessageSender.choices)
    text = serializers.CharField(help_text="Plain text: never render it as HTML.")
    payload = serializers.JSONField(
        help_text="What the assistant attaches: cards, timeline, choices, faq "
        "(docs/support-chat.md)."
    )
    created_at = serializers.DateTimeField()
    author_name = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))  # null unless staff wrote it
    def get_author_name(self, message) -> str | None:
        # First name only, as in the widget: never a staff member's full name or email.
        if message.sender != MessageSender.STAFF:
            return None
        return (message.author.first_name if message.author_id else "") or _("Our team")


CONVERSATION_EXAMPLE = {
    "token": "q3H8vJxT0bqv5m2YbF1c6Jx9",
    "status": "bot",
    "status_label": "with the assistant",
    "language": "en",
    "created_at": "2027-03-04T09:12:00+08:00",
    "last_message_at": "2027-03-04T09:12:05+08:00",
}
MESSAGES_EXAMPLE = [
    {
        "id": 41,
        "sender": "shopper",
        "text": "where is my parcel?",
        "payload": {},
        "created_at": "2027-03-04T09:12:00+08:00",
        "author_name": None,
    },
    {
        "id": 42,
        "sender": "bot",
        "text": "Your order LM7Q2X9K4P is on its way with SF Express (SF1234567890).",
        "payload": {"timeline": [{"when": "2027-03-04T08:00:00+08:00", "text": "In transit"}]},
        "created_at": "2027-03-04T09:12:01+08:00",
        "author_name": None,
    },
]


def _own(request, token: str) -> Conversation:
    conversation = selectors.conversation_of(user=request.user, token=token)
    if conversation is None:
        raise exceptions.NotFound(_("No such conversation."))
    return conversation


class ConversationListApi(ListAPIView):
    serializer_class = ConversationSummaryOutput

    def get_queryset(self):
        return selectors.conversations_of(user=self.request.user)

    @extend_schema(
        operation_id="support_conversations_list",
        summary="Your support conversations, the latest first",
        responses={200: ConversationSummaryOutput(many=True), 401: SIGN_IN},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            **CONVERSATION_EXAMPLE,
                            "first_text": "where is my parcel?",
                            "last_text": "Your order LM7Q2X9K4P is on its way.",
                            "last_sender": "bot",
                            "message_count": 2,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ConversationStartApi(APIView):
    @extend_schema(
        operation_id="support_conversations_start",
        summary="Your current conversation, started if you have none",
        description="200 with your latest conversation (as the chat widget continues it), or "
        "201 with a new one.",
        request=None,
        responses={200: ConversationOutput, 201: ConversationOutput, 401: SIGN_IN},
        examples=[OpenApiExample("A conversation", value=CONVERSATION_EXAMPLE, response_only=True)],
    )
    def post(self, request):
        conversation = selectors.conversation_for_browser(user=request.user, session_key="")
        code = status.HTTP_200_OK
        if conversation is None:
            language = "zh-hans" if (get_language() or "").lower().startswith("zh") else "en"
            conversation = services.conversation_start(
                user=request.user,
                session_key="",
                language=language,
                client_ip=client_ip(request) or None,
            )
            code = status.HTTP_201_CREATED
        return Response(ConversationOutput(conversation).data, status=code)


class ConversationCollectionApi(ConversationListApi, ConversationStartApi):
    """GET: the list; POST: start or get (one path, two operations)."""


class ConversationDetailApi(APIView):
    @extend_schema(
        operation_id="support_conversations_detail",
        summary="One of your conversations",
        responses={200: ConversationOutput, 401: SIGN_IN, 404: NOT_FOUND},
        examples=[OpenApiExample("A conversation", value=CONVERSATION_EXAMPLE, response_only=True)],
    )
    def get(self, request, token: str):
        return Response(ConversationOutput(_own(request, token)).data)


class MessageListApi(ListAPIView):
    serializer_class = MessageOutput

    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SupportMessageFilter"

        after = serializers.IntegerField(min_value=0, max_value=2**63 - 1, default=0)

    def get_queryset(self):
        conversation = _own(self.request, self.kwargs["token"])
        query = self.FilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.conversation_messages(
            conversation=conversation, after=query.validated_data["after"]
        )

    @extend_schema(
        operation_id="support_messages_list",
        summary="The messages of one of your conversations, oldest first",
        description="Poll with ?after=<the last message id you have> for what is new (the "
        "assistant's answers, our team's replies).",
        parameters=[
            OpenApiParameter(
                "after", OpenApiTypes.INT, description="Only messages after this id (0: all)."
            )
        ],
        responses={200: MessageOutput(many=True), 400: BAD_INPUT, 401: SIGN_IN, 404: NOT_FOUND},
        examples=[page_example(*MESSAGES_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MessageSendApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SupportMessageInput"

        text = serializers.CharField(
            trim_whitespace=False,
            allow_blank=True,
            help_text="At most SUPPORT_MAX_MESSAGE_CHARS (1000) characters.",
        )
        page_product = serializers.IntegerField(
            required=False,
            allow_null=True,
            min_value=1,
            max_value=2**63 - 1,
            help_text="The product the shopper is looking at, for questions like "
            "'is this in stock?'.",
        )

        def validate_text(self, value: str) -> str:
            try:
                return services.message_check(text=value)
            except ChatError as error:
                raise serializers.ValidationError(str(error)) from None

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SupportMessageSent"

        conversation = ConversationOutput()
        messages = MessageOutput(many=True, help_text="Yours, then the answers to it.")

    @extend_schema(
        operation_id="support_messages_send",
        summary="Write in one of your conversations",
        description="The assistant answers at once (it may act on your orders after asking you "
        "to confirm, or hand the conversation to our team, as in the chat on the site); while our "
        "team has the conversation only your message is added. Our team's replies come by "
        "polling the messages.",
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The assistant refuses the message."),
            429: OpenApiResponse(description="Too many messages; see Retry-After."),
        },
        examples=[
            OpenApiExample("A question", value={"text": "where is my parcel?"}, request_only=True),
            OpenApiExample(
                "The answer",
                value={
                    "conversation": CONVERSATION_EXAMPLE,
                    "messages": MESSAGES_EXAMPLE,
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request, token: str):
        conversation = _own(request, token)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = client_ip(request) or ""
        retry_after = chat_rate_take(session_key=f"api-user:{request.user.pk}", client_ip=address)
        if retry_after:
            raise exceptions.Throttled(wait=retry_after)
        conversation = services.conversation_page_set(
            conversation=conversation, product_id=data.validated_data.get("page_product")
        )
        new = services.message_post(
            conversation=conversation,
            text=data.validated_data["text"],
            user=request.user,
            client_ip=address or None,
        )
        conversation.refresh_from_db()
        return Response(
            self.OutputSerializer({"conversation": conversation, "messages": new}).data,
            status=status.HTTP_201_CREATED,
        )


class MessageCollectionApi(MessageListApi, MessageSendApi):
    """GET: poll the messages; POST: write one (one path, two operations)."""
