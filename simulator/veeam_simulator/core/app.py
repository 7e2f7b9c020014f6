"""Dispatch one request: control API, or a Veeam API with faults, the journal and persistence around it."""

import time

from .control import PREFIX, ControlApi
from .faults import AFTER, BEFORE
from .messages import ApiError, Response


def is_control_path(path):
    return path == PREFIX or path.startswith(PREFIX + "/")


class Application:
    """The control API and one API per product of the state's registry, each with its route families."""

    def __init__(self, state):
        self.state = state
        self.control = ControlApi(state)
        self.apis = {}
        for product in state.products:
            api = self.apis[product.name] = product.api(state, product)
            for family in product.families:
                family.install(api, self.control)

    def handle(self, api_name, request):
        response = self._dispatch(api_name, request)
        self.state.secrets_seen.collect_exchange(request, response)
        return response

    def _dispatch(self, api_name, request):
        if is_control_path(request.path):
            response, _, _ = self._perform(self.control, request)
            return response
        api = self.apis[api_name]
        with self.state.lock:
            fault = self.state.faults.take(request.method, request.path)
        if fault and fault.phase == BEFORE:
            time.sleep(fault.delay)
            if fault.interrupts:
                return self._record(api, request, self._fault_response(api, fault), False, None, fault)
        response, mutated, kind = self._perform(api, request)
        if fault and fault.phase == AFTER:
            time.sleep(fault.delay)
            if fault.interrupts:
                response = self._fault_response(api, fault)
        return self._record(api, request, response, mutated, kind, fault)

    def _perform(self, api, request):
        """Run the handler atomically; persist when it changed a managed object."""
        with self.state.lock:
            before = self.state.mutations
            response, kind = api.handle(request)
            mutated = self.state.mutations != before
            if mutated:
                self.state.persist()
        return response, mutated, kind

    def _fault_response(self, api, fault):
        if fault.drop:
            return Response(0, drop=True)
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        return api.error_response(ApiError(fault.status, f"Injected fault {fault.id}.", headers=headers))

    def _record(self, api, request, response, mutated, kind, fault):
        with self.state.lock:
            self.state.journal.add(api.name, request, None if response.drop else response.status, mutated,
                                   kind or api.kind_of(request), fault.id if fault else None)
        return response
