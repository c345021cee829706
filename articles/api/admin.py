"""API tokens in the admin: staff create their own, see the secret once, and revoke it.

Only the token's hash is stored, so the secret is shown in the message after it is created and
never again. A superuser may create a token for anyone and sees every token; other staff with
the permission create and see only their own. Revoking is final (create another instead).
"""

from django.contrib import admin, messages
from django.utils import timezone

from .models import TOKEN_PREFIX, ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "shown_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["shown_prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description="token starts")
    def shown_prefix(self, token: ApiToken) -> str:
        return f"{TOKEN_PREFIX}{token.prefix}_…" if token.prefix else "—"

    def get_fields(self, request, obj=None):
        user = ["user"] if request.user.is_superuser else []
        if obj is None:
            return [*user, "name"]
        return [*user, "name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj is not None else []

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        if not request.user.is_superuser or obj.user_id is None:
            obj.user = request.user
        secret = obj.issue()
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"The API token {obj.name!r}: {secret} — copy it now; it is stored hashed and will "
            'not be shown again. Send it as "Authorization: Bearer <token>".',
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected API tokens", permissions=["change"])
    def revoke(self, request, queryset):
        n = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{n} API token(s) revoked.", messages.SUCCESS)
