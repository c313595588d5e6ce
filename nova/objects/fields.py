"""Field types of nova's objects (oslo.versionedobjects, re-exported)."""

from oslo_versionedobjects.fields import *
