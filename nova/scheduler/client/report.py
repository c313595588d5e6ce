"""The Placement client: providers, inventories, traits and allocations.

Used by the scheduler (allocation candidates, claims), nova-compute
(providers and inventory of its nodes) and nova-api (removing
allocations). Every call asks for the Placement microversion whose
behaviour it relies on. Provider generations and inventories are cached so
that a compute that reports an unchanged inventory makes no call at all.
"""

import copy
import threading

from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# The microversions each kind of call relies on.
PROVIDER_VERSION = '1.20'        # POST returns the provider; parent uuid
INVENTORY_VERSION = '1.26'       # reserved may equal total
TRAIT_VERSION = '1.6'
RESOURCE_CLASS_VERSION = '1.7'    # PUT creates a custom class if missing
CANDIDATES_VERSION = '1.36'      # forbidden traits, limit, mappings
ALLOCATION_VERSION = '1.36'      # consumer generations, mappings
DELETE_INVENTORY_VERSION = '1.5'
AGGREGATE_VERSION = '1.19'      # aggregates carry the generation

# Times a write is retried when another writer changed the provider or
# the consumer (HTTP 409 placement.concurrent_update) in between.
GENERATION_CONFLICT_RETRIES = 4

CONCURRENT_UPDATE = 'placement.concurrent_update'
INVENTORY_INUSE = 'placement.inventory.inuse'

_SHARED = None
_SHARED_LOCK = threading.Lock()


def report_client_singleton():
    """The process-wide client (one keystoneauth session, one cache)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SchedulerReportClient()
        return _SHARED


def reset_report_client_singleton():
    """Forget the shared client (tests, configuration reload)."""
    global _SHARED
    with _SHARED_LOCK:
        _SHARED = None


def _error_code(resp):
    """Placement's namespaced error code of a failed response, or None."""
    try:
        errors = resp.json().get('errors') or []
    except ValueError:
        return None
    return errors[0].get('code') if errors else None


def _error_detail(resp):
    try:
        errors = resp.json().get('errors') or []
    except ValueError:
        return resp.text
    return '; '.join(e.get('detail', '') for e in errors) or resp.text


