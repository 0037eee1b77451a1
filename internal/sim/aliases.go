package sim

import "github.com/scs-migrate/scs-migrate/internal/sim/core"

// The provider's description lives in core, where every room reads it.
type (
	// Profile is an SCS-compliant provider as the simulator plays it.
	Profile = core.Profile
	// VolumeTypeSpec is a Cinder volume type.
	VolumeTypeSpec = core.VolumeTypeSpec
	// FlavorSpec is a Nova flavor.
	FlavorSpec = core.FlavorSpec
	// Quotas are the per-project limits the simulator enforces.
	Quotas = core.Quotas
	// ProjectSpec is a project and the one member user that works in it.
	ProjectSpec = core.ProjectSpec
	// Faults describe what goes wrong on a simulated cloud.
	Faults = core.Faults
)

// DefaultQuotas are OpenStack's own defaults, enlarged where a demo
// tenant would otherwise not fit.
var DefaultQuotas = core.DefaultQuotas

// SourceProfile plays the provider a tenant leaves.
func SourceProfile() Profile { return core.SourceProfile() }

// TargetProfile plays the provider a tenant moves to.
func TargetProfile() Profile { return core.TargetProfile() }

// ParseFaults reads a fault specification such as
// "error-rate=0.05,reset-rate=0.01,latency=20ms,token-ttl=60s".
func ParseFaults(spec string) (Faults, error) { return core.ParseFaults(spec) }
