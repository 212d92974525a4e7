from django.contrib import admin

from .models import District, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name_fi", "name_sv", "code", "kind", "county", "active")
    list_filter = ("kind", "active", "county")
    search_fields = ("name_fi", "name_sv", "code")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name_fi", "slug")
    filter_horizontal = ("counties",)
    search_fields = ("name_fi", "slug")
