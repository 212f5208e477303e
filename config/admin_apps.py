"""django.contrib.admin's app, whose site is config.admin_site's (a module of its own: that one
needs the models, which are not loaded when INSTALLED_APPS is read)."""

from django.contrib.admin.apps import AdminConfig


class SecondFactorAdminConfig(AdminConfig):
    default_site = "config.admin_site.SecondFactorAdminSite"
