"""Admin of our subscriptions to the registry: subscribe a key, see the status it was given.

The subscription itself runs in the worker (beckn.tasks.subscribe_key): the registry
challenges our web server while the /subscribe call waits.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from beckn import subscription
from beckn.keys import CURRENT, NEXT, key_roles, our_key_pair, our_key_pairs
from beckn.models import NetworkSubscription
from beckn.tasks import subscribe_key


def _key_roles_or_none() -> dict[str, str] | None:
    try:
        return key_roles()
    except ImproperlyConfigured:
        return None


def _our_key(obj: NetworkSubscription, roles: dict[str, str] | None) -> str:
    """The role of the row's key among ours ("?" when our keys are misconfigured)."""
    return "?" if roles is None else roles.get(obj.unique_key_id, "retired")


@admin.register(NetworkSubscription)
class NetworkSubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "unique_key_id",
        "our_key",
        "status",
        "valid_from",
        "valid_until",
        "challenged_at",
        "checked_at",
        "last_error",
        "registry_url",
    ]
    list_filter = ["status", "registry_url"]
    actions = ["subscribe_again", "refresh_status"]
    change_list_template = "admin/beckn/networksubscription/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_subscribe_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("beckn.change_networksubscription")

    @admin.display(description="our key")
    def our_key(self, obj: NetworkSubscription) -> str:
        return _our_key(obj, _key_roles_or_none())

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        """The columns, with our key's role read once for the whole page, not once a row."""
        roles = _key_roles_or_none()

        @admin.display(description="our key")
        def our_key(obj: NetworkSubscription) -> str:
            return _our_key(obj, roles)

        return [our_key if name == "our_key" else name for name in self.list_display]

    def get_urls(self) -> list[URLPattern]:
        subscribe = path(
            "subscribe/<str:role>/",
            self.admin_site.admin_view(self.subscribe_view),
            name="beckn_networksubscription_subscribe",
        )
        return [subscribe, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        try:
            roles = [pair.role for pair in our_key_pairs()]
        except ImproperlyConfigured as exc:
            roles = []
            self.message_user(request, str(exc), messages.ERROR)
        context = {
            **(extra_context or {}),
            "key_roles": roles if self.has_subscribe_permission(request) else [],
        }
        return super().changelist_view(request, context)

    def _send(self, request: HttpRequest, role: str) -> bool:
        try:
            our_key_pair(role).require_encryption_key()
            subscription.registry_url()
        except ImproperlyConfigured as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return False
        try:
            subscribe_key.delay(role)
        except Exception as exc:  # a broker that is down: say so, change nothing
            self.message_user(request, f"Could not queue the subscription: {exc}", messages.ERROR)
            return False
        return True

    def subscribe_view(self, request: HttpRequest, role: str) -> HttpResponseRedirect:
        """POST: subscribe our `role` (current or next) key to the registry."""
        if request.method != "POST" or role not in (CURRENT, NEXT):
            raise Http404
        if not self.has_subscribe_permission(request):
            raise PermissionDenied
        if self._send(request, role):
            self.message_user(
                request,
                f"Subscription of the {role} key sent; the registry's challenge is answered "
                "meanwhile. Reload to see the status.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:beckn_networksubscription_changelist"))

    @admin.action(description="Subscribe the selected keys again", permissions=["subscribe"])
    def subscribe_again(
        self, request: HttpRequest, queryset: QuerySet[NetworkSubscription]
    ) -> None:
        try:
            roles = {pair.unique_key_id: pair.role for pair in our_key_pairs()}
        except ImproperlyConfigured as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        sent = 0
        for key_id in queryset.values_list("unique_key_id", flat=True).distinct():
            if key_id not in roles:
                self.message_user(
                    request, f"Key {key_id} is no longer configured: not sent.", messages.WARNING
                )
            elif self._send(request, roles[key_id]):
                sent += 1
        if sent:
            self.message_user(request, f"{sent} subscription(s) sent.", messages.SUCCESS)

    @admin.action(description="Ask the registry for the status of the selected keys")
    def refresh_status(self, request: HttpRequest, queryset: QuerySet[NetworkSubscription]) -> None:
        for row in queryset:
            subscription.subscription_refresh(subscription=row)
        self.message_user(request, "Statuses asked of the registry.", messages.SUCCESS)
