"""Starts nova-compute for the scs-migrate OpenStack fixture.

Debian's nova-compute package depends on libvirt and qemu
(nova-compute-kvm); python3-nova has all the code, so the fixture runs
nova.cmd.compute directly. Nova (Zed) loads compute_driver only from the
nova.virt package, so the fixture's driver module is made visible there
too: compute_driver = scs_nova_fake.SnapshotFakeDriver.

Usage: python3 scs_nova_compute.py --config-file nova.conf [...]
"""
import sys

from nova.cmd import compute  # first: it monkey-patches eventlet

import scs_nova_fake

sys.modules['nova.virt.scs_nova_fake'] = scs_nova_fake
sys.argv[0] = 'nova-compute'
sys.exit(compute.main())
