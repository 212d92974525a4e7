#!/usr/bin/env python
"""Django's command line for Luotain (``python manage.py check --deploy``, ``migrate``, ...).

Everyday work goes through the ``luotain`` command; this is for what Django itself offers."""

import os
import sys

if __name__ == "__main__":
    from luotain.web import home

    home.prepare()  # var/ and the secret key file (luotain.web.home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luotain.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
