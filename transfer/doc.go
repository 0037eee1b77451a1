// Package transfer moves image and volume bytes from one OpenStack cloud
// to another: as one verified stream per disk, never staged on local
// disk, resumable where the source allows it, in bounded memory, with a
// bounded number of streams in flight.
//
// A Copier holds the two cloud sessions. CopyImage streams a Glance image
// from the source's download straight into the target's upload. CopyVolume
// turns a Cinder volume into a temporary image on the source (from a
// snapshot when the volume is in use), streams that image across and
// creates the volume from it on the target; temporary resources are named
// TempPrefix+"<purpose>-<source id>" and are removed on both clouds when
// the copy ends, whether it succeeded or not. CleanupOrphans removes those
// left behind by a process that was killed.
//
// Every stream is verified: MD5 and SHA-512 are computed while the bytes
// pass and compared with what the source claims and with what the target
// reports after the upload; a copy that does not match is deleted and
// made again. A download that breaks resumes with an HTTP Range request
// from the last byte received, so the upload never notices; an upload
// that breaks starts over from a re-opened source. Progress goes to an
// Observer; the package never draws.
package transfer
