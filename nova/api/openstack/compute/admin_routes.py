"""Rows of the URL map for the resources around servers: services,
hypervisors, availability zones, aggregates, limits and quotas.

``routes.APIRouterV21`` adds them to its table; paths with a fixed last
segment come before the ``{id}`` ones they would otherwise match.
"""

from nova.api import wsgi
from nova.api.openstack.compute import (
    aggregates,
    availability_zone,
    hypervisors,
    limits,
    quota_sets,
    services,
)


def routes():
    service_ctl = wsgi.Resource(services.ServiceController())
    hyp_ctl = wsgi.Resource(hypervisors.HypervisorsController())
    az_ctl = wsgi.Resource(availability_zone.AvailabilityZoneController())
    agg_ctl = wsgi.Resource(aggregates.AggregateController())
    limits_ctl = wsgi.Resource(limits.LimitsController())
    quota_ctl = wsgi.Resource(quota_sets.QuotaSetsController())
    class_ctl = wsgi.Resource(quota_sets.QuotaClassSetsController())
    return (
        ('/os-services', {'GET': (service_ctl, 'index')}),
        ('/os-services/{id}', {'PUT': (service_ctl, 'update'),
                               'DELETE': (service_ctl, 'delete')}),
        ('/os-hypervisors', {'GET': (hyp_ctl, 'index')}),
        ('/os-hypervisors/detail', {'GET': (hyp_ctl, 'detail')}),
        ('/os-hypervisors/statistics', {'GET': (hyp_ctl, 'statistics')}),
        ('/os-hypervisors/{id}', {'GET': (hyp_ctl, 'show')}),
        ('/os-hypervisors/{id}/uptime', {'GET': (hyp_ctl, 'uptime')}),
        ('/os-hypervisors/{id}/search', {'GET': (hyp_ctl, 'search')}),
        ('/os-hypervisors/{id}/servers', {'GET': (hyp_ctl, 'servers')}),
        ('/os-availability-zone', {'GET': (az_ctl, 'index')}),
        ('/os-availability-zone/detail', {'GET': (az_ctl, 'detail')}),
        ('/os-aggregates', {'GET': (agg_ctl, 'index'),
                            'POST': (agg_ctl, 'create')}),
        ('/os-aggregates/{id}', {'GET': (agg_ctl, 'show'),
                                 'PUT': (agg_ctl, 'update'),
                                 'DELETE': (agg_ctl, 'delete')}),
        ('/os-aggregates/{id}/action', {'POST': (agg_ctl, 'action')}),
        ('/os-aggregates/{id}/images', {'POST': (agg_ctl, 'images')}),
        ('/limits', {'GET': (limits_ctl, 'index')}),
        ('/os-quota-sets/{id}', {'GET': (quota_ctl, 'show'),
                                 'PUT': (quota_ctl, 'update'),
                                 'DELETE': (quota_ctl, 'delete')}),
        ('/os-quota-sets/{id}/defaults', {'GET': (quota_ctl, 'defaults')}),
        ('/os-quota-sets/{id}/detail', {'GET': (quota_ctl, 'detail')}),
        ('/os-quota-class-sets/{id}', {'GET': (class_ctl, 'show'),
                                       'PUT': (class_ctl, 'update')}),
    )
