package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Tenant is a tenant fixture: what a tenant has on its source cloud,
// described by name. examples/tenant.yaml is the realistic one the demo
// seeds.
type Tenant struct {
	APIVersion     string           `yaml:"apiVersion"`
	Kind           string           `yaml:"kind"`
	Name           string           `yaml:"name"`
	Keypairs       []TenantKeypair  `yaml:"keypairs"`
	Networks       []TenantNetwork  `yaml:"networks"`
	Routers        []TenantRouter   `yaml:"routers"`
	SecurityGroups []TenantSecGroup `yaml:"securityGroups"`
	ServerGroups   []TenantSrvGroup `yaml:"serverGroups"`
	Images         []TenantImage    `yaml:"images"`
	Volumes        []TenantVolume   `yaml:"volumes"`
	Servers        []TenantServer   `yaml:"servers"`
	LoadBalancers  []TenantLB       `yaml:"loadBalancers"`
	// Buckets are object storage containers (S3 buckets) with
	// generated objects.
	Buckets []TenantBucket `yaml:"buckets"`
	// Quotas replace some of the project's quotas before anything is
	// seeded.
	Quotas *TenantQuotas `yaml:"quotas"`
	// Bulk adds a big generated tenant (sim.Cloud.SeedBulk) after the
	// resources above.
	Bulk *BulkSpec `yaml:"bulk"`
}

// TenantQuotas are quotas to set on a project; nil fields keep the
// project's value. Fields and names are those of Quotas, lowerCamelCase.
type TenantQuotas struct {
	Instances          *int `yaml:"instances"`
	Cores              *int `yaml:"cores"`
	RAMMiB             *int `yaml:"ramMiB"`
	KeyPairs           *int `yaml:"keyPairs"`
	ServerGroups       *int `yaml:"serverGroups"`
	Volumes            *int `yaml:"volumes"`
	Gigabytes          *int `yaml:"gigabytes"`
	Snapshots          *int `yaml:"snapshots"`
	Backups            *int `yaml:"backups"`
	Networks           *int `yaml:"networks"`
	Subnets            *int `yaml:"subnets"`
	Ports              *int `yaml:"ports"`
	Routers            *int `yaml:"routers"`
	FloatingIPs        *int `yaml:"floatingIPs"`
	SecurityGroups     *int `yaml:"securityGroups"`
	SecurityGroupRules *int `yaml:"securityGroupRules"`
	LoadBalancers      *int `yaml:"loadBalancers"`
}

// quotaFields pairs every field of o with the Quotas field of the same
// name in q, under its fixture name.
func (o *TenantQuotas) quotaFields(q *Quotas) []quotaField {
	ov, qv := reflect.ValueOf(o).Elem(), reflect.ValueOf(q).Elem()
	out := make([]quotaField, ov.NumField())
	for i := range out {
		f := ov.Type().Field(i)
		out[i] = quotaField{name: f.Tag.Get("yaml"), set: ov.Field(i).Addr().Interface().(**int),
			value: qv.FieldByName(f.Name).Addr().Interface().(*int)}
	}
	return out
}

type quotaField struct {
	name  string
	set   **int
	value *int
}

// Apply returns q with the quotas o sets replaced.
func (o TenantQuotas) Apply(q Quotas) Quotas {
	for _, f := range o.quotaFields(&q) {
		if *f.set != nil {
			*f.value = **f.set
		}
	}
	return q
}

// validate refuses negative quotas (the simulator has no "unlimited").
func (o *TenantQuotas) validate() error {
	for _, f := range o.quotaFields(&Quotas{}) {
		if *f.set != nil && **f.set < 0 {
			return fmt.Errorf("%s: %d is negative", f.name, **f.set)
		}
	}
	return nil
}

// ParseQuotas reads quotas as a command line gives them,
// "instances=2,gigabytes=10", with the names of the fixture's quotas
// section.
func ParseQuotas(spec string) (TenantQuotas, error) {
	var o TenantQuotas
	fields := o.quotaFields(&Quotas{})
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		i := slices.IndexFunc(fields, func(f quotaField) bool { return f.name == strings.TrimSpace(key) })
		if !ok || i < 0 {
			return o, fmt.Errorf("%q: want NAME=NUMBER with NAME one of %s", part, quotaNames(fields))
		}
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil {
			return o, fmt.Errorf("%q: %q is not a number", part, val)
		}
		*fields[i].set = &n
	}
	return o, o.validate()
}

func quotaNames(fields []quotaField) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// UpdateQuotas sets the quotas o gives on the named project and keeps
// the others.
func (c *Cloud) UpdateQuotas(projectName string, o TenantQuotas) error {
	if err := o.validate(); err != nil {
		return err
	}
	c.Lock()
	defer c.Unlock()
	id := c.identity.ProjectIDLocked(projectName)
	if id == "" {
		return fmt.Errorf("no project %q", projectName)
	}
	c.SetQuotaLocked(id, o.Apply(c.QuotaLocked(id)))
	return nil
}

// TenantKeypair is an imported public key.
type TenantKeypair struct {
	Name      string `yaml:"name"`
	PublicKey string `yaml:"publicKey"`
}

// TenantNetwork is a network with its subnets.
type TenantNetwork struct {
	Name    string         `yaml:"name"`
	MTU     int            `yaml:"mtu"`
	Subnets []TenantSubnet `yaml:"subnets"`
}

