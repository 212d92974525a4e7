from django.contrib import admin

from .models import Contact, District, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name_fi", "name_sv", "code", "kind", "county", "active")
    list_filter = ("kind", "active", "county")
    search_fields = ("name_fi", "name_sv", "code")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ("name_fi", "slug")
    filter_horizontal = ("counties",)
    search_fields = ("name_fi", "slug")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("name", "email", "organisation", "role", "language")
    list_filter = ("language", "organisation__kind")
    search_fields = ("name", "email", "organisation__name_fi")
    raw_id_fields = ("organisation",)
