"""Nova virt driver for the scs-migrate OpenStack fixture.

Nova's fake driver keeps servers as entries in a dict, which is all the
fixture needs, except for snapshots: FakeDriver.snapshot() never uploads
data, so the image of a server snapshot (createImage) stays "queued"
forever. This subclass uploads bytes as the libvirt driver does after it
has read the disk: the disk of a fake server is taken to be the image it
was booted from, unchanged, so the snapshot gets that image's bytes and
disk format (or 1 MiB of bytes derived from the server's UUID when there
is no such image). It also reports itself as a QEMU/KVM host (the fake
driver says "fake"), so that the scheduler's ImagePropertiesFilter accepts
standard images with hypervisor_type=qemu, as on a real SCS cloud.

The fake driver's guests live in memory only; after a restart of
nova-compute (setup.sh down/up) they are read back from Nova's database,
so that the servers can still be started, stopped and snapshotted.

Last, it does Nova's part of snapshotting an attached volume. Cinder's
file-based drivers (NFS, and the fixture's local-directory one) ask Nova
for that ("assisted volume snapshots"): the libvirt driver points the
guest at Cinder's new qcow2 overlay on create, merges the files with a
block job on delete, and reports back; without this, Cinder waits ten
minutes and puts the snapshot in error. A fake guest writes nothing, so
create only reports; delete merges with qemu-img as the block job would.

Configured as compute_driver = scs_nova_fake.SnapshotFakeDriver.
"""
import hashlib
import json
import os
import tempfile

from oslo_concurrency import processutils
from oslo_log import log as logging

from nova.compute import power_state
from nova.compute import task_states
from nova import context as nova_context
from nova import exception
from nova.image import glance
from nova import objects
from nova.objects import fields
from nova.virt import fake
from nova.volume import cinder

LOG = logging.getLogger(__name__)


class SnapshotFakeDriver(fake.FakeDriver):

    def __init__(self, virtapi, read_only=False):
        super().__init__(virtapi, read_only)
        self.host_status_base['hypervisor_type'] = 'QEMU'
        self.host_status_base['supported_instances'] = [
            (fields.Architecture.X86_64, hv, fields.VMMode.HVM)
            for hv in (fields.HVType.QEMU, fields.HVType.KVM,
                       fields.HVType.FAKE)]

    def init_host(self, host):
        super().init_host(host)
        ctx = nova_context.get_admin_context()
        for inst in objects.InstanceList.get_by_host(ctx, host):
            state = inst.power_state or power_state.NOSTATE
            self.instances.setdefault(
                inst.uuid, fake.FakeInstance(inst.name, state, inst.uuid))

    def snapshot(self, context, instance, image_id, update_task_state):
        if instance.uuid not in self.instances:
            raise exception.InstanceNotRunning(instance_id=instance.uuid)
        api = glance.API()
        snapshot = api.get(context, image_id)
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        update_task_state(task_state=task_states.IMAGE_UPLOADING,
                          expected_state=task_states.IMAGE_PENDING_UPLOAD)
        fd, path = tempfile.mkstemp(prefix='scs-fake-snapshot-')
        os.close(fd)
        try:
            disk_format = self._read_disk(context, api, instance, path)
            metadata = {
                'status': 'active',
                'name': snapshot['name'],
                'disk_format': disk_format,
                'container_format': 'bare',
                'properties': {
                    'image_location': 'snapshot',
                    'image_state': 'available',
                    'owner_id': instance.project_id,
                },
            }
            with open(path, 'rb') as data:
                api.update(context, image_id, metadata, data,
                           purge_props=False)
        finally:
            os.unlink(path)

    @staticmethod
    def _read_disk(context, api, instance, path):
        """Writes the server's "disk" to path and returns its format."""
        if instance.image_ref:
            try:
                base = api.get(context, instance.image_ref)
                api.download(context, instance.image_ref, dest_path=path)
                return base.get('disk_format') or 'raw'
            except Exception:  # deleted or not visible: fall through
                pass
        seed = hashlib.sha256(instance.uuid.encode()).digest()
        with open(path, 'wb') as f:
            for i in range(1024 * 1024 // len(seed)):
                f.write(hashlib.sha256(seed + i.to_bytes(4, 'big')).digest())
        return 'raw'

    # ------------------------------------------- assisted volume snapshots

    def volume_snapshot_create(self, context, instance, volume_id,
                               create_info):
        cinder.API().update_snapshot_status(
            context, create_info['snapshot_id'], 'creating')

    def volume_snapshot_delete(self, context, instance, volume_id,
                               snapshot_id, delete_info):
        try:
            self._merge_snapshot_files(context, instance, volume_id,
                                       delete_info)
        except Exception:
            LOG.exception('merging the files of snapshot %s failed',
                          snapshot_id)
            cinder.API().update_snapshot_status(
                context, snapshot_id, 'error_deleting')
            return
        cinder.API().update_snapshot_status(context, snapshot_id, 'deleting')

    @staticmethod
    def _merge_snapshot_files(context, instance, volume_id, delete_info):
        """What libvirt's blockRebase/blockCommit do, on the files."""
        bdm = objects.BlockDeviceMapping.get_by_volume_and_instance(
            context, volume_id, instance.uuid)
        data = json.loads(bdm.connection_info)['data']
        if 'device_path' in data:
            vol_dir = os.path.dirname(data['device_path'])
        else:
            vol_dir = data['export'].split(':', 1)[1]

        def path(name):
            return os.path.join(vol_dir, name)

        def info(name):
            out, _ = processutils.execute(
                'qemu-img', 'info', '--output=json', '--force-share',
                path(name))
            return json.loads(out)

        top = delete_info['file_to_merge']
        base = delete_info['merge_target_file']
        if base is None:
            # blockRebase: pull everything above top into the active file,
            # which then sits on top (on nothing when top is None).
            with open(path('volume-%s.info' % volume_id)) as f:
                active = json.load(f)['active']
            if top is None:
                processutils.execute('qemu-img', 'rebase', '-f', 'qcow2',
                                     '-b', '', path(active))
            else:
                processutils.execute('qemu-img', 'rebase', '-f', 'qcow2',
                                     '-b', top, '-F', info(top)['format'],
                                     path(active))
            return
        # blockCommit: top's data go into its backing file base, and the
        # file above top is put onto base.
        processutils.execute('qemu-img', 'commit', '-f', 'qcow2', path(top))
        prefix = 'volume-%s' % volume_id
        for name in os.listdir(vol_dir):
            if not name.startswith(prefix) or name.endswith('.info'):
                continue
            if info(name).get('backing-filename') == top:
                processutils.execute('qemu-img', 'rebase', '-u', '-f',
                                     'qcow2', '-b', base, '-F',
                                     info(base)['format'], path(name))
