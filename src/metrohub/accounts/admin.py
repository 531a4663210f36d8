from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from metrohub.accounts.models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation", "jurisdiction"]


@admin.register(User)
class MetrohubUserAdmin(UserAdmin):
    inlines = [RoleInline]
    fieldsets = UserAdmin.fieldsets + ((None, {"fields": ("display_name", "phone")}),)
    list_display = ["username", "display_name", "email", "is_staff", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "hint",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    readonly_fields = ["digest", "hint", "last_used_at"]
