"""Sign-in for apps: simplejwt's token pair, and the anonymous cart the app filled before
signing in (its X-Cart-Token) joins the account's cart, as the storefront's login does
(cart.services.cart_merge_session_into_user)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.views import TokenObtainPairView

from api.v1.cart.tokens import CART_TOKEN_PARAMETER, HEADER, cart_session
from cart.services import cart_merge_session_into_user


class TokenObtainApi(TokenObtainPairView):
    @extend_schema(
        operation_id="auth_token",
        summary="Sign in: a token pair (and the anonymous cart merged into the account's)",
        parameters=[CART_TOKEN_PARAMETER],
        responses={
            200: inline_serializer(
                "TokenPair",
                fields={
                    "access": serializers.CharField(),
                    "refresh": serializers.CharField(),
                    "cart_notes": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="Cart lines lowered to what is in stock when merged.",
                    ),
                },
            ),
            401: OpenApiResponse(description="Wrong email or password."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            raise InvalidToken(error.args[0]) from error
        notes: list[str] = []
        session = cart_session(request.headers.get(HEADER))
        if session is not None:
            merged = cart_merge_session_into_user(user=serializer.user, session=session)
            notes = [str(note) for note in merged]
            session.delete()  # the cart is the account's now; the token names nothing
        return Response(
            {**serializer.validated_data, "cart_notes": notes}, status=status.HTTP_200_OK
        )
