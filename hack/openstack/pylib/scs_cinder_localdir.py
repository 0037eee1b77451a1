"""Cinder volume driver for the scs-migrate OpenStack fixture.

This machine's kernel has no device-mapper, so LVM is out. Cinder's NFS
driver keeps each volume as a (sparse, raw) file on a share and hands
Nova an "nfs" connection, which the fake virt driver accepts without any
iSCSI target. This subclass uses a local directory as the "share": the
share line "127.0.0.1:/some/dir" is not mounted, its path is used as is.
Everything else (create, from image, upload to image, snapshots, extend,
attach, backup) is the stock NfsDriver, with two adjustments below.
nfs-common must be installed only because do_setup() checks for mount.nfs.
"""
import os

from cinder.volume.drivers import nfs


class LocalDirDriver(nfs.NfsDriver):

    def _get_mount_point_for_share(self, nfs_share):
        return nfs_share.split(':', 1)[1]

    def _ensure_share_mounted(self, nfs_share):
        os.makedirs(self._get_mount_point_for_share(nfs_share), exist_ok=True)

    def initialize_connection(self, volume, connector):
        """Hands out a raw volume as a "local" connection to its file.

        cinder-backup attaches volumes on this host through os-brick, and
        an "nfs" connection would make it mount the share, which is no
        NFS export here. os-brick's LocalConnector uses the file path as
        it is. Nova's fake driver accepts any connection. A volume whose
        active file is a qcow2 snapshot overlay keeps the stock answer.
        """
        info = super().initialize_connection(volume, connector)
        data = info['data']
        if data.get('format') != 'raw':
            return info
        path = os.path.join(self._local_volume_dir(volume), data['name'])
        return {'driver_volume_type': 'local',
                'data': {'device_path': path, 'name': data['name'],
                         'format': 'raw'}}

    def _copy_volume_from_snapshot(self, snapshot, volume, volume_size,
                                   src_encryption_key_id=None,
                                   new_encryption_key_id=None):
        """Copies a snapshot's data into a new raw volume.

        Debian's Cinder 21.3.1 (the image format safety fix) runs the
        snapshot file through a check that refuses any qcow2 file with a
        backing file. A snapshot of a volume that already has one is
        exactly that (the driver's own overlay chain), so cloning such a
        volume fails with "Image/Volume failed safety check". This does
        the same qemu-img convert as the stock driver without that check;
        encrypted volumes still take the stock path.
        """
        if src_encryption_key_id or new_encryption_key_id:
            return super()._copy_volume_from_snapshot(
                snapshot, volume, volume_size,
                src_encryption_key_id=src_encryption_key_id,
                new_encryption_key_id=new_encryption_key_id)
        info = self._read_info_file(
            self._local_path_volume_info(snapshot.volume))
        vol_dir = self._local_volume_dir(snapshot.volume)
        overlay = self._qemu_img_info(os.path.join(vol_dir, info[snapshot.id]),
                                      snapshot.volume.name)
        src = os.path.join(vol_dir, overlay.backing_file)
        dst = self._local_path_volume(volume)
        self._execute('qemu-img', 'convert', '-O', 'raw', src, dst,
                      run_as_root=self._execute_as_root)
        self._set_rw_permissions_for_all(dst)
