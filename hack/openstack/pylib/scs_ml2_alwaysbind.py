"""ML2 mechanism driver "alwaysbind" for the scs-migrate OpenStack fixture.

The fixture runs neutron-server without any agent (no OVS, no Linux
bridge, no data plane). Without a mechanism driver that binds ports, every
port Nova asks for ends up binding_failed and the server goes to ERROR.
This driver binds any port on any host to the first segment it is offered,
as an OVS port, and marks it ACTIVE: the API behaves as on a real cloud,
packets just go nowhere. Registered as "alwaysbind" through the
entry_points.txt beside it; loaded with PYTHONPATH pointing here.
"""
from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class AlwaysBindDriver(api.MechanismDriver):

    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID], portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True,
                 portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return
