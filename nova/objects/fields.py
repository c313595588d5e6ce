"""Field types of nova's objects (oslo.versionedobjects, re-exported)."""

from oslo_versionedobjects.fields import *  # noqa: F401,F403 re-exported
