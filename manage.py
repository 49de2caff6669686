#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Tells settings which command runs, so one-off commands work without a SECRET_KEY (see settings).
    os.environ["ARCHIVE_MANAGE_COMMAND"] = sys.argv[1] if len(sys.argv) > 1 else ""
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
