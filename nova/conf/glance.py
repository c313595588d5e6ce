"""[glance]: how nova reaches the Glance (image service) service (keystoneauth)."""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

group = cfg.OptGroup('glance', title='Glance (image service) service client options')

opts = [
    cfg.StrOpt('endpoint_override',
               help='Glance (image service) URL, bypassing the service catalog.'),
    cfg.StrOpt('region_name', help='Region of the Glance (image service) endpoint.'),
    cfg.ListOpt('valid_interfaces', default=['internal', 'public'],
                help='Catalog interfaces to look Glance (image service) up by.'),
    cfg.BoolOpt('verify_glance_signatures', default=False,
                help="""
Verify the signature of signed images (the ``img_signature*`` image
properties) when a compute downloads them.

The trusted certificates of a server (``trusted_image_certificates``,
API 2.63) are meant for this verification, and
``default_trusted_certificate_ids`` below only applies when this option
and ``enable_certificate_validation`` are both True.

This service has no signature verifier in its computes yet: the option
decides which trusted certificate IDs servers are given and recorded
with, not whether an image is verified.
"""),
    cfg.BoolOpt('enable_certificate_validation', default=False,
                deprecated_for_removal=True,
                deprecated_reason="""
A transition option: in the long term the signing certificate is always
validated together with the image signature.
""",
                help="""
Validate the certificate that signed an image against the server's
trusted certificates when verifying the image signature.

Only used when ``verify_glance_signatures`` is True. When False,
certificates are only validated for servers given
``trusted_image_certificates``; when True, servers given none get
``default_trusted_certificate_ids``.
"""),
    cfg.ListOpt('default_trusted_certificate_ids', default=[],
                help="""
IDs (in the key manager) of the certificates trusted to sign images, given
to a server created or rebuilt without ``trusted_image_certificates``.

Only used when ``verify_glance_signatures`` and
``enable_certificate_validation`` are both True, and not for servers
booted from a volume. Example: ``79d8e4f0-...,b3c7f0aa-...``.
"""),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    ks_loading.register_session_conf_options(conf, group.name)
    ks_loading.register_auth_conf_options(conf, group.name)


def list_opts():
    return {group: (opts
                    + ks_loading.get_session_conf_options()
                    + ks_loading.get_auth_common_conf_options()
                    + ks_loading.get_auth_plugin_conf_options('password'))}
