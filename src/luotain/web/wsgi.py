import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from luotain.web import home

home.prepare()  # the secret key file that every worker of this home shares (luotain.web.home)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luotain.web.settings")
application = get_wsgi_application()

# The URLconf, and with it every view and what the views import (the back office brings the report and
# analysis libraries), is imported here, as a worker starts, instead of on the worker's first request: that
# import takes about a second, and the first respondent of each worker would wait for it.
_url_patterns = get_resolver().url_patterns