// TenantSubnet is a subnet.
type TenantSubnet struct {
	Name            string        `yaml:"name"`
	CIDR            string        `yaml:"cidr"`
	Gateway         string        `yaml:"gateway"`
	DNS             []string      `yaml:"dns"`
	AllocationPools []TenantPool  `yaml:"allocationPools"`
	HostRoutes      []TenantRoute `yaml:"hostRoutes"`
}

// TenantPool is an allocation pool.
type TenantPool struct {
	Start string `yaml:"start"`
	End   string `yaml:"end"`
}

// TenantRoute is a host route or router route.
type TenantRoute struct {
	Destination string `yaml:"destination"`
	NextHop     string `yaml:"nextHop"`
}

// TenantRouter is a router; Interfaces name subnets.
type TenantRouter struct {
	Name            string        `yaml:"name"`
	ExternalGateway bool          `yaml:"externalGateway"`
	Interfaces      []string      `yaml:"interfaces"`
	Routes          []TenantRoute `yaml:"routes"`
}

// TenantSecGroup is a security group; rules may name other groups.
type TenantSecGroup struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Rules       []TenantSGRule `yaml:"rules"`
}

// TenantSGRule is a rule. Ports is "22" or "8000-8080".
type TenantSGRule struct {
	Direction      string `yaml:"direction"`
	EtherType      string `yaml:"etherType"`
	Protocol       string `yaml:"protocol"`
	Ports          string `yaml:"ports"`
	RemoteIPPrefix string `yaml:"remoteIPPrefix"`
	RemoteGroup    string `yaml:"remoteGroup"`
	Description    string `yaml:"description"`
}

// TenantSrvGroup is a server group.
type TenantSrvGroup struct {
	Name   string `yaml:"name"`
	Policy string `yaml:"policy"`
}

// TenantImage is a private image whose bytes the seeder generates.
type TenantImage struct {
	Name       string            `yaml:"name"`
	DiskFormat string            `yaml:"diskFormat"`
	SizeMiB    int               `yaml:"sizeMiB"`
	MinDiskGB  int               `yaml:"minDiskGB"`
	MinRAMMiB  int               `yaml:"minRAMMiB"`
	Properties map[string]string `yaml:"properties"`
	Tags       []string          `yaml:"tags"`
}

// TenantVolume is a volume. DataMiB of generated data are written at
// its start (and, for a sparse-looking disk, nothing else).
type TenantVolume struct {
	Name        string            `yaml:"name"`
	SizeGB      int               `yaml:"sizeGB"`
	Type        string            `yaml:"type"`
	Image       string            `yaml:"image"`
	DataMiB     int               `yaml:"dataMiB"`
	Description string            `yaml:"description"`
	Metadata    map[string]string `yaml:"metadata"`
}

// TenantServer is a server.
type TenantServer struct {
	Name           string            `yaml:"name"`
	Flavor         string            `yaml:"flavor"`
	Image          string            `yaml:"image"`
	BootVolume     *TenantBootVolume `yaml:"bootVolume"`
	Networks       []TenantServerNIC `yaml:"networks"`
	SecurityGroups []string          `yaml:"securityGroups"`
	Keypair        string            `yaml:"keypair"`
	ServerGroup    string            `yaml:"serverGroup"`
	AZ             string            `yaml:"availabilityZone"`
	Metadata       map[string]string `yaml:"metadata"`
	Tags           []string          `yaml:"tags"`
	Volumes        []string          `yaml:"volumes"`
	FloatingIP     bool              `yaml:"floatingIP"`
	Stopped        bool              `yaml:"stopped"`
}

// TenantBootVolume makes a server boot from a volume created from an image.
type TenantBootVolume struct {
	Image               string `yaml:"image"`
	SizeGB              int    `yaml:"sizeGB"`
	Type                string `yaml:"type"`
	DeleteOnTermination bool   `yaml:"deleteOnTermination"`
}

// TenantServerNIC attaches a server to a network, optionally at a fixed IP.
type TenantServerNIC struct {
	Network string `yaml:"network"`
	FixedIP string `yaml:"fixedIP"`
}

// TenantLB is a load balancer with one listener → pool → members chain
// per listener.
type TenantLB struct {
	Name      string           `yaml:"name"`
	Subnet    string           `yaml:"subnet"`
	Listeners []TenantListener `yaml:"listeners"`
}

// TenantListener is a listener with its default pool.
type TenantListener struct {
	Name          string               `yaml:"name"`
	Protocol      string               `yaml:"protocol"`
	Port          int                  `yaml:"port"`
	Algorithm     string               `yaml:"algorithm"`
	MemberPort    int                  `yaml:"memberPort"`
	Members       []string             `yaml:"members"`
	HealthMonitor *TenantHealthMonitor `yaml:"healthMonitor"`
}

// TenantHealthMonitor checks pool members.
type TenantHealthMonitor struct {
	Type       string `yaml:"type"`
	Delay      int    `yaml:"delay"`
	Timeout    int    `yaml:"timeout"`
	MaxRetries int    `yaml:"maxRetries"`
	URLPath    string `yaml:"urlPath"`
}

// LoadTenant reads and validates a tenant fixture. Errors name the file
// and the field.
func LoadTenant(path string) (*Tenant, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tenant fixture: %w", err)
	}
	t, err := ParseTenant(b)
	if err != nil {
		return nil, fmt.Errorf("tenant fixture %s: %w", path, err)
	}
	return t, nil
}

// ParseTenant decodes and validates a tenant fixture; unknown fields are
// errors, so a typo never goes unnoticed.
func ParseTenant(b []byte) (*Tenant, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var t Tenant
	if err := dec.Decode(&t); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty")
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	return &t, nil
}
