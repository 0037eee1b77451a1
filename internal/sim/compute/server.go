package compute

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// server is a Nova instance.
type server struct {
	ID, Name, ProjectID, UserID string
	Description                 *string
	Flavor                      flavor // a copy taken at boot, as Nova embeds it
	ImageID                     string // "" when booted from volume
	KeyName                     string
	Metadata                    map[string]string
	Tags                        []string
	AZ, Host                    string // Host is "" until scheduled
	VMState, TaskState          string // TaskState "" is null
	PowerState                  int
	SecurityGroups              []string // names, as requested
	ConfigDrive                 bool
	UserData                    string
	AccessIPv4, AccessIPv6      string
	DiskConfig                  string
	Created, Updated, Launched  time.Time
	Ports                       []*serverPort
	Volumes                     []*serverVolume
	Group                       string // server group ID
	Locked                      bool
	Fault                       *serverFault
	RootDevice                  string
	// Base is the image the server was built from (the image of an
	// image-backed server, the volume image metadata of a volume-backed
	// one); snapshots inherit its properties.
	Base baseImage
	// DiskPath is the root disk of an image-backed server; diskReady says
	// its copy from the image has finished.
	DiskPath  string
	diskReady bool
	seq       int // creation order, finer than Created's seconds
}

// baseImage is what a snapshot inherits from the image a server booted.
type baseImage struct {
	ID                          string
	DiskFormat, ContainerFormat string
	MinDisk, MinRAM             int
	Properties                  map[string]string
}

// serverPort is a port the server is plugged into.
type serverPort struct {
	PortID, NetworkID string
	Created           bool // Nova created it and deletes it with the server
	Tag               string
}

// serverVolume is a volume block device mapping.
type serverVolume struct {
	VolumeID            string
	Device              string
	BootIndex           int // -1: not bootable
	DeleteOnTermination bool
	Tag                 string
	SourceType          string // volume, image, blank or snapshot
	ImageID             string // source of a volume Nova creates from an image
	SnapshotID          string // source of a volume Nova creates from a snapshot
	VolumeSize          int
	VolumeType          string
	Attached            bool // attachLocked succeeded
	BDMID, AttachmentID string
}

type serverFault struct {
	Code    int
	Message string
	Created time.Time
}

// Nova's power states.
const (
	powerNoState  = 0
	powerRunning  = 1
	powerShutdown = 4
)

// status maps vm_state and task_state to the API status, as Nova's
// _STATE_MAP does for the states the simulator uses.
func (srv *server) status() string {
	switch srv.VMState {
	case "building":
		return "BUILD"
	case "stopped":
		if srv.TaskState == "rebooting_hard" {
			return "HARD_REBOOT"
		}
		return "SHUTOFF"
	case "error":
		return "ERROR"
	case "deleted":
		return "DELETED"
	}
	switch srv.TaskState {
	case "rebooting", "reboot_pending", "reboot_started":
		return "REBOOT"
	case "rebooting_hard", "reboot_pending_hard", "reboot_started_hard":
		return "HARD_REBOOT"
	}
	return "ACTIVE"
}

// hostID is Nova's hostId: a hash of project and host, "" before the
// server is scheduled.
func (srv *server) hostID() string {
	if srv.Host == "" {
		return ""
	}
	sum := sha256.Sum224([]byte(srv.ProjectID + srv.Host))
	return hex.EncodeToString(sum[:])
}

func (srv *server) touch(t time.Time) { srv.Updated = t }

// serverLocked finds the project's server, writing Nova's 404.
func (s *Room) serverLocked(w http.ResponseWriter, projectID, id string) (*server, bool) {
	srv, err := s.ownServerLocked(projectID, id)
	if err != nil {
		err.Write(w)
		return nil, false
	}
	return srv, true
}

// ownServerLocked is the project's server with this ID.
func (s *Room) ownServerLocked(projectID, id string) (*server, *apiError) {
	srv, ok := s.servers[id]
	if !ok || srv.ProjectID != projectID {
		return nil, errorf(http.StatusNotFound, "Instance %s could not be found.", id)
	}
	return srv, nil
}

// checkServerState answers 409 as Nova's check_instance_state does when the
// server's vm_state is not one of vmStates or a task is running; with
// checkLock it first refuses a locked server.
func checkServerState(w http.ResponseWriter, srv *server, action string, checkLock bool, vmStates ...string) bool {
	if checkLock && srv.Locked {
		core.NovaErrors.Write(w, http.StatusConflict, fmt.Sprintf("Instance %s is locked", srv.ID))
		return false
	}
	if !checkServerVMState(w, srv, action, vmStates...) {
		return false
	}
	if srv.TaskState != "" {
		core.NovaErrors.Write(w, http.StatusConflict, fmt.Sprintf("Cannot '%s' instance %s while it is in task_state %s", action, srv.ID, srv.TaskState))
		return false
	}
	return true
}

// checkServerVMState is checkServerState for actions that may run during a task.
func checkServerVMState(w http.ResponseWriter, srv *server, action string, vmStates ...string) bool {
	if slices.Contains(vmStates, srv.VMState) {
		return true
	}
	core.NovaErrors.Write(w, http.StatusConflict, fmt.Sprintf("Cannot '%s' instance %s while it is in vm_state %s", action, srv.ID, srv.VMState))
	return false
}

// usageLocked counts the project's instances, cores and RAM.
func (s *Room) usageLocked(projectID string) (instances, cores, ramMiB int) {
	for _, srv := range s.servers {
		if srv.ProjectID == projectID && srv.VMState != "deleted" {
			instances++
			cores += srv.Flavor.VCPUs
			ramMiB += srv.Flavor.RAMMiB
		}
	}
	return instances, cores, ramMiB
}

// devices are the device names of the server's volumes.
func (srv *server) devices() []string {
	var out []string
	for _, v := range srv.Volumes {
		out = append(out, v.Device)
	}
	return out
}

// nextDevice is the first free /dev/vdX after the root disk.
func (srv *server) nextDevice() string {
	used := srv.devices()
	if srv.ImageID != "" {
		used = append(used, srv.RootDevice)
	}
	for c := 'a'; c <= 'z'; c++ {
		if d := "/dev/vd" + string(c); !slices.Contains(used, d) {
			return d
		}
	}
	return ""
}

func (srv *server) volume(id string) *serverVolume {
	for _, v := range srv.Volumes {
		if v.VolumeID == id {
			return v
		}
	}
	return nil
}

func (srv *server) port(id string) *serverPort {
	for _, p := range srv.Ports {
		if p.PortID == id {
			return p
		}
	}
	return nil
}
