"""The Flask extensions the app shares, made in one place and bound to the app in `create_app`.

Blueprints import them from here rather than from the package root, so importing a view
never pulls in the app factory (and with it every other blueprint).
"""

from __future__ import annotations

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