class SchedulerReportClient:
    """Talks to Placement over keystoneauth with ``[placement]``'s settings.

    Thread-safe: the adapter is created once and the provider cache is
    guarded by a lock.
    """

    def __init__(self, adapter=None):
        self._adapter = adapter
        self._adapter_lock = threading.Lock()
        self._lock = threading.RLock()
        # rp uuid -> {'generation': int, 'name': str,
        #             'inventories': dict or None, 'traits': set or None}
        self._providers = {}
        self._resource_classes = set()  # custom classes known to exist

    # -- transport --------------------------------------------------------

    def _create_adapter(self):
        conf = CONF.placement
        auth = ks_loading.load_auth_from_conf_options(CONF, 'placement')
        if auth is None:
            LOG.warning('[placement] auth_type is not set: requests to '
                        'Placement carry no token and will be refused')
        sess = ks_loading.load_session_from_conf_options(
            CONF, 'placement', auth=auth)
        return ks_adapter.Adapter(
            sess, service_type='placement', interface=conf.valid_interfaces,
            region_name=conf.region_name,
            endpoint_override=conf.endpoint_override, raise_exc=False)

    @property
    def adapter(self):
        if self._adapter is None:
            with self._adapter_lock:
                if self._adapter is None:
                    self._adapter = self._create_adapter()
        return self._adapter

    def _url_hint(self):
        return (CONF.placement.endpoint_override
                or 'the placement endpoint of the service catalog')

    def _request(self, ctxt, method, url, version, body=None, **kwargs):
        headers = {'Accept': 'application/json'}
        global_id = getattr(ctxt, 'global_id', None)
        try:
            return self.adapter.request(
                url, method, json=body, microversion=version,
                headers=headers, global_request_id=global_id, **kwargs)
        except ks_exc.EndpointNotFound as exc:
            raise exception.PlacementAPIConnectFailure(
                reason=_('no Placement endpoint found (set [placement] '
                         'endpoint_override or the catalog): %s') % exc)
        except (ks_exc.ConnectFailure, ks_exc.ConnectTimeout,
                ks_exc.DiscoveryFailure, ks_exc.RequestTimeout) as exc:
            raise exception.PlacementAPIConnectFailure(
                reason=_('%(method)s %(url)s at %(base)s failed: %(err)s') % {
                    'method': method, 'url': url, 'base': self._url_hint(),
                    'err': exc})

    def get(self, ctxt, url, version):
        return self._request(ctxt, 'GET', url, version)

    def put(self, ctxt, url, body, version):
        return self._request(ctxt, 'PUT', url, version, body=body)

    def post(self, ctxt, url, body, version):
        return self._request(ctxt, 'POST', url, version, body=body)

    def delete(self, ctxt, url, version):
        return self._request(ctxt, 'DELETE', url, version)

    def _unexpected(self, what, resp):
        return exception.NovaException(
            _('Placement refused to %(what)s: HTTP %(status)s: %(detail)s') % {
                'what': what, 'status': resp.status_code,
                'detail': _error_detail(resp)})

    # -- providers --------------------------------------------------------

    def _cache_provider(self, rp):
        with self._lock:
            entry = self._providers.setdefault(
                rp['uuid'], {'inventories': None, 'traits': None})
            entry['generation'] = rp['generation']
            entry['name'] = rp['name']

    def _set_generation(self, rp_uuid, generation):
        with self._lock:
            if rp_uuid in self._providers:
                self._providers[rp_uuid]['generation'] = generation

    def _forget_provider(self, rp_uuid):
        with self._lock:
            self._providers.pop(rp_uuid, None)

    def get_provider(self, ctxt, rp_uuid):
        """The provider as Placement shows it, or None if there is none."""
        resp = self.get(ctxt, f'/resource_providers/{rp_uuid}',
                        PROVIDER_VERSION)
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise self._unexpected(_('show provider %s') % rp_uuid, resp)
        rp = resp.json()
        self._cache_provider(rp)
        return rp

    def ensure_resource_provider(self, ctxt, uuid, name,
                                 parent_provider_uuid=None):
        """Create the provider unless it exists; return its uuid."""
        with self._lock:
            if uuid in self._providers:
                return uuid
        if self.get_provider(ctxt, uuid) is not None:
            return uuid
        body = {'uuid': uuid, 'name': name}
        if parent_provider_uuid:
            body['parent_provider_uuid'] = parent_provider_uuid
        resp = self.post(ctxt, '/resource_providers', body, PROVIDER_VERSION)
        if resp.status_code == 200:
            self._cache_provider(resp.json())
            LOG.info('Created resource provider %s (%s)', name, uuid)
            return uuid
        if resp.status_code == 409:
            # Another service may have created it between our GET and POST.
            if self.get_provider(ctxt, uuid) is not None:
                return uuid
            raise exception.Conflict(reason=_(
                'Placement already has a resource provider named %(name)s '
                'with a uuid other than %(uuid)s; delete the stale one '
                '(a compute node that was recreated?)') % {
                    'name': name, 'uuid': uuid})
        raise self._unexpected(_('create provider %s') % name, resp)

    def delete_resource_provider(self, ctxt, compute_node, cascade=False):
        """Delete the provider of ``compute_node`` (object or uuid).

        With ``cascade`` the allocations against it are removed first;
        otherwise a provider that still has allocations is kept (409).
        """
        rp_uuid = getattr(compute_node, 'uuid', compute_node)
        if cascade:
            resp = self.get(ctxt, f'/resource_providers/{rp_uuid}/allocations',
                            ALLOCATION_VERSION)
            if resp.status_code == 200:
                for consumer in resp.json().get('allocations', {}):
                    self.remove_provider_from_instance_allocation(
                        ctxt, consumer, rp_uuid)
        resp = self.delete(ctxt, f'/resource_providers/{rp_uuid}',
                           PROVIDER_VERSION)
        self._forget_provider(rp_uuid)
        if resp.status_code in (204, 404):
            return
        if resp.status_code == 409:
            raise exception.Conflict(reason=_(
                'resource provider %(rp)s still has allocations or child '
                'providers: %(detail)s') % {
                    'rp': rp_uuid, 'detail': _error_detail(resp)})
        raise self._unexpected(_('delete provider %s') % rp_uuid, resp)

    # -- inventory --------------------------------------------------------

    def _refresh_inventory(self, ctxt, rp_uuid):
        resp = self.get(ctxt, f'/resource_providers/{rp_uuid}/inventories',
                        INVENTORY_VERSION)
        if resp.status_code == 404:
            raise exception.ResourceProviderNotFound(uuid=rp_uuid)
        if resp.status_code != 200:
            raise self._unexpected(_('show inventory of %s') % rp_uuid, resp)
        data = resp.json()
        with self._lock:
            entry = self._providers.setdefault(
                rp_uuid, {'name': None, 'traits': None})
            entry['generation'] = data['resource_provider_generation']
            entry['inventories'] = data['inventories']
        return data

    @staticmethod
    def _same_inventory(cached, wanted):
        if cached is None or set(cached) != set(wanted):
            return False
        for rc, inv in wanted.items():
            for key, value in inv.items():
                if cached[rc].get(key) != value:
                    return False
        return True

    def get_inventory(self, ctxt, rp_uuid):
        """The provider's inventories {rc: {...}} (from the cache if known)."""
        with self._lock:
            entry = self._providers.get(rp_uuid)
            if entry and entry.get('inventories') is not None:
                return copy.deepcopy(entry['inventories'])
        return self._refresh_inventory(ctxt, rp_uuid)['inventories']

    def set_inventory_for_provider(self, ctxt, rp_uuid, inv_data):
        """Make the provider's inventory ``inv_data`` ({rc: {total, ...}}).

        Nothing is sent when the cached inventory already matches. A
        generation conflict is retried after re-reading the provider.
        """
        inv_data = {rc: {k: v for k, v in inv.items() if v is not None}
                    for rc, inv in inv_data.items()}
        with self._lock:
            entry = self._providers.get(rp_uuid)
            if entry is not None and self._same_inventory(
                    entry.get('inventories'), inv_data):
                return False
            generation = entry.get('generation') if entry else None
        if generation is None:
            generation = self._refresh_inventory(
                ctxt, rp_uuid)['resource_provider_generation']
            with self._lock:
                if self._same_inventory(
                        self._providers[rp_uuid]['inventories'], inv_data):
                    return False
        self._ensure_resource_classes(ctxt, inv_data)
        url = f'/resource_providers/{rp_uuid}/inventories'
        for attempt in range(GENERATION_CONFLICT_RETRIES + 1):
            if inv_data:
                resp = self.put(ctxt, url, {
                    'resource_provider_generation': generation,
                    'inventories': inv_data}, INVENTORY_VERSION)
            else:
                # Only DELETE checks no generation, but it is the one call
                # that can empty the inventory at this microversion.
                resp = self.delete(ctxt, url, DELETE_INVENTORY_VERSION)
            if resp.status_code in (200, 204):
                if resp.status_code == 200:
                    data = resp.json()
                    generation = data['resource_provider_generation']
                    inventories = data['inventories']
                else:
                    generation, inventories = None, {}
                with self._lock:
                    entry = self._providers.setdefault(
                        rp_uuid, {'name': None, 'traits': None})
                    entry['generation'] = generation
                    entry['inventories'] = inventories
                return True
            code = _error_code(resp)
            if resp.status_code == 409 and code == CONCURRENT_UPDATE:
                LOG.debug('Generation conflict on provider %s, attempt %d',
                          rp_uuid, attempt + 1)
                generation = self._refresh_inventory(
                    ctxt, rp_uuid)['resource_provider_generation']
                continue
            if resp.status_code == 409 and code == INVENTORY_INUSE:
                raise exception.InventoryInUse(
                    uuid=rp_uuid, detail=_error_detail(resp))
            if resp.status_code == 404:
                self._forget_provider(rp_uuid)
                raise exception.ResourceProviderNotFound(uuid=rp_uuid)
            raise self._unexpected(
                _('set the inventory of %s') % rp_uuid, resp)
        self._forget_provider(rp_uuid)
        raise exception.ResourceProviderGenerationConflict(uuid=rp_uuid)

    def _ensure_resource_classes(self, ctxt, inv_data):
        """Create the custom resource classes of ``inv_data`` Placement
        does not know yet (once per process each)."""
        for rc in inv_data:
            if not rc.startswith('CUSTOM_') or rc in self._resource_classes:
                continue
            resp = self.put(ctxt, f'/resource_classes/{rc}', None,
                            RESOURCE_CLASS_VERSION)
            if resp.status_code not in (201, 204):
                raise self._unexpected(
                    _('create resource class %s') % rc, resp)
            with self._lock:
                self._resource_classes.add(rc)

    # -- traits -----------------------------------------------------------

    def set_traits_for_provider(self, ctxt, rp_uuid, traits):
        """Make the provider's traits exactly ``traits`` (custom ones are
        created); retries on generation conflict."""
        traits = set(traits)
        with self._lock:
            entry = self._providers.get(rp_uuid)
            if entry is not None and entry.get('traits') == traits:
                return False
        for trait in traits:
            if trait.startswith('CUSTOM_'):
                resp = self.put(ctxt, f'/traits/{trait}', None,
                                TRAIT_VERSION)
                if resp.status_code not in (201, 204):
                    raise self._unexpected(
                        _('create trait %s') % trait, resp)
        url = f'/resource_providers/{rp_uuid}/traits'
        for attempt in range(GENERATION_CONFLICT_RETRIES + 1):
            with self._lock:
                entry = self._providers.get(rp_uuid)
                generation = entry.get('generation') if entry else None
            if generation is None:
                if self.get_provider(ctxt, rp_uuid) is None:
                    raise exception.ResourceProviderNotFound(uuid=rp_uuid)
                continue
            resp = self.put(ctxt, url, {
                'resource_provider_generation': generation,
                'traits': sorted(traits)}, TRAIT_VERSION)
            if resp.status_code == 200:
                data = resp.json()
                with self._lock:
                    entry = self._providers.setdefault(
                        rp_uuid, {'name': None, 'inventories': None})
                    entry['generation'] = data['resource_provider_generation']
                    entry['traits'] = set(data['traits'])
                return True
            if resp.status_code == 409 and _error_code(resp) == \
                    CONCURRENT_UPDATE:
                self.get_provider(ctxt, rp_uuid)
                continue
            if resp.status_code == 404:
                self._forget_provider(rp_uuid)
                raise exception.ResourceProviderNotFound(uuid=rp_uuid)
            raise self._unexpected(_('set the traits of %s') % rp_uuid, resp)
        raise exception.ResourceProviderGenerationConflict(uuid=rp_uuid)

    def get_provider_traits(self, ctxt, rp_uuid):
        """The provider's traits as Placement has them now (a set)."""
        resp = self.get(ctxt, f'/resource_providers/{rp_uuid}/traits',
                        TRAIT_VERSION)
        if resp.status_code == 404:
            raise exception.ResourceProviderNotFound(uuid=rp_uuid)
        if resp.status_code != 200:
            raise self._unexpected(_('show the traits of %s') % rp_uuid,
                                   resp)
        data = resp.json()
        traits = set(data['traits'])
        with self._lock:
            entry = self._providers.setdefault(
                rp_uuid, {'name': None, 'inventories': None})
            entry['generation'] = data['resource_provider_generation']
            entry['traits'] = traits
        return set(traits)

    def update_provider_traits(self, ctxt, rp_uuid, wanted, owned):
        """Make the traits for which ``owned(trait)`` is true exactly
        ``wanted``, keeping the others (an operator's CUSTOM_ traits).
        Returns whether Placement was changed."""
        current = self.get_provider_traits(ctxt, rp_uuid)
        new = {t for t in current if not owned(t)} | set(wanted)
        if new == current:
            return False
        return self.set_traits_for_provider(ctxt, rp_uuid, new)

    # -- allocation candidates -------------------------------------------

    def get_allocation_candidates(self, ctxt, resources, required_traits=None,
                                  forbidden_traits=None, limit=None):
        """(allocation_requests, provider_summaries) for ``resources``.

        ``resources`` is {resource class: amount}. Each allocation
        request is Placement's dict {'allocations': {rp: {'resources':
        ...}}, 'mappings': ...}; ``provider_summaries`` maps each provider
        to its resources' capacity and usage and its traits.
        """
        params = {'resources': ','.join(
            f'{rc}:{amount:d}'
            for rc, amount in sorted(resources.items()) if amount)}
        required = sorted(required_traits or [])
        required += ['!' + t for t in sorted(forbidden_traits or [])]
        if required:
            params['required'] = ','.join(required)
        if limit:
            params['limit'] = int(limit)
        resp = self._request(ctxt, 'GET', '/allocation_candidates',
                             CANDIDATES_VERSION, params=params)
        if resp.status_code == 200:
            data = resp.json()
            return data['allocation_requests'], data['provider_summaries']
        if resp.status_code == 400:
            # A bad resource class or trait name from a flavor's extra
            # specs: no host can satisfy it.
            raise exception.NoValidHost(reason=_(
                'Placement refused the request: %s') % _error_detail(resp))
        raise self._unexpected(_('list allocation candidates'), resp)

    def get_allocation_candidates_for(self, ctxt, request):
        """(allocation_requests, provider_summaries) for a
        :class:`nova.scheduler.resource_request.ResourceRequest` (request
        groups, member_of, root_required...), at the microversion its
        query needs."""
        resp = self._request(ctxt, 'GET', '/allocation_candidates',
                             request.microversion, params=request.query())
        if resp.status_code == 200:
            data = resp.json()
            return data['allocation_requests'], data['provider_summaries']
        if resp.status_code == 400:
            raise exception.NoValidHost(reason=_(
                'Placement refused the request: %s') % _error_detail(resp))
        raise self._unexpected(_('list allocation candidates'), resp)

    # -- allocations ------------------------------------------------------

    def _get_consumer(self, ctxt, consumer_uuid):
        """(allocations, consumer_generation, project_id, user_id)."""
        resp = self.get(ctxt, f'/allocations/{consumer_uuid}',
                        ALLOCATION_VERSION)
        if resp.status_code != 200:
            raise self._unexpected(
                _('show the allocations of %s') % consumer_uuid, resp)
        data = resp.json()
        return (data.get('allocations', {}), data.get('consumer_generation'),
                data.get('project_id'), data.get('user_id'))

    def get_allocations_for_consumer(self, ctxt, consumer_uuid):
        """{rp_uuid: {'resources': {rc: amount}, ...}} of the consumer."""
        return self._get_consumer(ctxt, consumer_uuid)[0]

    def get_allocations_for_resource_provider(self, ctxt, rp_uuid):
        """{consumer_uuid: {'resources': {...}}} against the provider."""
        resp = self.get(ctxt, f'/resource_providers/{rp_uuid}/allocations',
                        ALLOCATION_VERSION)
        if resp.status_code == 404:
            raise exception.ResourceProviderNotFound(uuid=rp_uuid)
        if resp.status_code != 200:
            raise self._unexpected(
                _('show the allocations against %s') % rp_uuid, resp)
        return resp.json()['allocations']

    @staticmethod
    def _merge(existing, wanted):
        """``wanted`` added to ``existing`` allocations, per provider."""
        merged = {rp: {'resources': dict(a['resources'])}
                  for rp, a in existing.items()}
        for rp, alloc in wanted.items():
            target = merged.setdefault(rp, {'resources': {}})['resources']
            for rc, amount in alloc['resources'].items():
                target[rc] = target.get(rc, 0) + amount
        return merged

    def claim_resources(self, ctxt, consumer_uuid, alloc_request, project_id,
                        user_id, allocation_request_version=None):
        """Allocate ``alloc_request`` for the consumer; False if it does
        not fit (another claim took the room meanwhile).

        If the consumer already holds allocations (a move) the request is
        added to them. Consumer generation conflicts are retried.
        """
        wanted = alloc_request['allocations']
        mappings = alloc_request.get('mappings')
        generation = None
        allocations = wanted
        url = f'/allocations/{consumer_uuid}'
        for attempt in range(GENERATION_CONFLICT_RETRIES + 1):
            body = {'allocations': allocations, 'project_id': project_id,
                    'user_id': user_id, 'consumer_generation': generation}
            if mappings:
                body['mappings'] = mappings
            resp = self.put(ctxt, url, body, ALLOCATION_VERSION)
            if resp.status_code == 204:
                return True
            if resp.status_code == 409 and _error_code(resp) == \
                    CONCURRENT_UPDATE:
                existing, generation, _p, _u = self._get_consumer(
                    ctxt, consumer_uuid)
                allocations = self._merge(existing, wanted)
                continue
            LOG.info('Unable to claim resources for %(consumer)s in '
                     'Placement: HTTP %(status)s %(detail)s',
                     {'consumer': consumer_uuid, 'status': resp.status_code,
                      'detail': _error_detail(resp)})
            return False
        LOG.warning('Giving up claiming resources for %s after %d '
                    'generation conflicts', consumer_uuid, attempt + 1)
        return False

    def put_allocations(self, ctxt, consumer_uuid, allocations, project_id,
                        user_id):
        """Replace the consumer's allocations with ``allocations``
        ({rp: {'resources': {...}}}); retries on generation conflict."""
        url = f'/allocations/{consumer_uuid}'
        _a, generation, _p, _u = self._get_consumer(ctxt, consumer_uuid)
        for attempt in range(GENERATION_CONFLICT_RETRIES + 1):
            resp = self.put(ctxt, url, {
                'allocations': allocations, 'project_id': project_id,
                'user_id': user_id, 'consumer_generation': generation},
                ALLOCATION_VERSION)
            if resp.status_code == 204:
                return True
            if resp.status_code == 409 and _error_code(resp) == \
                    CONCURRENT_UPDATE:
                _a, generation, _p, _u = self._get_consumer(
                    ctxt, consumer_uuid)
                continue
            raise exception.AllocationUpdateFailed(
                consumer_uuid=consumer_uuid, error=_error_detail(resp))
        raise exception.AllocationUpdateFailed(
            consumer_uuid=consumer_uuid,
            error=_('it kept changing (generation conflicts)'))

    def delete_allocation_for_instance(self, ctxt, instance_uuid):
        """Remove every allocation of the instance; False if it had none."""
        resp = self.delete(ctxt, f'/allocations/{instance_uuid}',
                           ALLOCATION_VERSION)
        if resp.status_code == 204:
            LOG.debug('Deleted allocations of %s', instance_uuid)
            return True
        if resp.status_code == 404:
            return False
        raise exception.AllocationUpdateFailed(
            consumer_uuid=instance_uuid, error=_error_detail(resp))

    def remove_provider_from_instance_allocation(self, ctxt, consumer_uuid,
                                                 rp_uuid):
        """Drop the consumer's allocation against ``rp_uuid`` only (what a
        failed build on that host held); False if there was none."""
        url = f'/allocations/{consumer_uuid}'
        for attempt in range(GENERATION_CONFLICT_RETRIES + 1):
            existing, generation, project_id, user_id = self._get_consumer(
                ctxt, consumer_uuid)
            if rp_uuid not in existing:
                return False
            remaining = {rp: {'resources': a['resources']}
                         for rp, a in existing.items() if rp != rp_uuid}
            resp = self.put(ctxt, url, {
                'allocations': remaining, 'project_id': project_id,
                'user_id': user_id, 'consumer_generation': generation},
                ALLOCATION_VERSION)
            if resp.status_code == 204:
                return True
            if resp.status_code == 409 and _error_code(resp) == \
                    CONCURRENT_UPDATE:
                continue
            raise exception.AllocationUpdateFailed(
                consumer_uuid=consumer_uuid, error=_error_detail(resp))
        raise exception.AllocationUpdateFailed(
            consumer_uuid=consumer_uuid,
            error=_('it kept changing (generation conflicts)'))

    def get_usages_for_provider(self, ctxt, rp_uuid):
        """{rc: used} of the provider."""
        resp = self.get(ctxt, f'/resource_providers/{rp_uuid}/usages',
                        INVENTORY_VERSION)
        if resp.status_code == 404:
            raise exception.ResourceProviderNotFound(uuid=rp_uuid)
        if resp.status_code != 200:
            raise self._unexpected(_('show the usages of %s') % rp_uuid, resp)
        return resp.json()['usages']

    # -- aggregates -------------------------------------------------------

    def change_provider_aggregates(self, ctxt, rp_uuid, add=(), remove=()):
        """Add and remove aggregate uuids of a provider (host aggregates
        mirrored from the API DB); retries on generation conflict.
        Returns the provider's aggregates after the change."""
        url = f'/resource_providers/{rp_uuid}/aggregates'
        for attempt in range(GENERATION_CONFLICT_RETRIES + 1):
            resp = self.get(ctxt, url, AGGREGATE_VERSION)
            if resp.status_code == 404:
                raise exception.ResourceProviderNotFound(uuid=rp_uuid)
            if resp.status_code != 200:
                raise self._unexpected(
                    _('show the aggregates of %s') % rp_uuid, resp)
            data = resp.json()
            current = set(data['aggregates'])
            wanted = (current | set(add)) - set(remove)
            if wanted == current:
                return sorted(current)
            resp = self.put(ctxt, url, {
                'aggregates': sorted(wanted),
                'resource_provider_generation':
                    data['resource_provider_generation']},
                AGGREGATE_VERSION)
            if resp.status_code == 200:
                self._set_generation(
                    rp_uuid, resp.json()['resource_provider_generation'])
                return sorted(wanted)
            if resp.status_code == 409 and _error_code(resp) == \
                    CONCURRENT_UPDATE:
                LOG.debug('Generation conflict on provider %s, attempt %d',
                          rp_uuid, attempt + 1)
                continue
            raise self._unexpected(
                _('set the aggregates of %s') % rp_uuid, resp)
        raise exception.ResourceProviderGenerationConflict(uuid=rp_uuid)

    # -- moves (resize, migrate) -----------------------------------------

    def move_allocations(self, ctxt, source_consumer_uuid,
                         target_consumer_uuid):
        """Give all allocations of the source consumer to the target (in
        one POST /allocations, so nothing is double-counted or lost); the
        target's own allocations are replaced. False when the source had
        none. Retries on consumer generation conflicts."""
        for attempt in range(GENERATION_CONFLICT_RETRIES + 1):
            allocs, src_gen, project_id, user_id = self._get_consumer(
                ctxt, source_consumer_uuid)
            if not allocs:
                return False
            _t, tgt_gen, _p, _u = self._get_consumer(
                ctxt, target_consumer_uuid)
            body = {
                source_consumer_uuid: {
                    'allocations': {}, 'consumer_generation': src_gen,
                    'project_id': project_id, 'user_id': user_id},
                target_consumer_uuid: {
                    'allocations': {rp: {'resources': a['resources']}
                                    for rp, a in allocs.items()},
                    'consumer_generation': tgt_gen,
                    'project_id': project_id, 'user_id': user_id},
            }
            resp = self.post(ctxt, '/allocations', body, ALLOCATION_VERSION)
            if resp.status_code == 204:
                return True
            if resp.status_code == 409 and _error_code(resp) == \
                    CONCURRENT_UPDATE:
                continue
            raise exception.AllocationUpdateFailed(
                consumer_uuid=target_consumer_uuid,
                error=_error_detail(resp))
        raise exception.AllocationUpdateFailed(
            consumer_uuid=target_consumer_uuid,
            error=_('it kept changing (generation conflicts)'))
